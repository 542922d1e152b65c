#include "app/gui/code_view.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // the multiline input's child window and state: its scroll, its cursor

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

namespace loopscope::gui {

namespace {

// code[begin, end) at `pos`, each piece in its token's colour; returns the
// x where it ended.
float draw_coloured(ImDrawList* dl, ImVec2 pos, std::string_view code, std::size_t begin, std::size_t end,
                    const std::vector<code_token>& tokens, const palette& p) {
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  float x = pos.x;
  auto piece = [&](std::size_t a, std::size_t b, ImU32 color) {
    if (a >= b) return;
    const char* s = code.data() + a;
    const char* e = code.data() + b;
    dl->AddText(font, size, ImVec2(x, pos.y), color, s, e);
    x += font->CalcTextSizeA(size, FLT_MAX, 0, s, e).x;
  };
  // The first token that ends inside or after this piece of text.
  auto t = std::upper_bound(tokens.begin(), tokens.end(), begin,
                            [](std::size_t at, const code_token& k) { return at < k.end; });
  for (std::size_t at = begin; at < end;) {
    if (t == tokens.end() || t->begin >= end) {
      piece(at, end, p.text);
      break;
    }
    if (t->begin > at) {
      piece(at, t->begin, p.text);
      at = t->begin;
    }
    const std::size_t stop = std::min<std::size_t>(t->end, end);
    piece(at, stop, p.syntax[static_cast<int>(t->kind)]);
    at = stop;
    ++t;
  }
  return x;
}

std::size_t line_end(std::string_view code, std::size_t at) { return std::min(code.find('\n', at), code.size()); }

// A band behind a line in a colour, and the colour at full strength.
ImU32 band(ImU32 color) { return (color & ~IM_COL32_A_MASK) | (ImU32{60} << IM_COL32_A_SHIFT); }
ImU32 opaque(ImU32 color) { return color | IM_COL32_A_MASK; }

// A note's text on the line at `y`: ending at x = `right` (read wherever
// the pane is scrolled), or after the code where that would cover it (the
// code ends at `code_end`); and its tooltip while the line is hovered.
void draw_note(ImDrawList* dl, const line_note& note, float y, float code_end, float right) {
  const float line_h = ImGui::GetFontSize();
  const std::string text = note.text.empty() ? std::string() : "\u2190 " + note.text;
  const float w = ImGui::CalcTextSize(text.c_str()).x;
  if (!text.empty() && right - w >= code_end + ImGui::GetFontSize())
    dl->AddText(ImVec2(right - w, y), opaque(note.color), text.c_str());
  const ImVec2 clip_min = dl->GetClipRectMin();
  const ImVec2 clip_max = dl->GetClipRectMax();
  if (!note.tooltip.empty() && ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) &&
      ImGui::IsMouseHoveringRect(ImVec2(clip_min.x, std::max(y, clip_min.y)),
                                 ImVec2(clip_max.x, std::min(y + line_h, clip_max.y)), false)) {
    ImGui::PopFont();
    ImGui::SetTooltip("%s", note.tooltip.c_str());
    ImGui::PushFont(mono_font());
  }
}

// The badge of a note in the margin at x: its colour at full strength,
// its few characters on it.
void draw_badge(ImDrawList* dl, const line_note& note, float x, float y, float width) {
  const float line_h = ImGui::GetFontSize();
  const ImU32 fill = opaque(note.color);
  dl->AddRectFilled(ImVec2(x, y + 1), ImVec2(x + width - 2, y + line_h - 1), fill, 3.0f);
  const unsigned r = fill & 0xff, g = (fill >> 8) & 0xff, b = (fill >> 16) & 0xff;
  const bool light = r * 299 + g * 587 + b * 114 > 140'000;
  const float tw = ImGui::CalcTextSize(note.badge.c_str()).x;
  dl->AddText(ImVec2(x + (width - 2 - tw) / 2, y), light ? IM_COL32(20, 20, 20, 255) : IM_COL32(255, 255, 255, 255),
              note.badge.c_str());
}

float badge_width() { return ImGui::CalcTextSize("000").x + 4; }

}  // namespace

