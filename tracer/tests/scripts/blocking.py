"""One of five gathered tasks blocks the loop with time.sleep(2): the
other four are ready, but cannot run, for those 2 s."""
import asyncio
import sys
import time

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def handler(blocks):
    if blocks:
        time.sleep(2 * SCALE)
    await asyncio.sleep(1 * SCALE)


async def main():
    await asyncio.gather(*(handler(i == 0) for i in range(5)))


asyncio.run(main())
