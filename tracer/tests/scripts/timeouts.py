"""asyncio.timeout(1.5) and wait_for(..., 2) around a 5 s call: each is
cancelled at its deadline and fails with TimeoutError."""
import asyncio
import sys

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def slow_call():
    await asyncio.sleep(5 * SCALE)


async def with_timeout():
    async with asyncio.timeout(1.5 * SCALE):
        await slow_call()


async def with_wait_for():
    await asyncio.wait_for(slow_call(), 2 * SCALE)


async def main():
    await asyncio.gather(with_timeout(), with_wait_for(), return_exceptions=True)


asyncio.run(main())
