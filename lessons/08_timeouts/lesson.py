"""Lesson 8: timeouts and cancellation."""
import asyncio


async def fetch_report(latency, close_time):
    try:
        await asyncio.sleep(latency)  # a cancellation lands here, at the suspension point
    finally:
        await asyncio.sleep(close_time)  # close the connection, even when cancelled


async def patiently(latency, close_time):
    await asyncio.create_task(fetch_report(latency, close_time))


async def impatiently(latency, close_time, timeout):
    fetch = asyncio.create_task(fetch_report(latency, close_time))
    await asyncio.wait_for(fetch, timeout)  # 3.12+: async with asyncio.timeout(timeout): await fetch


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    harness.main({"no timeout": lambda p, s: patiently(s(p["latency"]), s(p["close"])),
                  "wait_for": lambda p, s: impatiently(s(p["latency"]), s(p["close"]), s(p["timeout"]))},
                 {"latency": 1500, "timeout": 1000, "close": 300})
