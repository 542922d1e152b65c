#include "app/gui/theme.hpp"

namespace loopscope::gui {

namespace {
constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) { return IM_COL32(r, g, b, a); }

// Okabe–Ito: orange E69F00, sky blue 56B4E9, bluish green 009E73, yellow
// F0E442, blue 0072B2, vermillion D55E00, reddish purple CC79A7, grey.
const palette dark_palette{rgb(0x00, 0x72, 0xB2),
                           rgb(0xD5, 0x5E, 0x00),
                           rgb(0xF0, 0xE4, 0x42),
                           rgb(0x56, 0xB4, 0xE9, 150),
                           rgb(0xCC, 0x79, 0xA7, 170),
                           rgb(0x00, 0x9E, 0x73, 170),
                           rgb(0x99, 0x99, 0x99, 150),
                           rgb(0x80, 0x80, 0x80, 90),
                           rgb(0x00, 0x9E, 0x73),
                           rgb(0xD5, 0x5E, 0x00),
                           rgb(0xE6, 0x9F, 0x00),
                           rgb(255, 255, 255, 200),
                           rgb(0xD5, 0x5E, 0x00),
                           rgb(255, 255, 255, 28),
                           rgb(255, 255, 255, 8),
                           rgb(230, 230, 230),
                           rgb(150, 150, 150),
                           rgb(255, 255, 255, 120),
                           rgb(200, 200, 200, 90),
                           rgb(0x00, 0x9E, 0x73),
                           rgb(0xD5, 0x5E, 0x00),
                           rgb(0xE6, 0x9F, 0x00),
                           rgb(0x56, 0xB4, 0xE9),
                           rgb(255, 255, 255),
                           rgb(0xF0, 0xE4, 0x42),
                           rgb(255, 255, 255, 22),
                           {rgb(0xE6, 0x9F, 0x00), rgb(0x56, 0xB4, 0xE9), rgb(0x00, 0x9E, 0x73), rgb(0xCC, 0x79, 0xA7)},
                           {rgb(0x56, 0xB4, 0xE9), rgb(0xE6, 0x9F, 0x00), rgb(0xD5, 0x5E, 0x00)}};

const palette light_palette{
    rgb(0x00, 0x72, 0xB2),
    rgb(0xD5, 0x5E, 0x00),
    rgb(0xD8, 0xC8, 0x20),
    rgb(0x56, 0xB4, 0xE9, 170),
    rgb(0xCC, 0x79, 0xA7, 190),
    rgb(0x00, 0x9E, 0x73, 190),
    rgb(0x88, 0x88, 0x88, 170),
    rgb(0x70, 0x70, 0x70, 80),
    rgb(0x00, 0x9E, 0x73),
    rgb(0xD5, 0x5E, 0x00),
    rgb(0xE6, 0x9F, 0x00),
    rgb(0, 0, 0, 200),
    rgb(0xD5, 0x5E, 0x00),
    rgb(0, 0, 0, 30),
    rgb(0, 0, 0, 10),
    rgb(20, 20, 20),
    rgb(110, 110, 110),
    rgb(0, 0, 0, 120),
    rgb(60, 60, 60, 80),
    rgb(0x00, 0x9E, 0x73),
    rgb(0xD5, 0x5E, 0x00),
    rgb(0xE6, 0x9F, 0x00),
    rgb(0x00, 0x72, 0xB2),
    rgb(0, 0, 0),
    rgb(0x99, 0x59, 0x00),
    rgb(0, 0, 0, 16),
    {rgb(0xE6, 0x9F, 0x00), rgb(0x56, 0xB4, 0xE9), rgb(0x00, 0x9E, 0x73), rgb(0xCC, 0x79, 0xA7)},
    {rgb(0x00, 0x72, 0xB2), rgb(0xE6, 0x9F, 0x00), rgb(0xD5, 0x5E, 0x00)}};
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
  style.FramePadding = ImVec2(8, 4);
  style.ItemSpacing = ImVec2(8, 6);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

}  // namespace loopscope::gui