ImFont* mono_font() {
  ImGuiIO& io = ImGui::GetIO();
  return io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : ImGui::GetFont();
}

int draw_code(std::string_view code, const std::vector<code_token>& tokens, const palette& p,
              const std::vector<line_note>& notes, bool follow, bool only_noted) {
  int hovered = 0;
  // Whether a noted line is in view: known once every line is laid out.
  bool noted_in_view = false;
  float first_noted_y = -1;
  ImGui::PushFont(mono_font());
  const float line_h = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto note = notes.begin();
  int line_no = 1;
  for (std::size_t at = 0; at < code.size(); ++line_no) {
    const std::size_t end = line_end(code, at);
    while (note != notes.end() && note->line < line_no) ++note;
    const line_note* here = note != notes.end() && note->line == line_no ? &*note : nullptr;
    if (only_noted && here == nullptr) {
      at = end + 1;
      continue;
    }
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float row_end = start.x + std::max(ImGui::GetContentRegionAvail().x, 4000.0f);
    if (here != nullptr) dl->AddRectFilled(start, ImVec2(row_end, start.y + line_h), band(here->color));
    if (here != nullptr && here->emphasis)
      dl->AddRect(start, ImVec2(ImGui::GetCurrentWindow()->InnerClipRect.Max.x - 1, start.y + line_h),
                  opaque(here->color), 0, 0, 2.0f);
    if (here != nullptr) {
      noted_in_view = noted_in_view || ImGui::IsRectVisible(start, ImVec2(start.x + 1, start.y + line_h));
      if (first_noted_y < 0) first_noted_y = ImGui::GetCursorPosY();
    }
    if (here != nullptr && ImGui::IsWindowHovered() &&
        ImGui::IsMouseHoveringRect(start, ImVec2(row_end, start.y + line_h), false))
      hovered = line_no;
    const float badge_w = badge_width();
    if (here != nullptr && !here->badge.empty()) draw_badge(dl, *here, start.x, start.y, badge_w);
    ImGui::Dummy(ImVec2(badge_w, line_h));
    ImGui::SameLine(0, 0);
    ImGui::TextColored(vec(here != nullptr ? opaque(here->color) : p.text_dim), "%3d ", line_no);
    ImGui::SameLine(0, 0);
    if (only_noted)  // lines out of their context: their indentation says nothing
      while (at < end && (code[at] == ' ' || code[at] == '\t')) ++at;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImVec2 size(ImGui::CalcTextSize(code.data() + at, code.data() + end).x, line_h);
    if (ImGui::IsRectVisible(size)) draw_coloured(dl, pos, code, at, end, tokens, p);
    if (here != nullptr)
      draw_note(dl, *here, pos.y, pos.x + size.x, ImGui::GetCurrentWindow()->InnerClipRect.Max.x - 4);
    ImGui::Dummy(size);
    at = end + 1;
  }
  if (follow && !noted_in_view && first_noted_y >= 0)
    ImGui::SetScrollY(std::max(0.0f, first_noted_y - ImGui::GetWindowHeight() * 0.3f));
  ImGui::PopFont();
  return hovered;
}

std::vector<timeline_view::lane_ref> lanes_at_line(const std::vector<code_mark>& marks,
                                                   const std::vector<std::size_t>& index, int line) {
  std::vector<timeline_view::lane_ref> out;
  for (const code_mark& m : marks)
    if (m.line == line)
      for (const parked_task& t : m.tasks) out.push_back({index[t.run], t.lane});
  return out;
}

void emphasize(std::vector<line_note>& notes, const std::vector<code_mark>& marks,
               const std::vector<std::size_t>& index, const std::vector<timeline_view::lane_ref>& lanes) {
  for (std::size_t k = 0; k < marks.size() && k < notes.size(); ++k)
    notes[k].emphasis = std::any_of(marks[k].tasks.begin(), marks[k].tasks.end(), [&](const parked_task& t) {
      return std::find(lanes.begin(), lanes.end(), timeline_view::lane_ref{index[t.run], t.lane}) != lanes.end();
    });
}

