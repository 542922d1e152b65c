"""Runs one variant of a lesson's asyncio program and prints what happened
as one JSON object, in the shape of `loopscope run --json`:

    python3 lessons/03_gather/lesson.py --variant gather --set pages=5

The test suite runs it under the tracer's virtual clock, which makes it
exact and instant:

    python3 tracer/loopscope_trace.py --out /dev/null -- lessons/03_gather/lesson.py --variant gather

--scale shrinks every duration (0.05: one second lasts 50 ms) for a run on
the real clock; the times printed are scaled back to the lesson's seconds.
"""
import argparse
import asyncio
import json
import time


def main(variants, defaults):
    parser = argparse.ArgumentParser(description="Run one variant of this lesson")
    parser.add_argument("--variant", choices=sorted(variants), default=next(iter(variants)))
    parser.add_argument("--scale", type=float, default=1.0, help="time unit: 0.05 runs 20 times faster")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    params = dict(defaults)
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in params:
            parser.error(f"no parameter {name!r} (there is: {', '.join(params)})")
        params[name] = float(value)

    def seconds(ms):
        """A duration in milliseconds, as this run's scaled seconds."""
        return ms / 1000.0 * args.scale

    observe = _observe(variants[args.variant], params, seconds, args.scale)
    observe.__qualname__ = "main"  # a tracer names the main task after it, as the C++ run does
    print(json.dumps(asyncio.run(observe)))


async def _observe(variant, params, seconds, scale):
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    tasks = []  # every task the variant creates, in order: ids 1..N
    ended = []  # their ids, in the order they ended

    def now():
        return (time.perf_counter() - start) / scale

    def factory(loop, coro, **kwargs):
        record = {"id": len(tasks) + 1, "state": "not_started", "start_s": None, "end_s": None}

        async def observed():
            record["start_s"] = now()
            try:
                result = await coro
            except asyncio.CancelledError:
                record["state"] = "cancelled"
                raise
            except BaseException:
                record["state"] = "failed"
                raise
            else:
                record["state"] = "done"
                return result
            finally:
                record["end_s"] = now()
                ended.append(record["id"])

        wrapped = observed()
        # A tracer names a task after its coroutine: the variant's, not this wrapper.
        wrapped.__qualname__ = getattr(coro, "__qualname__", wrapped.__qualname__)
        task = asyncio.Task(wrapped, loop=loop, **kwargs)
        task._loopscope_record = record
        # CPython 3.13.0 names a factory's task after the factory returns,
        # None included ("None"): keep the name a task was given, or its default.
        set_name = task.set_name
        task.set_name = lambda value: value is not None and set_name(value)
        tasks.append(task)
        return task

    loop.set_task_factory(factory)
    error = None
    try:
        await variant(params, seconds)
    except Exception as e:  # what reached the variant's await
        error = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    except asyncio.CancelledError:
        error = "CancelledError"
    returned = now()
    # Keep watching until every task has ended, so their ends are recorded.
    await asyncio.gather(*tasks, return_exceptions=True)
    loop.set_task_factory(None)
    records = [t._loopscope_record for t in tasks]
    ends = [r["end_s"] for r in records if r["end_s"] is not None]
    return {
        "returned_s": returned,
        "makespan_s": max(ends, default=0.0),
        "error": error,
        "tasks": records,
        "completion_order": ended,
    }
