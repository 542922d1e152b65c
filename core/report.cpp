#include "core/report.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <vector>

#include "core/lane_events.hpp"

namespace loopscope {

namespace {

double seconds(nanos t) { return static_cast<double>(t) / 1e9; }

// The summary is written as it goes, never held as a document: a run of a
// million tasks has a few hundred bytes of it per task. The bytes are those
// nlohmann::json's dump(2) gives (scripts diff them): an object's keys in
// sorted order, two spaces an indent, "[]" and "{}" when empty, numbers as
// its own shortest round-trip form.
class json_writer {
 public:
  explicit json_writer(std::ostream& out) : out_(out) { buf_.reserve(flush_at + 4096); }
  ~json_writer() { flush(); }
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The next value is the member `k` of the object open now.
  void key(std::string_view k) {
    next();
    string(k);
    buf_ += ": ";
    keyed_ = true;
  }

  void number(double v) {
    next();
    if (!std::isfinite(v)) {
      buf_ += "null";
    } else {
      char digits[64];
      char* end = nlohmann::detail::to_chars(digits, digits + sizeof digits, v);
      buf_.append(digits, end);
    }
    after_value();
  }
  template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
  void number(Int v) {
    next();
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, v);
    buf_.append(digits, r.ptr);
    after_value();
  }
  void text(std::string_view s) {
    next();
    string(s);
    after_value();
  }
  void null() {
    next();
    buf_ += "null";
    after_value();
  }
  void seconds_or_null(bool known, nanos t) {
    if (known)
      number(seconds(t));
    else
      null();
  }

 private:
  static constexpr std::size_t flush_at = 1 << 16;

  // Before a value or a key: the comma and the line of the one before it.
  void next() {
    if (keyed_) return;  // the value of the key just written
    if (!counts_.empty()) {
      buf_ += counts_.back()++ == 0 ? "\n" : ",\n";
      buf_.append(2 * counts_.size(), ' ');
    }
  }
  void after_value() {
    keyed_ = false;
    if (buf_.size() >= flush_at) flush();
  }
  void open(char c) {
    next();
    keyed_ = false;
    buf_ += c;
    counts_.push_back(0);
  }
  void close(char c) {
    const bool empty = counts_.back() == 0;
    counts_.pop_back();
    if (!empty) {
      buf_ += '\n';
      buf_.append(2 * counts_.size(), ' ');
    }
    buf_ += c;
    after_value();
  }
  // Plain text as it is; anything to escape (quotes, control characters)
  // or to check (UTF-8) as nlohmann::json does it, throwing where it throws.
  void string(std::string_view s) {
    bool plain = true;
    for (const char ch : s) {
      const auto u = static_cast<unsigned char>(ch);
      if (u < 0x20 || u >= 0x7f || ch == '"' || ch == '\\') {
        plain = false;
        break;
      }
    }
    if (plain) {
      buf_ += '"';
      buf_ += s;
      buf_ += '"';
    } else {
      buf_ += nlohmann::json(std::string(s)).dump();
    }
  }
  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

  std::ostream& out_;
  std::string buf_;
  std::vector<std::size_t> counts_;  // members or elements so far, per open container
  bool keyed_ = false;
};

}  // namespace

std::optional<std::string> speedup_withheld(const scenario_run& run, const run_metrics& m) {
  int never = 0, cut = 0;
  for (lane_id lane : run.task_lanes()) {
    const lane_stats& st = m.lanes[lane];
    if (!st.spawned) ++never;
    if (st.ended && st.final_state == lane_state::cancelled) ++cut;
  }
  auto tasks = [](int n) { return std::to_string(n) + (n == 1 ? " task" : " tasks"); };
  if (never > 0) return "no speedup: " + tasks(never) + " never started (the run stopped at the first error)";
  if (cut > 0) return "no speedup: " + tasks(cut) + " cancelled before their end (not all the work was done)";
  return std::nullopt;
}

