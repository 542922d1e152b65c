"""A task created without keeping a reference, then dropped while it waits."""
import asyncio
import gc


async def background():
    await asyncio.Event().wait()   # nothing will ever set it


async def main():
    asyncio.create_task(background())
    await asyncio.sleep(1)
    gc.collect()
    await asyncio.sleep(1)


asyncio.run(main())
