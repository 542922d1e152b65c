"""Where things happen in the learner's code, and why a task waits.

Every file is sorted once into one of four kinds: the learner's own code,
asyncio, the rest of the standard library and installed packages, and the
tracer itself. A "site" is a (file id, line) pair pointing at the innermost
frame of the learner's code, or of a library when no learner frame is
involved (a task that uvicorn made, say).
"""
import gc
import os
import site
import sysconfig
import types

import asyncio

USER, LIB, ASYNCIO, TRACER = range(4)

_COROUTINE = types.CoroutineType
_GENERATOR = types.GeneratorType
_ASYNC_GENERATOR = types.AsyncGeneratorType


def _async_gen_wrapper_types():
    """The types of `agen.asend()` / `agen.athrow()`: awaiting one of them
    (an `async for`) hides the generator, which only gc can reach."""
    async def agen():
        yield
    gen = agen()
    asend, athrow = gen.asend(None), gen.athrow(GeneratorExit)
    kinds = (type(asend), type(athrow))
    asend.close()
    athrow.close()
    return kinds


_ASEND_TYPES = _async_gen_wrapper_types()


def _library_roots():
    """Directories whose files are not the learner's."""
    roots = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(key):
            roots.add(paths[key])
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except AttributeError:   # a virtualenv's reduced site module
        pass
    return tuple(os.path.join(os.path.realpath(r), "") for r in roots if r)


# Why a task waits, from the asyncio function the learner's code called:
# (module, first part of the function's qualified name) -> reason.
_REASON_BY_FUNCTION = {
    ("tasks", "sleep"): "timer",
    ("locks", "Semaphore"): "semaphore",
    ("locks", "BoundedSemaphore"): "semaphore",
    ("locks", "Lock"): "lock",
    ("locks", "Event"): "event",
    ("locks", "Condition"): "condition",
    ("locks", "Barrier"): "condition",
    ("threads", "to_thread"): "thread",
}
# ...or from the module alone.
_REASON_BY_MODULE = {
    "tasks": "child",          # wait, wait_for, as_completed, shield
    "taskgroups": "child",
    "queues": "queue",
    "threads": "thread",
    "streams": "io",
    "selector_events": "io",
    "base_events": "io",       # sock_*, create_connection, Server.serve_forever
    "unix_events": "io",
    "base_subprocess": "io",
    "subprocess": "io",
    "sslproto": "io",
}
# Functions of well-known libraries that wait for a worker thread.
_THREAD_FUNCTIONS = frozenset({"run_sync_in_worker_thread", "run_in_threadpool"})


class Sites:
    """Classifies files and finds sites and wait reasons."""

    def __init__(self, stream, tracer_paths):
        self._stream = stream
        self._kinds = {}
        self._ids = {}
        self._asyncio_dir = os.path.join(os.path.dirname(os.path.realpath(asyncio.__file__)), "")
        self._tracer_paths = tuple(tracer_paths)   # the package's folder, the entry script
        self._lib_roots = _library_roots()

    def kind(self, filename):
        """USER, LIB, ASYNCIO or TRACER for a code object's file name."""
        kind = self._kinds.get(filename)
        if kind is None:
            kind = self._kinds[filename] = self._classify(filename)
        return kind

    def _classify(self, filename):
        if filename.startswith("<"):
            return LIB if filename.startswith("<frozen") else USER
        path = os.path.realpath(filename)
        if path.startswith(self._asyncio_dir):
            return ASYNCIO
        if path.startswith(self._tracer_paths):
            return TRACER
        if path.startswith(self._lib_roots) or "/site-packages/" in path or "/dist-packages/" in path:
            return LIB
        return USER

    def file_id(self, filename):
        """The stream's id for a file, declared on first use."""
        fid = self._ids.get(filename)
        if fid is None:
            fid = self._ids[filename] = self._stream.text_id(filename)
        return fid

    def frame_site(self, frame):
        if frame is None:
            return 0, 0
        return self.file_id(frame.f_code.co_filename), frame.f_lineno or 0

    def stack_site(self, frame):
        """The innermost learner frame from `frame` outwards (a library
        frame when there is none): who created a task, who called sleep."""
        fallback = None
        kind = self.kind
        while frame is not None:
            k = kind(frame.f_code.co_filename)
            if k == USER:
                return self.frame_site(frame)
            if k == LIB and fallback is None:
                fallback = frame
            frame = frame.f_back
        return self.frame_site(fallback)

    def exception_site(self, exc):
        """The innermost learner frame of an exception's traceback."""
        if isinstance(exc, SyntaxError) and exc.filename:
            return self.file_id(exc.filename), exc.lineno or 0
        tb = exc.__traceback__
        best = fallback = None
        while tb is not None:
            k = self.kind(tb.tb_frame.f_code.co_filename)
            if k == USER:
                best = tb
            elif k != TRACER:
                fallback = tb
            tb = tb.tb_next
        tb = best or fallback
        if tb is None:
            return 0, 0
        return self.file_id(tb.tb_frame.f_code.co_filename), tb.tb_lineno or 0

    def wait_site(self, task, waiter, thread_futures):
        """(reason, file id, line) for a task suspended on `waiter`.

        Walks the coroutine's await chain from the task's coroutine inwards.
        The line is the innermost learner frame's (else a library's, else
        none: file id 0, as for the task asyncio.to_thread makes). The reason
        comes from the asyncio functions that the innermost non-asyncio
        frame called, or from what the awaited future is."""
        line_frame = outside = None
        called = []   # the innermost run of asyncio frames, outermost first
        for frame in _await_chain(task.get_coro()):   # outermost first
            k = self.kind(frame.f_code.co_filename)
            if k == ASYNCIO:
                called.append(frame)
                continue
            called = []
            outside = frame
            if k == USER:
                line_frame = frame
        fid, line = self.frame_site(line_frame or outside)
        return _reason(waiter, called, outside, thread_futures), fid, line


def _await_chain(obj):
    """The frames of a suspended coroutine and of everything it awaits,
    outermost first."""
    frames = []
    while obj is not None:
        t = type(obj)
        if t is _COROUTINE:
            frame, obj = obj.cr_frame, obj.cr_await
        elif t is _GENERATOR:
            frame, obj = obj.gi_frame, obj.gi_yieldfrom
        elif t is _ASYNC_GENERATOR:
            frame, obj = obj.ag_frame, obj.ag_await
        elif t in _ASEND_TYPES:
            frame = None
            obj = next((r for r in gc.get_referents(obj) if type(r) is _ASYNC_GENERATOR), None)
        else:
            break
        if frame is not None:
            frames.append(frame)
    return frames


def _reason(waiter, called, outside, thread_futures):
    """Why a task waits: a thread job's future; else the outermost asyncio
    function the code called that says (Queue.join, not the Event.wait it
    uses; Semaphore.acquire, not the mixin's __aenter__ that calls it); else
    a library's worker-thread function; else another task or future."""
    if id(waiter) in thread_futures:
        return "thread"
    for frame in called:
        code = frame.f_code
        module = os.path.splitext(os.path.basename(code.co_filename))[0]
        qualname = getattr(code, "co_qualname", code.co_name)
        reason = _REASON_BY_FUNCTION.get((module, qualname.split(".", 1)[0]))
        if reason is None:
            reason = _REASON_BY_MODULE.get(module)
        if reason is not None:
            return reason
    if outside is not None and outside.f_code.co_name in _THREAD_FUNCTIONS:
        return "thread"
    return "child"
