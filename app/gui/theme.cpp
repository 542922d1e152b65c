#include "app/gui/theme.hpp"

namespace loopscope::gui {

namespace {
constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) { return IM_COL32(r, g, b, a); }

// Okabe–Ito: orange E69F00, sky blue 56B4E9, bluish green 009E73, yellow
// F0E442, blue 0072B2, vermillion D55E00, reddish purple CC79A7, grey.
const palette dark_palette{
    .running = rgb(0x00, 0x72, 0xB2),
    .running_blocking = rgb(0xD5, 0x5E, 0x00),
    .ready = rgb(0xF0, 0xE4, 0x42),
    .wait_timer = rgb(0x56, 0xB4, 0xE9, 150),
    .wait_semaphore = rgb(0xCC, 0x79, 0xA7, 170),
    .wait_pool = rgb(0x00, 0x9E, 0x73, 170),
    .wait_io = rgb(0x99, 0x99, 0x99, 150),
    .wait_child = rgb(0x80, 0x80, 0x80, 90),
    .wait_lock = rgb(0x9E, 0x4F, 0x84, 200),
    .wait_event = rgb(0xB8, 0xA9, 0x5C, 170),
    .wait_queue = rgb(0xE6, 0x9F, 0x00, 150),
    .worker_running = rgb(0x00, 0x9E, 0x73),
    .done = rgb(0x00, 0x9E, 0x73),
    .failed = rgb(0xD5, 0x5E, 0x00),
    .cancelled = rgb(0xE6, 0x9F, 0x00),
    .cursor = rgb(255, 255, 255, 200),
    .slow = rgb(0xD5, 0x5E, 0x00),
    .grid = rgb(255, 255, 255, 28),
    .lane_alt = rgb(255, 255, 255, 8),
    .text = rgb(230, 230, 230),
    .text_dim = rgb(150, 150, 150),
    .fold_mark = rgb(255, 255, 255, 120),
    .in_flight = rgb(200, 200, 200, 90),
    .ok = rgb(0x00, 0x9E, 0x73),
    .warn = rgb(0xD5, 0x5E, 0x00),
    .note = rgb(0xE6, 0x9F, 0x00),
    .emphasis = rgb(0x56, 0xB4, 0xE9),
    .strong = rgb(255, 255, 255),
    .code = rgb(0xF0, 0xE4, 0x42),
    .code_bg = rgb(255, 255, 255, 22),
    .series = {rgb(0xE6, 0x9F, 0x00), rgb(0x56, 0xB4, 0xE9), rgb(0x00, 0x9E, 0x73), rgb(0xCC, 0x79, 0xA7)},
    .bars = {rgb(0x56, 0xB4, 0xE9), rgb(0xE6, 0x9F, 0x00), rgb(0xD5, 0x5E, 0x00)},
    .syntax = {rgb(0x7F, 0xC4, 0xF0), rgb(0xF5, 0xA6, 0x23), rgb(0x9F, 0xD6, 0x8C), rgb(0x8C, 0x95, 0x8C),
               rgb(0xE0, 0x9C, 0xC8)},
};

// On a light background the waits need more weight to read from a distance
// (a projector): darker tones, less transparency; the yellows and oranges
// darkened to stand out from white.
const palette light_palette{
    .running = rgb(0x00, 0x72, 0xB2),
    .running_blocking = rgb(0xD5, 0x5E, 0x00),
    .ready = rgb(0xC8, 0xB4, 0x00),
    .wait_timer = rgb(0x2E, 0x8B, 0xC9, 200),
    .wait_semaphore = rgb(0xB8, 0x5F, 0x94, 210),
    .wait_pool = rgb(0x00, 0x8A, 0x64, 210),
    .wait_io = rgb(0x70, 0x70, 0x70, 190),
    .wait_child = rgb(0x60, 0x60, 0x60, 110),
    .wait_lock = rgb(0x8A, 0x3F, 0x72, 220),
    .wait_event = rgb(0x8C, 0x7D, 0x30, 210),
    .wait_queue = rgb(0xC9, 0x86, 0x00, 200),
    .worker_running = rgb(0x00, 0x8A, 0x64),
    .done = rgb(0x00, 0x9E, 0x73),
    .failed = rgb(0xD5, 0x5E, 0x00),
    .cancelled = rgb(0xE6, 0x9F, 0x00),
    .cursor = rgb(0, 0, 0, 200),
    .slow = rgb(0xD5, 0x5E, 0x00),
    .grid = rgb(0, 0, 0, 30),
    .lane_alt = rgb(0, 0, 0, 10),
    .text = rgb(20, 20, 20),
    .text_dim = rgb(110, 110, 110),
    .fold_mark = rgb(0, 0, 0, 120),
    .in_flight = rgb(60, 60, 60, 80),
    .ok = rgb(0x00, 0x9E, 0x73),
    .warn = rgb(0xD5, 0x5E, 0x00),
    .note = rgb(0xB0, 0x78, 0x00),
    .emphasis = rgb(0x00, 0x72, 0xB2),
    .strong = rgb(0, 0, 0),
    .code = rgb(0x99, 0x59, 0x00),
    .code_bg = rgb(0, 0, 0, 16),
    .series = {rgb(0xE6, 0x9F, 0x00), rgb(0x56, 0xB4, 0xE9), rgb(0x00, 0x9E, 0x73), rgb(0xCC, 0x79, 0xA7)},
    .bars = {rgb(0x00, 0x72, 0xB2), rgb(0xE6, 0x9F, 0x00), rgb(0xD5, 0x5E, 0x00)},
    .syntax = {rgb(0x00, 0x5A, 0x9C), rgb(0xB0, 0x4A, 0x00), rgb(0x2E, 0x7D, 0x32), rgb(0x64, 0x64, 0x64),
               rgb(0x9E, 0x3F, 0x84)},
};
}  // namespace

