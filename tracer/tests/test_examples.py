"""The learner's starting points in examples/, traced: each shows what it
says it shows."""
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

from tracing import SECOND, TRACER, TracerTestCase, loopscope_parse, trace_script

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        "examples")


def example(name):
    return os.path.join(EXAMPLES, name)


class ExamplesTest(TracerTestCase):

    def traced(self, name):
        run = trace_script(example(name))
        self.assertEqual(run.returncode, 0, run.stderr)
        return run

    def test_gather(self):
        run = self.traced("gather.py")
        self.assertIn("took 2.00 s", run.stdout)
        self.assertEqual(self.main_task(run.trace).ended, 2 * SECOND)

    def test_semaphore_crawl(self):
        run = self.traced("semaphore_crawl.py")
        self.assertIn("10 pages in 4.00 s", run.stdout)
        fetches = run.trace.by_coro("fetch_page")
        self.assertEqual(sorted(t.ended for t in fetches), [SECOND * (1 + i // 3) for i in range(10)])

    def test_blocking_route(self):
        run = self.traced("blocking_route.py")
        self.assertEqual(run.stdout.splitlines(), ["blocking answered after 1.00 s",
                                                   " async 1 answered after 2.00 s",
                                                   " async 2 answered after 2.00 s"])
        (block,) = run.trace.blocks
        self.assertEqual((block["start"], block["end"]), (0, SECOND))

    def test_taskgroup_failure(self):
        run = self.traced("taskgroup_failure.py")
        self.assertIn("failed: stock service is down", run.stdout)
        self.assertEqual(run.trace.by_name("stock").state, "failed")
        for name in ("prices", "reviews"):
            task = run.trace.by_name(name)
            self.assertEqual((task.state, task.ended), ("cancelled", SECOND))

    def test_to_thread(self):
        run = self.traced("to_thread.py")
        self.assertIn("readings [20, 21, 22] after 1.00 s", run.stdout)
        self.assertEqual([job["end"] for job in run.trace.jobs], [SECOND] * 3)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(importlib.util.find_spec("fastapi") and importlib.util.find_spec("uvicorn"),
                     "FastAPI and uvicorn are not installed for this Python")
class FastApiTest(TracerTestCase):
    """The FastAPI example served for real on loopback, three requests at
    once, then stopped with SIGINT as the app stops it."""

    def test_three_kinds_of_route(self):
        port = _free_port()
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "trace.jsonl")
            server = subprocess.Popen([sys.executable, TRACER, "--clock", "real", "--out", out,
                                       "--", example("fastapi_app.py"), str(port)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                self._wait_for(port)
                answers = {}
                threads = [threading.Thread(target=self._get, args=(port, route, answers))
                           for route in ("blocking", "async", "sync")]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(30)
            finally:
                server.send_signal(signal.SIGINT)
                stdout, stderr = server.communicate(timeout=30)
            trace = loopscope_parse.parse_file(out)
        self.assertEqual(answers, {"blocking": 200, "async": 200, "sync": 200}, stderr)
        self.assertEqual(trace.end["how"], "exit", stderr)
        (block,) = trace.blocks
        self.assertTrue(block["file"].endswith("fastapi_app.py"))
        self.assertNear(block["end"] - block["start"], SECOND, 100_000_000, "the blocking route")
        reasons = {w.reason for t in trace.tasks.values() for w in t.waits()}
        self.assertIn("thread", reasons)   # the plain def route, in AnyIO's worker thread
        self.assertIn("timer", reasons)    # the async route's sleep

    def _wait_for(self, port):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.fail("the server did not start")

    @staticmethod
    def _get(port, route, answers):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{route}", timeout=30) as answer:
            answers[route] = answer.status


if __name__ == "__main__":
    unittest.main()
