// Durations as people type them: "250ms", "1s", "1.5s", "40us".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

constexpr nanos max_duration = 3'600'000'000'000;  // one hour: sums over a million tasks stay in range

// The duration, or nothing when the text is not one (or is over an hour).
std::optional<nanos> parse_duration(std::string_view text);

// The shortest exact text parse_duration reads back: "1s", "250ms", "40us".
std::string duration_text(nanos d);

// A comma-separated list ("1s,250ms"); nothing when an item is malformed,
// and `bad` names it.
std::optional<std::vector<nanos>> parse_duration_list(std::string_view text, std::string& bad);

// What a malformed duration should be told.
std::string duration_hint(std::string_view text);

}  // namespace loopscope
