"""Measures a gather with the script's own clocks."""
import asyncio
import time


async def main():
    loop = asyncio.get_running_loop()
    start, start_loop, start_mono = time.perf_counter(), loop.time(), time.monotonic()
    await asyncio.gather(asyncio.sleep(1), asyncio.sleep(2))
    print(time.perf_counter() - start, loop.time() - start_loop, time.monotonic() - start_mono)


asyncio.run(main())
