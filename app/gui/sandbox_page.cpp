#include "sandbox_page.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include "app/gui/theme.hpp"
#include "core/chrome_trace.hpp"
#include "core/duration.hpp"
#include "core/pacer.hpp"
#include "core/runtime.hpp"

namespace loopscope::gui {

namespace {
using clock = std::chrono::steady_clock;
constexpr nanos ms = 1'000'000;
constexpr double metrics_period_s = 0.25;  // live metrics: at most 4 times a second

std::string seconds(nanos t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e9);
  return buf;
}

void help_marker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}
}  // namespace

struct sandbox_page::panel {
  strategy how{};
  std::unique_ptr<sandbox_run> run;
  lane_store lanes;
  run_metrics metrics;
  density_steps density;
  std::size_t metrics_events = static_cast<std::size_t>(-1);
  nanos metrics_now = -1;
  double metrics_cost_s = 0;
  clock::time_point metrics_at{};
  nanos expected_end = 0;  // the same run on the virtual clock, to the end
};

sandbox_page::sandbox_page() { rebuild(false); }
sandbox_page::~sandbox_page() = default;

// ---- Runs ----

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

void sandbox_page::rebuild(bool keep_cursor) {
  const nanos previous = cursor();
  const bool was_done = ended_;
  const bool playing = pacer_ ? pacer_->playing() : true;
  panels_.clear();
  pacer_.reset();

  const workload w = effective_workload();
  sequential_ = sequential_makespan(w);
  end_ = 0;
  loop_options options;
  options.clock = real_clock_ ? clock_kind::real_clock : clock_kind::virtual_clock;
  std::vector<event_loop*> loops;
  for (strategy how : strategies_) {
    auto p = std::make_unique<panel>();
    p->how = how;
    {
      auto shadow = make_sandbox(how, w, loop_options{});
      shadow->loop->run();
      p->expected_end = compute_metrics(shadow->loop->trace(), shadow->loop->now()).window;
    }
    end_ = std::max(end_, p->expected_end);
    p->run = make_sandbox(how, w, options);
    loops.push_back(p->run->loop.get());
    panels_.push_back(std::move(p));
  }
  ended_ = false;
  if (real_clock_) {
    for (event_loop* l : loops) l->start();
  } else {
    pacer_ = std::make_unique<pacer>(loops);
    if (keep_cursor) {
      if (was_done)
        run_to_end();
      else
        pacer_->seek_forward(previous);
    }
    if (playing && !ended_) pacer_->play();
  }
  if (!keep_cursor) timeline_.request_fit();
  sync_panels();
}

void sandbox_page::configure(workload w, bool real_clock) {
  durations_text_.clear();
  for (nanos d : w.durations) {
    if (!durations_text_.empty()) durations_text_ += ',';
    durations_text_ += duration_text(d);
  }
  work_ = std::move(w);
  real_clock_ = real_clock;
  rebuild(false);
}

void sandbox_page::set_strategies(std::vector<strategy> s) {
  if (s.empty()) return;
  if (s.size() > max_panels) s.resize(max_panels);
  strategies_ = std::move(s);
  rebuild(false);
}

void sandbox_page::seek(nanos t) {
  if (!pacer_) return;
  pacer_->pause();
  pacer_->seek_forward(t);
  sync_panels();
}

void sandbox_page::run_to_end() {
  if (!pacer_) return;
  pacer_->pause();
  pacer_->seek_forward(std::max(end_, pacer_->cursor()));
  ended_ = true;
  sync_panels();
}

void sandbox_page::set_playing(bool on) {
  if (!pacer_) return;
  if (on)
    pacer_->play();
  else
    pacer_->pause();
}

nanos sandbox_page::cursor() const {
  if (pacer_) return pacer_->cursor();
  nanos t = 0;
  for (const auto& p : panels_) t = std::max(t, p->run->loop->finished() ? p->metrics.window : p->run->loop->now());
  return t;
}

void sandbox_page::sync_panels() {
  const auto now = clock::now();
  for (auto& p : panels_) {
    p->lanes.sync(p->run->loop->trace());
    const nanos loop_now = p->run->loop->now();
    // Metrics follow the events and the clock, but no more often than a few
    // times a second, and never taking more than a fifth of the time.
    const bool stale = p->metrics_events != p->lanes.event_count() || p->metrics_now != loop_now;
    const double since = std::chrono::duration<double>(now - p->metrics_at).count();
    const bool final = p->run->loop->finished() && p->metrics_now != loop_now;
    if (stale && (final || since >= std::max(metrics_period_s, 5 * p->metrics_cost_s))) {
      const auto t0 = clock::now();
      p->metrics = compute_metrics(p->run->loop->trace(), loop_now);
      p->metrics_events = p->lanes.event_count();
      p->metrics_now = loop_now;
      p->metrics_at = now;
      std::size_t tasks = 0;
      for (lane_id id = 0; id < p->lanes.lane_count(); ++id) tasks += p->lanes.info(id).kind == lane_kind::task;
      if (tasks > timeline_view::max_lanes) p->density = compute_density(p->lanes, loop_now);
      p->metrics_cost_s = std::chrono::duration<double>(clock::now() - t0).count();
    }
  }
  if (pacer_ && pacer_->finished()) ended_ = true;
  if (real_clock_ &&
      std::all_of(panels_.begin(), panels_.end(), [](const auto& p) { return p->run->loop->finished(); }))
    ended_ = true;
}

