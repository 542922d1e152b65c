#include "sandbox_page.hpp"

#include <imgui.h>

#include <algorithm>

#include "core/duration.hpp"
#include "core/runtime.hpp"

namespace loopscope::gui {

namespace {
constexpr nanos ms = 1'000'000;

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}
}  // namespace

sandbox_page::sandbox_page() { rebuild(false); }

workload sandbox_page::effective_workload() const {
  workload w = work_;
  if (w.durations.size() == static_cast<std::size_t>(w.tasks)) return w;  // an explicit list wins
  w.durations.clear();
  if (spread_percent_ > 0) {
    // A fixed, even spread around the duration, so a re-run is the same run.
    const double s = spread_percent_ / 100.0;
    for (int i = 1; i <= w.tasks; ++i) {
      const double f = w.tasks == 1 ? 0.0 : -1.0 + 2.0 * ((i * 37) % w.tasks) / std::max(1, w.tasks - 1);
      w.durations.push_back(std::max<nanos>(0, static_cast<nanos>(static_cast<double>(w.duration) * (1.0 + s * f))));
    }
  }
  return w;
}

void sandbox_page::configure(workload w, bool real_clock) {
  durations_text_.clear();
  for (nanos d : w.durations) {
    if (!durations_text_.empty()) durations_text_ += ',';
    durations_text_ += duration_text(d);
  }
  work_ = std::move(w);
  variants_.set_real_clock(real_clock);
  rebuild(false);
}

void sandbox_page::rebuild(bool keep_cursor) {
  const workload w = effective_workload();
  auto strategies = strategies_;
  variants_.reset(
      strategies.size(),
      [w, strategies](std::size_t i, const loop_options& options) -> std::unique_ptr<scenario_run> {
        return make_sandbox(strategies[i], w, options);
      },
      sequential_makespan(w), keep_cursor);
}

void sandbox_page::set_strategies(std::vector<strategy> s) {
  if (s.empty()) return;
  if (s.size() > max_panels) s.resize(max_panels);
  strategies_ = std::move(s);
  rebuild(false);
}

page_requests sandbox_page::draw(double wall_dt, bool dark) {
  variants_.tick(wall_dt);
  ImGui::TextUnformatted("Sandbox");
  ImGui::TextWrapped(
      "One workload, run under several strategies at once on one time axis. Every task sleeps for its duration; "
      "make some block the loop, burn CPU, fail or time out, and watch what each strategy does with it.");
  draw_controls();
  variants_.draw_playback();
  variants_.handle_keys();
  return variants_.draw_body(dark);
}