void write_summary_json(std::ostream& out, const scenario_run& run, const run_metrics& m,
                        std::optional<nanos> sequential_reference) {
  json_writer j(out);
  const std::string raised = run.error_text();
  const auto withheld = speedup_withheld(run, m);
  const auto figures = run.figures();
  const std::string note = run.incident();
  const auto at = run.reachable_at();
  const std::vector<lane_id>& task_lanes = run.task_lanes();

  // Members in sorted order, as nlohmann::json's object keeps them.
  j.begin_object();
  if (at) {
    j.key("address");
    j.text(at->url);
  }
  j.key("clock");
  j.text(to_string(run.clock()));
  j.key("completion_order");
  j.begin_array();
  // Task lanes are made in a row, so task i is lane front + i - 1.
  for (lane_id lane : m.completion_order) j.number(lane - task_lanes.front() + 1);
  j.end_array();
  j.key("error");
  if (raised.empty())
    j.null();
  else
    j.text(raised);
  if (!figures.empty()) {
    // As a JSON object holds them: sorted by key, the last of equal keys kept.
    std::map<std::string, double> sorted;
    for (const auto& fig : figures) sorted[fig.key] = fig.value;
    j.key("figures");
    j.begin_object();
    for (const auto& [k, v] : sorted) {
      j.key(k);
      j.number(v);
    }
    j.end_object();
  }
  j.key("latency_s");
  j.begin_object();
  j.key("p50");
  j.number(seconds(m.latency_p50));
  j.key("p95");
  j.number(seconds(m.latency_p95));
  j.key("p99");
  j.number(seconds(m.latency_p99));
  j.end_object();
  j.key("longest_slice_s");
  j.number(seconds(m.longest_slice));
  j.key("loop_busy_fraction");
  j.number(m.loop_busy_fraction);
  j.key("makespan_s");
  j.number(seconds(m.makespan));
  j.key("mean_concurrency");
  j.number(m.mean_concurrency);
  if (!note.empty()) {
    j.key("note");
    j.text(note);
  }
  j.key("peak_concurrency");
  j.number(m.peak_concurrency);
  j.key("ready_total_s");
  j.number(seconds(m.ready_total));
  j.key("returned_s");
  j.seconds_or_null(run.returned() >= 0, run.returned());
  j.key("speedup");
  if (sequential_reference && m.makespan > 0 && !withheld)
    j.number(static_cast<double>(*sequential_reference) / static_cast<double>(m.makespan));
  else
    j.null();
  if (sequential_reference && withheld) {
    j.key("speedup_note");
    j.text(*withheld);
  }
  j.key("strategy");
  j.text(run.variant());

  j.key("tasks");
  j.begin_array();
  lanes_in_order per_lane(run.trace());
  for (std::size_t i = 0; i < task_lanes.size(); ++i) {
    const lane_stats& st = m.lanes[task_lanes[i]];
    j.begin_object();
    j.key("end_s");
    j.seconds_or_null(st.ended, st.end);
    j.key("id");
    j.number(i + 1);
    if (!st.message.empty()) {
      j.key("message");
      j.text(st.message);
    }
    j.key("name");
    j.text(st.name);
    j.key("ready_s");
    j.number(seconds(st.ready));
    j.key("running_s");
    j.number(seconds(st.running));
    j.key("start_s");
    j.seconds_or_null(st.started, st.start);
    j.key("state");
    j.text(st.spawned ? (st.ended ? to_string(st.final_state) : std::string_view("unfinished"))
                      : std::string_view("not_started"));
    j.key("waiting_s");
    j.number(seconds(st.waiting));
    // Each wait: why, from when to when, and on which line of the code the
    // learner is shown (null where there is none).
    j.key("waits");
    j.begin_array();
    const auto events = per_lane.of(task_lanes[i]);
    for (std::size_t k = 0; k < events.size(); ++k) {
      if (events[k].state != lane_state::waiting) continue;
      const nanos end = k + 1 < events.size() ? events[k + 1].t : run.now();
      const auto line = run.shown_line(events[k].site);
      j.begin_object();
      j.key("end_s");
      j.number(seconds(end));
      j.key("line");
      if (line)
        j.number(*line);
      else
        j.null();
      j.key("reason");
      j.text(to_string(static_cast<wait_reason>(events[k].detail)));
      j.key("start_s");
      j.number(seconds(events[k].t));
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();

  j.key("warnings");
  j.begin_array();
  for (const auto& w : warnings_of(m)) j.text(w);
  if (run.trace().overflowed()) j.text("the trace filled up; later events were not recorded");
  j.end_array();
  j.end_object();
}

std::string summary_json(const scenario_run& run, const run_metrics& m, std::optional<nanos> sequential_reference) {
  std::ostringstream out;
  write_summary_json(out, run, m, sequential_reference);
  return std::move(out).str();
}

}  // namespace loopscope
