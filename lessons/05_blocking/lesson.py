"""Lesson 5: blocking the loop."""
import asyncio
import concurrent.futures
import time


def blocking_query(latency):
    time.sleep(latency)  # a synchronous driver: the thread waits here


async def handle_with_blocking_driver(latency):
    blocking_query(latency)  # the mistake: it holds the loop


async def handle_with_async_driver(latency):
    await asyncio.sleep(latency)


async def handle_offloaded(latency):
    await asyncio.to_thread(blocking_query, latency)


async def serve(requests, handle, latency, threads=4):
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor(threads))
    await asyncio.gather(*(handle(latency) for _ in range(requests)))


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    harness.main({"blocking driver": lambda p, s: serve(int(p["requests"]), handle_with_blocking_driver, s(p["query"])),
                  "async driver": lambda p, s: serve(int(p["requests"]), handle_with_async_driver, s(p["query"])),
                  "to_thread": lambda p, s: serve(int(p["requests"]), handle_offloaded, s(p["query"]), int(p["pool"]))},
                 {"requests": 5, "query": 300, "pool": 4})