void sandbox_page::draw_controls() {
  if (!ImGui::CollapsingHeader("Workload", ImGuiTreeNodeFlags_DefaultOpen)) return;
  bool changed = false;
  bool shape = false;  // a change that alters how long the run is: refit

  // Strategies, one per panel.
  const auto& all = all_strategies();
  for (int i = 0; i < max_panels; ++i) {
    ImGui::PushID(i);
    if (i > 0) ImGui::SameLine();
    ImGui::SetNextItemWidth(190 * ImGui::GetFontSize() / 16);
    const bool present = i < static_cast<int>(strategies_.size());
    const char* current = present ? to_string(strategies_[static_cast<std::size_t>(i)]).data() : "(none)";
    if (ImGui::BeginCombo("##strategy", current)) {
      if (i > 0 && ImGui::Selectable("(none)", !present) && present) {
        strategies_.erase(strategies_.begin() + i);
        changed = shape = true;
      }
      for (strategy s : all) {
        if (ImGui::Selectable(to_string(s).data(), present && strategies_[static_cast<std::size_t>(i)] == s)) {
          if (present)
            strategies_[static_cast<std::size_t>(i)] = s;
          else
            strategies_.push_back(s);
          changed = shape = true;
        }
      }
      ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Strategy of panel %d", i + 1);
    ImGui::PopID();
  }

  // The workload.
  const float w = 220 * ImGui::GetFontSize() / 16;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderInt("tasks", &work_.tasks, 1, 10'000, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) changed = shape = true;
  ImGui::SameLine();
  float dur_ms = static_cast<float>(work_.duration) / 1e6f;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("duration", &dur_ms, 1.0f, 10'000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
    work_.duration = static_cast<nanos>(dur_ms * 1e6f);
    changed = shape = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.6f);
  if (ImGui::SliderInt("spread", &spread_percent_, 0, 100, "%d %%", ImGuiSliderFlags_AlwaysClamp)) changed = shape = true;
  help_marker("Durations vary evenly by up to this much around the duration.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.6f);
  if (ImGui::SliderInt("limit", &work_.limit, 1, std::max(1, work_.tasks), "%d", ImGuiSliderFlags_AlwaysClamp)) changed = shape = true;
  help_marker("Permits of the bounded strategy's semaphore: at most this many tasks in flight.");

  // An explicit duration per task, as --durations takes them.
  char list[1024];
  std::snprintf(list, sizeof list, "%s", durations_text_.c_str());
  ImGui::SetNextItemWidth(w * 1.6f);
  if (ImGui::InputTextWithHint("durations", "one per task, e.g. 1s,250ms,2s (overrides duration and spread)", list,
                               sizeof list)) {
    durations_text_ = list;
    durations_note_.clear();
    std::string bad;
    if (auto parsed = parse_duration_list(durations_text_, bad)) {
      work_.durations = std::move(*parsed);
      if (!work_.durations.empty() && work_.durations.size() != static_cast<std::size_t>(work_.tasks))
        durations_note_ = std::to_string(work_.durations.size()) + " durations for " + std::to_string(work_.tasks) +
                          " tasks: the list is used when the counts match";
    } else {
      work_.durations.clear();
      durations_note_ = duration_hint(bad);
    }
    changed = shape = true;
  }
  if (!durations_note_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.9f, 0.62f, 0.0f, 1.0f), "%s", durations_note_.c_str());
  }

  // Tasks that misbehave: one row per kind, each with its task and duration.
  auto task_list = [&](const char* label, std::map<int, nanos>& m, const char* tip) {
    ImGui::PushID(label);
    ImGui::TextUnformatted(label);
    help_marker(tip);
    for (auto it = m.begin(); it != m.end();) {
      ImGui::PushID(it->first);
      ImGui::SameLine();
      int task = it->first;
      float d = static_cast<float>(it->second) / 1e6f;
      ImGui::SetNextItemWidth(60 * ImGui::GetFontSize() / 16);
      const bool moved = ImGui::InputInt("##task", &task, 0) && task != it->first;
      ImGui::SameLine();
      ImGui::SetNextItemWidth(110 * ImGui::GetFontSize() / 16);
      if (ImGui::SliderFloat("##d", &d, 1.0f, 5000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
        it->second = static_cast<nanos>(d * 1e6f);
        changed = shape = true;
      }
      ImGui::SameLine();
      const bool remove = ImGui::SmallButton("x");
      ImGui::PopID();
      if (remove || moved) {
        const nanos keep = it->second;
        it = m.erase(it);
        if (moved) m[std::clamp(task, 1, work_.tasks)] = keep;
        changed = shape = true;
        break;  // the map changed under the iterator
      }
      ++it;
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("+")) {
      int next = 1;
      while (m.count(next) && next < work_.tasks) ++next;
      m[next] = 500 * ms;
      changed = shape = true;
    }
    ImGui::PopID();
  };
  task_list("block", work_.block, "A blocking call (time.sleep) at the start of the task: it holds the loop.");
  ImGui::SameLine(0, 24);
  task_list("cpu", work_.cpu, "CPU work at the start of the task: it holds the loop as well.");

  ImGui::TextUnformatted("fail");
  help_marker("These tasks raise an exception after their sleep.");
  for (auto it = work_.fail.begin(); it != work_.fail.end();) {
    ImGui::PushID(*it);
    ImGui::SameLine();
    const bool remove = ImGui::SmallButton(("task " + std::to_string(*it) + " x").c_str());
    ImGui::PopID();
    if (remove) {
      it = work_.fail.erase(it);
      changed = shape = true;
      break;
    }
    ++it;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("+##fail")) {
    int next = 1;
    while (work_.fail.count(next) && next < work_.tasks) ++next;
    work_.fail.insert(next);
    changed = shape = true;
  }
  ImGui::SameLine(0, 24);
  bool timeout_on = work_.timeout.has_value();
  if (ImGui::Checkbox("timeout", &timeout_on)) {
    work_.timeout = timeout_on ? std::optional<nanos>(work_.duration / 2 + 1) : std::nullopt;
    changed = shape = true;
  }
  help_marker("asyncio.wait_for around every task's body, counted from when the body starts.");
  if (work_.timeout) {
    ImGui::SameLine();
    float t_ms = static_cast<float>(*work_.timeout) / 1e6f;
    ImGui::SetNextItemWidth(w * 0.7f);
    if (ImGui::SliderFloat("##timeout", &t_ms, 1.0f, 10'000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp)) {
      work_.timeout = static_cast<nanos>(t_ms * 1e6f);
      changed = shape = true;
    }
  }

  // Tasks named by a knob must exist: fewer tasks drop them, with a note.
  if (changed) {
    clamp_note_.clear();
    auto prune = [&](std::map<int, nanos>& m, const char* what) {
      for (auto it = m.begin(); it != m.end();)
        if (it->first > work_.tasks) {
          clamp_note_ += std::string(what) + " of task " + std::to_string(it->first) + " dropped; ";
          it = m.erase(it);
        } else {
          ++it;
        }
    };
    prune(work_.block, "the blocking call");
    prune(work_.cpu, "the CPU work");
    for (auto it = work_.fail.begin(); it != work_.fail.end();)
      if (*it > work_.tasks) {
        clamp_note_ += "the failure of task " + std::to_string(*it) + " dropped; ";
        it = work_.fail.erase(it);
      } else {
        ++it;
      }
    work_.limit = std::clamp(work_.limit, 1, std::max(1, work_.tasks));
    if (!clamp_note_.empty()) clamp_note_ = "Only " + std::to_string(work_.tasks) + " tasks now: " + clamp_note_;
    rebuild(!shape);
  }
  if (!clamp_note_.empty()) ImGui::TextColored(ImVec4(0.9f, 0.62f, 0.0f, 1.0f), "%s", clamp_note_.c_str());
}

}  // namespace loopscope::gui
