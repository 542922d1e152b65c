"""Lesson 1: a coroutine suspends and resumes."""
import asyncio


async def fetch_page(latency):
    await asyncio.sleep(latency)  # suspend here; resume once the timer has fired


async def one_timer(home):
    await asyncio.create_task(fetch_page(home))


async def two_timers(home, about):
    await asyncio.gather(fetch_page(home), fetch_page(about))


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    harness.main({"one timer": lambda p, s: one_timer(s(p["home"])),
                  "two timers": lambda p, s: two_timers(s(p["home"]), s(p["about"]))},
                 {"home": 1000, "about": 500})