bool notes_moved(const std::vector<line_note>& notes, std::vector<int>& last) {
  std::vector<int> lines;
  for (const line_note& n : notes) lines.push_back(n.line);
  if (lines == last) return false;
  last = std::move(lines);
  return true;
}

std::vector<line_note> notes_of(const std::vector<code_mark>& marks, const std::vector<marked_run>& runs,
                                const palette& p) {
  std::vector<line_note> out;
  for (const code_mark& m : marks) {
    const parked_task& lead = m.lead();
    out.push_back({m.line, span_color(p, lead.state, lead.detail), std::to_string(m.tasks.size()), mark_label(m, runs),
                   mark_tooltip(m, runs)});
  }
  return out;
}

void draw_notes_summary(const std::vector<line_note>& notes, const std::string& whose) {
  const std::string tasks = whose.empty() ? std::string("tasks") : "the tasks of " + whose;
  if (notes.empty()) {
    if (whose.empty())
      ImGui::TextDisabled("At the cursor, no task waits in this code.");
    else
      ImGui::TextDisabled("At the cursor, none of %s waits in this code.", tasks.c_str());
    return;
  }
  std::string lines;
  for (std::size_t i = 0; i < notes.size() && i < 8; ++i) lines += (i ? ", " : "") + std::to_string(notes[i].line);
  if (notes.size() > 8) lines += ", ...";
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("At the cursor, %s are at line%s %s", tasks.c_str(), notes.size() > 1 ? "s" : "", lines.c_str());
  ImGui::PopTextWrapPos();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Each marked line is where tasks wait (or resumed from), in their state's colour.\n"
        "Hover a marked line for who is there; move the cursor to see them move.");
}

