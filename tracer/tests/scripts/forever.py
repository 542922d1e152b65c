"""Never ends by itself; its cleanup runs when it is interrupted."""
import asyncio


async def main():
    try:
        while True:
            await asyncio.sleep(1)
    finally:
        print("cleaned up")


asyncio.run(main())
