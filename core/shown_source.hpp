// A region of a source file embedded at build time, to be shown to the
// learner: its text, the file, and the line of that file it starts on.
#pragma once

#include <algorithm>
#include <string_view>

namespace loopscope {

struct shown_source {
  std::string_view code;
  std::string_view file;  // from the source tree's root: "core/sandbox.cpp"
  int first_line = 0;
  int lines() const { return static_cast<int>(std::count(code.begin(), code.end(), '\n')); }
};

// The sandbox's code: the coroutines each strategy runs (core/sandbox.cpp).
const shown_source& sandbox_code();

}  // namespace loopscope
