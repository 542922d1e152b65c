"""What the tracer knows while the script runs, and the events it reports.

patches.py calls in here from the hooks it installs; this module changes
nothing in the interpreter by itself.
"""
import concurrent.futures
import concurrent.futures.thread  # noqa: F401  (imported now, not inside a step)
import functools
import itertools
import json
import os
import platform
import threading
import time
import weakref

from . import PROTOCOL_VERSION
from .clock import MIN_COUNTED_NS
from .sites import Sites
from .stream import quote
from .threads import Job, Pool, run_job

_perf_ns = time.perf_counter_ns
_monotonic_ns = time.monotonic_ns
_get_ident = threading.get_ident
MESSAGE_LIMIT = 500   # characters of an exception message kept in the stream


class TaskRec(weakref.ref):
    """What the tracer keeps per live task: a weak reference (so tracing
    never keeps a task alive) that also carries the task's stream id."""

    __slots__ = ("tid", "key", "last", "name")


def _message(exc):
    """str(exc), shortened, and never failing."""
    try:
        text = str(exc)
    except Exception:
        text = f"<{type(exc).__name__}>"
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "..."


def _function_name(func):
    """A readable name for a function handed to a thread pool, looking
    through the partial and context wrapper that to_thread adds."""
    for _ in range(8):
        if isinstance(func, functools.partial):
            inner = func.func
            if getattr(inner, "__name__", "") == "run" and func.args:
                func = func.args[0]   # contextvars.Context.run(func, ...)
            else:
                func = inner
        else:
            break
    name = getattr(func, "__qualname__", None) or type(func).__qualname__
    module = getattr(func, "__module__", None)
    if module and module not in ("__main__", "builtins"):
        name = f"{module}.{name}"
    return name


