"""Loopscope's Python tracer: runs an unmodified asyncio script under CPython
and streams every task's state changes to the app (see ../PROTOCOL.md).

The entry point is ../loopscope_trace.py; ../loopscope_parse.py is the
reference reader of the stream."""

PROTOCOL_VERSION = 1
