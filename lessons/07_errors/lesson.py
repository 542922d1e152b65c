"""Lesson 7: errors in concurrent tasks."""
import asyncio


def call_latency(i, calls, latency):
    return latency * i / calls  # the first call is quick, the last slow


async def call_api(i, latency, failing):
    await asyncio.sleep(latency)
    if i == failing:
        raise RuntimeError(f"API call {i} failed: 503 Service Unavailable")


async def with_gather(calls, latency, failing):
    await asyncio.gather(*(call_api(i, call_latency(i, calls, latency), failing) for i in range(1, calls + 1)))


async def with_return_exceptions(calls, latency, failing):
    await asyncio.gather(*(call_api(i, call_latency(i, calls, latency), failing) for i in range(1, calls + 1)),
                         return_exceptions=True)


async def with_task_group(calls, latency, failing):
    async with asyncio.TaskGroup() as group:
        for i in range(1, calls + 1):
            group.create_task(call_api(i, call_latency(i, calls, latency), failing))


# --- harness: the test suite runs this file; what follows is not part of the lesson
if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import harness

    def run(way):
        return lambda p, s: way(int(p["calls"]), s(p["latency"]), int(p["failing"]))

    harness.main({"gather": run(with_gather), "return_exceptions": run(with_return_exceptions),
                  "TaskGroup": run(with_task_group)},
                 {"calls": 4, "latency": 2000, "failing": 2})