class Tracer:
    """The tracer's state for one run of one script."""

    def __init__(self, stream, clock, tracer_paths):
        self.stream = stream
        self.emit = stream.emit
        self.clock = clock
        self.sites = Sites(stream, tracer_paths)
        self.tasks = {}            # id(task) -> TaskRec, live tasks only
        self.current = None        # TaskRec of the task whose step is running
        self.deadline = None       # the running timer's deadline (stream ns)
        self._task_ids = itertools.count(1)
        self.main_thread = _get_ident()
        self.clock_thread = self.main_thread   # the thread that owns virtual time
        self.in_loop = 0           # traced loops running (on clock_thread)
        self.own_threads = set()   # the tracer's threads (the time-limit watchdog)
        self.thread_futures = {}   # id(future a task awaits) -> Job
        self.jobs_in_flight = 0
        self.real_speed_offset = None   # perf_counter_ns - virtual time, while it follows real time
        self._job_ids = itertools.count(1)
        self._pools = {}
        self._pool_ids = itertools.count(1)
        self._loops = weakref.WeakKeyDictionary()
        self._loop_ids = itertools.count(1)
        self._perf_to_mono = _monotonic_ns() - _perf_ns()

    # ---- Header and notes ----

    def header(self, script, argv, module):
        extra = {"argv": argv, "pid": os.getpid(), "module": module,
                 "implementation": platform.python_implementation()}
        self.emit(f'["h",{PROTOCOL_VERSION},{quote(platform.python_version())},'
                  f'{quote(self.clock.name)},{quote(script)},{json.dumps(extra)}]\n')

    def note(self, text):
        self.emit(f'["m",{self.clock.now()},{quote(text)}]\n')

    def output(self, stream_no, text, t):
        self.emit(f'["o",{t},{stream_no},{quote(text)}]\n')

    # ---- Tasks ----

    def new_task(self, task, frame):
        """First sight of a task (its first call_soon, normally inside
        Task.__init__): report it, created by the running task. asyncio.run's
        own shutdown steps get a record (tid 0) but are not reported."""
        coro = task.get_coro()
        qualname = getattr(coro, "__qualname__", None) or type(coro).__qualname__
        internal = qualname.startswith("BaseEventLoop.")
        rec = TaskRec(task, self._task_gone)
        rec.tid = tid = 0 if internal else next(self._task_ids)
        rec.key = id(task)
        t = rec.last = self.clock.now()
        self.tasks[rec.key] = rec
        rec.name = None
        if internal:
            return rec
        parent = self.current.tid if self.current is not None else 0
        fid, line = self.sites.stack_site(frame)
        rec.name = str(task.get_name())
        self.emit(f'["n",{tid},{t},{parent},{quote(rec.name)},'
                  f'{self.stream.text_id(qualname)},{fid},{line}]\n')
        return rec

    def ready(self, rec):
        """A known task was queued to run (woken): ready from now, or from
        the deadline of the timer whose callback woke it."""
        if rec is self.current or not rec.tid:
            return   # it re-queued itself (the end of its step says so), or is hidden
        t = self.deadline
        if t is None:
            t = self.clock.now()
        if t < rec.last:
            t = rec.last
        rec.last = t
        self.emit(f'["r",{rec.tid},{t}]\n')

    def step_ended(self, task, rec, t0, t1):
        """Report a step and how it left the task: ready again, waiting
        (why, and where in the learner's code), or finished."""
        tid = rec.tid
        rec.last = t1
        if rec.name is not None:   # first step: named after creation? (TaskGroup on 3.11)
            name = str(task.get_name())
            if name != rec.name and tid:
                self.emit(f'["a",{tid},{quote(name)}]\n')
            rec.name = None
        if task.done():
            self.tasks.pop(rec.key, None)
            if not tid:
                return
            if task.cancelled():
                self.emit(f'["s",{tid},{t0},{t1},"cancelled"]\n')
                return
            exc = task._exception   # not .exception(): that would mark it retrieved
            if exc is None:
                self.emit(f'["s",{tid},{t0},{t1},"done"]\n')
                return
            fid, line = self.sites.exception_site(exc)
            self.emit(f'["s",{tid},{t0},{t1},"failed",{quote(type(exc).__qualname__)},'
                      f'{quote(_message(exc))},{fid},{line}]\n')
            return
        if not tid:
            return
        waiter = task._fut_waiter
        if waiter is None or waiter.done():
            self.emit(f'["s",{tid},{t0},{t1}]\n')
            return
        reason, fid, line = self.sites.wait_site(task, waiter, self.thread_futures)
        self.emit(f'["s",{tid},{t0},{t1},"{reason}",{fid},{line}]\n')

    def adopt(self, task):
        """A task stepping before it was ever seen queued (an eager task of
        3.12+, or one created before tracing began)."""
        return self.new_task(task, None)

    def _task_gone(self, rec):
        """A pending task was garbage-collected (nobody kept a reference)."""
        if self.tasks.get(rec.key) is rec:
            del self.tasks[rec.key]
            if rec.tid:
                self.emit(f'["g",{rec.tid},{self.clock.now()}]\n')

    # ---- Blocking calls on the loop thread ----

    def blocked(self, t0, t1, frame):
        tid = self.current.tid if self.current is not None else 0
        fid, line = self.sites.stack_site(frame)
        self.emit(f'["b",{tid},{t0},{t1},{fid},{line}]\n')

    # ---- Loops ----

    def loop_id(self, loop):
        lid = self._loops.get(loop)
        if lid is None:
            lid = self._loops[loop] = next(self._loop_ids)
        return lid

    def loop_running(self, loop, running):
        self.emit(f'["l",{self.clock.now()},{self.loop_id(loop)},{1 if running else 0}]\n')

    def outside_world(self, loop, selector):
        """Whether something the tracer cannot simulate may wake the loop:
        a socket other than the loop's own wake-up pipe, or a thread the
        tracer does not know. Then virtual time follows real time."""
        try:
            registered = len(selector.get_map())
        except (AttributeError, RuntimeError):
            registered = 0
        if registered > (1 if getattr(loop, "_ssock", None) is not None else 0):
            return True
        known = {self.main_thread, *self.own_threads}
        for pool in list(self._pools.values()):
            known.update(t.ident for t in pool.threads())
        return any(t.ident not in known for t in threading.enumerate())

    def select(self, loop, selector, timeout):
        """The loop's wait for I/O. On the virtual clock, with nothing real
        pending, it jumps to the earliest timer instead of sleeping; with
        the outside world involved, virtual time keeps up with real time."""
        stream, clock = self.stream, self.clock
        if timeout is not None and timeout <= 0:
            stream.maybe_flush()
            events = selector.select(0)
            clock.pass_begins()
            return events
        if not clock.virtual:
            stream.flush()
            return selector.select(timeout)
        stream.maybe_flush()
        events = self._virtual_select(loop, selector, timeout)
        clock.pass_begins()
        return events

    def _virtual_select(self, loop, selector, timeout):
        stream, clock = self.stream, self.clock
        if self.outside_world(loop, selector):
            if self.real_speed_offset is None:
                self.real_speed_offset = _perf_ns() - clock.base
            clock.advance_to(_perf_ns() - self.real_speed_offset)
        else:
            self.real_speed_offset = None
            if not self.jobs_in_flight:
                events = selector.select(0)
                if events:
                    return events
                scheduled = loop._scheduled
                if scheduled:
                    clock.advance_to(clock.deadline_ns(scheduled[0]._when))
                    return events
                # Nothing can ever wake the loop but a signal: really wait.
        stream.flush()
        start = _perf_ns()
        events = selector.select(timeout)
        waited = _perf_ns() - start
        if self.real_speed_offset is not None:
            clock.advance_to(_perf_ns() - self.real_speed_offset)
        elif waited >= MIN_COUNTED_NS:
            clock.add(waited)
        if not events and timeout is not None and waited >= timeout * 1e9 - MIN_COUNTED_NS:
            scheduled = loop._scheduled
            if scheduled:   # the wait ran out at the next timer: land on it exactly
                clock.advance_to(clock.deadline_ns(scheduled[0]._when))
        return events

    # ---- Thread pools ----

    def pool_for(self, executor):
        pool = self._pools.get(id(executor))
        if pool is not None and pool.executor() is executor:
            return pool
        workers = getattr(executor, "_max_workers", None) or 1
        simulated = self.clock.virtual and isinstance(executor, concurrent.futures.ThreadPoolExecutor)
        pool = Pool(next(self._pool_ids), weakref.ref(executor), workers, simulated)
        self._pools[id(executor)] = pool
        name = getattr(executor, "_thread_name_prefix", "") or type(executor).__name__
        self.emit(f'["p",{pool.id},{workers},{quote(name)}]\n')
        return pool

    def new_job(self, func, executor):
        tid = self.current.tid if self.current is not None else 0
        job = Job(next(self._job_ids), tid, self.stream.text_id(_function_name(func)),
                  self.clock.now())
        job.pool = self.pool_for(executor)
        return job

    def submit_job(self, loop, executor, job, func, args):
        """Submit `func(*args)` for run_in_executor, wrapped in a thread pool
        (a process pool must pickle what it runs), and have the loop told
        when the job ends or is cancelled before it starts."""
        if isinstance(executor, concurrent.futures.ThreadPoolExecutor):
            done = executor.submit(run_job, job, func, *args)
        else:
            done = executor.submit(func, *args)
        self.jobs_in_flight += 1
        done.add_done_callback(functools.partial(self._tell_loop, loop, job))
        return done

    def _tell_loop(self, loop, job, done):
        """In the worker thread (or the canceller's): the job is over."""
        try:
            loop.call_soon_threadsafe(self._job_ended, job, done)
        except RuntimeError:   # the loop is closed: nobody waits for it any more
            self.jobs_in_flight -= 1

    def job_submitted(self, loop, job, inner):
        """Returns the future the caller awaits: asyncio's own on the real
        clock; on the virtual clock, one resolved at the simulated end."""
        if not job.pool.simulated:
            self.thread_futures[id(inner)] = job
            inner.add_done_callback(self._forget_future)
            return inner
        outer = loop.create_future()
        job.deliver = functools.partial(self._deliver, loop, outer)
        inner.add_done_callback(_mark_retrieved)   # outer reports the outcome
        outer.add_done_callback(functools.partial(self._outer_done, inner))
        self.thread_futures[id(outer)] = job
        job.pool.submit(job)
        return outer

    def _job_ended(self, job, done):
        """On the loop thread: the job really ended (or never started)."""
        self.jobs_in_flight -= 1
        job.done = done
        if done.cancelled():
            job.outcome = "cancelled"
        elif done.exception() is not None:
            job.outcome = "failed"
        if job.pool.simulated:
            job.pool.finished(job, job.virtual_duration())
            return
        if self.clock.virtual or job.thread is None:
            # A process pool on the virtual clock, or a job that never ran:
            # it spans the loop's real wait for it.
            start, end = job.submit, max(job.submit, self.clock.now())
        else:
            offset = self._perf_to_mono - self.clock.origin
            start, end = job.real_start + offset, job.real_end + offset
        worker = job.pool.real_lane(job.thread) if job.thread is not None else 0
        self._emit_job(job, worker, start, end)

    def _deliver(self, loop, outer, job):
        """The job's simulated end is known: report it, and schedule the
        result's arrival then."""
        self._emit_job(job, job.worker, job.start, job.end)
        loop.call_at(job.end / 1e9, _copy_outcome, job.done, outer)

    def _outer_done(self, inner, outer):
        self._forget_future(outer)
        if outer.cancelled():
            inner.cancel()   # cancels the job too, if it has not started

    def _forget_future(self, future):
        self.thread_futures.pop(id(future), None)

    def _emit_job(self, job, worker, start, end):
        self.emit(f'["j",{job.id},{job.pool.id},{worker},{job.task},{job.submit},'
                  f'{start},{end},{job.name},"{job.outcome}"]\n')

    # ---- Script-level events ----

    def script_failed(self, exc):
        fid, line = self.sites.exception_site(exc)
        message = exc.msg if isinstance(exc, SyntaxError) and exc.msg else _message(exc)
        self.emit(f'["x",{self.clock.now()},{quote(type(exc).__qualname__)},'
                  f'{quote(message)},{fid},{line}]\n')

    def finished(self, how, code, wall_ns):
        self.emit(f'["e",{self.clock.now()},{quote(how)},{code},{wall_ns}]\n')


def _copy_outcome(done, outer):
    """Give the awaited future the job's outcome (at its simulated end)."""
    if outer.done():
        return
    if done.cancelled():
        outer.cancel()
    elif done.exception() is not None:
        outer.set_exception(done.exception())
    else:
        outer.set_result(done.result())


def _mark_retrieved(future):
    """asyncio's own future for a simulated job is never awaited: mark its
    exception seen, so it is not logged as never retrieved."""
    if not future.cancelled():
        future.exception()
