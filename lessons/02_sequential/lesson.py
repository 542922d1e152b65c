"""Lesson 2: sequential awaits add up."""
import asyncio


def page_latency(i, latency):
    """Page i takes latency x 1, 1.5 or 0.5, in turn."""
    return latency * (1.0, 1.5, 0.5)[(i - 1) % 3]


async def fetch_page(latency):
    await asyncio.sleep(latency)  # waiting for the server


async def await_in_a_loop(pages, latency):
    for i in range(1, pages + 1):
        await asyncio.create_task(fetch_page(page_latency(i, latency)))


async def all_at_once(pages, latency):
    await asyncio.gather(*(fetch_page(page_latency(i, latency)) for i in range(1, pages + 1)))


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    harness.main({"await in a loop": lambda p, s: await_in_a_loop(int(p["pages"]), s(p["latency"])),
                  "gather": lambda p, s: all_at_once(int(p["pages"]), s(p["latency"]))},
                 {"pages": 5, "latency": 400})
