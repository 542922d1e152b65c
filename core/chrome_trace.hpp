// Chrome trace event JSON, as Perfetto and chrome://tracing read it: one
// process per variant, one thread (tid) per lane, X slices for every span.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

struct trace_source {
  std::string name;  // the variant, e.g. its strategy
  const trace* tr;
  nanos now;  // where live lanes are cut
};

void write_chrome_trace(std::ostream& out, const std::vector<trace_source>& variants);

// A JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace loopscope
