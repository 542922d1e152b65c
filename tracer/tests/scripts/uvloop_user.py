"""Uses uvloop when it is installed, as many servers do."""
import asyncio

try:
    import uvloop
except ImportError:
    uvloop = None


async def main():
    await asyncio.gather(asyncio.sleep(1), asyncio.sleep(2))
    print(type(asyncio.get_running_loop()).__module__, uvloop is not None)


if uvloop is not None:
    uvloop.install()
asyncio.run(main())
