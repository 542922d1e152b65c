"""The same program as Loopscope's yield benchmark, in CPython asyncio:
N tasks, each yielding to the loop three times, gathered. Prints one JSON
object with the time spent inside the event loop."""
import asyncio
import json
import sys
import time


async def worker():
    for _ in range(3):
        await asyncio.sleep(0)


async def main(n):
    await asyncio.gather(*(worker() for _ in range(n)))


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    start = time.perf_counter()
    asyncio.run(main(n))
    print(json.dumps({"tasks": n, "seconds": time.perf_counter() - start}))
