#!/usr/bin/env python3
"""The window's timeline of 100,000 chatty tasks (about ten million events):
what building it costs with this tree's loopscope, beside a loopscope built
from an earlier commit, in one run of this script.

Each binary runs `--bench-frames 1 --bench-tasks 100000`: the run, its lanes
and its figures, then a handful of frames. The figure is each process's CPU
time (user and system, the start included), the runs alternating, and the
median of each side taken.

    bench/timeline_build.py build/loopscope [--base REV] [--runs N]

The earlier loopscope is built once, from REV (by default the commit before
the work on a million tasks), in build-baseline/, and kept there.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BASE = "de8f08a"  # main before the work on a million tasks
TARGET = 3.0


def say(text):
    print(text, flush=True)


def build_base(rev):
    """The loopscope of `rev`, built in build-baseline/; None when it cannot be."""
    where = os.path.join(ROOT, "build-baseline")
    binary = os.path.join(where, "build", "loopscope")
    stamp = os.path.join(where, "rev")
    if os.path.exists(binary) and os.path.exists(stamp) and open(stamp).read().strip() == rev:
        return binary
    if shutil.which("git") is None or subprocess.run(
            ["git", "-C", ROOT, "cat-file", "-e", rev + "^{commit}"], capture_output=True).returncode != 0:
        say(f"  skipped: commit {rev} is not in this clone's history")
        return None
    say(f"  building loopscope as of {rev} in build-baseline/ (once; a few minutes)")
    src = os.path.join(where, "src")
    shutil.rmtree(where, ignore_errors=True)
    os.makedirs(where)
    steps = [
        ["git", "-C", ROOT, "archive", "--format=tar", "--prefix=src/", "-o", os.path.join(where, "src.tar"), rev],
        ["tar", "-C", where, "-xf", os.path.join(where, "src.tar")],
        ["cmake", "-S", src, "-B", os.path.join(where, "build"), "-DCMAKE_BUILD_TYPE=Release",
         "-DLOOPSCOPE_TESTS=OFF", "-DLOOPSCOPE_BENCH=OFF", "-DLOOPSCOPE_WERROR=OFF"]
        + (["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []),
        ["cmake", "--build", os.path.join(where, "build"), "-j2", "--target", "loopscope"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            say(f"  skipped: building {rev} failed at: {' '.join(step[:3])}")
            say("  " + (done.stderr or done.stdout).strip().splitlines()[-1] if (done.stderr or done.stdout) else "")
            return None
    with open(stamp, "w") as f:
        f.write(rev + "\n")
    return binary


def cpu_of(command):
    """CPU seconds (user + system) of one run of `command`, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("loopscope", help="this tree's loopscope binary")
    parser.add_argument("--base", default=DEFAULT_BASE, help="the commit to compare with (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each side (default %(default)s)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.access(args.loopscope, os.X_OK):
        parser.error(f"{args.loopscope}: no such program (./dev bench builds it, then runs this)")

    say("Building the window's timeline of 100,000 tasks, this tree beside an earlier one")
    base = build_base(args.base)
    if base is None:
        return 0
    frames = ["--bench-frames", "1", "--bench-tasks", "100000"]
    now_cmd = [args.loopscope] + frames + ["--bench-rerun-tasks", "1"]
    base_cmd = [base] + frames
    now_s, base_s, parts = [], [], ""
    for _ in range(args.runs):
        seconds, out = cpu_of(base_cmd)
        base_s.append(seconds)
        seconds, out = cpu_of(now_cmd)
        now_s.append(seconds)
        found = re.search(r"building the timeline: .*", out)
        parts = found.group(0) if found else parts
    before, after = statistics.median(base_s), statistics.median(now_s)
    ratio = before / after
    say(f"  runs of each, alternating: {args.runs}; CPU per process, median")
    say(f"  as of {args.base}: {before:.2f} s   now: {after:.2f} s   ({parts})")
    verdict = "meets target" if ratio >= TARGET else "MISSES target"
    say(f"  building the timeline: {ratio:.1f}x faster than as of {args.base}   target >= {TARGET:g}x   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
