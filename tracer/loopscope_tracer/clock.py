"""The two clocks. Both give integer nanoseconds since the tracer started.

The virtual clock advances only by what the program does, never by the
tracer's own work, so a timer-only script is exact to the nanosecond:

- a jump to the earliest timer when the loop has nothing else to do;
- time.sleep on the loop thread (a blocking call holds the loop);
- the real duration of a "stretch" when it lasts 1 ms or more: a stretch is
  one callback of the loop (a task step, a timer). Shorter stretches count
  as zero, which keeps timer-only scripts exact while CPU-bound loops stay
  visible;
- real waits for thread-pool jobs, sockets or other threads (then the loop
  really waits, and so does virtual time), when they last 1 ms or more.

The script's top-level code, outside any loop, is a "lazy" stretch: its real
time counts only as far as the script itself saw it, through a clock read
(so a wait with a timeout still ends, while a slow import before
asyncio.run does not shift the timeline).

Some real time is the machine's or the tracer's rather than the script's,
and is left out: submitting a job to a thread pool (which may create the
pool and start a thread), time the thread spent preempted, ready to run
while other processes had the CPU (a busy machine must not stretch virtual
time), and garbage collections (which the tracer's own objects make more
frequent, and which land on whatever step happens to allocate).
"""
import os
import threading
import time

_perf_ns = time.perf_counter_ns
_monotonic_ns = time.monotonic_ns
_files = threading.local()

MIN_COUNTED_NS = 1_000_000   # a stretch shorter than 1 ms counts as zero


def preempted_ns():
    """Nanoseconds the calling thread has spent so far ready to run while
    others had the CPU (Linux's /proc/thread-self/schedstat; 0 where the
    kernel does not say)."""
    fd = getattr(_files, "schedstat", None)
    if fd is None:
        try:
            fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            fd = -1
        _files.schedstat = fd
    if fd < 0:
        return 0
    try:
        return int(os.pread(fd, 128, 0).split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def forget_thread_files():
    """In a forked child: the descriptor names a thread of the parent."""
    _files.schedstat = None


class VirtualClock:
    """Virtual time: `base` plus the running stretch, if long enough."""

    virtual = True
    name = "virtual"

    def __init__(self, count_steps=True):
        self.count_steps = count_steps  # False: a stretch's own real time never counts
        self.base = 0
        self.stretch = 0     # perf_counter_ns at the start of the running stretch, 0: none
        self.lazy = False    # the running stretch is top-level code
        self.seen = 0        # the latest time a clock read returned, in a lazy stretch
        self.preempted = 0   # preempted_ns() when the loop's pass (or top level) began
        self._collecting_since = 0

    def _elapsed(self):
        """The running stretch's real time, when it counts. Preemption is
        looked up only for a stretch that would count (rarely), and is
        that since the pass began: it may include some of a shorter
        stretch's before it, never too little."""
        start = self.stretch
        if start and self.count_steps:
            elapsed = _perf_ns() - start
            if elapsed >= MIN_COUNTED_NS:
                elapsed -= preempted_ns() - self.preempted
                if elapsed >= MIN_COUNTED_NS:
                    return elapsed
        return 0

    def pass_begins(self):
        """The loop starts a pass (runs its ready callbacks)."""
        self.preempted = preempted_ns()

    def now(self):
        """The time of an event the tracer reports."""
        return self.base if self.lazy else self.base + self._elapsed()

    def read(self):
        """What the script's own clock reads return."""
        t = self.base + self._elapsed()
        if self.lazy and t > self.seen:
            self.seen = t
        return t

    def begin(self):
        """Start a stretch (a callback); returns its start time."""
        self.stretch = _perf_ns()
        self.lazy = False
        return self.base

    def begin_top_level(self):
        """Start the lazy stretch of top-level code."""
        self.pass_begins()
        self.stretch = _perf_ns()
        self.lazy = True
        self.seen = self.base

    def end(self):
        """End the running stretch; returns its end time."""
        if self.lazy:
            self.base = max(self.base, self.seen)
        else:
            elapsed = self._elapsed()
            if elapsed:
                self.base += elapsed
                self.pass_begins()   # that preemption is accounted for
        self.stretch = 0
        self.lazy = False
        return self.base

    def exclude(self, since):
        """Leave the real time since perf_counter_ns() == `since` out of the
        running stretch."""
        if self.stretch:
            self.stretch += _perf_ns() - since

    def garbage_collection(self, phase, info):
        """A gc.callbacks entry: a collection's time is left out."""
        if phase == "start":
            self._collecting_since = _perf_ns()
        else:
            self.exclude(self._collecting_since)

    def add(self, ns):
        """Advance by a duration the program spent (a blocking sleep)."""
        self.base += ns

    def advance_to(self, t):
        """Jump forward to `t` (a timer's deadline); never backwards."""
        if t > self.base:
            self.base = t

    def deadline_ns(self, when):
        """A loop deadline (loop.time() seconds) as a stream time."""
        return round(when * 1e9)


class RealClock:
    """Real time: time.monotonic_ns(), the clock asyncio's loop.time() reads."""

    virtual = False
    name = "real"

    def __init__(self):
        self.origin = _monotonic_ns()

    def now(self):
        return _monotonic_ns() - self.origin

    begin = end = read = now

    def begin_top_level(self):
        pass

    def pass_begins(self):
        pass

    def exclude(self, since):
        pass

    def deadline_ns(self, when):
        return round(when * 1e9) - self.origin
