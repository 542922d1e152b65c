// A learner's Python script run under the tracer (tracer/loopscope_trace.py)
// as a child process, its event stream read from an inherited pipe (fd 3 in
// the child) into a recorded run. The command line's `trace` and, later,
// the window's "Your code" page share it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cpython_run.hpp"
#include "lessons/lesson.hpp"

namespace loopscope {

struct trace_request {
  std::string python = "python3";  // a name looked up in PATH, or a path
  std::string script;
  std::vector<std::string> args;  // the script's own
  clock_kind clock = clock_kind::virtual_clock;
  double limit_seconds = 0;       // of real time, then interrupted as Ctrl-C would; 0: none
  bool step_time = true;          // virtual clock: a step's own running time of 1 ms or more counts
  bool output_to_stderr = false;  // the script's stdout goes to stderr (stdout is for JSON)
  bool discard_stdout = false;    // the script's stdout goes nowhere (it is still in the stream)
  std::string name;               // of the run; empty: "<script> on CPython <version>"
};

struct traced_script {
  std::unique_ptr<cpython_run> run;
  int status = 0;            // the process's exit status, or 128 + the signal that ended it
  bool interrupted = false;  // it was sent Ctrl-C
  bool ended_hard = false;   // it did not end after its time limit or Ctrl-C: killed
};

// What keeps `python` from running the tracer ("'python3' was not found;
// ... install it"), or nothing when it is CPython 3.11 or later.
std::optional<std::string> python_problem(const std::string& python);

// Runs the script to its end. `interrupted` is polled every 50 ms: once it
// says so, the script gets SIGINT, as Ctrl-C (asyncio.run cancels its
// tasks and unwinds). Throws stream_error when the stream is not the
// tracer's, and std::runtime_error when the process cannot be started.
traced_script trace_script(const trace_request& r, const std::function<bool()>& interrupted);

// The script's lines are the code a learner is shown: its waits name them.
void show_script(cpython_run& run);

// A lesson variant's Python twin (lessons/NN_id/lesson.py) with these
// values: on the virtual clock, within a minute, the harness's summary
// not printed.
trace_request twin_request(const lessons::lesson& l, const std::string& variant, const lessons::values& values);
// What reached the variant's await in a traced twin, as its harness
// printed it: main returned then, or raised that (the harness's own task
// goes on, to see every task end). Nothing when there is no summary.
void take_harness_outcome(cpython_run& run);

}  // namespace loopscope
