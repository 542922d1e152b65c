"""A timer due at 1 s, while another task blocks the loop from 0.5 s to
2.5 s: the sleeper is ready from 1 s, but runs only at 2.5 s."""
import asyncio
import time


async def sleeper():
    await asyncio.sleep(1)


async def blocker():
    await asyncio.sleep(0.5)
    time.sleep(2)


async def main():
    await asyncio.gather(sleeper(), blocker())


asyncio.run(main())
