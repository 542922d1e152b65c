"""Five one-second jobs on a pool of two workers: they end at 1, 1, 2, 2, 3 s."""
import asyncio
import concurrent.futures
import time


async def main():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        await asyncio.gather(*(loop.run_in_executor(pool, time.sleep, 1) for _ in range(5)))


asyncio.run(main())
