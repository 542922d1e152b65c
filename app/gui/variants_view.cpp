#include "variants_view.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include "app/gui/theme.hpp"
#include "core/chrome_trace.hpp"
#include "core/pacer.hpp"
#include "core/runtime.hpp"

namespace loopscope::gui {

namespace {
using clock = std::chrono::steady_clock;
constexpr double metrics_period_s = 0.25;  // real-clock runs: metrics at most 4 times a second

}  // namespace

struct variants_view::panel {
  std::unique_ptr<scenario_run> run;
  lane_store lanes;
  run_metrics metrics;
  density_steps density;
  std::size_t metrics_events = static_cast<std::size_t>(-1);
  nanos metrics_now = -1;
  double metrics_cost_s = 0;
  clock::time_point metrics_at{};
};

variants_view::variants_view() = default;
variants_view::~variants_view() = default;

std::size_t variants_view::size() const { return panels_.size(); }
const scenario_run& variants_view::run(std::size_t i) const { return *panels_[i]->run; }
const run_metrics& variants_view::metrics(std::size_t i) const { return panels_[i]->metrics; }

// ---- Runs ----

void variants_view::reset(std::size_t count, factory make, std::optional<nanos> reference, bool keep_cursor) {
  const nanos previous = cursor();
  const bool was_done = ended_;
  const bool playing = pacer_ ? pacer_->playing() : true;
  panels_.clear();
  pacer_.reset();
  count_ = count;
  make_ = std::move(make);
  reference_ = reference;

  if (real_only_) real_clock_ = true;
  loop_options options;
  options.clock = real_clock_ ? clock_kind::real_clock : clock_kind::virtual_clock;
  options.live_session = true;  // a server keeps listening after its load, for curl and wrk
  std::vector<event_loop*> loops;
  end_ = 0;
  next_start_ = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    if (!real_only_) {
      // The same variant on the virtual clock, run to its end: how long the
      // axis must be before the real one has got there.
      auto shadow = make_(i, loop_options{});
      shadow->loop->run();
      end_ = std::max(end_, compute_metrics(shadow->loop->trace(), shadow->loop->now()).window);
    }
    auto p = std::make_unique<panel>();
    try {
      p->run = make_(i, options);
    } catch (const std::exception& e) {  // a real resource refused (a socket, a port): say so, show nothing
      panels_.clear();
      loops.clear();
      set_status(std::string("Could not set up the run: ") + e.what(), false);
      break;
    }
    loops.push_back(p->run->loop.get());
    panels_.push_back(std::move(p));
  }
  ended_ = false;
  if (real_clock_) {
    if (!hold_) start_pending();
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
  sync();
}

void variants_view::start_pending() {
  if (!real_clock_) return;
  hold_ = false;
  if (next_start_ == 0 && !panels_.empty()) {
    const std::size_t upto = in_turn_ ? 1 : panels_.size();
    for (; next_start_ < upto; ++next_start_) panels_[next_start_]->run->loop->start();
  } else if (in_turn_ && next_start_ < panels_.size() && panels_[next_start_ - 1]->run->main_done) {
    panels_[next_start_++]->run->loop->start();
  }
}

void variants_view::set_real_only(bool in_turn) {
  real_only_ = true;
  in_turn_ = in_turn;
  real_clock_ = true;
}

void variants_view::set_real_clock(bool real) {
  if (real == real_clock_) return;
  real_clock_ = real;
  if (make_) reset(count_, make_, reference_, false);
}

void variants_view::seek(nanos t) {
  if (!pacer_) {
    if (next_start_ == 0) start_pending();
    return;
  }
  pacer_->pause();
  pacer_->seek_forward(t);
  sync();
}

void variants_view::run_to_end() {
  if (!pacer_) {
    if (next_start_ == 0) start_pending();
    return;
  }
  pacer_->pause();
  pacer_->seek_forward(std::max(end_, pacer_->cursor()));
  ended_ = true;
  sync();
}

void variants_view::set_playing(bool on) {
  if (!pacer_) {
    if (on && next_start_ == 0) start_pending();
    return;
  }
  if (on && !ended_)
    pacer_->play();
  else
    pacer_->pause();
}

nanos variants_view::cursor() const {
  if (pacer_) return pacer_->cursor();
  nanos t = 0;
  for (std::size_t i = 0; i < panels_.size() && i < next_start_; ++i) {  // a run not started has no time yet
    const auto& p = panels_[i];
    t = std::max(t, p->run->loop->finished() ? p->metrics.window : p->run->loop->now());
  }
  return t;
}

bool variants_view::animating() const {
  return (pacer_ && pacer_->playing()) || (real_clock_ && next_start_ > 0 && !ended_);
}

void variants_view::set_status(std::string text, bool ok) {
  status_ = std::move(text);
  status_ok_ = ok;
}

void variants_view::sync() {
  const auto now = clock::now();
  for (auto& p : panels_) {
    p->lanes.sync(p->run->loop->trace());
    const nanos loop_now = p->run->loop->now();
    // Metrics follow the events and the clock, but no more often than a few
    // times a second, and never taking more than a fifth of the time.
    const bool stale = p->metrics_events != p->lanes.event_count() || p->metrics_now != loop_now;
    const double since = std::chrono::duration<double>(now - p->metrics_at).count();
    const bool final = p->run->loop->finished() && p->metrics_now != loop_now;
    const double period = real_clock_ ? metrics_period_s : 0.0;  // a paced run changes only when we step it
    if (stale && (final || since >= std::max(period, 5 * p->metrics_cost_s))) {
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
  if (real_clock_ && next_start_ > 0) {
    start_pending();  // the next variant, when they run in turn
    // Done when every main is: a lesson's server may go on serving.
    if (!ended_ && next_start_ == panels_.size() &&
        std::all_of(panels_.begin(), panels_.end(), [](const auto& p) { return p->run->main_done.load(); })) {
      ended_ = true;
      timeline_.request_fit();
    }
  }
}

void variants_view::tick(double wall_dt) {
  if (pacer_) pacer_->tick(static_cast<nanos>(wall_dt * 1e9));
  sync();
}

// ---- Drawing ----

void variants_view::handle_keys() {
  if (ImGui::GetIO().WantTextInput) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) set_playing(!(pacer_ && pacer_->playing()));
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)) && pacer_) {
    pacer_->step();
    sync();
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_R, false)) restart();
}

