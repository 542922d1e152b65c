"""The sandbox's workload as an asyncio program: what `loopscope run` runs,
written as a learner would write it with asyncio, so that CPython can be
asked what it does with the same workload.

    python3 sandbox_twin.py '{"strategy": "bounded", "durations": [0.5, 0, 1],
                              "limit": 2, "block": {"2": 1, "3": 1}}'

Prints one JSON object: when the strategy's await returned (by
time.perf_counter, which the tracer's virtual clock makes exact) and what it
raised. The tasks, named "task 1".."task N", are seen by the tracer.
"""
import asyncio
import json
import sys
import time


def work_of(spec, i):
    """Task i's part of the workload."""
    key = str(i)
    return (spec.get("block", {}).get(key, 0.0) + spec.get("cpu", {}).get(key, 0.0),
            spec["durations"][i - 1],
            i in spec.get("fail", []))


async def task_body(spec, i):
    holds, sleeps, fails = work_of(spec, i)
    if holds:
        time.sleep(holds)  # a blocking call (or a computation): holds the loop
    await asyncio.sleep(sleeps)
    if fails:
        raise RuntimeError(f"task {i} failed")


async def body(spec, i):
    if spec.get("timeout") is not None:
        async with asyncio.timeout(spec["timeout"]):
            await task_body(spec, i)
    else:
        await task_body(spec, i)


async def limited(sem, spec, i):
    async with sem:
        await body(spec, i)


async def run_strategy(spec, started):
    n = len(spec["durations"])
    how = spec["strategy"]

    def start(coro, i):
        task = asyncio.create_task(coro, name=f"task {i}")
        started.append(task)
        return task

    if how == "sequential":
        for i in range(1, n + 1):
            await start(body(spec, i), i)
    elif how in ("gather", "gather-return-exceptions"):
        tasks = [start(body(spec, i), i) for i in range(1, n + 1)]
        await asyncio.gather(*tasks, return_exceptions=how != "gather")
    elif how == "bounded":
        sem = asyncio.Semaphore(spec["limit"])
        tasks = [start(limited(sem, spec, i), i) for i in range(1, n + 1)]
        await asyncio.gather(*tasks)
    elif how == "taskgroup":
        async with asyncio.TaskGroup() as group:
            for i in range(1, n + 1):
                started.append(group.create_task(body(spec, i), name=f"task {i}"))
    else:
        raise SystemExit(f"unknown strategy {how}")


def describe(exc):
    if isinstance(exc, asyncio.CancelledError):
        return "CancelledError"
    if isinstance(exc, TimeoutError):
        return "TimeoutError"
    if isinstance(exc, BaseExceptionGroup):
        return "ExceptionGroup"
    return f"{type(exc).__name__}: {exc}"


async def main(spec):
    t0 = time.perf_counter()
    started = []
    error = None
    try:
        await run_strategy(spec, started)
    except BaseException as exc:  # what reached the strategy's await
        error = describe(exc)
    returned = time.perf_counter() - t0
    # Every task the strategy started runs to its end, as the sandbox waits.
    await asyncio.gather(*started, return_exceptions=True)
    return {"returned_s": returned, "error": error}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
