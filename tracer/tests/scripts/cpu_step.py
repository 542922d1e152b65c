"""A step that computes for about 30 ms of real time, then a 1 s sleep."""
import asyncio
import time


def busy(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def main():
    busy(0.03)
    await asyncio.sleep(1)


asyncio.run(main())
