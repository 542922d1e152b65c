"""Lesson 6: CPU-bound work."""
import asyncio
import hashlib
import time


def compute(seconds):
    """Pure-Python busy work for this long: it holds the GIL."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def compute_releasing_the_gil(seconds):
    """Hashing for this long: hashlib lets go of the GIL while it works."""
    data = b"image" * 20_000
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        hashlib.sha256(data).digest()


async def heartbeat(beats, period):
    for _ in range(beats):
        await asyncio.sleep(period)


async def resize_all(work):
    compute(work)


async def resize_in_chunks(work, chunk):
    done = 0.0
    while done < work:
        compute(min(chunk, work - done))
        done += chunk
        await asyncio.sleep(0)  # give the loop back between chunks


async def resize_on_a_thread(work):
    # Work that releases the GIL really runs beside the loop; pure-Python
    # work here would still take turns with it for the GIL, 5 ms at a time
    # (sys.getswitchinterval()).
    await asyncio.to_thread(compute_releasing_the_gil, work)


async def with_heartbeat(beats, period, job):
    await asyncio.gather(heartbeat(beats, period), job)


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    def beats(p):
        return int(p["work"] / 100) + 3

    harness.main({"one long computation": lambda p, s: with_heartbeat(beats(p), s(100), resize_all(s(p["work"]))),
                  "chunked": lambda p, s: with_heartbeat(beats(p), s(100), resize_in_chunks(s(p["work"]), s(p["chunk"]))),
                  "to_thread": lambda p, s: with_heartbeat(beats(p), s(100), resize_on_a_thread(s(p["work"])))},
                 {"work": 1000, "chunk": 50})
