"""Five one-second tasks, at most two at a time: 3 s in all."""
import asyncio
import sys

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def fetch(limit):
    async with limit:
        await asyncio.sleep(1 * SCALE)


async def main():
    limit = asyncio.Semaphore(2)
    await asyncio.gather(*(fetch(limit) for _ in range(5)))


asyncio.run(main())