void variants_view::draw_playback() {
  const float em = ImGui::GetFontSize() / 16;
  const bool virtual_clock = pacer_ != nullptr;
  const bool waiting_to_start = real_clock_ && next_start_ == 0;
  ImGui::BeginDisabled(!virtual_clock && !waiting_to_start);
  const bool playing = virtual_clock && pacer_->playing();
  if (ImGui::Button(playing ? "Pause" : (waiting_to_start ? "Run" : "Play"), ImVec2(70 * em, 0)))
    set_playing(!playing);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip(real_clock_ ? "Run it for real (Space)" : "Space");
  ImGui::SameLine();
  if (ImGui::Button("Step") && virtual_clock) {
    pacer_->step();
    sync();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run exactly one handler of the loop (Right arrow)");
  ImGui::SameLine();
  if (ImGui::Button("End")) run_to_end();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run to the end at once");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Restart")) restart();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run every variant again from the start (R)");
  ImGui::SameLine();
  ImGui::BeginDisabled(!virtual_clock);
  float speed = virtual_clock ? static_cast<float>(pacer_->speed()) : 1.0f;
  ImGui::SetNextItemWidth(160 * em);
  if (ImGui::SliderFloat("speed", &speed, static_cast<float>(pacer::min_speed), static_cast<float>(pacer::max_speed),
                         "%.1fx", ImGuiSliderFlags_Logarithmic) &&
      virtual_clock)
    pacer_->set_speed(speed);
  ImGui::EndDisabled();
  ImGui::SameLine(0, 24 * em);
  if (real_only_) {
    ImGui::TextUnformatted("real clock");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("This lesson measures this machine, now: it has no virtual clock.%s",
                        in_turn_ ? "\nThe variants run one after another, so that each one has the process to itself." : "");
  } else {
  int clock_choice = real_clock_ ? 1 : 0;
  bool clock_changed = ImGui::RadioButton("virtual clock", &clock_choice, 0);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exact and pausable: time jumps to the next timer");
  ImGui::SameLine();
  clock_changed |= ImGui::RadioButton("real clock", &clock_choice, 1);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("The same scenario for real: steady_clock, real blocking calls, the loop on its own thread");
  if (clock_changed) set_real_clock(clock_choice == 1);
  }
  ImGui::SameLine(0, 24 * em);
  if (real_only_)
    ImGui::Text("t = %s%s", format_seconds(cursor()).c_str(),
                waiting_to_start ? "  (press Run)" : (ended_ ? "  (finished)" : "  (running live)"));
  else
    ImGui::Text("t = %s / %s%s", format_seconds(cursor()).c_str(), format_seconds(end_).c_str(),
                ended_ ? "  (finished)" : (real_clock_ ? "  (running live)" : ""));
}

