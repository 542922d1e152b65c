// A lesson's texts in tabs: the prose, the C++ that runs, the asyncio twin.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/gui/code_view.hpp"
#include "app/gui/markdown.hpp"
#include "app/gui/syntax.hpp"
#include "app/gui/theme.hpp"
#include "lessons/lesson.hpp"

namespace loopscope::gui {

class lesson_texts {
 public:
  explicit lesson_texts(const lessons::lesson& l);
  // `whole`: all of the prose; otherwise its setup only (up to its first
  // section), as long as the prediction is asked for. The notes pick out
  // lines of the C++ and of the Python: where the tasks are at the cursor.
  // `loop` draws the Loop tab's upper part: the loop's queues at the
  // cursor; the noted lines of the C++ are under it, so that both are seen
  // at once.
  // Returns the noted line under the mouse (0: none), and whether it is
  // one of the Python's.
  struct hovered_line {
    int line = 0;
    bool python = false;
  };
  hovered_line draw(float width, float height, const palette& p, bool whole, const std::vector<line_note>& cpp_notes,
                    const std::vector<line_note>& python_notes, const std::function<void()>& loop);
  // Opens a tab at the next draw: "lesson", "cpp", "python" or "loop".
  void show_tab(const std::string& tab) { select_ = tab; }
  // Whose tasks the Python's marks are: "the CPython run of gather".
  void set_python_marks_of(std::string whose) { python_whose_ = std::move(whose); }
  // Whether the Loop tab was the one drawn last: it wants more room.
  bool loop_open() const { return loop_open_; }

 private:
  const lessons::lesson& lesson_;
  std::vector<md_block> prose_;
  std::vector<md_block> setup_;  // the blocks before the first section
  std::vector<code_token> cpp_tokens_, python_tokens_;
  std::string select_;                         // a tab to open at the next draw
  std::vector<int> cpp_lines_, python_lines_;  // the lines noted at the last draw: have they moved?
  bool loop_open_ = false;
  std::string python_whose_;
};

}  // namespace loopscope::gui
