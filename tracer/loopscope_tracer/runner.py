"""Runs the learner's script as `python3 script.py args` would, under the
tracer: the command line, the script's own view of the process (sys.argv,
sys.path[0], __main__), its failures, the time limit and the final line."""
import argparse
import atexit
import builtins
import importlib.machinery
import os
import runpy
import signal
import sys
import threading
import time
import types

from . import PROTOCOL_VERSION, patches
from .clock import RealClock, VirtualClock
from .sites import TRACER
from .stream import EventStream
from .tracer import Tracer

_perf_ns = time.perf_counter_ns
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
# The tracer's own files: its package, and the script that starts it.
TRACER_PATHS = (os.path.join(PACKAGE_DIR, ""),
                os.path.join(os.path.dirname(PACKAGE_DIR), "loopscope_trace.py"))
TIME_LIMIT_STATUS = 124     # the exit status when the time limit stopped the script
GRACE_SECONDS = 5.0         # after the interrupt, before a hard exit

USAGE = """\
python3 loopscope_trace.py [--clock virtual|real] [--out-fd N | --out FILE]
                           [--time-limit SECONDS] [--module] -- script.py [args...]"""

DESCRIPTION = f"""\
Runs an unmodified asyncio script under CPython and streams every task's
state changes (protocol version {PROTOCOL_VERSION}, see PROTOCOL.md) to file
descriptor 3, or to --out-fd N / --out FILE. The script keeps its own
stdin, stdout and stderr, sys.argv and sys.path[0], exactly as if run as
`python3 script.py args`; with --module, as `python3 -m module args`.

The virtual clock (default) is exact and instant: time jumps to the next
timer, time.sleep on the loop advances it, thread jobs end at simulated
times. The real clock observes the script as it runs (for servers)."""


def parse_args(argv):
    """Options before `--` (or before the first argument that is not one),
    the target and its arguments after."""
    parser = argparse.ArgumentParser(prog="loopscope_trace.py", usage=USAGE,
                                     description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clock", choices=("virtual", "real"), default="virtual",
                        help="virtual (default): exact, instant; real: as it runs")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--out-fd", type=int, default=None, metavar="N",
                     help="write events to this inherited descriptor (default 3)")
    out.add_argument("--out", metavar="FILE", help="write events to this file")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help="interrupt the script after this much real time")
    parser.add_argument("--module", action="store_true",
                        help="the target is a module name, run as `python3 -m` would")
    parser.add_argument("--no-step-time", action="store_true",
                        help="virtual clock: a step's own running time never counts, only timers, "
                             "time.sleep and thread jobs move the clock (for programs that compute "
                             "nothing: exact however busy the machine is)")
    options, rest = _split(argv)
    args = parser.parse_args(options)
    if not rest:
        parser.error("no script given (... -- script.py [args])")
    if args.time_limit is not None and not args.time_limit > 0:
        parser.error("--time-limit must be a positive number of seconds")
    args.target, args.target_args = rest[0], rest[1:]
    return args


def _split(argv):
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    with_value = {"--clock", "--out-fd", "--out", "--time-limit"}
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in with_value else 1
    return argv[:i], argv[i:]


def open_events(args):
    """The descriptor events go to, moved out of the script's way."""
    if args.out is not None:
        return os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    fd = 3 if args.out_fd is None else args.out_fd
    try:
        os.fstat(fd)
    except OSError:
        sys.stderr.write(f"loopscope_trace.py: descriptor {fd} is not open: run with "
                         f"{fd}>FILE, or pass --out FILE\n")
        sys.exit(2)
    try:
        import fcntl
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100)
    except (ImportError, OSError):
        moved = os.dup(fd)
    os.close(fd)
    return moved


class Ending:
    """How the run ends: decided by the script, the time limit, or an
    interrupt; written as the final line by the last exit handler."""

    def __init__(self, tracer, start_ns):
        self.tracer = tracer
        self.start_ns = start_ns
        self.code = 0
        self.how = "exit"
        self.time_limit_hit = False
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._written = False

    def write(self, how=None, code=None, timeout=-1):
        """Write the final line once (from atexit, or the watchdog, which
        will not wait long for a flush stuck on a reader that stopped)."""
        with self._lock:
            if self._written:
                return False
            self._written = True
        self.done.set()
        for output in (sys.stdout, sys.stderr):
            if isinstance(output, patches.TimedOutput):
                output.report()
        self.tracer.finished(how or self.how, self.code if code is None else code,
                             _perf_ns() - self.start_ns)
        self.tracer.stream.close(timeout)
        return True

    def at_exit(self):
        self.write()
        if self.how == "interrupt":   # end as Python does on an uncaught Ctrl-C
            for output in (sys.stdout, sys.stderr):
                try:
                    output.flush()
                except (OSError, ValueError):
                    pass
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)


