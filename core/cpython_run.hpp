// A CPython program as the Python tracer recorded it (tracer/PROTOCOL.md):
// its tasks, their steps, waits with their lines, blocking calls, thread-pool
// jobs and prints, held as a run with a trace and no loop, so that the
// metrics, the text timeline, the JSON summary and the Chrome trace work on
// it as on an engine run. No Asio and no Python here: the stream is read as
// bytes, fed in pieces as they come from a pipe or a file.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/scenario.hpp"

namespace loopscope {

// A stream that is not what the tracer writes: "line 12: ...".
struct stream_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A line the script wrote, first at `t`: stream 1 is stdout, 2 stderr.
struct script_output {
  nanos t = 0;
  int stream = 1;
  std::string text;
};

// The script failed: a SyntaxError, an uncaught exception, or a script
// that could not be opened. `line` 0: no line to point at.
struct script_failure {
  nanos t = 0;
  std::string type;
  std::string message;
  std::string file;
  int line = 0;
};

// The stream's final line: how the script ended.
struct script_end {
  nanos t = 0;
  std::string how;  // "exit", "time-limit", "killed", "interrupt"
  int code = 0;
  nanos wall = 0;  // the real duration of the run
};

// Task 1 (the first task made, asyncio.run's main) is the main lane; every
// later task is a task lane, lane tid - 1, in the order they were made; the
// thread pools' workers come after them.
class cpython_run final : public scenario_run {
 public:
  const std::string& python_version() const { return python_; }
  const std::string& script() const { return script_; }
  const std::vector<script_output>& output() const { return output_; }
  const std::vector<std::string>& notes() const { return notes_; }  // from the tracer, for the learner
  const std::optional<script_failure>& failure() const { return failure_; }
  const std::optional<script_end>& ending() const { return end_; }  // none: the process died
  bool truncated() const { return truncated_; }                     // its last line was cut short
  std::size_t lines_read() const { return lines_; }
  // Where the awaited work ended for the script's caller, when the script's
  // own main catches it (a lesson twin's harness): main returned at that
  // time, or raised `error` there.
  void set_caller_outcome(nanos returned, std::string error) { set_outcome(returned, std::move(error)); }

  clock_kind clock() const override { return clock_; }
  const loopscope::trace& trace() const override { return trace_; }
  nanos now() const override { return now_; }
  std::size_t handlers_run() const override { return steps_; }
  std::size_t live_tasks() const override { return live_; }
  // A recording is complete when it is made: there is nothing to drive,
  // step or cancel.
  bool finished() const override { return true; }
  bool started() const override { return true; }
  bool step() override { return false; }
  void run_until(nanos) override {}
  std::optional<nanos> next_due() const override { return std::nullopt; }
  void run_to_end() override {}
  void start() override {}
  void wait() override {}
  void cancel(lane_id) override {}
  void cancel_all() override {}
  void interrupt() override {}

 private:
  friend class tracer_stream_reader;
  cpython_run() = default;

  loopscope::trace trace_;
  clock_kind clock_ = clock_kind::virtual_clock;
  nanos now_ = 0;
  std::size_t steps_ = 0;
  std::size_t live_ = 0;
  std::size_t lines_ = 0;
  std::string python_;
  std::string script_;
  std::vector<script_output> output_;
  std::vector<std::string> notes_;
  std::optional<script_failure> failure_;
  std::optional<script_end> end_;
  bool truncated_ = false;
};

// Reads the stream as it comes: feed() any pieces, finish() at its end.
// A last line without its newline is a cut-off write (a killed process) and
// is dropped; any other line that is not what the protocol says throws
// stream_error naming the line. Kinds it does not know are skipped.
class tracer_stream_reader {
 public:
  tracer_stream_reader();
  ~tracer_stream_reader();
  tracer_stream_reader(const tracer_stream_reader&) = delete;
  tracer_stream_reader& operator=(const tracer_stream_reader&) = delete;

  void feed(std::string_view bytes);
  bool has_header() const { return header_seen_; }
  std::size_t lines() const { return line_no_; }

  // The run, named `variant` (empty: "<script> on CPython <version>").
  // Throws stream_error when the stream had no header at all.
  std::unique_ptr<cpython_run> finish(std::string variant = {});

 private:
  struct token;
  struct task;
  struct job;
  void line(std::string_view text);
  std::string split(std::string_view text);  // into fields_; what is wrong, or empty
  void apply(const std::vector<token>& f);
  task& task_of(std::int64_t tid);
  site_id site_of(std::int64_t file, std::int64_t line);
  const std::string& text_of(std::int64_t id);
  void emit(task& t, lane_id lane, nanos at, lane_state state, std::uint8_t detail = 0, site_id site = no_site);
  void seen(nanos t) { last_time_ = t > last_time_ ? t : last_time_; }
  [[noreturn]] void fail(const std::string& why) const;

  std::string pending_;  // a line not yet ended
  std::size_t line_no_ = 0;
  bool header_seen_ = false;
  nanos last_time_ = 0;
  std::vector<std::string> strings_;
  std::deque<task> tasks_;  // by tid - 1; a deque, so that a million tasks are never moved
  std::vector<note_entry> lane_notes_;
  std::vector<code_site> sites_;
  std::unordered_map<std::uint64_t, site_id> site_ids_;
  std::vector<std::pair<std::int64_t, std::pair<int, std::string>>> pools_;  // id, (workers, name)
  std::vector<job> jobs_;
  std::unique_ptr<cpython_run> run_;
  std::vector<token> fields_;
  std::deque<std::string> unescaped_;  // strings with escapes, decoded (stable while a line is read)
};

// Reads a whole stream from a file (a recorded trace); throws stream_error,
// or std::runtime_error when the file cannot be read.
std::unique_ptr<cpython_run> read_tracer_file(const std::string& path, std::string variant = {});

}  // namespace loopscope
