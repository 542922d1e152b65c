"""The main coroutine fails: an uncaught exception ends the script."""
import asyncio


async def load_config():
    await asyncio.sleep(1)
    raise RuntimeError("config file missing")


async def main():
    await load_config()


asyncio.run(main())
