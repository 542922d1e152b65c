#include "app/gui/legend.hpp"

#include <imgui.h>

namespace loopscope::gui {

namespace {

struct entry {
  ImU32 palette::*colour;
  const char* label;
  const char* meaning;
};

constexpr entry spans[] = {
    {&palette::running, "running", "the task's code is running on the loop"},
    {&palette::running_blocking, "blocking / CPU", "running a blocking call or a computation: nobody else can run"},
    {&palette::ready, "ready", "woken, waiting for the loop to get to it"},
    {&palette::wait_timer, "timer", "waiting for a sleep or a timeout"},
    {&palette::wait_semaphore, "semaphore", "waiting for a permit"},
    {&palette::wait_pool, "thread pool", "waiting for a job on a worker thread"},
    {&palette::worker_running, "worker", "a thread-pool worker at work, beside the loop"},
    {&palette::wait_io, "I/O", "waiting for the network"},
    {&palette::wait_child, "child task", "waiting for other tasks (gather, a TaskGroup, a join)"},
    {&palette::wait_lock, "lock", "waiting for a lock"},
    {&palette::wait_event, "event", "waiting for an event to be set"},
    {&palette::wait_queue, "queue", "waiting for a queue (full or empty)"},
};

constexpr struct {
  lane_state state;
  const char* meaning;
} ends[] = {
    {lane_state::done, "returned"},
    {lane_state::failed, "raised an exception"},
    {lane_state::cancelled, "cancelled"},
};

float swatch(const palette& p, const entry& e) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = ImGui::GetTextLineHeight();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  dl->AddRectFilled(ImVec2(at.x, at.y + h * 0.2f), ImVec2(at.x + h, at.y + h * 0.85f), p.*(e.colour));
  ImGui::Dummy(ImVec2(h * 1.15f, h));
  return h;
}

void marker(const palette& p, lane_state s) {
  const float h = ImGui::GetTextLineHeight();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  draw_end_marker(ImGui::GetWindowDrawList(), p, s, ImVec2(at.x + h * 0.5f, at.y + h * 0.55f), h * 0.3f);
  ImGui::Dummy(ImVec2(h * 1.15f, h));
}

// Starts the next item on this line if it fits, else on the next one.
void flow(float item_w) {
  ImGui::SameLine(0, ImGui::GetFontSize() * 0.8f);
  if (ImGui::GetContentRegionAvail().x < item_w) ImGui::NewLine();
}

}  // namespace

void draw_legend_row(const palette& p) {
  ImGui::PushStyleColor(ImGuiCol_Text, p.text_dim);
  const float h = ImGui::GetTextLineHeight();
  bool first = true;
  for (const entry& e : spans) {
    if (!first) flow(h * 1.15f + ImGui::CalcTextSize(e.label).x);
    first = false;
    swatch(p, e);
    ImGui::SameLine(0, 2);
    ImGui::TextUnformatted(e.label);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.meaning);
  }
  for (const auto& end : ends) {
    flow(h * 1.15f + ImGui::CalcTextSize(end.meaning).x);
    marker(p, end.state);
    ImGui::SameLine(0, 2);
    ImGui::TextUnformatted(end.meaning);
  }
  ImGui::PopStyleColor();
}

void draw_legend_list(const palette& p) {
  for (const entry& e : spans) {
    swatch(p, e);
    ImGui::SameLine();
    ImGui::Text("%s: %s", e.label, e.meaning);
  }
  for (const auto& end : ends) {
    marker(p, end.state);
    ImGui::SameLine();
    ImGui::Text("%s", end.meaning);
  }
}

}  // namespace loopscope::gui
