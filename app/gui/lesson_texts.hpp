// A lesson's texts in tabs: the prose, the C++ that runs, the asyncio twin.
#pragma once

#include <vector>

#include "app/gui/markdown.hpp"
#include "app/gui/theme.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

class lesson_texts {
 public:
  explicit lesson_texts(const lessons::lesson& l) : lesson_(l), prose_(parse_markdown(l.prose)) {}
  void draw(float width, float height, const palette& p);

 private:
  const lessons::lesson& lesson_;
  std::vector<md_block> prose_;
};

}  // namespace loopscope::gui