def _watchdog(ending, seconds):
    """Interrupt the script after `seconds` of real time, as Ctrl-C would
    (asyncio.run cancels its main task and unwinds); exit hard if it has
    not ended after a grace period."""
    if ending.done.wait(seconds):
        return
    ending.time_limit_hit = True
    os.kill(os.getpid(), signal.SIGINT)
    if ending.done.wait(GRACE_SECONDS):
        return
    if ending.write("killed", TIME_LIMIT_STATUS, timeout=GRACE_SECONDS):
        sys.__stderr__.write(f"loopscope: time limit ({seconds:g} s) reached; "
                             "the script did not stop when interrupted\n")
        sys.__stderr__.flush()
        os._exit(TIME_LIMIT_STATUS)


def main(argv=None):
    start_ns = _perf_ns()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    stream = EventStream(open_events(args))
    clock = VirtualClock(count_steps=not args.no_step_time) if args.clock == "virtual" else RealClock()
    tracer = Tracer(stream, clock, TRACER_PATHS)
    script = args.target if args.module else os.path.abspath(args.target)
    tracer.header(script, [args.target, *args.target_args], args.module)
    patches.install(tracer)

    # Stopping the script is an interrupt (the time limit, the app's stop
    # button): it must not be ignored because the tracer was started in the
    # background of a shell, which ignores SIGINT for its children.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    ending = Ending(tracer, start_ns)
    atexit.register(ending.at_exit)   # registered first, so it runs last
    if args.time_limit is not None:
        watchdog = threading.Thread(target=_watchdog, args=(ending, args.time_limit),
                                    name="loopscope-time-limit", daemon=True)
        watchdog.start()
        tracer.own_threads.add(watchdog.ident)

    ending.code = _run_target(tracer, ending, args)
    stream.flush()
    sys.exit(ending.code)


def _run_target(tracer, ending, args):
    """Run the script; returns its exit status."""
    try:
        if args.module:
            _run_module(tracer, args.target, args.target_args)
        else:
            code = _load_script(tracer, args.target, args.target_args)
            if isinstance(code, int):
                return code
            tracer.clock.begin_top_level()
            exec(code, sys.modules["__main__"].__dict__)
        return 0
    except SystemExit as exc:
        return _exit_status(exc.code)
    except KeyboardInterrupt as exc:
        if ending.time_limit_hit:
            ending.how = "time-limit"
            sys.__stderr__.write("loopscope: time limit reached; the script was interrupted\n")
            return TIME_LIMIT_STATUS
        _report_uncaught(tracer, exc)
        ending.how = "interrupt"
        return 130
    except BaseException as exc:
        _report_uncaught(tracer, exc)
        return 1


def _load_script(tracer, path, script_args):
    """Set up __main__, sys.argv and sys.path[0] as `python3 path` does and
    compile the script; returns its code, or an exit status."""
    filename = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as exc:
        sys.stderr.write(f"{sys.executable}: can't open file {filename!r}: "
                         f"[Errno {exc.errno}] {exc.strerror}\n")
        tracer.script_failed(exc)
        return 2
    sys.argv[:] = [path, *script_args]
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=filename, __cached__=None, __builtins__=builtins,
                         __loader__=importlib.machinery.SourceFileLoader("__main__", filename))
    if sys.version_info < (3, 14):
        main.__annotations__ = {}
    sys.modules["__main__"] = main
    try:
        return compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        _report_uncaught(tracer, exc)
        return 1


def _run_module(tracer, name, module_args):
    """As `python3 -m name args`: sys.path[0] is the working directory."""
    sys.argv[:] = ["-m", *module_args]
    sys.path[0] = os.getcwd()
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    tracer.clock.begin_top_level()
    runpy._run_module_as_main(name, alter_argv=True)   # what `python3 -m` itself calls


def _exit_status(code):
    """What sys.exit(code) makes the process return."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code % 256
    try:
        sys.stderr.write(f"{code}\n")
    except Exception:
        pass
    return 1


def _report_uncaught(tracer, exc):
    """Print the traceback as Python would (without the tracer's frames)
    and report the failure."""
    tracer.script_failed(exc)
    tb = _without_tracer_frames(tracer, exc.__traceback__)
    try:
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
    except Exception:
        pass


def _without_tracer_frames(tracer, tb):
    frames = []
    while tb is not None:
        if tracer.sites.kind(tb.tb_frame.f_code.co_filename) != TRACER:
            frames.append(tb)
        tb = tb.tb_next
    rebuilt = None
    for tb in reversed(frames):
        rebuilt = types.TracebackType(rebuilt, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
    return rebuilt
