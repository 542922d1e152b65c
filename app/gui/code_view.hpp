// Code drawn in colour, in the monospace font: a lesson's code in its tab,
// and the learner's script in an editor with line numbers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "app/gui/code_marks.hpp"
#include "app/gui/syntax.hpp"
#include "app/gui/theme.hpp"
#include "app/gui/timeline_view.hpp"

struct ImDrawList;
struct ImFont;
using ImU32 = unsigned int;

namespace loopscope::gui {

// The monospace font (the second one loaded), or the default one.
ImFont* mono_font();

// A line picked out: on a band of `color`, with a badge in the margin
// (how many tasks are there; "!" where an error points), and `text` after
// the code where there is room for it.
struct line_note {
  int line = 0;  // 1-based
  ImU32 color = 0;
  std::string badge;
  std::string text;
  std::string tooltip;    // shown when the line is hovered
  bool emphasis = false;  // picked out further: a lane of it is hovered in the timeline
};

// The notes of `marks` (marks_at() of `runs`): each line in the colour of
// its lead task's state, its tasks counted in the badge, named in the
// label and the tooltip.
std::vector<line_note> notes_of(const std::vector<code_mark>& marks, const std::vector<marked_run>& runs,
                                const palette& p);

// Between the marks and the timeline: `index` gives each marked run's place
// among the timeline's variants. The lanes of the tasks marked at `line`
// (0: none), and the notes of `marks` (notes_of()) picked out where one of
// `lanes` is marked.
std::vector<timeline_view::lane_ref> lanes_at_line(const std::vector<code_mark>& marks,
                                                   const std::vector<std::size_t>& index, int line);
void emphasize(std::vector<line_note>& notes, const std::vector<code_mark>& marks,
               const std::vector<std::size_t>& index, const std::vector<timeline_view::lane_ref>& lanes);
// Whether the noted lines differ from `last` (which then takes them): the
// notes moved, and the pane should follow them.
bool notes_moved(const std::vector<line_note>& notes, std::vector<int>& last);

// Lines with their numbers, coloured by `tokens` (highlight() of `code`),
// the noted ones picked out (`notes` in line order). `follow`: the notes
// moved, so bring the first noted line into view if none is. Returns the
// noted line under the mouse, or 0. `only_noted`: the noted lines alone,
// with their numbers (where the tasks are, in a little room).
int draw_code(std::string_view code, const std::vector<code_token>& tokens, const palette& p,
              const std::vector<line_note>& notes = {}, bool follow = false, bool only_noted = false);

// One line over the code saying which lines are noted, so that a learner
// knows to scroll to them: "At the cursor, tasks are at lines 13, 17, 23".
// `whose`: whose tasks they are, where that needs saying ("CPython's run
// of gather").
void draw_notes_summary(const std::vector<line_note>& notes, const std::string& whose = {});

// An editor of `buffer` (a NUL-terminated text of buffer.size() bytes at
// most) as ImGui's multiline input, with line numbers beside it, its text
// coloured and the noted lines picked out as draw_code does. The tokens
// are the editor's to keep: recomputed when the text changes. Returns true
// when the text was edited.
class code_editor {
 public:
  explicit code_editor(code_language lang) : lang_(lang) {}
  bool draw(const char* id, std::vector<char>& buffer, float height, const palette& p,
            const std::vector<line_note>& notes = {});
  void changed() { stale_ = true; }  // the buffer was replaced (a file opened)

 private:
  code_language lang_;
  std::vector<code_token> tokens_;
  std::vector<std::size_t> line_starts_;
  bool stale_ = true;
};

}  // namespace loopscope::gui
