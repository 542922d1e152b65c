"""Three blocking calls offloaded to threads run side by side: 1 s in all."""
import asyncio
import sys
import time

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def main():
    await asyncio.gather(*(asyncio.to_thread(time.sleep, 1 * SCALE) for _ in range(3)))


asyncio.run(main())
