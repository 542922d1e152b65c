// Colours: the Okabe–Ito palette, safe for the common colour-vision
// deficiencies, the same in the dark and the light theme and in exports.
#pragma once

#include <imgui.h>

#include "core/trace.hpp"

namespace loopscope::gui {

struct palette {
  ImU32 running, running_blocking, ready;
  ImU32 wait_timer, wait_semaphore, wait_pool, wait_io, wait_child, wait_lock, wait_event, wait_queue;
  ImU32 worker_running;  // a thread-pool worker at work: not the loop, never the loop-holding colour
  ImU32 done, failed, cancelled;
  ImU32 cursor, slow, grid, lane_alt, text, text_dim, fold_mark, in_flight;
  // Words: good news, a warning, a note for the learner; Markdown's styles.
  ImU32 ok, warn, note, emphasis, strong, code, code_bg;
  // Charts: a colour per series (variant), a shade per bar of a group.
  ImU32 series[4];
  ImU32 bars[3];
  // Code, by token_kind: keyword, suspend (await, co_await), string,
  // comment, number.
  ImU32 syntax[5];
};

const palette& colors(bool dark);
ImVec4 vec(ImU32 c);  // for ImGui's text colours
ImU32 span_color(const palette& p, lane_state s, std::uint8_t detail);
// What a legend and a tooltip call a state.
const char* state_label(lane_state s, std::uint8_t detail);
void apply_theme(bool dark, float scale);
// An end marker: done a dot, failed a cross, cancelled a hollow square.
void draw_end_marker(ImDrawList* dl, const palette& p, lane_state s, ImVec2 center, float r);

}  // namespace loopscope::gui
