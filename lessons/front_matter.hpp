// What a lesson folder's lesson.md says about the lesson besides its prose,
// in a block at its top: the one-line summary, the parameters, and the
// question asked before the run.
//
//   ---
//   summary: Start every fetch at once and await them together.
//   param: pages = 8 in 1..50 pages | pages | How many pages to fetch
//   param: units = 1000 in 10..10000 (100000) units | N | How many waits run at once
//   question: How many times faster is gather than fetching one by one?
//   unit: x
//   choice: they run to the end
//   none: no call failed in this run
//   speedup: sequential
//   twin: TaskGroup
//   ---
//   # The title
//
// A parameter: NAME = DEFAULT in MIN..MAX, optionally (CLI_MAX) when the
// command line may go further than the slider, then its unit (may be
// empty); then the slider's label and the help. `none` is what is said
// when a run does not do what the question asks about; `speedup`, the
// variant the others' speedups are measured against; `twin`, the variant
// whose Python twin the window traces beside it. The title is the
// prose's first heading.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lessons/lesson.hpp"

namespace loopscope::lessons {

// Fills the lesson's title, summary, params and question text from `md`,
// and returns the prose without the block; or the first line that is wrong
// and why.
struct front_matter_error {
  int line;
  std::string why;
};
std::optional<front_matter_error> read_front_matter(std::string_view md, lesson& l, std::string_view& prose);

}  // namespace loopscope::lessons
