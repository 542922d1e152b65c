"""The script's side: it runs as if started directly, its failures and
output are reported, and the run always says how it ended."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from tracing import loopscope_parse, SCRIPTS, SECOND, TRACER, TracerTestCase, script, trace_script


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class ScriptTest(TracerTestCase):

    def test_syntax_error_is_reported_with_its_place(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write(tmp, "broken.py", "import asyncio\nvalues = (1,\nprint(values)\n")
            run = trace_script(path)
            direct = subprocess.run([sys.executable, path], capture_output=True, text=True)
        self.assertEqual(run.returncode, 1)
        (failure,) = run.trace.failures
        self.assertEqual(failure["type"], "SyntaxError")
        self.assertEqual((failure["file"], failure["line"]), (path, 2))
        self.assertIn("never closed", failure["message"])
        self.assertEqual(run.trace.end["how"], "exit")
        self.assertEqual(run.trace.end["code"], 1)
        self.assertEqual(run.stderr, direct.stderr)
        self.assertEqual(run.trace.stderr(), direct.stderr)

    def test_uncaught_exception_is_reported_at_the_learners_line(self):
        run = trace_script(script("raises.py"))
        direct = subprocess.run([sys.executable, script("raises.py")], capture_output=True, text=True)
        self.assertEqual(run.returncode, 1)
        (failure,) = run.trace.failures
        self.assertEqual((failure["type"], failure["message"]), ("RuntimeError", "config file missing"))
        self.assertEqual(failure["file"], script("raises.py"))
        self.assertEqual(failure["line"], 7)
        self.assertEqual(failure["t"], SECOND)
        main = self.main_task(run.trace)
        self.assertEqual((main.state, main.error[:2]), ("failed", ("RuntimeError", "config file missing")))
        self.assertEqual(run.stderr, direct.stderr)   # the same traceback, no tracer frames
        self.assertEqual(run.trace.end["code"], 1)

    def test_time_limit_interrupts_a_script_that_never_ends(self):
        start = time.monotonic()
        run = trace_script(script("forever.py"), time_limit=1)
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(run.returncode, 124)
        self.assertEqual(run.trace.end["how"], "time-limit")
        self.assertEqual(run.trace.end["code"], 124)
        self.assertGreaterEqual(run.trace.end["wall_ns"], SECOND)
        self.assertIn("cleaned up", run.stdout)   # asyncio.run unwound: finally blocks ran
        self.assertEqual(self.main_task(run.trace).state, "cancelled")

    def test_time_limit_exits_hard_when_the_interrupt_is_ignored(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write(tmp, "stubborn.py", "import signal, threading\n"
                                             "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                             "threading.Event().wait()\n")
            run = trace_script(path, time_limit=0.5)
        self.assertEqual(run.returncode, 124)
        self.assertEqual(run.trace.end["how"], "killed")

    def test_output_reaches_the_real_streams_and_the_trace(self):
        run = trace_script(script("chatty.py"), 5000)
        direct = subprocess.run([sys.executable, script("chatty.py"), "5000"],
                                capture_output=True, text=True)
        self.assertEqual(run.stdout, direct.stdout)
        self.assertEqual(run.stderr, direct.stderr)
        self.assertEqual(run.trace.stdout(), direct.stdout)
        self.assertEqual(run.trace.stderr(), direct.stderr)
        lines = [text for _, stream, text in run.trace.output if stream == 1]
        self.assertEqual(lines[:2], ["before the loop\n", "line 0\n"])
        self.assertEqual(lines[-1], "no newline at the end")
        times = [t for t, stream, _ in run.trace.output if stream == 2]
        self.assertEqual(times[0], 0)
        self.assertEqual(times, sorted(set(times)))   # 1000 prints take real time, 1 ms sleeps more

    def test_script_sees_itself_as_if_run_directly(self):
        args = ["a", "b c", "--flag"]
        run = trace_script("identity.py", *args, cwd=SCRIPTS, stdin="from stdin\n")
        direct = subprocess.run([sys.executable, "identity.py", *args], cwd=SCRIPTS,
                                input="from stdin\n", capture_output=True, text=True)
        self.assertEqual(json.loads(run.stdout), json.loads(direct.stdout))
        self.assertEqual(run.trace.header["argv"], ["identity.py", *args])
        self.assertEqual(run.trace.header["script"], script("identity.py"))

    def test_module_runs_as_with_dash_m(self):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(script("identity.py"), os.path.join(tmp, "identity_module.py"))
            run = trace_script("identity_module", "x", module=True, cwd=tmp, stdin="")
            direct = subprocess.run([sys.executable, "-m", "identity_module", "x"], cwd=tmp,
                                    input="", capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(json.loads(run.stdout), json.loads(direct.stdout))

    def test_exit_status_is_the_scripts(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = write(tmp, "exits.py", "import sys\nsys.exit(3)\n")
            run = trace_script(path)
        self.assertEqual(run.returncode, 3)
        self.assertEqual((run.trace.end["how"], run.trace.end["code"]), ("exit", 3))

    def test_missing_script_fails_like_python(self):
        run = trace_script("/nonexistent/script.py")
        self.assertEqual(run.returncode, 2)
        self.assertIn("can't open file", run.stderr)
        self.assertEqual(run.trace.failures[0]["type"], "FileNotFoundError")

    def test_uvloop_is_replaced_or_absent(self):
        run = trace_script(script("uvloop_user.py"))
        self.assertEqual(run.returncode, 0, run.stderr)
        module, has_uvloop = run.stdout.split()
        self.assertTrue(module.startswith("asyncio."), module)
        notes = [text for _, text in run.trace.notes]
        if has_uvloop == "True":
            self.assertTrue(any("uvloop replaced" in text for text in notes), notes)
        else:
            self.assertEqual(notes, [])
        self.assertEqual(self.main_task(run.trace).ended, 2 * SECOND)

    def test_events_go_to_descriptor_3_by_default(self):
        read, write_end = os.pipe()

        def give_descriptor_3():
            os.dup2(write_end, 3)

        child = subprocess.Popen([sys.executable, TRACER, "--", script("gathered.py")],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 preexec_fn=give_descriptor_3, pass_fds=(3,))
        os.close(write_end)
        with os.fdopen(read, encoding="ascii") as events:
            text = events.read()
        stdout, stderr = child.communicate(timeout=60)
        self.assertEqual(child.returncode, 0, stderr)
        self.assertEqual(stdout, b"")
        trace = loopscope_parse.parse_text(text)
        self.assertEqual(self.main_task(trace).ended, 3 * SECOND)

    def test_descriptor_3_missing_is_a_clear_error(self):
        done = subprocess.run([sys.executable, TRACER, "--", script("gathered.py")],
                              capture_output=True, text=True, close_fds=True)
        self.assertEqual(done.returncode, 2)
        self.assertIn("descriptor 3 is not open", done.stderr)

    def test_interrupt_from_outside_unwinds_and_says_so(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "trace.jsonl")
            child = subprocess.Popen([sys.executable, TRACER, "--clock", "real", "--out", out,
                                      "--", script("forever.py")],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:   # wait until the loop runs
                time.sleep(0.05)
                if os.path.exists(out):
                    with open(out) as f:
                        if '"timer"' in f.read():
                            break
            child.send_signal(signal.SIGINT)
            stdout, stderr = child.communicate(timeout=20)
            trace = loopscope_parse.parse_file(out)
        self.assertEqual(child.returncode, -signal.SIGINT)
        self.assertIn("cleaned up", stdout)
        self.assertIn("KeyboardInterrupt", stderr)
        self.assertEqual((trace.end["how"], trace.end["code"]), ("interrupt", 130))

    def test_help_shows_the_invocation(self):
        done = subprocess.run([sys.executable, TRACER, "--help"], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0)
        self.assertIn("[--clock virtual|real] [--out-fd N | --out FILE]", done.stdout)
        self.assertIn("--time-limit SECONDS", done.stdout)


if __name__ == "__main__":
    unittest.main()
