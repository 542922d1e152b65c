"""The tracer's overhead, measured in one run of this script:

    python3 tracer/bench.py [--tasks 100000] [--rounds 3] [--clock virtual]

Runs the same workload (N tasks, each yielding to the loop three times with
asyncio.sleep(0), gathered) untraced and traced, alternately, `rounds` times
each, and prints the best wall time of each, their ratio, the events per
second and the bytes per event of the traced runs. Both timings include
starting the interpreter.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRACER = os.path.join(HERE, "loopscope_trace.py")

WORKLOAD = """\
import asyncio
import sys


async def worker():
    for _ in range(3):
        await asyncio.sleep(0)


async def main(n):
    await asyncio.gather(*(worker() for _ in range(n)))


asyncio.run(main(int(sys.argv[1])))
"""


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clock", choices=("virtual", "real"), default="virtual")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "yields.py")
        trace = os.path.join(tmp, "trace.jsonl")
        with open(script, "w") as f:
            f.write(WORKLOAD)
        plain = [sys.executable, script, str(args.tasks)]
        traced = [sys.executable, TRACER, "--clock", args.clock, "--out", trace, "--",
                  script, str(args.tasks)]
        untraced_s, traced_s = [], []
        for _ in range(args.rounds):
            untraced_s.append(timed(plain))
            traced_s.append(timed(traced))
        with open(trace, "rb") as f:
            data = f.read()
    events = data.count(b"\n")
    best_plain, best_traced = min(untraced_s), min(traced_s)
    print(f"python {sys.version.split()[0]}, {args.tasks} tasks x 3 yields, "
          f"{args.clock} clock, best of {args.rounds}")
    print(f"untraced  {best_plain:.3f} s")
    print(f"traced    {best_traced:.3f} s")
    print(f"overhead  {best_traced / best_plain:.2f}x (target <= 3x)")
    print(f"events    {events} ({events / args.tasks:.1f} per task), "
          f"{events / best_traced:,.0f} events/s")
    print(f"bytes     {len(data) / max(events, 1):.1f} per event")


if __name__ == "__main__":
    main()
