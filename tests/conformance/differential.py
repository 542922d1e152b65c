"""The engine against CPython: generated sandbox workloads run by
`loopscope run --json` and, as the same asyncio program (sandbox_twin.py),
by CPython under the tracer on its virtual clock. Both are exact, so they
are compared exactly: each task's state and end time, the order the tasks
ended in (ties included), when the strategy's await returned and what it
raised.

    python3 tests/conformance/differential.py --loopscope build/loopscope --cases 200
    python3 tests/conformance/differential.py --loopscope build/loopscope --python /usr/bin/python3 \\
        --python python3.12 --cases 2000 --seed 7

Exits 1 when any case disagrees, and prints each disagreement with the
command lines that reproduce it.

Then, for the primitives the sandbox has no strategy for (Lock, Event,
Queue, wait, as_completed, done-callbacks), the lessons that use them run
at generated parameter values (--lesson-cases): `loopscope run --lesson N
--json` against each variant's twin, lessons/NN_id/lesson.py, under the
tracer, compared the same way.
"""
import argparse
import json
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TRACER = os.path.join(ROOT, "tracer", "loopscope_trace.py")
TWIN = os.path.join(HERE, "sandbox_twin.py")
STRATEGIES = ["sequential", "gather", "gather-return-exceptions", "bounded", "taskgroup"]
DURATIONS = [0, 0.25, 0.5, 1, 1.5, 2]
HOLDS = [0.25, 0.5, 1, 2]
TIMEOUTS = [0.25, 0.5, 1, 1.5, 2, 3]
NS = 1_000_000_000
# The lessons written with the primitives the sandbox does not use.
LESSONS = ["11_background", "12_queue", "13_races", "14_first"]
# Variants whose losers are cancelled from a set: asyncio cancels them in
# the order of the set, so tasks they end at one instant have no order.
SET_CANCELLED = {"first, cancel the rest"}
PARAM = re.compile(r"^param:\s*(\w+)\s*=\s*\S+\s+in\s+([\d.]+)\.\.([\d.]+)\s*(?:\([\d.]+\))?\s*([^|]*)\|")


def generate(rng):
    """A workload: mostly small, with many ties, every knob sometimes
    turned; now and then a large one with timeouts, whose cancelled timers
    make asyncio rebuild its timer heap."""
    large = rng.random() < 0.04
    n = rng.randint(60, 160) if large else rng.randint(1, 6) if rng.random() < 0.8 else rng.randint(7, 12)
    spec = {"strategy": rng.choice(STRATEGIES), "durations": [rng.choice(DURATIONS) for _ in range(n)],
            "limit": rng.randint(1, n), "block": {}, "cpu": {}, "fail": []}
    for key in ("block", "cpu"):
        for i in rng.sample(range(1, n + 1), rng.randint(0, min(3 if large else 2, n))):
            spec[key][str(i)] = rng.choice(HOLDS)
    spec["fail"] = sorted(rng.sample(range(1, n + 1), rng.randint(0, min(2, n))))
    spec["timeout"] = rng.choice(TIMEOUTS) if large or rng.random() < 0.35 else None
    return spec


def seconds_text(s):
    return f"{round(s * 1000)}ms"


def engine_command(loopscope, spec):
    args = [loopscope, "run", "--strategy", spec["strategy"], "--json",
            "--durations", ",".join(seconds_text(d) for d in spec["durations"]), "--limit", str(spec["limit"])]
    for key in ("block", "cpu"):
        for i, d in sorted(spec[key].items()):
            args += [f"--{key}", f"{i}:{seconds_text(d)}"]
    for i in spec["fail"]:
        args += ["--fail", str(i)]
    if spec["timeout"] is not None:
        args += ["--timeout", seconds_text(spec["timeout"])]
    return args


def run_engine(loopscope, spec):
    out = subprocess.run(engine_command(loopscope, spec), capture_output=True, text=True, check=True).stdout
    j = json.loads(out)
    tasks = {}
    for t in j["tasks"]:
        end = None if t["end_s"] is None else round(t["end_s"] * NS)
        tasks[f"task {t['id']}"] = (t["state"], end)
    return {"tasks": tasks, "order": [f"task {i}" for i in j["completion_order"]],
            "returned": round(j["returned_s"] * NS), "error": j["error"]}


