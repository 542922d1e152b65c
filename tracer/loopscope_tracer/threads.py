"""Thread-pool jobs: observed on the real clock, simulated on the virtual one.

A job (one run_in_executor / to_thread call) really runs on a worker thread.
On the virtual clock its duration is its own virtual time: time.sleep inside
it advances the job's clock instead of sleeping, and its real duration counts
when it reaches 1 ms. Its result is then delivered to the loop at a simulated
time: jobs are laid out, in submission order, over as many simulated workers
as the executor has (first in, first out, each on the worker that is free
earliest), so three to_thread(time.sleep, 1) calls with enough workers all
end at exactly 1 s.
"""
import threading
import time
from collections import deque

from .clock import MIN_COUNTED_NS, preempted_ns

_perf_ns = time.perf_counter_ns
_local = threading.local()


def current_job():
    """The job the calling worker thread runs, or None."""
    return getattr(_local, "job", None)


class Job:
    """One function submitted to a pool."""

    __slots__ = ("id", "pool", "task", "name", "submit", "start", "end", "worker",
                 "sleep_ns", "real_start", "real_end", "preempted", "thread", "duration",
                 "outcome", "done", "deliver")

    def __init__(self, job_id, task, name, submit):
        self.id = job_id
        self.pool = None
        self.task = task            # the submitting task's id (0: none)
        self.name = name            # the function's name, interned
        self.submit = submit        # stream time of the submission
        self.start = self.end = self.worker = None
        self.sleep_ns = 0           # virtual time slept inside the job
        self.real_start = self.real_end = 0
        self.preempted = 0          # the worker's preempted_ns() as the job began, then its share
        self.thread = None          # the worker thread's ident, once it runs
        self.duration = None        # virtual duration, known once it really ended
        self.outcome = "done"       # or "failed", "cancelled" (never ran)
        self.done = None            # the executor's future, once it is done
        self.deliver = None         # called with the job once its simulated end is known

    def virtual_duration(self):
        if self.thread is None:
            return 0
        real = self.real_end - self.real_start - self.preempted
        return self.sleep_ns + (real if real >= MIN_COUNTED_NS else 0)

    def elapsed_ns(self):
        """Virtual time since the job started, for clock reads inside it."""
        real = _perf_ns() - self.real_start
        if real >= MIN_COUNTED_NS:
            real -= preempted_ns() - self.preempted
        return self.sleep_ns + (real if real >= MIN_COUNTED_NS else 0)


def run_job(job, func, *args):
    """What a worker thread runs in place of `func`: marks the thread as
    running `job` (time.sleep and clock reads look for it) and times it."""
    _local.job = job
    job.thread = threading.get_ident()
    job.preempted = preempted_ns()
    job.real_start = _perf_ns()
    try:
        return func(*args)
    finally:
        job.real_end = _perf_ns()
        _local.job = None
        job.preempted = preempted_ns() - job.preempted


class Pool:
    """An executor seen by the tracer, with its simulated workers."""

    def __init__(self, pool_id, executor, workers, simulated):
        self.id = pool_id
        self.executor = executor        # a weak reference
        self.workers = workers
        self.simulated = simulated      # else only observed
        self.busy = [None] * workers    # the job a simulated worker runs, end unknown
        self.free_at = [0] * workers    # when each simulated worker is free
        self.queue = deque()            # submitted, not yet on a simulated worker
        self.real_workers = {}          # thread ident -> lane, on the real clock

    def threads(self):
        """The executor's worker threads (not "foreign" threads)."""
        executor = self.executor()
        return getattr(executor, "_threads", ()) if executor is not None else ()

    def real_lane(self, ident):
        """A stable lane number for a real worker thread."""
        return self.real_workers.setdefault(ident, len(self.real_workers))

    def submit(self, job):
        job.pool = self
        self.queue.append(job)
        self._assign()

    def finished(self, job, duration):
        """The job really ended: its virtual duration is now known."""
        job.duration = duration
        if job.worker is not None:
            self._resolve(job)
        self._assign()

    def _assign(self):
        """Put queued jobs on simulated workers, first in first out, as far
        as the known end times allow."""
        while self.queue:
            job = self.queue[0]
            worker = self._worker_for(job.submit)
            if worker is None:
                return   # a running job's end is still unknown: wait for it
            self.queue.popleft()
            job.worker = worker
            job.start = max(job.submit, self.free_at[worker])
            self.busy[worker] = job
            if job.duration is not None:
                self._resolve(job)

    def _worker_for(self, t):
        """The lowest worker free at `t`; else the one free earliest, once
        no running job could end sooner."""
        earliest = None
        for w, job in enumerate(self.busy):
            if job is None:
                if self.free_at[w] <= t:
                    return w
                if earliest is None or self.free_at[w] < self.free_at[earliest]:
                    earliest = w
        if earliest is None or any(job is not None for job in self.busy):
            return None
        return earliest

    def _resolve(self, job):
        job.end = job.start + job.duration
        self.busy[job.worker] = None
        self.free_at[job.worker] = job.end
        job.deliver(job)