const palette& colors(bool dark) { return dark ? dark_palette : light_palette; }

ImVec4 vec(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

ImU32 span_color(const palette& p, lane_state s, std::uint8_t detail) {
  switch (s) {
    case lane_state::running:
      switch (static_cast<run_kind>(detail)) {
        case run_kind::blocking:
        case run_kind::cpu:
          return p.running_blocking;
        default:
          return p.running;
      }
    case lane_state::ready:
      return p.ready;
    case lane_state::waiting:
      switch (static_cast<wait_reason>(detail)) {
        case wait_reason::timer:
          return p.wait_timer;
        case wait_reason::semaphore:
          return p.wait_semaphore;
        case wait_reason::thread_pool:
          return p.wait_pool;
        case wait_reason::child:
          return p.wait_child;
        case wait_reason::lock:
          return p.wait_lock;
        case wait_reason::event:
          return p.wait_event;
        case wait_reason::queue:
          return p.wait_queue;
        default:
          return p.wait_io;
      }
    case lane_state::done:
      return p.done;
    case lane_state::failed:
      return p.failed;
    case lane_state::cancelled:
      return p.cancelled;
    case lane_state::idle:
      return 0;
  }
  return 0;
}

const char* state_label(lane_state s, std::uint8_t detail) {
  switch (s) {
    case lane_state::running:
      switch (static_cast<run_kind>(detail)) {
        case run_kind::blocking:
          return "running a blocking call (holds the loop)";
        case run_kind::cancelled:
          return "running after a cancellation was raised here (its cleanup)";
        case run_kind::cpu:
          return "running CPU work (holds the loop)";
        default:
          return "running";
      }
    case lane_state::ready:
      return "ready (woken, waiting for the loop)";
    case lane_state::waiting:
      switch (static_cast<wait_reason>(detail)) {
        case wait_reason::timer:
          return "waiting for a timer";
        case wait_reason::semaphore:
          return "waiting for a semaphore permit";
        case wait_reason::thread_pool:
          return "waiting for the thread pool";
        case wait_reason::child:
          return "waiting for child tasks";
        case wait_reason::lock:
          return "waiting for a lock";
        case wait_reason::event:
          return "waiting for an event";
        case wait_reason::queue:
          return "waiting on a queue";
        default:
          return "waiting for I/O";
      }
    case lane_state::done:
      return "done";
    case lane_state::failed:
      return "failed";
    case lane_state::cancelled:
      return "cancelled";
    case lane_state::idle:
      return "idle";
  }
  return "";
}

void draw_end_marker(ImDrawList* dl, const palette& p, lane_state s, ImVec2 c, float r) {
  const ImU32 col = span_color(p, s, 0);
  switch (s) {
    case lane_state::done:
      dl->AddCircleFilled(c, r, col);
      break;
    case lane_state::failed:
      dl->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), col, 2.5f);
      dl->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), col, 2.5f);
      break;
    default:
      dl->AddRect(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), col, 0, 0, 2.0f);
      break;
  }
}

void apply_theme(bool dark, float scale) {
  ImGuiStyle style;
  if (dark)
    ImGui::StyleColorsDark(&style);
  else
    ImGui::StyleColorsLight(&style);
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  style.GrabMinSize = 7;  // a thin grab leaves the slider's value readable
  style.FramePadding = ImVec2(8, 4);
  style.ItemSpacing = ImVec2(8, 6);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

}  // namespace loopscope::gui
