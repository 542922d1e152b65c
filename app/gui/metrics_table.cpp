#include "app/gui/metrics_table.hpp"

#include <imgui.h>

#include "core/report.hpp"

namespace loopscope::gui {

namespace {

struct column {
  const char* name;
  const char* help;
};

constexpr column columns[] = {
    {"variant", "How the same work was awaited"},
    {"makespan", "From the start to the last task's end"},
    {"returned", "When the awaiting code (main) got its result, or the exception it raised"},
    {"speedup", "How many times faster than the reference run of the same tasks"},
    {"in flight", "Tasks started and not yet ended, at most / on average over the run"},
    {"loop busy", "How much of the run the loop's thread spent running code, not waiting"},
    {"ready", "Time tasks spent ready to run but waiting for the loop, summed over tasks"},
    {"longest", "The longest the loop ran one callback without coming back: what held everyone else up"},
    {"warnings", "Slices of 100 ms or more: a blocking call or a computation held the loop"},
};

void header_row() {
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int c = 0; c < static_cast<int>(std::size(columns)); ++c) {
    ImGui::TableSetColumnIndex(c);
    ImGui::TableHeader(columns[c].name);
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 22);
      ImGui::TextUnformatted(columns[c].help);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
}

}  // namespace

void metrics_table::draw(const run_set& runs, const palette& p, std::optional<std::size_t> speedup_against) {
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##metrics", static_cast<int>(std::size(columns)), flags)) return;
  for (const auto& c : columns) ImGui::TableSetupColumn(c.name);
  header_row();
  std::optional<nanos> reference = runs.reference();
  std::string reference_name = "the same tasks run one after another";
  if (speedup_against && *speedup_against < runs.size()) {
    const std::size_t r = *speedup_against;
    reference = runs.ended_by_cursor(r) ? std::optional<nanos>(runs.metrics(r).makespan) : std::nullopt;
    reference_name = runs.run(r).variant();
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const run_metrics& m = runs.metrics(i);
    const scenario_run& run = runs.run(i);
    const bool done = runs.ended_by_cursor(i);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(run.variant().c_str());
    ImGui::TableNextColumn();
    if (done)
      ImGui::TextUnformatted(format_seconds(m.makespan).c_str());
    else if (!runs.started(i) || runs.cursor() == 0)
      ImGui::TextDisabled("not started");
    else
      ImGui::TextDisabled("%s so far", format_seconds(runs.cursor()).c_str());
    ImGui::TableNextColumn();
    if (runs.returned_by_cursor(i)) {
      const std::string raised = run.error_text();
      if (raised.empty()) {
        ImGui::TextUnformatted(format_seconds(run.returned()).c_str());
      } else {
        ImGui::TextColored(vec(p.warn), "%s", format_seconds(run.returned()).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("raised %s", raised.c_str());
      }
    } else {
      ImGui::TextDisabled("-");
    }
    ImGui::TableNextColumn();
    const auto withheld = done ? speedup_withheld(run, m) : std::nullopt;
    if (done && reference && m.makespan > 0 && !withheld)
      ImGui::Text("%.2fx", static_cast<double>(*reference) / static_cast<double>(m.makespan));
    else
      ImGui::TextDisabled("-");
    if (ImGui::IsItemHovered() && withheld)
      ImGui::SetTooltip("%s", withheld->c_str());
    else if (ImGui::IsItemHovered() && reference)
      ImGui::SetTooltip("Against %s: %s", reference_name.c_str(), format_seconds(*reference).c_str());
    ImGui::TableNextColumn();
    // Live, the mean so far can never pass the peak so far.
    ImGui::Text("%d / %.2f", m.peak_concurrency, std::min(m.mean_concurrency, static_cast<double>(m.peak_concurrency)));
    ImGui::TableNextColumn();
    ImGui::Text("%.1f %%", m.loop_busy_fraction * 100);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_seconds(m.ready_total).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_seconds(m.longest_slice).c_str());
    ImGui::TableNextColumn();
    const auto warnings = warnings_of(m);
    if (warnings.empty()) {
      ImGui::TextDisabled("none");
    } else {
      ImGui::TextColored(vec(p.warn), "%zu slow", warnings.size());
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        for (std::size_t w = 0; w < warnings.size() && w < 12; ++w) ImGui::TextUnformatted(warnings[w].c_str());
        if (warnings.size() > 12) ImGui::Text("... and %zu more", warnings.size() - 12);
        ImGui::EndTooltip();
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace loopscope::gui
