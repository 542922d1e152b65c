"""Thread jobs that fail, that outlive their caller, and a process pool."""
import asyncio
import concurrent.futures
import time


def read_disk():
    time.sleep(1)
    raise OSError("disk full")


def slow_report():
    time.sleep(5)


async def main():
    try:
        await asyncio.to_thread(read_disk)
    except OSError as error:
        print("caught", error)
    try:
        await asyncio.wait_for(asyncio.to_thread(slow_report), 2)
    except TimeoutError:
        print("timed out")
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        print(await asyncio.get_running_loop().run_in_executor(pool, pow, 2, 10))


asyncio.run(main())
