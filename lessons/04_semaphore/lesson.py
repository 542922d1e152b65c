"""Lesson 4: bounded by a semaphore."""
import asyncio


async def call_api(latency):
    await asyncio.sleep(latency)  # the API is working on our request


async def polite_call(limit, latency):
    async with limit:  # wait for a permit; give it back at the end
        await call_api(latency)


async def flood(requests, latency):
    await asyncio.gather(*(call_api(latency) for _ in range(requests)))


async def bounded(requests, limit, latency):
    permits = asyncio.Semaphore(limit)
    await asyncio.gather(*(polite_call(permits, latency) for _ in range(requests)))


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    harness.main({"gather": lambda p, s: flood(int(p["requests"]), s(p["latency"])),
                  "bounded": lambda p, s: bounded(int(p["requests"]), int(p["limit"]), s(p["latency"]))},
                 {"requests": 12, "limit": 3, "latency": 500})
