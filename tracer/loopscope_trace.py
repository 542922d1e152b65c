"""Loopscope's Python tracer: runs an unmodified asyncio script and streams
every task's state changes to the app.

    python3 loopscope_trace.py [--clock virtual|real] [--out-fd N | --out FILE]
                               [--time-limit SECONDS] [--module] -- script.py [args...]

Events go to file descriptor 3 by default; PROTOCOL.md describes them.
Standard library only; CPython 3.11 or newer.
"""
import sys

if sys.version_info < (3, 11):
    sys.exit("loopscope_trace.py needs CPython 3.11 or newer")

from loopscope_tracer.runner import main  # noqa: E402  (after the version check)

if __name__ == "__main__":
    main()
