"""The reference reader of the tracer's event stream (PROTOCOL.md).

Turns the lines into per-task spans (ready, running, waiting), blocking
slices, thread-pool jobs, output and the run's ending. The app's C++ reader
follows this file; the tracer's tests read every run through it.

    python3 loopscope_parse.py trace.jsonl      # a summary, a line per task
"""
import json
import sys
from dataclasses import dataclass, field

SUPPORTED_VERSION = 1
END_STATES = ("done", "failed", "cancelled")


@dataclass
class Span:
    state: str                # "ready", "running" or "waiting"
    start: int                # ns
    end: int = None           # ns; None while open
    reason: str = None        # waiting: timer, semaphore, lock, event, condition,
                              #          queue, child, thread, io
    file: str = None          # waiting: where, in the learner's code
    line: int = 0


@dataclass
class Task:
    tid: int
    parent: int
    name: str
    coro: str
    file: str
    line: int
    created: int
    spans: list = field(default_factory=list)
    state: str = "ready"      # the current state, then done/failed/cancelled/collected
    ended: int = None
    error: tuple = None       # failed: (type, message, file, line)

    def open_span(self):
        return self.spans[-1] if self.spans and self.spans[-1].end is None else None

    def total(self, state):
        """Time spent in a state (closed spans only)."""
        return sum(s.end - s.start for s in self.spans if s.state == state and s.end is not None)

    def waits(self, reason=None):
        return [s for s in self.spans if s.state == "waiting" and (reason is None or s.reason == reason)]


@dataclass
class Trace:
    header: dict = None
    strings: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)     # tid -> Task, in creation order
    blocks: list = field(default_factory=list)    # dicts: task, start, end, file, line
    pools: dict = field(default_factory=dict)     # id -> dict: workers, name
    jobs: list = field(default_factory=list)      # dicts, see PROTOCOL.md
    output: list = field(default_factory=list)    # (t, stream, text)
    notes: list = field(default_factory=list)     # (t, text)
    loops: list = field(default_factory=list)     # (t, loop, running)
    failures: list = field(default_factory=list)  # dicts: t, type, message, file, line
    end: dict = None          # t, how, code, wall_ns; None if the stream stopped early
    truncated: bool = False   # the last line was cut short
    last_time: int = 0

    def stdout(self):
        return "".join(text for _, stream, text in self.output if stream == 1)

    def stderr(self):
        return "".join(text for _, stream, text in self.output if stream == 2)

    def by_name(self, name):
        return next(t for t in self.tasks.values() if t.name == name)

    def by_coro(self, coro):
        return [t for t in self.tasks.values() if t.coro == coro]


def parse_lines(lines):
    """Parse an iterable of lines (str, each ending in a newline except
    perhaps the last). A last line without its newline is a cut-off write:
    it is dropped and `truncated` set."""
    trace = Trace()
    lines = list(lines)
    if lines and not lines[-1].endswith("\n"):
        lines.pop()
        trace.truncated = True
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"line {number}: not JSON: {exc}") from None
        _apply(trace, event)
    _close_open_spans(trace)
    return trace


def parse_text(text):
    return parse_lines(text.splitlines(keepends=True))


def parse_file(path):
    with open(path, encoding="utf-8") as f:
        return parse_text(f.read())


