"""Two calls gathered: they wait at the same time, so the page is ready
after the longest one (2 s), not after both one by one (3 s)."""
import asyncio
import time


async def fetch_user():
    await asyncio.sleep(1)  # stands for a 1 s database query
    return {"name": "Ada"}


async def fetch_orders():
    await asyncio.sleep(2)  # stands for a 2 s call to another service
    return ["book", "lamp"]


async def main():
    start = time.perf_counter()
    user, orders = await asyncio.gather(fetch_user(), fetch_orders())
    print(f"{user['name']} has {len(orders)} orders")
    print(f"took {time.perf_counter() - start:.2f} s")


asyncio.run(main())