def run_cpython(python, spec):
    """The twin under the tracer: its own report, and each task's end from the stream."""
    sys.path.insert(0, os.path.join(ROOT, "tracer"))
    import loopscope_parse  # the tracer's reference reader
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as stream:
        cmd = [python, TRACER, "--no-step-time", "--out", stream.name, "--", TWIN, json.dumps(spec)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        lines = open(stream.name).read().splitlines()
    trace = loopscope_parse.parse_lines(lines)
    report = json.loads(done.stdout)
    tasks, order = {}, []
    names = {t.tid: t.name for t in trace.tasks.values()}
    for line in lines:  # a task's last step is written as it ends: the order they ended in
        event = json.loads(line)
        if event[0] == "s" and len(event) > 4 and event[4] in ("done", "failed", "cancelled"):
            order.append(names[event[1]])
    for t in trace.tasks.values():
        if t.name.startswith("task "):
            tasks[t.name] = (t.state, t.ended)
    return {"tasks": tasks, "order": [name for name in order if name.startswith("task ")],
            "returned": round(report["returned_s"] * NS), "error": report["error"]}


def same_error(engine, python):
    if engine is None or python is None:
        return engine == python
    if python == "ExceptionGroup":
        return engine.startswith("ExceptionGroup")
    return engine == python


def ordered_groups(result, spec):
    """The completion order, with the tasks a TaskGroup cancelled at one
    instant as a set: asyncio cancels them in the order of a set."""
    groups = []
    for name in result["order"]:
        state, end = result["tasks"][name]
        unordered = spec["strategy"] == "taskgroup" and state == "cancelled"
        if groups and unordered and groups[-1][0] == end and groups[-1][1]:
            groups[-1][2].add(name)
        else:
            groups.append((end, unordered, {name}))
    return [(end, frozenset(names)) for end, _, names in groups]


def compare(spec, engine, python):
    diffs = []
    names = sorted(set(engine["tasks"]) | set(python["tasks"]), key=lambda n: int(n.split()[1]))
    for name in names:
        e = engine["tasks"].get(name, ("not_started", None))
        p = python["tasks"].get(name, ("not_started", None))
        if e != p:
            diffs.append(f"{name}: engine {e[0]} at {e[1]} ns, CPython {p[0]} at {p[1]} ns")
    if ordered_groups(engine, spec) != ordered_groups(python, spec):
        diffs.append(f"completion order: engine {engine['order']}, CPython {python['order']}")
    if engine["returned"] != python["returned"]:
        diffs.append(f"returned: engine {engine['returned']} ns, CPython {python['returned']} ns")
    if not same_error(engine["error"], python["error"]):
        diffs.append(f"error: engine {engine['error']!r}, CPython {python['error']!r}")
    return diffs


def lesson_params(folder):
    """NAME -> (min, max, unit), from the lesson's block of facts."""
    params = {}
    with open(os.path.join(ROOT, "lessons", folder, "lesson.md")) as md:
        for line in md:
            m = PARAM.match(line)
            if m:
                params[m.group(1)] = (float(m.group(2)), float(m.group(3)), m.group(4).strip())
    return params


def pick(rng, lo, hi, unit):
    """A value in range, from a coarse grid so that times often tie."""
    if unit == "ms":
        return rng.choice(sorted({int(lo)} | set(range(50 * -(-int(lo) // 50), int(hi) + 1, 50))))
    if unit == "per s":  # an interval of whole milliseconds on both sides
        return rng.choice([r for r in (1, 2, 4, 5, 8, 10, 20, 25, 40, 50) if lo <= r <= hi])
    return rng.randint(int(lo), int(hi))


def generate_lesson(rng):
    folder = rng.choice(LESSONS)
    values = {name: pick(rng, *spec) for name, spec in sorted(lesson_params(folder).items())}
    return folder, values


def lesson_engine_command(loopscope, folder, values):
    args = [loopscope, "run", "--lesson", str(int(folder[:2])), "--json"]
    for name, value in values.items():
        args += ["--set", f"{name}={value}"]
    return args


def lesson_twin_command(python, folder, variant, values):
    args = [python, TRACER, "--no-step-time", "--out", os.devnull, "--",
            os.path.join(ROOT, "lessons", folder, "lesson.py"), "--variant", variant]
    for name, value in values.items():
        args += ["--set", f"{name}={value}"]
    return args


def lesson_result(j):
    """A run's report (the engine's variant, or the twin's), as compare() takes it."""
    started = [t for t in j["tasks"] if t["state"] != "not_started"]
    tasks = {f"task {i}": (t["state"], None if t["end_s"] is None else round(t["end_s"] * NS))
             for i, t in enumerate(started, 1)}
    return {"tasks": tasks, "order": [f"task {i}" for i in j["completion_order"]],
            "returned": round(j["returned_s"] * NS), "error": j["error"]}


def compare_lesson(loopscope, python, folder, values):
    """Every variant of the lesson at these values: the disagreements, with how to reproduce them."""
    engine = json.loads(subprocess.run(lesson_engine_command(loopscope, folder, values), capture_output=True,
                                       text=True, check=True).stdout)
    out = []
    for run in engine["variants"]:
        variant = run["strategy"]
        cmd = lesson_twin_command(python, folder, variant, values)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{shlex.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        spec = {"strategy": "taskgroup" if variant in SET_CANCELLED else variant}
        diffs = compare(spec, lesson_result(run), lesson_result(json.loads(done.stdout)))
        if diffs:
            out.append((cmd, diffs))
    return out


def version_of(python):
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loopscope", default=os.path.join(ROOT, "build", "loopscope"))
    parser.add_argument("--python", action="append", help="an interpreter to compare with (repeatable; python3)")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--lesson-cases", type=int, help="lessons at generated values (default: a quarter of --cases)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-shown", type=int, default=10, help="disagreements printed in full")
    args = parser.parse_args()
    pythons = args.python or ["python3"]
    failed = False
    for python in pythons:
        version = version_of(python)
        if tuple(int(x) for x in version.split(".")[:2]) < (3, 11):
            print(f"conformance: {python} is Python {version}; the tracer needs 3.11 or later", file=sys.stderr)
            return 2
        rng = random.Random(args.seed)
        agree, shown = 0, 0
        for case in range(1, args.cases + 1):
            spec = generate(rng)
            diffs = compare(spec, run_engine(args.loopscope, spec), run_cpython(python, spec))
            if not diffs:
                agree += 1
                continue
            failed = True
            shown += 1
            if shown <= args.max_shown:
                print(f"case {case} disagrees on Python {version}:")
                print("  engine:  " + shlex.join(engine_command(args.loopscope, spec)))
                print("  CPython: " + shlex.join([python, TRACER, "--no-step-time", "--out", "trace.jsonl", "--", TWIN,
                                                  json.dumps(spec)]))
                for d in diffs:
                    print("  " + d)
        print(f"conformance: {args.cases} cases, {agree} agree, {args.cases - agree} disagree "
              f"(Python {version}, seed {args.seed})")
        lesson_cases = args.cases // 4 if args.lesson_cases is None else args.lesson_cases
        agree = 0
        for case in range(1, lesson_cases + 1):
            folder, values = generate_lesson(rng)
            disagreements = compare_lesson(args.loopscope, python, folder, values)
            if not disagreements:
                agree += 1
                continue
            failed = True
            shown += 1
            if shown <= args.max_shown:
                print(f"lesson case {case} disagrees on Python {version}:")
                print("  engine:  " + shlex.join(lesson_engine_command(args.loopscope, folder, values)))
                for cmd, diffs in disagreements:
                    print("  CPython: " + shlex.join(cmd))
                    for d in diffs:
                        print("    " + d)
        print(f"conformance: {lesson_cases} lesson cases, {agree} agree, {lesson_cases - agree} disagree "
              f"(lessons {', '.join(f[:2] for f in LESSONS)}, Python {version}, seed {args.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
