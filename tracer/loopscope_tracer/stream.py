"""The event stream: one JSON array per line, written to a file descriptor.

Events are appended as ready-made lines to a list (cheap, and safe from any
thread under the GIL) and written in batches, so the hot path never touches
the file. The stream is flushed between passes of the event loop, never
inside a task step, so a slow reader cannot stretch a step's measured time.
"""
import itertools
import json
import os
import threading
import time

_perf_ns = time.perf_counter_ns

FLUSH_LINES = 4096          # write at least this often, in lines...
FLUSH_INTERVAL_NS = 50_000_000  # ...or in real time, whichever comes first


def quote(text):
    """A JSON string literal, ASCII only, so every line is valid UTF-8."""
    return json.dumps(text)


class EventStream:
    """Buffers event lines and writes them to one file descriptor."""

    def __init__(self, fd):
        self.fd = fd
        self.lines = []
        self.emit = self.lines.append   # the hot path: emit('["r",3,0]\n')
        self._ids = {}
        self._next_id = itertools.count(1)
        self._lock = threading.Lock()
        self._last_flush = _perf_ns()

    def text_id(self, text):
        """The small integer that stands for `text`, declared by an "i" line
        the first time it is used."""
        sid = self._ids.get(text)
        if sid is None:
            sid = next(self._next_id)
            self._ids[text] = sid
            self.emit(f'["i",{sid},{quote(text)}]\n')
        return sid

    def maybe_flush(self):
        """Flush when enough lines or enough real time have piled up."""
        if len(self.lines) >= FLUSH_LINES or _perf_ns() - self._last_flush >= FLUSH_INTERVAL_NS:
            self.flush()

    def flush(self, timeout=-1):
        """Write every buffered line. Lines appended meanwhile by another
        thread stay for the next flush; a reader that went away turns the
        stream off rather than failing the script. With a timeout, gives up
        (returns False) if another thread's flush does not finish."""
        if not self._lock.acquire(timeout=timeout):
            return False
        try:
            self._last_flush = _perf_ns()
            lines = self.lines
            n = len(lines)
            data = "".join(lines[:n]).encode("ascii")
            del lines[:n]
            self._write(data)
        finally:
            self._lock.release()
        return True

    def _write(self, data):
        view = memoryview(data)
        try:
            while view and self.fd is not None:
                view = view[os.write(self.fd, view):]
        except OSError:
            self.fd = None

    def detach(self):
        """In a forked child: stop writing, without closing the descriptor
        (the traced process still writes to it). The lock may have been
        held by a thread that does not exist in the child: take a new one."""
        self._lock = threading.Lock()
        self.fd = None
        self.lines.clear()

    def close(self, timeout=-1):
        """Flush and close the descriptor."""
        if not self.flush(timeout):
            return
        fd, self.fd = self.fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
