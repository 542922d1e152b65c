#include "app/gui/playback_bar.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/gui/key_taps.hpp"
#include "core/pacer.hpp"

namespace loopscope::gui {

namespace {

// Pressed this frame: as ImGui saw it (with the key's repeat when held), or
// as a tap shorter than the frame, which ImGui does not see.
bool pressed(int key, bool repeat = true) { return ImGui::IsKeyPressed(key, repeat) || window_taps().tapped(key); }

}  // namespace

playback_request playback_bar::keys(bool held) {
  playback_request r;
  if (ImGui::GetIO().WantTextInput || held) return r;
  r.toggle_play = pressed(GLFW_KEY_SPACE, false);
  // A presentation clicker sends Page Down and Page Up: step, and back.
  r.step = pressed(GLFW_KEY_RIGHT) || pressed(GLFW_KEY_PAGE_DOWN);
  r.step_back = pressed(GLFW_KEY_LEFT) || pressed(GLFW_KEY_PAGE_UP);
  r.to_start = pressed(GLFW_KEY_HOME, false);
  r.to_end = pressed(GLFW_KEY_END, false);
  r.restart = pressed(GLFW_KEY_R, false);
  return r;
}

playback_request playback_bar::draw(const run_set& runs, bool held, bool clock) {
  playback_request r;
  const float em = ImGui::GetFontSize() / 16;
  const bool paced = runs.paced() || runs.preparing();
  const bool waiting_to_start = runs.waiting_to_start();
  ImGui::BeginDisabled((!paced && !waiting_to_start) || held);
  const bool playing = runs.playing();
  r.toggle_play = ImGui::Button(playing ? "Pause" : (waiting_to_start ? "Run" : "Play"), ImVec2(64 * em, 0));
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(held ? "Make your guess first (or skip it)"
                           : (runs.real_clock() ? "Run it for real (Space)" : "Space"));
  ImGui::SameLine();
  r.step_back = ImGui::ArrowButton("##back", ImGuiDir_Left) && paced;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One handler back (Left arrow; Home: the start)");
  ImGui::SameLine(0, 2);
  r.step = ImGui::Button("Step") && paced;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run exactly one handler of the loop (Right arrow)");
  ImGui::SameLine();
  r.to_end = ImGui::Button("End");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run to the end at once (End)");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(held);
  r.restart = ImGui::Button("Restart");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run every variant again from the start (R)");
  ImGui::SameLine();
  ImGui::BeginDisabled(!runs.paced());
  float speed = static_cast<float>(runs.speed());
  ImGui::SetNextItemWidth(110 * em);
  if (ImGui::SliderFloat("##speed", &speed, static_cast<float>(pacer::min_speed), static_cast<float>(pacer::max_speed),
                         "speed %.1fx", ImGuiSliderFlags_Logarithmic))
    r.speed = speed;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("How fast the virtual clock plays: 1x is real time");
  ImGui::EndDisabled();
  ImGui::SameLine(0, 12 * em);
  if (!clock) {
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() - 12 * em);  // nothing to choose here
  } else if (runs.real_only()) {
    ImGui::TextUnformatted("real clock");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "This lesson measures this machine, now: it has no virtual clock.%s",
          runs.in_turn() ? "\nThe variants run one after another, so that each one has the process to itself." : "");
  } else {
    int clock_choice = runs.real_clock() ? 1 : 0;
    bool clock_changed = ImGui::RadioButton("virtual", &clock_choice, 0);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The virtual clock: exact and pausable; time jumps to the next timer");
    ImGui::SameLine();
    clock_changed |= ImGui::RadioButton("real clock", &clock_choice, 1);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The same scenario for real: steady_clock, real blocking calls, the loop on its own thread");
    if (clock_changed) r.real_clock = clock_choice == 1;
  }
  // The time, where it fits on this line, else on the next.
  char text[128];
  if (held)
    std::snprintf(text, sizeof text, "waiting for your guess");
  else if (runs.preparing())
    std::snprintf(text, sizeof text, "preparing the runs... %.1f s", runs.preparing_for_s());
  else if (runs.real_only())
    std::snprintf(text, sizeof text, "t = %s%s", format_seconds(runs.cursor()).c_str(),
                  waiting_to_start ? "  (press Run)" : (runs.finished() ? "  (finished)" : "  (running live)"));
  else
    std::snprintf(text, sizeof text, "t = %s / %s%s", format_seconds(std::min(runs.cursor(), runs.end())).c_str(),
                  format_seconds(runs.end()).c_str(),
                  runs.finished() ? "  (finished)" : (runs.real_clock() ? "  (running live)" : ""));
  ImGui::SameLine(0, 12 * em);
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(text).x) ImGui::NewLine();
  if (held)
    ImGui::TextDisabled("%s", text);
  else
    ImGui::TextUnformatted(text);
  return r;
}

}  // namespace loopscope::gui