bool code_editor::draw(const char* id, std::vector<char>& buffer, float height, const palette& p,
                       const std::vector<line_note>& notes) {
  ImGui::PushFont(mono_font());
  const float line_h = ImGui::GetFontSize();
  const std::string widest = std::to_string(std::max<std::size_t>(line_starts_.size(), 99));
  const float badge_w = badge_width();
  const float gutter = badge_w + ImGui::CalcTextSize(widest.c_str()).x + ImGui::GetStyle().ItemSpacing.x;
  const ImVec2 start = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(start.x + gutter, start.y));

  // ImGui's input, its text drawn transparent: it keeps the editing, the
  // selection and the scrolling; the text in colour is drawn over it.
  ImGuiWindow* parent = ImGui::GetCurrentWindow();
  const ImGuiID input_id = ImGui::GetID(id);
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
  // A plain page under the code (the theme's frame colour reads as a
  // selection over a whole script), lighter than the window when dark.
  const bool dark = (p.text & 0xff) > 128;
  ImGui::PushStyleColor(ImGuiCol_FrameBg, dark ? IM_COL32(28, 28, 32, 255) : IM_COL32(252, 252, 250, 255));
  const bool edited = ImGui::InputTextMultiline(id, buffer.data(), buffer.size(), ImVec2(-1, height),
                                                ImGuiInputTextFlags_AllowTabInput);
  ImGui::PopStyleColor(2);
  const ImVec2 frame_min = ImGui::GetItemRectMin();
  const ImVec2 frame_max = ImGui::GetItemRectMax();
  const std::string_view code(buffer.data(), ::strnlen(buffer.data(), buffer.size()));
  if (edited || stale_) {
    tokens_ = highlight(code, lang_);
    line_starts_.assign(1, 0);
    for (std::size_t at = code.find('\n'); at != std::string_view::npos; at = code.find('\n', at + 1))
      line_starts_.push_back(at + 1);
    stale_ = false;
  }

  ImGuiWindow* child = nullptr;  // the input's own window, where its text is drawn
  for (ImGuiWindow* w : parent->DC.ChildWindows)
    if (w->ChildId == input_id) child = w;
  if (child != nullptr) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImGuiInputTextState* state = ImGui::GetInputTextState(input_id);
    const float scroll_x = state != nullptr ? state->ScrollX : 0.0f;
    const ImVec2 origin(child->Pos.x + child->WindowPadding.x + style.FramePadding.x - scroll_x,
                        child->Pos.y + child->WindowPadding.y + style.FramePadding.y - child->Scroll.y);
    const ImRect clip = child->InnerClipRect;
    const auto lines = static_cast<int>(line_starts_.size());
    const int first = std::clamp(static_cast<int>(std::floor((clip.Min.y - origin.y) / line_h)), 0, lines);
    const int last = std::clamp(static_cast<int>(std::ceil((clip.Max.y - origin.y) / line_h)), 0, lines);
    ImDrawList* dl = child->DrawList;
    dl->PushClipRect(clip.Min, clip.Max, false);
    auto note_of = [&](int line) -> const line_note* {
      const auto n =
          std::lower_bound(notes.begin(), notes.end(), line, [](const line_note& a, int l) { return a.line < l; });
      return n != notes.end() && n->line == line ? &*n : nullptr;
    };
    for (int i = first; i < last; ++i) {
      const float y = origin.y + static_cast<float>(i) * line_h;
      const std::size_t at = line_starts_[static_cast<std::size_t>(i)];
      const line_note* note = note_of(i + 1);
      if (note != nullptr) dl->AddRectFilled(ImVec2(clip.Min.x, y), ImVec2(clip.Max.x, y + line_h), band(note->color));
      const float code_end = draw_coloured(dl, ImVec2(origin.x, y), code, at, line_end(code, at), tokens_, p);
      if (note != nullptr) draw_note(dl, *note, y, code_end, clip.Max.x - 4);
    }
    // The cursor, which ImGui drew in the (transparent) text colour.
    if (state != nullptr) {
      const ImGuiIO& io = ImGui::GetIO();
      const bool shown =
          !io.ConfigInputTextCursorBlink || state->CursorAnim <= 0.0f || std::fmod(state->CursorAnim, 1.20f) <= 0.80f;
      // Its place counts characters; the buffer is UTF-8.
      std::size_t byte = 0;
      for (int n = 0; n < state->Stb.cursor && byte < code.size(); ++n) {
        ++byte;
        while (byte < code.size() && (static_cast<unsigned char>(code[byte]) & 0xC0) == 0x80) ++byte;
      }
      const auto line = static_cast<std::size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), byte) -
                                                 line_starts_.begin() - 1);
      const char* from = code.data() + line_starts_[line];
      const float x =
          std::floor(origin.x + ImGui::GetFont()->CalcTextSizeA(line_h, FLT_MAX, 0, from, code.data() + byte).x);
      const float y = std::floor(origin.y + static_cast<float>(line) * line_h);
      if (shown) dl->AddLine(ImVec2(x, y + 0.5f), ImVec2(x, y + line_h - 1.5f), p.text);
    }
    dl->PopClipRect();

    // The line numbers, beside the lines they number.
    ImDrawList* gutter_dl = ImGui::GetWindowDrawList();
    gutter_dl->PushClipRect(ImVec2(start.x, frame_min.y), ImVec2(frame_min.x, frame_max.y), true);
    for (int i = first; i < last; ++i) {
      const std::string n = std::to_string(i + 1);
      const float w = ImGui::CalcTextSize(n.c_str()).x;
      const float y = origin.y + static_cast<float>(i) * line_h;
      const line_note* note = note_of(i + 1);
      if (note != nullptr && !note->badge.empty()) draw_badge(gutter_dl, *note, start.x, y, badge_w);
      gutter_dl->AddText(ImVec2(frame_min.x - style.ItemSpacing.x - w, y),
                         note != nullptr ? opaque(note->color) : p.text_dim, n.c_str());
    }
    gutter_dl->PopClipRect();
  }
  ImGui::PopFont();
  return edited;
}

}  // namespace loopscope::gui
