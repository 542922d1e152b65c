"""A blocking library call, offloaded to threads: three one-second reads
finish together after 1 s, and the loop keeps ticking meanwhile."""
import asyncio
import time


def read_sensor(number):
    time.sleep(1)  # a blocking call: a driver, a file, requests.get...
    return 20 + number


async def heartbeat():
    for _ in range(3):
        print("tick")
        await asyncio.sleep(0.3)


async def main():
    start = time.perf_counter()
    beat = asyncio.create_task(heartbeat())
    readings = await asyncio.gather(*(asyncio.to_thread(read_sensor, n) for n in range(3)))
    print(f"readings {readings} after {time.perf_counter() - start:.2f} s")
    await beat


asyncio.run(main())