page_requests variants_view::draw_body(bool dark, const std::function<void(float, float)>& beside) {
  std::vector<variant_view> views;
  std::vector<std::vector<figure>> figures;  // what each run measured, once it is done
  std::size_t figure_rows = 0;
  for (const auto& p : panels_) {
    variant_view v;
    v.title = p->run->variant;
    if (p->run->loop->finished()) v.title += " — makespan " + format_seconds(p->metrics.makespan);
    if (const std::string b = p->run->banner(); !b.empty()) v.title.append(" — ").append(b);
    figures.push_back(p->run->main_done ? p->run->figures() : std::vector<figure>{});
    figure_rows = std::max(figure_rows, figures.back().size());
    v.lanes = &p->lanes;
    v.density = &p->density;
    v.finish = p->run->loop->finished() ? p->metrics.makespan : -1;
    v.concurrency = &p->metrics.concurrency;
    v.peak = p->metrics.peak_concurrency;
    views.push_back(std::move(v));
  }

  // The timeline takes what is left above the metrics and export rows. A
  // lesson that measures itself shows its figures (a row each) instead.
  const bool measured = real_only_;
  if (measured) figure_rows = std::max<std::size_t>(figure_rows, 8) + 3;
  const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  const float figures_h = row_h * static_cast<float>(figure_rows) + 8;
  const float bottom = measured ? figures_h + ImGui::GetFrameHeightWithSpacing() * 3.2f
                                : ImGui::GetFrameHeightWithSpacing() * (3.5f + static_cast<float>(panels_.size()));
  const float timeline_h = std::max(ImGui::GetContentRegionAvail().y - bottom, 160.0f);
  const ImVec2 tl_min = ImGui::GetCursorScreenPos();
  ImGui::BeginChild("##timeline", ImVec2(0, timeline_h), true);
  // A real-only run has no known end: the view follows it while it runs.
  const nanos end = real_only_ ? std::max<nanos>(cursor(), 1'000'000) : end_;
  if (real_only_ && next_start_ > 0 && !ended_) timeline_.request_fit();
  const auto cancel = timeline_.draw(views, cursor(), end, dark, !ended_);
  ImGui::EndChild();
  const ImVec2 tl_max(tl_min.x + ImGui::GetItemRectSize().x, tl_min.y + timeline_h);
  if (cancel) panels_[cancel->variant]->run->loop->cancel(cancel->lane);

  // ---- Metrics ----
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (measured) {
    draw_figures(figures_h, figures, beside);
  } else if (ImGui::BeginTable("##metrics", 8, flags)) {
    for (const char* h : {"variant", "makespan", "speedup", "peak / mean in flight", "loop busy", "ready total",
                          "longest slice", "warnings"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& p : panels_) {
      const run_metrics& m = p->metrics;
      const bool done = p->run->loop->finished();
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(p->run->variant.c_str());
      ImGui::TableNextColumn();
      if (done)
        ImGui::TextUnformatted(format_seconds(m.makespan).c_str());
      else
        ImGui::TextDisabled("running, %s so far", format_seconds(cursor()).c_str());
      ImGui::TableNextColumn();
      if (done && reference_ && m.makespan > 0)
        ImGui::Text("%.2fx", static_cast<double>(*reference_) / static_cast<double>(m.makespan));
      else
        ImGui::TextDisabled("-");
      if (ImGui::IsItemHovered() && reference_)
        ImGui::SetTooltip("Against the same tasks run one after another: %s", format_seconds(*reference_).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d / %.2f", m.peak_concurrency, m.mean_concurrency);
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

  // ---- Exports ----
  if (measured) ImGui::Spacing();
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
      for (const auto& p : panels_) sources.push_back({p->run->variant, &p->run->loop->trace(), p->run->loop->now()});
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
    r.png_x0 = tl_min.x;
    r.png_y0 = tl_min.y;
    r.png_x1 = tl_max.x;
    r.png_y1 = tl_max.y;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A picture of the timeline as shown, in the same colours");
  if (!status_.empty()) {
    ImGui::SameLine(0, 24);
    ImGui::TextColored(status_ok_ ? ImVec4(0.0f, 0.62f, 0.45f, 1.0f) : ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%s",
                       status_.c_str());
  }
  return r;
}

// The figures each run measured, a row per figure and a column per
// variant, with the loop's own busy share and longest slice below them.
void variants_view::draw_figures(float height, const std::vector<std::vector<figure>>& figs,
                                 const std::function<void(float, float)>& beside) {
  const float width = ImGui::GetContentRegionAvail().x * (beside ? 0.62f : 1.0f);
  ImGui::BeginChild("##figures", ImVec2(width, height), false);
  const std::vector<figure>* rows = nullptr;
  for (const auto& f : figs)
    if (rows == nullptr || f.size() > rows->size()) rows = &f;
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("##measured", 1 + static_cast<int>(panels_.size()), flags)) {
    ImGui::TableSetupColumn("measured", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    for (const auto& p : panels_) ImGui::TableSetupColumn(p->run->variant.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    auto value_of = [](const std::vector<figure>& f, const std::string& key) -> const figure* {
      for (const auto& x : f)
        if (x.key == key) return &x;
      return nullptr;
    };
    if (panels_.empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%s", status_.c_str());
      ImGui::PopTextWrapPos();
    } else if (rows == nullptr || rows->empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled(next_start_ == 0 ? "press Run to measure" : "measuring...");
    } else {
      for (const auto& row : *rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.label.c_str());
        if (ImGui::IsItemHovered() && !row.help.empty()) ImGui::SetTooltip("%s", row.help.c_str());
        for (std::size_t i = 0; i < panels_.size(); ++i) {
          ImGui::TableNextColumn();
          if (const figure* f = value_of(figs[i], row.key)) {
            ImGui::TextUnformatted(format_figure(f->value, f->unit).c_str());
            if (ImGui::IsItemHovered() && !f->help.empty()) ImGui::SetTooltip("%s", f->help.c_str());
          } else {
            ImGui::TextDisabled(i >= next_start_ ? "waits its turn" : "-");
          }
        }
      }
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("loop busy");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The share of the time the loop's thread was running a handler");
    for (const auto& p : panels_) {
      ImGui::TableNextColumn();
      ImGui::Text("%.1f %%", p->metrics.loop_busy_fraction * 100);
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("longest slice");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The longest time one handler held the loop (asyncio warns past 100 ms)");
    for (const auto& p : panels_) {
      ImGui::TableNextColumn();
      const bool slow = !p->metrics.slow_slices.empty();
      if (slow)
        ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%s", format_duration(p->metrics.longest_slice).c_str());
      else
        ImGui::TextUnformatted(format_duration(p->metrics.longest_slice).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  if (beside) {
    ImGui::SameLine();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::BeginChild("##beside", ImVec2(w, height), false);
    beside(w, height);
    ImGui::EndChild();
  }
}

}  // namespace loopscope::gui
