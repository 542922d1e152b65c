"""What the tracer's tests share: run a script under the tracer (with the
interpreter running the tests) and read its stream with the reference
parser, checking the stream's own rules on the way."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

TESTS = os.path.dirname(os.path.abspath(__file__))
TRACER_DIR = os.path.dirname(TESTS)
TRACER = os.path.join(TRACER_DIR, "loopscope_trace.py")
SCRIPTS = os.path.join(TESTS, "scripts")
sys.path.insert(0, TRACER_DIR)

import loopscope_parse  # noqa: E402  (after the path is set)

SECOND = 1_000_000_000


class Run:
    """One traced run: its stream, parsed, and the script's own output."""

    def __init__(self, trace, text, stdout, stderr, returncode):
        self.trace = trace
        self.text = text
        self.stdout = stdout
        self.stderr = stderr
        self.returncode = returncode


def script(name):
    return os.path.join(SCRIPTS, name)


def trace_script(path, *args, clock="virtual", time_limit=None, module=False,
                 cwd=None, stdin=None, timeout=60, python=None):
    """Run `path` (or a module name) under the tracer and parse its stream."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "trace.jsonl")
        command = [python or sys.executable, TRACER, "--clock", clock, "--out", out]
        if time_limit is not None:
            command += ["--time-limit", str(time_limit)]
        if module:
            command.append("--module")
        command += ["--", path, *map(str, args)]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True,
                              cwd=cwd, timeout=timeout)
        with open(out, encoding="ascii") as f:
            text = f.read()
    trace = loopscope_parse.parse_text(text)
    check_stream(text, trace)
    return Run(trace, text, done.stdout, done.stderr, done.returncode)


def check_stream(text, trace):
    """The rules of PROTOCOL.md that hold for every complete stream."""
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0][0] == "h", "the header comes first"
    assert lines[-1][0] == "e", "the final line comes last"
    declared, last_time = set(), {}
    for event in lines:
        kind = event[0]
        if kind == "i":
            declared.add(event[1])
        elif kind == "n":
            assert event[5] in declared and (event[6] == 0 or event[6] in declared), event
            last_time[event[1]] = event[2]
        elif kind in ("r", "g"):
            assert event[2] >= last_time[event[1]], f"time went back for task {event[1]}: {event}"
            last_time[event[1]] = event[2]
        elif kind == "s":
            tid, t0, t1 = event[1:4]
            assert t0 >= last_time[tid] and t1 >= t0, f"time went back for task {tid}: {event}"
            last_time[tid] = t1
            if len(event) == 7:
                assert event[5] == 0 or event[5] in declared, event
    for task in trace.tasks.values():
        for span in task.spans:
            assert span.end is not None and span.end >= span.start, (task, span)


class TracerTestCase(unittest.TestCase):
    """Shared assertions."""

    def assertNear(self, actual_ns, expected_ns, tolerance_ns, what=""):
        self.assertLessEqual(abs(actual_ns - expected_ns), tolerance_ns,
                             f"{what}: {actual_ns / 1e9:.6f} s, expected "
                             f"{expected_ns / 1e9:.6f} s ± {tolerance_ns / 1e9:.3f} s")

    def main_task(self, trace):
        return trace.tasks[1]

    def workers(self, trace, coro):
        return sorted(trace.by_coro(coro), key=lambda t: t.tid)