// ---- Drawing ----

page_requests sandbox_page::draw(double wall_dt, bool dark) {
  ImGuiIO& io = ImGui::GetIO();
  if (pacer_) pacer_->tick(static_cast<nanos>(wall_dt * 1e9));
  sync_panels();

  ImGui::TextUnformatted("Sandbox");
  ImGui::TextWrapped(
      "One workload, run under several strategies at once on one time axis. Every task sleeps for its duration; "
      "make some block the loop, burn CPU, fail or time out, and watch what each strategy does with it.");
  draw_controls();
  draw_playback();

  // Keyboard: the playback keys work anywhere but in a text field.
  if (!io.WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false) && pacer_) {
      if (pacer_->playing())
        pacer_->pause();
      else if (!ended_)
        pacer_->play();
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)) && pacer_) {
      pacer_->step();
      sync_panels();
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_R, false)) rebuild(false);
  }

  std::vector<variant_view> views;
  for (const auto& p : panels_) {
    variant_view v;
    v.title = std::string(to_string(p->how));
    if (p->run->loop->finished()) v.title += " — makespan " + seconds(p->metrics.makespan);
    v.lanes = &p->lanes;
    v.density = &p->density;
    v.finish = p->run->loop->finished() ? p->metrics.makespan : -1;
    v.concurrency = &p->metrics.concurrency;
    v.peak = p->metrics.peak_concurrency;
    views.push_back(std::move(v));
  }

  // The timeline takes what is left above the metrics and export rows.
  const float bottom = ImGui::GetFrameHeightWithSpacing() * (3.5f + static_cast<float>(panels_.size()));
  const float timeline_h = std::max(ImGui::GetContentRegionAvail().y - bottom, 120.0f);
  const ImVec2 tl_min = ImGui::GetCursorScreenPos();
  ImGui::BeginChild("##timeline", ImVec2(0, timeline_h), true);
  const auto cancel = timeline_.draw(views, cursor(), end_, dark, !ended_);
  ImGui::EndChild();
  const ImVec2 tl_max(tl_min.x + ImGui::GetItemRectSize().x, tl_min.y + timeline_h);
  if (cancel) panels_[cancel->variant]->run->loop->cancel(cancel->lane);

  draw_metrics();
  page_requests r = draw_export();
  if (r.save_png) {
    r.png_x0 = tl_min.x;
    r.png_y0 = tl_min.y;
    r.png_x1 = tl_max.x;
    r.png_y1 = tl_max.y;
  }
  return r;
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
  if (ImGui::SliderInt("tasks", &work_.tasks, 1, 10'000, "%d", ImGuiSliderFlags_Logarithmic)) changed = shape = true;
  ImGui::SameLine();
  float dur_ms = static_cast<float>(work_.duration) / 1e6f;
  ImGui::SetNextItemWidth(w);
  if (ImGui::SliderFloat("duration", &dur_ms, 1.0f, 10'000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic)) {
    work_.duration = static_cast<nanos>(dur_ms * 1e6f);
    changed = shape = true;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.6f);
  if (ImGui::SliderInt("spread", &spread_percent_, 0, 100, "%d %%")) changed = shape = true;
  help_marker("Durations vary evenly by up to this much around the duration.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.6f);
  if (ImGui::SliderInt("limit", &work_.limit, 1, std::max(1, work_.tasks))) changed = shape = true;
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
      if (ImGui::SliderFloat("##d", &d, 1.0f, 5000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic)) {
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
    if (ImGui::SliderFloat("##timeout", &t_ms, 1.0f, 10'000.0f, "%.0f ms", ImGuiSliderFlags_Logarithmic)) {
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

void sandbox_page::draw_playback() {
  const bool virtual_clock = pacer_ != nullptr;
  ImGui::BeginDisabled(!virtual_clock);
  const bool playing = virtual_clock && pacer_->playing();
  if (ImGui::Button(playing ? "Pause" : "Play", ImVec2(70 * ImGui::GetFontSize() / 16, 0)) && virtual_clock) {
    if (playing)
      pacer_->pause();
    else if (!ended_)
      pacer_->play();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
  ImGui::SameLine();
  if (ImGui::Button("Step") && virtual_clock) {
    pacer_->step();
    sync_panels();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run exactly one handler of the loop (Right arrow)");
  ImGui::SameLine();
  if (ImGui::Button("End") && virtual_clock) run_to_end();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run to the end at once");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Restart")) rebuild(false);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run every variant again from the start (R)");
  ImGui::SameLine();
  ImGui::BeginDisabled(!virtual_clock);
  float speed = virtual_clock ? static_cast<float>(pacer_->speed()) : 1.0f;
  ImGui::SetNextItemWidth(160 * ImGui::GetFontSize() / 16);
  if (ImGui::SliderFloat("speed", &speed, static_cast<float>(pacer::min_speed), static_cast<float>(pacer::max_speed),
                         "%.1fx", ImGuiSliderFlags_Logarithmic) &&
      virtual_clock)
    pacer_->set_speed(speed);
  ImGui::EndDisabled();
  ImGui::SameLine(0, 24);
  int clock_choice = real_clock_ ? 1 : 0;
  bool clock_changed = ImGui::RadioButton("virtual clock", &clock_choice, 0);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exact and pausable: time jumps to the next timer");
  ImGui::SameLine();
  clock_changed |= ImGui::RadioButton("real clock", &clock_choice, 1);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The same workload for real: steady_clock, real blocking calls, the loop on its own thread");
  if (clock_changed && (clock_choice == 1) != real_clock_) {
    real_clock_ = clock_choice == 1;
    rebuild(false);
  }
  ImGui::SameLine(0, 24);
  ImGui::Text("t = %s / %s%s", seconds(cursor()).c_str(), seconds(end_).c_str(),
              ended_ ? "  (finished)" : (real_clock_ ? "  (running live)" : ""));
}

void sandbox_page::draw_metrics() {
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##metrics", 8, flags)) return;
  for (const char* h : {"strategy", "makespan", "speedup", "peak / mean in flight", "loop busy", "ready total",
                        "longest slice", "warnings"})
    ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  for (const auto& p : panels_) {
    const run_metrics& m = p->metrics;
    const bool done = p->run->loop->finished();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(to_string(p->how).data());
    ImGui::TableNextColumn();
    if (done)
      ImGui::TextUnformatted(seconds(m.makespan).c_str());
    else
      ImGui::TextDisabled("running, %s so far", seconds(cursor()).c_str());
    ImGui::TableNextColumn();
    if (done && m.makespan > 0)
      ImGui::Text("%.2fx", static_cast<double>(sequential_) / static_cast<double>(m.makespan));
    else
      ImGui::TextDisabled("-");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Against the same workload run sequentially: %s", seconds(sequential_).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d / %.2f", m.peak_concurrency, m.mean_concurrency);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f %%", m.loop_busy_fraction * 100);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(seconds(m.ready_total).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(seconds(m.longest_slice).c_str());
    ImGui::TableNextColumn();
    const auto warnings = warnings_of(m);
    if (warnings.empty()) {
      ImGui::TextDisabled("none");
    } else {
      ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%zu slow slice%s", warnings.size(),
                         warnings.size() == 1 ? "" : "s");
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        for (std::size_t i = 0; i < warnings.size() && i < 12; ++i) ImGui::TextUnformatted(warnings[i].c_str());
        if (warnings.size() > 12) ImGui::Text("... and %zu more", warnings.size() - 12);
        ImGui::EndTooltip();
      }
    }
  }
  ImGui::EndTable();
}

page_requests sandbox_page::draw_export() {
  page_requests r;
  char trace_buf[512], png_buf[512];
  std::snprintf(trace_buf, sizeof trace_buf, "%s", trace_path_.c_str());
  std::snprintf(png_buf, sizeof png_buf, "%s", png_path_.c_str());
  const float w = 260 * ImGui::GetFontSize() / 16;
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputText("##trace", trace_buf, sizeof trace_buf)) trace_path_ = trace_buf;
  ImGui::SameLine();
  if (ImGui::Button("Export trace")) {
    std::ofstream out(trace_path_, std::ios::trunc);
    if (!out) {
      set_status("Could not write " + trace_path_ + ": " + std::strerror(errno), false);
    } else {
      std::vector<trace_source> sources;
      for (const auto& p : panels_)
        sources.push_back({std::string(to_string(p->how)), &p->run->loop->trace(), p->run->loop->now()});
      write_chrome_trace(out, sources);
      out.close();
      if (out)
        set_status("Trace written to " + trace_path_ + " (open it in ui.perfetto.dev)", true);
      else
        set_status("Writing " + trace_path_ + " failed", false);
    }
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Chrome trace event JSON: opens in Perfetto and chrome://tracing");
  ImGui::SameLine(0, 24);
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputText("##png", png_buf, sizeof png_buf)) png_path_ = png_buf;
  ImGui::SameLine();
  if (ImGui::Button("Save PNG")) {
    r.save_png = true;
    r.png_path = png_path_;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A picture of the timeline as shown, in the same colours");
  if (!export_status_.empty()) {
    ImGui::SameLine(0, 24);
    ImGui::TextColored(export_ok_ ? ImVec4(0.0f, 0.62f, 0.45f, 1.0f) : ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%s",
                       export_status_.c_str());
  }
  return r;
}

void sandbox_page::set_status(std::string text, bool ok) {
  export_status_ = std::move(text);
  export_ok_ = ok;
}

}  // namespace loopscope::gui
