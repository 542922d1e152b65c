"""Three awaits one after another: the total is the sum (1 + 2 + 3 s)."""
import asyncio
import sys

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def fetch(seconds):
    await asyncio.sleep(seconds * SCALE)


async def main():
    for seconds in (1, 2, 3):
        await fetch(seconds)


asyncio.run(main())
