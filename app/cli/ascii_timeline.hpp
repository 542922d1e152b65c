// Lanes drawn as text, fitted to a terminal, on one shared time axis.
#pragma once

#include <string>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

struct ascii_variant {
  std::string title;
  const trace* tr;
  nanos now;
};

// The widths a timeline is drawn at: a row per lane is built in memory.
constexpr int min_columns = 20, max_columns = 1000;

// Every variant's lanes over [0, t_end], `width` columns in all; at most
// `max_lanes` lanes per variant, then a count of the rest.
std::string ascii_timeline(const std::vector<ascii_variant>& variants, nanos t_end, int width, int max_lanes = 24);

// The legend under the lanes.
std::string ascii_legend();

// Columns of the terminal on stdout (at most max_columns), or a default
// when it is not one.
int terminal_width();

}  // namespace loopscope
