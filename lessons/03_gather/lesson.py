"""Lesson 3: concurrent with gather."""
import asyncio


def page_latency(i, pages, latency, spread_pct):
    """Page i takes latency x (1 + spread x a fixed pattern in [-1, 1])."""
    f = 0.0 if pages == 1 else -1.0 + 2.0 * ((i * 7) % pages) / (pages - 1)
    return latency * (1.0 + spread_pct / 100.0 * f)


async def fetch_page(latency):
    await asyncio.sleep(latency)  # waiting for the server


async def one_by_one(pages, latency, spread):
    for i in range(1, pages + 1):
        await asyncio.create_task(fetch_page(page_latency(i, pages, latency, spread)))


async def gathered(pages, latency, spread):
    await asyncio.gather(*(fetch_page(page_latency(i, pages, latency, spread)) for i in range(1, pages + 1)))


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    harness.main({"sequential": lambda p, s: one_by_one(int(p["pages"]), s(p["latency"]), p["spread"]),
                  "gather": lambda p, s: gathered(int(p["pages"]), s(p["latency"]), p["spread"])},
                 {"pages": 8, "latency": 500, "spread": 60})
