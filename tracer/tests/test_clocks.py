"""What the lessons claim, checked on traced runs of real asyncio scripts:
exact to the nanosecond on the virtual clock, within a tolerance on the
real clock (with every duration scaled down)."""
import sys
import unittest

from tracing import SECOND, TracerTestCase, script, trace_script


def line_of(path, text):
    """The number of the first line of `path` that contains `text`."""
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise AssertionError(f"{text!r} not in {path}")


class Scenarios:
    """The scenarios, run on one clock. `unit` is what one second of the
    script lasts; `tolerance` how far a time may be from its ideal."""

    clock = "virtual"
    scale = 1.0
    tolerance = 0
    origin = 0   # when the run's time starts: the main task's creation

    @property
    def unit(self):
        return round(SECOND * self.scale)

    def traced(self, name):
        run = trace_script(script(name), self.scale, clock=self.clock)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.trace.end["how"], "exit")
        self.origin = self.main_task(run.trace).created
        if self.clock == "virtual":
            self.assertEqual(self.origin, 0)   # the script's setup takes no virtual time
        return run

    def at(self, actual, seconds, what=""):
        """A time, `seconds` (of the script's) after the start."""
        self.assertNear(actual - self.origin, round(seconds * self.unit), self.tolerance, what)

    def lasts(self, duration, seconds, what=""):
        self.assertNear(duration, round(seconds * self.unit), self.tolerance, what)

    def test_sequential_awaits_take_the_sum(self):
        trace = self.traced("sequential.py").trace
        main = self.main_task(trace)
        self.assertEqual(len(trace.tasks), 1)
        self.at(main.ended, 6, "main ends")
        waits = main.waits()
        self.assertEqual([w.reason for w in waits], ["timer"] * 3)
        for wait, seconds in zip(waits, (1, 2, 3)):
            self.lasts(wait.end - wait.start, seconds, "a wait")
            self.assertEqual(wait.line, line_of(script("sequential.py"), "await asyncio.sleep"))

    def test_gather_takes_the_longest(self):
        trace = self.traced("gathered.py").trace
        main = self.main_task(trace)
        fetches = self.workers(trace, "fetch")
        for task, seconds in zip(fetches, (1, 2, 3)):
            self.at(task.ended, seconds, task.name)
            self.assertEqual(task.parent, main.tid)
            self.assertEqual(task.line, line_of(script("gathered.py"), "gather("))
        self.at(main.ended, 3, "main ends")
        self.assertEqual(main.waits()[0].reason, "child")

    def test_semaphore_bounds_concurrency(self):
        trace = self.traced("semaphore.py").trace
        fetches = self.workers(trace, "fetch")
        ends = sorted(t.ended for t in fetches)
        for end, seconds in zip(ends, (1, 1, 2, 2, 3)):
            self.at(end, seconds, "a fetch ends")
        self.at(self.main_task(trace).ended, 3, "main ends")
        self.assertEqual(sum(1 for t in fetches if t.waits("semaphore")), 3)
        sleeping = [(w.start, w.end) for t in fetches for w in t.waits("timer")]
        for start, _ in sleeping:
            at_once = sum(1 for s, e in sleeping if s <= start < e)
            self.assertLessEqual(at_once, 2)

    def test_blocking_call_holds_the_loop(self):
        trace = self.traced("blocking.py").trace
        handlers = self.workers(trace, "handler")
        self.assertEqual(len(trace.blocks), 1)
        block = trace.blocks[0]
        self.assertEqual(block["task"], handlers[0].tid)
        self.lasts(block["end"] - block["start"], 2, "the block")
        self.assertEqual(block["line"], line_of(script("blocking.py"), "time.sleep(2 * SCALE)"))
        for task in handlers[1:]:
            first_ready = task.spans[0]
            self.assertEqual(first_ready.state, "ready")
            self.lasts(first_ready.end - first_ready.start, 2, f"{task.name} stays ready")
            self.at(task.ended, 3, f"{task.name} ends")
        self.at(handlers[0].ended, 3, "the blocking handler ends")

    def test_taskgroup_failure_cancels_the_others(self):
        run = self.traced("taskgroup_failure.py")
        trace = run.trace
        failing = trace.by_name("failing")
        self.assertEqual(failing.state, "failed")
        self.assertEqual(failing.error[:2], ("ValueError", "upstream said no"))
        self.assertEqual(failing.error[3], line_of(script("taskgroup_failure.py"), "raise ValueError"))
        self.at(failing.ended, 1, "the failure")
        for name in ("slow", "slower"):
            task = trace.by_name(name)
            self.assertEqual(task.state, "cancelled")
            self.at(task.ended, 1, f"{name} is cancelled")
        self.at(self.main_task(trace).ended, 1, "main ends")
        self.assertIn("the group failed", run.stdout)

    def test_timeout_and_wait_for_cancel_at_the_deadline(self):
        trace = self.traced("timeouts.py").trace
        (timeout_task,) = trace.by_coro("with_timeout")
        (wait_for_task,) = trace.by_coro("with_wait_for")
        for task, seconds in ((timeout_task, 1.5), (wait_for_task, 2)):
            self.assertEqual(task.state, "failed")
            self.assertEqual(task.error[0], "TimeoutError")
            self.at(task.ended, seconds, task.coro)
        inner = trace.by_coro("slow_call")
        if sys.version_info < (3, 12):   # 3.11's wait_for runs the call in a task of its own
            self.assertEqual(len(inner), 1)
            self.assertEqual(inner[0].parent, wait_for_task.tid)
            self.assertEqual(inner[0].state, "cancelled")
            self.at(inner[0].ended, 2, "the inner task")
        else:
            self.assertEqual(inner, [])

    def test_to_thread_calls_run_side_by_side(self):
        trace = self.traced("to_thread.py").trace
        offloaded = self.workers(trace, "to_thread")
        self.assertEqual(len(offloaded), 3)
        for task in offloaded:
            self.at(task.ended, 1, "an offloaded call")
            self.assertEqual(task.waits()[0].reason, "thread")
        self.assertEqual(len(trace.jobs), 3)
        self.assertEqual(len({job["worker"] for job in trace.jobs}), 3)
        for job in trace.jobs:
            self.assertEqual(job["function"], "time.sleep")
            self.assertEqual(job["outcome"], "done")
            self.lasts(job["end"] - job["start"], 1, "a job")
            self.assertIn(job["task"], {t.tid for t in offloaded})
        self.at(self.main_task(trace).ended, 1, "main ends")