def _apply(trace, event):
    kind = event[0]
    s = trace.strings
    if kind == "h":
        version = event[1]
        if version != SUPPORTED_VERSION:
            raise ValueError(f"protocol version {version}, expected {SUPPORTED_VERSION}")
        trace.header = {"version": version, "python": event[2], "clock": event[3],
                        "script": event[4], **event[5]}
    elif kind == "i":
        s[event[1]] = event[2]
    elif kind == "n":
        _, tid, t, parent, name, coro, fid, line = event
        task = Task(tid, parent, name, s.get(coro), s.get(fid), line, t)
        task.spans.append(Span("ready", t))
        trace.tasks[tid] = task
        _seen(trace, t)
    elif kind == "a":
        trace.tasks[event[1]].name = event[2]
    elif kind == "r":
        _, tid, t = event
        task = trace.tasks[tid]
        span = task.open_span()
        if span is not None and span.state == "waiting":
            span.end = t
            task.spans.append(Span("ready", t))
            task.state = "ready"
        _seen(trace, t)
    elif kind == "s":
        _step(trace, event)
    elif kind == "g":
        _, tid, t = event
        task = trace.tasks[tid]
        _close(task, t)
        task.state, task.ended = "collected", t
    elif kind == "b":
        _, tid, t0, t1, fid, line = event
        trace.blocks.append({"task": tid, "start": t0, "end": t1, "file": s.get(fid), "line": line})
        _seen(trace, t1)
    elif kind == "p":
        _, pool, workers, name = event
        trace.pools[pool] = {"workers": workers, "name": name}
    elif kind == "j":
        _, job, pool, worker, tid, submit, start, end, name, outcome = event
        trace.jobs.append({"job": job, "pool": pool, "worker": worker, "task": tid,
                           "submit": submit, "start": start, "end": end,
                           "function": s.get(name), "outcome": outcome})
        _seen(trace, end)
    elif kind == "o":
        _, t, stream, text = event
        trace.output.append((t, stream, text))
        _seen(trace, t)
    elif kind == "m":
        trace.notes.append((event[1], event[2]))
    elif kind == "l":
        _, t, loop, running = event
        trace.loops.append((t, loop, bool(running)))
        _seen(trace, t)
    elif kind == "x":
        _, t, type_name, message, fid, line = event
        trace.failures.append({"t": t, "type": type_name, "message": message,
                               "file": s.get(fid), "line": line})
    elif kind == "e":
        _, t, how, code, wall = event
        trace.end = {"t": t, "how": how, "code": code, "wall_ns": wall}
        _seen(trace, t)
    # Unknown kinds are skipped: newer tracers may add some.


def _step(trace, event):
    """["s", tid, t0, t1, outcome...]: ran from t0 to t1, then the outcome."""
    tid, t0, t1 = event[1], event[2], event[3]
    task = trace.tasks[tid]
    _close(task, t0)
    task.spans.append(Span("running", t0, t1))
    _seen(trace, t1)
    if len(event) == 4:
        task.spans.append(Span("ready", t1))
        task.state = "ready"
        return
    outcome = event[4]
    if outcome in END_STATES:
        task.state, task.ended = outcome, t1
        if outcome == "failed":
            task.error = (event[5], event[6], trace.strings.get(event[7]), event[8])
        return
    task.spans.append(Span("waiting", t1, reason=outcome,
                           file=trace.strings.get(event[5]), line=event[6]))
    task.state = "waiting"


def _close(task, t):
    span = task.open_span()
    if span is not None:
        span.end = max(t, span.start)


def _seen(trace, t):
    if t > trace.last_time:
        trace.last_time = t


def _close_open_spans(trace):
    """Spans still open when the stream ends stop at its last time."""
    end = trace.end["t"] if trace.end else trace.last_time
    for task in trace.tasks.values():
        span = task.open_span()
        if span is not None:
            span.end = max(end, span.start)


def _seconds(ns):
    return f"{ns / 1e9:.6f}"


def main(path):
    trace = parse_file(path)
    h = trace.header or {}
    print(f"{h.get('script')}  python {h.get('python')}  clock {h.get('clock')}")
    for task in trace.tasks.values():
        end = _seconds(task.ended) if task.ended is not None else "-"
        print(f"{task.tid:5} {task.name:20} {task.coro:30} {task.state:10} "
              f"created {_seconds(task.created)}  ended {end}  "
              f"running {_seconds(task.total('running'))}  ready {_seconds(task.total('ready'))}")
    for failure in trace.failures:
        print(f"failure: {failure['type']}: {failure['message']} ({failure['file']}:{failure['line']})")
    if trace.end:
        print(f"end: {trace.end['how']} {trace.end['code']} at {_seconds(trace.end['t'])}")
    else:
        print("end: the stream stopped early" + (" (last line cut)" if trace.truncated else ""))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: loopscope_parse.py TRACE.jsonl")
    main(sys.argv[1])
