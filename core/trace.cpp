#include "trace.hpp"

#include <algorithm>

namespace loopscope {

std::string_view to_string(lane_state s) {
  switch (s) {
    case lane_state::ready:
      return "ready";
    case lane_state::running:
      return "running";
    case lane_state::waiting:
      return "waiting";
    case lane_state::idle:
      return "idle";
    case lane_state::done:
      return "done";
    case lane_state::failed:
      return "failed";
    case lane_state::cancelled:
      return "cancelled";
  }
  return "?";
}

std::string_view to_string(wait_reason r) {
  switch (r) {
    case wait_reason::none:
      return "none";
    case wait_reason::timer:
      return "timer";
    case wait_reason::semaphore:
      return "semaphore";
    case wait_reason::thread_pool:
      return "thread pool";
    case wait_reason::io:
      return "I/O";
    case wait_reason::lock:
      return "lock";
    case wait_reason::event:
      return "event";
    case wait_reason::queue:
      return "queue";
    case wait_reason::child:
      return "child task";
  }
  return "?";
}

std::string_view to_string(run_kind k) {
  switch (k) {
    case run_kind::code:
      return "code";
    case run_kind::blocking:
      return "blocking call";
    case run_kind::cancelled:
      return "cancelled";
    case run_kind::cpu:
      return "CPU work";
  }
  return "?";
}

std::string_view to_string(lane_kind k) {
  switch (k) {
    case lane_kind::main:
      return "main";
    case lane_kind::task:
      return "task";
    case lane_kind::worker:
      return "worker";
    case lane_kind::helper:
      return "helper";
  }
  return "?";
}

trace::trace(std::size_t writers) {
  writers_.reserve(writers);
  for (std::size_t i = 0; i < writers; ++i) writers_.push_back(std::make_unique<append_log<trace_event>>());
}

lane_id trace::add_lane(lane_kind kind, std::string name, lane_id parent) {
  lane_id id = static_cast<lane_id>(lanes_.size());
  lanes_.push(lane_info{id, kind, parent, std::move(name)});
  return id;
}

void trace::add_note(lane_id lane, std::string text) { notes_.push(note_entry{lane, std::move(text)}); }

site_id trace::add_site(code_site s) {
  if (sites_.size() + 1 > 0xffff || !sites_.push(std::move(s))) return no_site;
  return static_cast<site_id>(sites_.size());
}

std::vector<std::vector<trace_event>> trace::by_lane() const {
  std::vector<std::vector<trace_event>> out(lane_count());
  for (std::size_t w = 0; w < writers_.size(); ++w) {
    const auto& log = *writers_[w];
    const std::size_t n = log.size();
    for (std::size_t i = 0; i < n; ++i) {
      const trace_event& e = log[i];
      if (e.lane < out.size()) out[e.lane].push_back(e);
    }
  }
  // A lane is written by one writer, in time order, so no sort is needed.
  return out;
}

std::vector<std::string> trace::messages() const {
  std::vector<std::string> out(lane_count());
  const std::size_t n = notes_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const note_entry& e = notes_[i];
    if (e.lane < out.size()) out[e.lane] = e.text;
  }
  return out;
}

}  // namespace loopscope
