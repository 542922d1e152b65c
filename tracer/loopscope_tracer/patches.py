"""Every change the tracer makes to the interpreter, in one place.

What is replaced, and why:

| replaced                          | clock   | why                                             |
| --------------------------------- | ------- | ----------------------------------------------- |
| BaseEventLoop._call_soon          | both    | every wake-up of a task (and its creation, in    |
|                                   |         | Task.__init__) is a call_soon whose callback's  |
|                                   |         | __self__ is the task, C tasks included: "ready"  |
| events.Handle._run                | both    | every callback the loop runs, so every task step |
|                                   |         | (start, end, and the state it leaves the task   |
|                                   |         | in), and the deadline of a running timer, to    |
|                                   |         | back-date the readiness it causes               |
| BaseEventLoop.run_forever         | both    | a loop starts / stops; wraps its selector       |
| the loop's _selector (a proxy)    | both    | flushes the stream when the loop goes idle; on  |
|                                   |         | the virtual clock, jumps to the next timer      |
|                                   |         | instead of sleeping                             |
| BaseEventLoop.run_in_executor     | both    | thread-pool jobs (worker lanes); on the virtual |
|                                   |         | clock, delivers their results at simulated times|
| BaseEventLoop.time                | virtual | loop.time() reads virtual time                  |
| time.sleep                        | both    | on the loop thread: a blocking slice (virtual:  |
|                                   |         | advances time, unless the loop follows real     |
|                                   |         | time; real: observed); in a virtual thread job: |
|                                   |         | advances the job's own clock                    |
| time.time/monotonic/perf_counter  | virtual | the script's own clock reads agree with the     |
| (and their _ns twins)             |         | timeline (loop.time() and these start at 0);    |
|                                   |         | threads the tracer does not own read real time  |
| uvloop's install, new_event_loop, | both    | uvloop has no hooks to observe: its loop is     |
| EventLoopPolicy, Loop, run        |         | replaced by asyncio's own, with a note          |
| sys.stdout, sys.stderr            | both    | the script's output is also reported, timed     |
| os.register_at_fork (child)       | both    | a forked process (a process pool's worker)      |
|                                   |         | writes nothing and gets the real clocks back    |
| gc.callbacks (one added)          | virtual | a garbage collection's time is not the step's   |

Nothing else is touched: no task factory (a _PyTask subclass factory costs
about 2x and breaks isinstance(t, asyncio.Task)), no tracing functions.
"""
import asyncio
import concurrent.futures
import gc
import importlib.abc
import importlib.machinery
import os
import sys
import threading
import time
import types
from asyncio import base_events, events

from .clock import forget_thread_files
from .threads import current_job

_get_ident = threading.get_ident
_perf_ns = time.perf_counter_ns
_real_sleep = time.sleep
_ORIGINAL_TIME = {name: getattr(time, name) for name in (
    "sleep", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "time", "time_ns")}


def install(tracer):
    """Apply every patch for this run."""
    os.register_at_fork(after_in_child=lambda: _forked(tracer))
    task_of = _task_finder()
    _patch_loop(tracer, task_of)
    _patch_handle(tracer, task_of)
    _patch_sleep(tracer)
    if tracer.clock.virtual:
        _patch_clock_reads(tracer)
        gc.callbacks.append(tracer.clock.garbage_collection)
    sys.meta_path.insert(0, _UvloopFinder(tracer))
    sys.stdout = TimedOutput(tracer, sys.stdout, 1)
    sys.stderr = TimedOutput(tracer, sys.stderr, 2)


def _forked(tracer):
    """In a forked child (a process pool's worker): it is not the traced
    process. It writes nothing to the stream, and its clock is real."""
    tracer.stream.detach()
    forget_thread_files()
    tracer.clock_thread = None
    for name, original in _ORIGINAL_TIME.items():
        setattr(time, name, original)


# ---- Which callbacks are a task's step or wake-up ----

def _task_finder():
    """A function from a loop callback to the task it steps or wakes, or
    None. The C Task schedules a TaskStepMethWrapper or its builtin
    task_wakeup; the Python Task its bound __step / __wakeup methods. Any
    other method of a task (task.cancel scheduled by call_soon) is not one."""
    py_task = getattr(asyncio.tasks, "_PyTask", None)
    py_steps = {getattr(py_task, name, None) for name in ("_Task__step", "_Task__wakeup")}
    py_steps.discard(None)
    kinds = {}

    def kind_of(cb_type):
        if cb_type.__name__ == "TaskStepMethWrapper":
            return 1
        if cb_type is types.BuiltinMethodType:
            return 2
        if cb_type is types.MethodType:
            return 3
        return 0

    def task_of(cb):
        kind = kinds.get(type(cb))
        if kind is None:
            kind = kinds[type(cb)] = kind_of(type(cb))
        if kind == 0:
            return None
        if kind == 1:
            return cb.__self__
        if kind == 2:
            return cb.__self__ if cb.__name__ == "task_wakeup" else None
        return cb.__self__ if cb.__func__ in py_steps else None

    return task_of


