"""Lesson 14: first result wins."""
import asyncio


async def download(latency):
    await asyncio.sleep(latency)  # the same file, from one mirror


def ask_every_mirror(eu, us, asia):
    return [asyncio.create_task(download(eu)), asyncio.create_task(download(us)),
            asyncio.create_task(download(asia))]


async def gather_all(eu, us, asia):
    downloads = ask_every_mirror(eu, us, asia)
    await asyncio.gather(*downloads)


async def first_then_forget(eu, us, asia):
    downloads = ask_every_mirror(eu, us, asia)
    for first in asyncio.as_completed(downloads):
        return await first  # the first to finish; the others run on


async def first_then_cancel(eu, us, asia):
    downloads = ask_every_mirror(eu, us, asia)
    done, pending = await asyncio.wait(downloads, return_when=asyncio.FIRST_COMPLETED)
    for loser in pending:
        loser.cancel()


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    def run(how):
        return lambda p, s: how(s(p["eu"]), s(p["us"]), s(p["asia"]))

    harness.main({"gather all": run(gather_all), "first, forget the rest": run(first_then_forget),
                  "first, cancel the rest": run(first_then_cancel)},
                 {"eu": 800, "us": 300, "asia": 1500})