class VirtualClockTest(Scenarios, TracerTestCase):
    """Exact to the nanosecond."""

    def test_pool_of_two_queues_the_rest(self):
        trace = self.traced("small_pool.py").trace
        ends = sorted(job["end"] for job in trace.jobs)
        self.assertEqual(ends, [SECOND, SECOND, 2 * SECOND, 2 * SECOND, 3 * SECOND])
        self.assertEqual({job["worker"] for job in trace.jobs}, {0, 1})
        self.assertEqual(trace.pools[trace.jobs[0]["pool"]]["workers"], 2)
        # Leaving the `with` block joins the pool's threads for real, in main's last step.
        self.assertNear(self.main_task(trace).ended, 3 * SECOND + 25_000_000, 25_000_000, "main ends")

    def test_ready_is_back_dated_to_a_late_timer(self):
        trace = self.traced("late_timer.py").trace
        (sleeper,) = trace.by_coro("sleeper")
        wait, ready, run = sleeper.spans[2:5]
        self.assertEqual((wait.state, wait.start, wait.end), ("waiting", 0, SECOND))
        self.assertEqual((ready.state, ready.start, ready.end), ("ready", SECOND, 2500_000_000))
        self.assertEqual((run.state, run.start), ("running", 2500_000_000))

    def test_cpu_work_in_a_step_counts(self):
        trace = self.traced("cpu_step.py").trace
        main = self.main_task(trace)
        step = next(s for s in main.spans if s.state == "running")
        self.assertGreaterEqual(step.end - step.start, 30_000_000)
        self.assertLess(step.end - step.start, SECOND)
        self.assertNear(main.ended, step.end + SECOND, 1_000_000, "the sleep after the step")

    def test_each_primitive_has_its_reason(self):
        trace = self.traced("primitives.py").trace
        expected = {"on_lock": "lock", "on_event": "event", "on_condition": "condition",
                    "on_queue": "queue", "on_thread": "thread"}
        for name, reason in expected.items():
            task = trace.by_name(name)
            self.assertEqual(task.waits()[0].reason, reason, name)
            self.assertEqual(task.state, "done")
            if reason != "thread":
                self.assertEqual(task.ended, SECOND, name)

    def test_dropped_task_is_collected(self):
        run = self.traced("fire_and_forget.py")
        (background,) = run.trace.by_coro("background")
        self.assertEqual(background.state, "collected")
        self.assertNear(background.ended, SECOND + 50_000_000, 50_000_000,
                        "collected during the step after 1 s (gc.collect takes real time)")
        self.assertIn("Task was destroyed but it is pending", run.stderr)

    def test_script_clock_reads_follow_virtual_time(self):
        run = self.traced("clock_reads.py")
        self.assertEqual(run.stdout.split(), ["2.0", "2.0", "2.0"])


    def test_top_level_clock_reads(self):
        run = self.traced("top_level.py")
        self.assertEqual(run.stdout.split(), ["poll", "False", "2.000000000"])

    def test_thread_jobs_that_fail_outlive_or_run_in_processes(self):
        run = self.traced("job_outcomes.py")
        stream = "".join(line for line in run.text.splitlines(True) if line[2] in "snrjx")
        self.assertEqual(run.stdout.split("\n")[:3], ["caught disk full", "timed out", "1024"])
        failed, outlived, in_process = run.trace.jobs
        self.assertEqual((failed["function"], failed["outcome"]), ("read_disk", "failed"))
        self.assertEqual((failed["start"], failed["end"]), (0, SECOND), stream)
        self.assertEqual((outlived["function"], outlived["outcome"]), ("slow_report", "done"))
        self.assertEqual((outlived["start"], outlived["end"]), (SECOND, 6 * SECOND), stream)
        # wait_for's deadline stops the wait for the job (in a task of its own on 3.11)
        waits = [w for t in run.trace.tasks.values() for w in t.waits("thread") if w.start == SECOND]
        self.assertEqual([w.end for w in waits], [3 * SECOND], stream)
        self.assertEqual(in_process["function"], "pow")
        self.assertEqual(run.trace.pools[in_process["pool"]],
                         {"workers": 1, "name": "ProcessPoolExecutor"})


class RealClockTest(Scenarios, TracerTestCase):
    """The same claims, for real, one second lasting 0.2 s."""

    clock = "real"
    scale = 0.2
    tolerance = 80_000_000   # 80 ms: a busy two-core machine


if __name__ == "__main__":
    unittest.main()