# ---- The event loop ----

def _patch_loop(tracer, task_of):
    loop_class = base_events.BaseEventLoop
    clock = tracer.clock
    tasks = tracer.tasks
    getframe = sys._getframe
    original_call_soon = loop_class._call_soon
    original_run_forever = loop_class.run_forever
    original_run_in_executor = loop_class.run_in_executor

    def _call_soon(self, callback, args, context):
        task = task_of(callback)
        if task is not None:
            rec = tasks.get(id(task))
            if rec is None:
                tracer.new_task(task, getframe(1))
            else:
                tracer.ready(rec)
        return original_call_soon(self, callback, args, context)

    def run_forever(self):
        if self.is_running() or events._get_running_loop() is not None:
            return original_run_forever(self)   # raises the usual RuntimeError
        _loop_starting(tracer, self)
        try:
            return original_run_forever(self)
        finally:
            _loop_stopped(tracer, self)

    def run_in_executor(self, executor, func, *args):
        if executor is None:
            if getattr(self, "_executor_shutdown_called", False):
                return original_run_in_executor(self, executor, func, *args)   # raises
            if self._default_executor is None:   # made as asyncio makes it
                self._default_executor = concurrent.futures.ThreadPoolExecutor(
                    thread_name_prefix="asyncio")
            executor = self._default_executor
        job = tracer.new_job(func, executor)
        since = _perf_ns()
        inner = original_run_in_executor(self, _JobSubmitter(tracer, self, executor, job),
                                         func, *args)
        clock.exclude(since)
        return tracer.job_submitted(self, job, inner)

    loop_class._call_soon = _call_soon
    loop_class.run_forever = run_forever
    loop_class.run_in_executor = run_in_executor
    if clock.virtual:
        loop_class.time = lambda self: clock.read() / 1e9


def _loop_starting(tracer, loop):
    """A loop starts running on this thread: it now owns virtual time, and
    the top-level stretch ends."""
    tracer.clock.end()
    selector = getattr(loop, "_selector", None)
    if selector is not None and not isinstance(selector, SelectorProxy):
        loop._selector = SelectorProxy(tracer, loop, selector)
    elif selector is None and tracer.clock.virtual:
        tracer.note(f"{type(loop).__name__} has no selector: virtual time cannot jump")
    tracer.clock_thread = _get_ident()
    tracer.in_loop += 1
    tracer.loop_running(loop, True)


def _loop_stopped(tracer, loop):
    tracer.loop_running(loop, False)
    tracer.in_loop -= 1
    tracer.clock_thread = tracer.main_thread
    if _get_ident() == tracer.main_thread:
        tracer.clock.begin_top_level()


class _JobSubmitter:
    """Stands in for the executor in asyncio's own run_in_executor, which
    only calls submit(): the tracer submits the job, observed."""

    def __init__(self, tracer, loop, executor, job):
        self._tracer = tracer
        self._loop = loop
        self._executor = executor
        self._job = job

    def submit(self, func, *args):
        return self._tracer.submit_job(self._loop, self._executor, self._job, func, args)


class SelectorProxy:
    """Stands in for a loop's selector: select() goes through the tracer,
    everything else (register, get_map, close...) to the real one."""

    def __init__(self, tracer, loop, selector):
        self._tracer = tracer
        self._loop = loop
        self._selector = selector

    def select(self, timeout=None):
        return self._tracer.select(self._loop, self._selector, timeout)

    def __getattr__(self, name):
        return getattr(self._selector, name)


def _patch_handle(tracer, task_of):
    """Handle._run: time every callback; report task steps."""
    original_run = events.Handle._run
    timer_handle = events.TimerHandle
    clock = tracer.clock
    tasks = tracer.tasks

    def _run(self):
        task = task_of(self._callback)
        if task is None:
            if type(self) is timer_handle:
                tracer.deadline = clock.deadline_ns(self._when)
            clock.begin()
            try:
                original_run(self)
            finally:
                clock.end()
                tracer.deadline = None
            return
        rec = tasks.get(id(task))
        if rec is None:
            if task.done():   # a stray step of a finished task: asyncio reports it
                original_run(self)
                return
            rec = tracer.adopt(task)
        tracer.current = rec
        t0 = clock.begin()
        try:
            original_run(self)
        finally:
            t1 = clock.end()
            tracer.current = None
            tracer.step_ended(task, rec, t0, t1)

    events.Handle._run = _run


# ---- Time ----

