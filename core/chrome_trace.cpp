#include "chrome_trace.hpp"

#include <cinttypes>
#include <cstdio>

#include "core/lane_events.hpp"
#include "metrics.hpp"

namespace loopscope {

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

// Microseconds with nanosecond precision, as the format wants them.
std::string micros(nanos t) {
  char buf[40];
  const nanos a = t < 0 ? -t : t;
  std::snprintf(buf, sizeof buf, "%s%" PRId64 ".%03" PRId64, t < 0 ? "-" : "", a / 1000, a % 1000);
  return buf;
}

std::string span_name(const span& s) {
  switch (s.state) {
    case lane_state::running: {
      const auto kind = static_cast<run_kind>(s.detail);
      return kind == run_kind::code ? "running" : "running: " + std::string(to_string(kind));
    }
    case lane_state::waiting:
      return "waiting: " + std::string(to_string(static_cast<wait_reason>(s.detail)));
    default:
      return std::string(to_string(s.state));
  }
}

}  // namespace

void write_chrome_trace(std::ostream& out, const std::vector<trace_source>& variants) {
  out << "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const std::string& line) {
    if (!first) out << ",\n";
    first = false;
    out << line;
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const trace& tr = *variants[v].tr;
    const std::string pid = std::to_string(v + 1);
    emit("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + pid +
         ",\"args\":{\"name\":" + json_quote(variants[v].name) + "}}");
    emit("{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":" + pid + ",\"args\":{\"sort_index\":" + pid + "}}");
    const lane_events per_lane = group_by_lane(tr);
    const auto messages = tr.messages();
    for (lane_id id = 0; id < per_lane.end_lane(); ++id) {
      const auto events = per_lane.of(id);
      const std::string tid = std::to_string(id + 1);
      const std::string where = ",\"pid\":" + pid + ",\"tid\":" + tid;
      emit("{\"name\":\"thread_name\",\"ph\":\"M\"" + where + ",\"args\":{\"name\":" + json_quote(tr.lane(id).name) +
           "}}");
      emit("{\"name\":\"thread_sort_index\",\"ph\":\"M\"" + where + ",\"args\":{\"sort_index\":" + tid + "}}");
      for (const span& s : lane_spans(events, variants[v].now)) {
        if (s.state == lane_state::idle || s.t1 <= s.t0) continue;
        emit("{\"name\":" + json_quote(span_name(s)) + ",\"cat\":\"" + std::string(to_string(s.state)) +
             "\",\"ph\":\"X\"" + where + ",\"ts\":" + micros(s.t0) + ",\"dur\":" + micros(s.t1 - s.t0) + "}");
      }
      if (!events.empty() && is_terminal(events.back().state)) {
        const trace_event& e = events.back();
        std::string args;
        if (!messages[id].empty()) args = ",\"args\":{\"message\":" + json_quote(messages[id]) + "}";
        emit("{\"name\":\"" + std::string(to_string(e.state)) + "\",\"ph\":\"i\",\"s\":\"t\"" + where +
             ",\"ts\":" + micros(e.t) + args + "}");
      }
    }
  }
  out << "\n]}\n";
}

}  // namespace loopscope
