// A lesson's texts in tabs: the prose, the C++ that runs, the asyncio twin.
#pragma once

#include <vector>

#include "app/gui/markdown.hpp"
#include "app/gui/syntax.hpp"
#include "app/gui/theme.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

class lesson_texts {
 public:
  explicit lesson_texts(const lessons::lesson& l);
  // `whole`: all of the prose; otherwise its setup only (up to its first
  // section), as long as the prediction is asked for.
  void draw(float width, float height, const palette& p, bool whole);

 private:
  const lessons::lesson& lesson_;
  std::vector<md_block> prose_;
  std::vector<md_block> setup_;  // the blocks before the first section
  std::vector<code_token> cpp_tokens_, python_tokens_;
};

}  // namespace loopscope::gui
