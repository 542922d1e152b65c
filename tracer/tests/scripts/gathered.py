"""The same three awaits gathered: the total is the longest (3 s)."""
import asyncio
import sys

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def fetch(seconds):
    await asyncio.sleep(seconds * SCALE)


async def main():
    await asyncio.gather(fetch(1), fetch(2), fetch(3))


asyncio.run(main())