def _patch_sleep(tracer):
    """time.sleep on the loop thread is a blocking slice. On the virtual
    clock it advances time instead of sleeping (but for real while a
    server's loop follows real time), and in a thread job it advances the
    job's own clock."""
    clock = tracer.clock
    stream = tracer.stream
    getframe = sys._getframe

    def sleep(secs):
        if not isinstance(secs, (int, float)) or not 0 < secs < 1e9:
            return _real_sleep(secs)   # zero, or what time.sleep itself rejects
        job = current_job() if clock.virtual else None
        if job is not None:
            job.sleep_ns += round(secs * 1e9)
            return None
        if _get_ident() != tracer.clock_thread:
            return _real_sleep(secs)
        if clock.virtual and (tracer.real_speed_offset is None or not tracer.in_loop):
            t0 = clock.now()
            clock.add(round(secs * 1e9))
            if tracer.in_loop:
                tracer.blocked(t0, clock.now(), getframe(1))
            return None
        if not tracer.in_loop:
            return _real_sleep(secs)
        stream.flush()
        t0 = clock.now()
        try:
            return _real_sleep(secs)
        finally:
            tracer.blocked(t0, clock.now(), getframe(1))

    time.sleep = _named_like(sleep, _real_sleep)


def _patch_clock_reads(tracer):
    """On the virtual clock the script's clock reads follow virtual time
    (from 0; time.time() from the real time at the start); inside a thread
    job, that job's own virtual time. Other threads read the real clocks:
    virtual time may stand still while they wait on it."""
    clock = tracer.clock
    wall_origin_ns = time.time_ns()

    def reader(original, in_seconds, offset):
        def virtual_ns():
            job = current_job()
            if job is not None:
                return offset + job.submit + job.elapsed_ns()
            if _get_ident() == tracer.clock_thread:
                return offset + clock.read()
            return None

        def read():
            ns = virtual_ns()
            if ns is None:
                return original()
            return ns / 1e9 if in_seconds else ns

        return read

    for name, in_seconds, offset in (("monotonic", True, 0), ("monotonic_ns", False, 0),
                                     ("perf_counter", True, 0), ("perf_counter_ns", False, 0),
                                     ("time", True, wall_origin_ns), ("time_ns", False, wall_origin_ns)):
        original = getattr(time, name)
        setattr(time, name, _named_like(reader(original, in_seconds, offset), original))


def _named_like(replacement, original):
    """Give a replacement the name and doc of what it replaces (tracebacks,
    help() and the thread-job names in the stream stay readable)."""
    replacement.__name__ = replacement.__qualname__ = original.__name__
    replacement.__module__ = "time"
    replacement.__doc__ = original.__doc__
    return replacement


# ---- uvloop ----

class _UvloopFinder(importlib.abc.MetaPathFinder):
    """Lets `import uvloop` succeed or fail as usual, then replaces what
    would install its loop by asyncio's own loop."""

    def __init__(self, tracer):
        self._tracer = tracer

    def find_spec(self, name, path=None, target=None):
        if name != "uvloop":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _ReplacingLoader(spec.loader, self._tracer)
        return spec


class _ReplacingLoader(importlib.abc.Loader):
    def __init__(self, loader, tracer):
        self._loader = loader
        self._tracer = tracer

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _replace_uvloop(module)
        self._tracer.note("uvloop replaced by asyncio's standard event loop "
                          "(uvloop cannot be traced)")


def _replace_uvloop(module):
    def install():
        asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())

    def run(main, *, loop_factory=None, debug=None, **_):
        return asyncio.run(main, debug=debug)

    module.install = install
    module.new_event_loop = asyncio.new_event_loop
    module.EventLoopPolicy = asyncio.DefaultEventLoopPolicy
    module.Loop = asyncio.SelectorEventLoop
    module.run = run


# ---- The script's output ----

class TimedOutput:
    """Wraps sys.stdout / sys.stderr: text goes to the real stream as
    before, and is also reported, a line at a time (print() writes a line in
    pieces), with the clock time of the line's first write."""

    LIMIT = 4096   # characters held back at most

    def __init__(self, tracer, stream, number):
        self._tracer = tracer
        self._stream = stream
        self._number = number
        self._pending = []
        self._size = 0
        self._t = 0

    def write(self, text):
        written = self._stream.write(text)
        if isinstance(text, str) and text:
            self._capture(text)
        return written

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self.report()
        return self._stream.flush()

    def _capture(self, text):
        tracer = self._tracer
        if not self._pending:
            self._t = tracer.clock.now()
        self._pending.append(text)
        self._size += len(text)
        if text.endswith("\n") or self._size >= self.LIMIT:
            self.report()
            if not tracer.in_loop:
                tracer.stream.maybe_flush()

    def report(self):
        """Report what is held back."""
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self._size = 0
            self._tracer.output(self._number, text, self._t)

    def __getattr__(self, name):
        return getattr(self._stream, name)
