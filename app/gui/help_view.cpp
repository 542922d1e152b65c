#include "app/gui/help_view.hpp"

#include <imgui.h>

#include "app/gui/legend.hpp"

namespace loopscope::gui {

namespace {

constexpr const char* title = "Help";

constexpr const char* keys[][2] = {
    {"Space", "play / pause (virtual clock); run (a real-clock lesson)"},
    {"Right arrow", "run exactly one handler of the loop"},
    {"Left arrow", "one handler back, as Right arrow runs one forward (replayed: the virtual clock is exact)"},
    {"Page Down / Up", "the same, from a presentation clicker: one handler forward / back"},
    {"Home / End", "back to the start / run to the end"},
    {"Drag on the ruler", "move the cursor there, forward or back"},
    {"R", "restart every variant"},
    {"Mouse wheel", "zoom around the mouse"},
    {"Drag", "pan"},
    {"Shift + wheel", "scroll the lanes"},
    {"W / S", "zoom in / out"},
    {"A / D", "pan left / right"},
    {"F", "fit the whole run"},
    {"Ctrl + = / Ctrl + - / Ctrl + 0", "larger / smaller / normal text (for a projector); remembered"},
    {"Hover", "what a task was doing, and for how long"},
    {"Click a task", "cancel it (while the run is live)"},
    {"Ctrl + click a slider", "type a value"},
    {"F1 or ?", "this help"},
};

constexpr const char* marks[][2] = {
    {"A lane",
     "one task, from when it was created to when it ended. Thick: running; thin: waiting, coloured by "
     "what for."},
    {"main",
     "the code that awaits the tasks. It ends where it returned (a dot) or raised (a cross, with what it "
     "raised): what the caller received."},
    {"in flight band", "under each variant: how many tasks were started and not yet ended, over time."},
    {"red outline", "a slice of 100 ms or more: the loop ran one callback that long, and every other task waited."},
    {"tick on a lane", "where a cancellation reached the task: the await it was raised at."},
    {"finished", "the line in a variant's header: when its last task ended."},
    {"density view", "past 200 tasks, a variant shows how many tasks run, are ready and wait, instead of lanes."},
    {"Loop tab",
     "the loop at the cursor, for each variant: the task running, the ready queue in the order it will run, "
     "the timers by deadline, what the others wait for, the last slice it ran, and what happened up to the "
     "cursor in sentences, in the order the loop did it."},
    {"a line on a band",
     "in the C++ and Python tabs and in your script: where tasks are at the cursor, in their state's colour: "
     "the await they wait at, or resumed from. The badge in the margin counts them (! marks where an error "
     "was raised); hover the line for their names and to pick out their lanes, hover a lane to pick out its "
     "line."},
};

constexpr const char* columns[][2] = {
    {"makespan", "from the start to the last task's end"},
    {"returned", "when main got its result, or what it raised"},
    {"speedup", "how many times faster than the reference run of the same tasks"},
    {"in flight", "tasks started and not yet ended: the most at once / the mean"},
    {"loop busy", "how much of the run the loop's thread was running code"},
    {"ready", "time tasks spent woken but waiting for the loop, summed"},
    {"longest slice", "the longest the loop ran one callback without coming back"},
    {"warnings", "slices of 100 ms or more"},
};

template <std::size_t N>
void two_columns(const char* id, const char* const (&rows)[N][2]) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn("a", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("b", ImGuiTableColumnFlags_WidthStretch);
  for (const auto& r : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r[0]);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", r[1]);
  }
  ImGui::EndTable();
}

}  // namespace

void help_view::draw(const palette& p) {
  if (open_ && !ImGui::IsPopupOpen(title)) ImGui::OpenPopup(title);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x * 0.7f, vp->WorkSize.y * 0.85f), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(title, &open_)) return;
  ImGui::BeginChild("##help", ImVec2(0, -ImGui::GetFrameHeightWithSpacing()));
  if (ImGui::CollapsingHeader("Colours", ImGuiTreeNodeFlags_DefaultOpen)) draw_legend_list(p);
  if (ImGui::CollapsingHeader("Lanes and marks", ImGuiTreeNodeFlags_DefaultOpen)) two_columns("##marks", marks);
  if (ImGui::CollapsingHeader("The table's columns", ImGuiTreeNodeFlags_DefaultOpen)) two_columns("##columns", columns);
  if (ImGui::CollapsingHeader("Keyboard and mouse", ImGuiTreeNodeFlags_DefaultOpen)) two_columns("##keys", keys);
  ImGui::EndChild();
  if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    open_ = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace loopscope::gui
