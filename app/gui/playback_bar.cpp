#include "app/gui/playback_bar.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "core/pacer.hpp"

namespace loopscope::gui {

playback_request playback_bar::keys() {
  playback_request r;
  if (ImGui::GetIO().WantTextInput) return r;
  r.toggle_play = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false);
  r.step = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow));
  r.restart = ImGui::IsKeyPressed(GLFW_KEY_R, false);
  return r;
}

playback_request playback_bar::draw(const run_set& runs) {
  playback_request r;
  const float em = ImGui::GetFontSize() / 16;
  const bool paced = runs.paced() || runs.preparing();
  const bool waiting_to_start = runs.waiting_to_start();
  ImGui::BeginDisabled(!paced && !waiting_to_start);
  const bool playing = runs.playing();
  r.toggle_play = ImGui::Button(playing ? "Pause" : (waiting_to_start ? "Run" : "Play"), ImVec2(70 * em, 0));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip(runs.real_clock() ? "Run it for real (Space)" : "Space");
  ImGui::SameLine();
  r.step = ImGui::Button("Step") && paced;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run exactly one handler of the loop (Right arrow)");
  ImGui::SameLine();
  r.to_end = ImGui::Button("End");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run to the end at once");
  ImGui::EndDisabled();
  ImGui::SameLine();
  r.restart = ImGui::Button("Restart");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run every variant again from the start (R)");
  ImGui::SameLine();
  ImGui::BeginDisabled(!runs.paced());
  float speed = static_cast<float>(runs.speed());
  ImGui::SetNextItemWidth(160 * em);
  if (ImGui::SliderFloat("speed", &speed, static_cast<float>(pacer::min_speed), static_cast<float>(pacer::max_speed),
                         "%.1fx", ImGuiSliderFlags_Logarithmic))
    r.speed = speed;
  ImGui::EndDisabled();
  ImGui::SameLine(0, 24 * em);
  if (runs.real_only()) {
    ImGui::TextUnformatted("real clock");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(
          "This lesson measures this machine, now: it has no virtual clock.%s",
          runs.in_turn() ? "\nThe variants run one after another, so that each one has the process to itself." : "");
  } else {
    int clock_choice = runs.real_clock() ? 1 : 0;
    bool clock_changed = ImGui::RadioButton("virtual clock", &clock_choice, 0);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exact and pausable: time jumps to the next timer");
    ImGui::SameLine();
    clock_changed |= ImGui::RadioButton("real clock", &clock_choice, 1);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The same scenario for real: steady_clock, real blocking calls, the loop on its own thread");
    if (clock_changed) r.real_clock = clock_choice == 1;
  }
  ImGui::SameLine(0, 24 * em);
  if (runs.preparing())
    ImGui::Text("preparing the runs... %.1f s", runs.preparing_for_s());
  else if (runs.real_only())
    ImGui::Text("t = %s%s", format_seconds(runs.cursor()).c_str(),
                waiting_to_start ? "  (press Run)" : (runs.finished() ? "  (finished)" : "  (running live)"));
  else
    ImGui::Text("t = %s / %s%s", format_seconds(runs.cursor()).c_str(), format_seconds(runs.end()).c_str(),
                runs.finished() ? "  (finished)" : (runs.real_clock() ? "  (running live)" : ""));
  return r;
}

}  // namespace loopscope::gui
