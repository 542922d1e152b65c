#include "app/gui/timeline_view.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/gui/theme.hpp"
#include "core/metrics.hpp"

namespace loopscope::gui {

namespace {

constexpr float label_w = 130;
constexpr float ruler_h = 22;
constexpr float header_h = 20;
constexpr float band_h = 22;
constexpr float density_h = 56;
constexpr float gap_h = 6;
constexpr float lane_h_max = 18, lane_h_min = 3;

bool key_pressed(int glfw_key) { return ImGui::IsKeyPressed(glfw_key); }

std::size_t task_count(const lane_store& lanes) {
  std::size_t tasks = 0;
  for (lane_id id = 0; id < lanes.lane_count(); ++id) tasks += lanes.info(id).kind == lane_kind::task;
  return tasks;
}

bool key_down(int glfw_key) { return ImGui::IsKeyDown(glfw_key); }

}  // namespace

void timeline_view::handle_input(float canvas_x0, float canvas_w, nanos end) {
  ImGuiIO& io = ImGui::GetIO();
  axis_.x0 = canvas_x0;
  axis_.width = std::max(canvas_w, 1.0f);
  const bool hovered = ImGui::IsItemHovered();
  const bool focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  if (hovered && io.MouseWheel != 0 && !io.KeyShift) axis_.zoom_around(io.MousePos.x, io.MouseWheel > 0 ? 1.25 : 0.8);
  // Pan by the drag measured from where the button went down, so movement
  // before the press (in the same frame) never pans.
  if (ImGui::IsItemActivated()) drag_prev_ = 0;
  if (ImGui::IsItemActive()) {
    const float dx = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0.0f).x;
    axis_.pan_px(dx - drag_prev_);
    drag_prev_ = dx;
  }
  if ((hovered || focused) && !io.WantTextInput) {
    const float mid = canvas_x0 + canvas_w / 2;
    const float step = io.DeltaTime * 60.0f;  // steady speed whatever the frame rate
    if (key_down(GLFW_KEY_W)) axis_.zoom_around(hovered ? io.MousePos.x : mid, 1.0 + 0.04 * step);
    if (key_down(GLFW_KEY_S)) axis_.zoom_around(hovered ? io.MousePos.x : mid, 1.0 / (1.0 + 0.04 * step));
    if (key_down(GLFW_KEY_A)) axis_.pan_px(12.0f * step);
    if (key_down(GLFW_KEY_D)) axis_.pan_px(-12.0f * step);
    if (key_pressed(GLFW_KEY_F)) fit_pending_ = true;
  }
  if (fit_pending_) {
    axis_.fit(end);
    fit_pending_ = false;
  }
}

float timeline_view::natural_height(const std::vector<variant_view>& variants) const {
  const float scale = ImGui::GetFontSize() / 16.0f;
  float h = ruler_h * scale + 8;
  for (const variant_view& v : variants) {
    const bool dense = v.density != nullptr && task_count(*v.lanes) > max_lanes;
    const auto rows = static_cast<float>(std::min(v.lanes->lane_count(), max_lanes));
    h += (header_h + band_h + gap_h + (dense ? density_h : 0) + rows * lane_h_max) * scale;
  }
  return h;
}

std::optional<timeline_view::cancel_request> timeline_view::draw(const std::vector<variant_view>& variants,
                                                                 nanos cursor, nanos end, bool dark, bool cancellable,
                                                                 bool conceal) {
  const palette& p = colors(dark);
  const float scale = ImGui::GetFontSize() / 16.0f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float lw = label_w * scale;
  const float canvas_x0 = origin.x + lw;
  const float canvas_w = std::max(avail.x - lw - 4, 50.0f);

  // ---- Ruler (stays put while the lanes scroll) ----
  ImDrawList* dl = ImGui::GetWindowDrawList();
  axis_.x0 = canvas_x0;
  axis_.width = canvas_w;
  const auto ticks = ruler_ticks(axis_, 90 * scale);
  for (const auto& t : ticks) {
    dl->AddLine(ImVec2(t.x, origin.y + ruler_h * scale - 6), ImVec2(t.x, origin.y + ruler_h * scale), p.text_dim);
    // No times while a guess is asked for; no label cut by the right edge.
    if (!conceal && t.x + 3 + ImGui::CalcTextSize(t.label.c_str()).x <= canvas_x0 + canvas_w)
      dl->AddText(ImVec2(t.x + 3, origin.y + 2), p.text_dim, t.label.c_str());
  }
  if (conceal) dl->AddText(ImVec2(origin.x + 4, origin.y + 2), p.text_dim, "time: shown after your guess");
  if (cursor >= axis_.t0 && cursor <= axis_.t1) {
    const float cx = axis_.to_x(cursor);
    dl->AddTriangleFilled(ImVec2(cx - 5, origin.y + ruler_h * scale - 8),
                          ImVec2(cx + 5, origin.y + ruler_h * scale - 8), ImVec2(cx, origin.y + ruler_h * scale),
                          p.cursor);
  }
  // Dragging on the ruler moves the cursor there (travel in time): not
  // while a guess is asked for.
  ImGui::InvisibleButton("##ruler", ImVec2(std::max(avail.x, 1.0f), ruler_h * scale));
  scrub_.reset();
  if (!conceal) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Drag to move the cursor through the run");
    const float mx = std::clamp(ImGui::GetIO().MousePos.x, canvas_x0, canvas_x0 + canvas_w);
    const nanos at = std::clamp<nanos>(axis_.to_t(mx), 0, std::max<nanos>(end, 0));
    if (ImGui::IsItemActive()) {
      scrubbing_ = true;
      scrub_ = scrub_request{at, false};
      // Where the cursor is going, while it gets there.
      const float gx = axis_.to_x(at);
      dl->AddLine(ImVec2(gx, origin.y), ImVec2(gx, origin.y + ruler_h * scale), p.cursor, 2.0f);
    } else if (scrubbing_) {
      scrubbing_ = false;
      scrub_ = scrub_request{at, true};
    }
  }

  // ---- Lanes, in a scrolling child ----
  // As tall as lets every variant fit, from 18 px down to 3. When even 3 px
  // lanes would not fit, every variant becomes a density band sharing the
  // height (its header and band only); past that, the lanes scroll.
  float fixed_h = 0;
  std::size_t lane_rows = 0;
  dense_.assign(variants.size(), false);
  bool all_many = true;  // every variant has a density band to show (run_set: past 8 tasks)
  for (std::size_t vi = 0; vi < variants.size(); ++vi) {
    const variant_view& v = variants[vi];
    const std::size_t tasks = task_count(*v.lanes);
    dense_[vi] = v.density != nullptr && tasks > max_lanes;
    all_many &= v.density != nullptr && tasks > 8;
    lane_rows += std::min(v.lanes->lane_count(), max_lanes);
    fixed_h += (header_h + band_h + gap_h) * scale + (dense_[vi] ? density_h * scale : 0);
  }
  const float room = ImGui::GetContentRegionAvail().y - 2;
  bool compact = false;
  float dense_h = density_h * scale;
  if (lane_rows > 0 && (room - fixed_h) / static_cast<float>(lane_rows) < lane_h_min * scale) {
    if (all_many) {
      compact = true;
      const float n = static_cast<float>(variants.size());
      dense_h = std::clamp((room - n * (header_h + gap_h) * scale) / n, 16 * scale, density_h * scale);
      dense_.assign(variants.size(), true);
      lane_rows = 0;
      fixed_h = n * ((header_h + gap_h) * scale + dense_h);
    }
  }
  lane_h_ = lane_rows == 0
                ? lane_h_max * scale
                : std::clamp((room - fixed_h) / static_cast<float>(lane_rows), lane_h_min * scale, lane_h_max * scale);
  const float total_h = fixed_h + static_cast<float>(lane_rows) * lane_h_;
  // Lane names in a font as small as the lanes, down to 8 px; none below.
  const float name_px = std::min(ImGui::GetFontSize(), lane_h_ - 1);
  headers_.clear();
  std::optional<cancel_request> request;
  hovered_lane_.reset();
  ImGui::BeginChild("##lanes", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollWithMouse);
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered() && io.KeyShift && io.MouseWheel != 0)
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseWheel * lane_h_ * 4);
  const ImVec2 top = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##canvas", ImVec2(std::max(ImGui::GetContentRegionAvail().x, 1.0f), std::max(total_h, 1.0f)));
  handle_input(canvas_x0, canvas_w, end);
  const bool hovered = ImGui::IsItemHovered();
  // A click is a press and release that never dragged; a drag pans.
  const bool clicked = ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] < 4.0f;
  dl = ImGui::GetWindowDrawList();
  const ImVec2 clip_min = ImGui::GetWindowPos();
  const ImVec2 clip_max(clip_min.x + ImGui::GetWindowWidth(), clip_min.y + ImGui::GetWindowHeight());

  // Grid lines from the ruler.
  for (const auto& t : ticks) dl->AddLine(ImVec2(t.x, clip_min.y), ImVec2(t.x, clip_max.y), p.grid);

  float y = top.y;
  // Hit-tested where drawn; the hover lasts this frame only.
  bool hovering = false;
  const lane_info* hovered_lane = nullptr;
  std::string hovered_message;
  std::string hovered_where;
  for (std::size_t vi = 0; vi < variants.size(); ++vi) {
    const variant_view& v = variants[vi];
    // Header: the strategy, its makespan, and where its last task ended.
    const ImVec2 title_size = ImGui::CalcTextSize(v.title.c_str());
    dl->AddText(ImVec2(origin.x + 4, y + 2 * scale), p.text, v.title.c_str());
    headers_.push_back({v.title, origin.x, y, origin.x + 4 + title_size.x, y + header_h * scale,
                        y >= clip_min.y && y + header_h * scale <= clip_max.y});
    if (!conceal && v.finish >= 0 && v.finish <= cursor) {
      const float fx = axis_.to_x(v.finish);
      if (fx >= canvas_x0 && fx <= canvas_x0 + canvas_w) {
        dl->AddLine(ImVec2(fx, y), ImVec2(fx, y + header_h * scale), p.done, 2.0f);
        const std::string label = "finished " + format_duration(v.finish);
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        // Right of the line, or left of it at the right edge; never over
        // the title.
        const float lx = fx + 4 + w <= canvas_x0 + canvas_w ? fx + 4 : fx - 4 - w;
        if (lx > origin.x + 4 + title_size.x + 8) dl->AddText(ImVec2(lx, y + 2 * scale), p.done, label.c_str());
      }
    }
    y += header_h * scale;

    std::size_t tasks = 0;
    for (lane_id id = 0; id < v.lanes->lane_count(); ++id) tasks += v.lanes->info(id).kind == lane_kind::task;
    if (dense_[vi]) {
      // ---- Density band: how many tasks are running, ready, waiting ----
      const density_steps& d = *v.density;
      const float h = dense_h;
      if (y + h >= clip_min.y && y <= clip_max.y && !d.t.empty() && d.peak > 0) {
        const float x_end = std::min(canvas_x0 + canvas_w, axis_.to_x(cursor));
        for (float x = canvas_x0; x < x_end; x += 2) {
          const std::size_t i = d.index_at(axis_.to_t(x));
          if (axis_.to_t(x) < d.t.front()) continue;
          const float per = h / static_cast<float>(d.peak);
          float yb = y + h;
          const int counts[3] = {d.running[i], d.ready[i], d.waiting[i]};
          const ImU32 cols[3] = {p.running, p.ready, p.wait_timer};
          for (int k = 0; k < 3; ++k) {
            if (counts[k] <= 0) continue;
            const float top_y = yb - per * static_cast<float>(counts[k]);
            dl->AddRectFilled(ImVec2(x, top_y), ImVec2(x + 2, yb), cols[k]);
            yb = top_y;
          }
        }
        char label[96];
        std::snprintf(label, sizeof label, "%zu tasks: density view (peak %d at once)", tasks, d.peak);
        dl->AddText(ImVec2(origin.x + 4, y + 2), p.text_dim, label);
        if (hovered && io.MousePos.y >= y && io.MousePos.y < y + h && io.MousePos.x >= canvas_x0) {
          const std::size_t i = d.index_at(axis_.to_t(io.MousePos.x));
          ImGui::SetTooltip("at %s\nrunning %d\nready %d\nwaiting %d",
                            format_duration(axis_.to_t(io.MousePos.x)).c_str(), d.running[i], d.ready[i], d.waiting[i]);
        }
      }
      y += h;
    }

    // ---- Lanes (off-screen ones cost nothing) ----
    const std::size_t shown = compact ? 0 : std::min(v.lanes->lane_count(), max_lanes);
    for (lane_id id = 0; id < shown; ++id) {
      const float y0 = y + static_cast<float>(id) * lane_h_;
      const bool selected = selected_ == lane_ref{vi, id};
      if (selected && follow_selected_) {
        if (y0 < clip_min.y || y0 + lane_h_ > clip_max.y) ImGui::SetScrollFromPosY(y0 - clip_min.y, 0.5f);
        follow_selected_ = false;
      }
      if (y0 + lane_h_ < clip_min.y || y0 > clip_max.y) continue;
      if (id % 2 == 1) dl->AddRectFilled(ImVec2(origin.x, y0), ImVec2(canvas_x0 + canvas_w, y0 + lane_h_), p.lane_alt);
      if (hovered && io.MousePos.y >= y0 && io.MousePos.y < y0 + lane_h_) hovered_lane_ = lane_ref{vi, id};
      if (std::find(highlight_.begin(), highlight_.end(), lane_ref{vi, id}) != highlight_.end())
        dl->AddRectFilled(ImVec2(origin.x, y0), ImVec2(canvas_x0 + canvas_w, y0 + lane_h_),
                          (p.cursor & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 48));
      if (selected)
        dl->AddRect(ImVec2(origin.x, y0), ImVec2(canvas_x0 + canvas_w, y0 + lane_h_), p.cursor, 0, 0, 2 * scale);
      const lane_info& info = v.lanes->info(id);
      if (name_px >= 8) {
        dl->PushClipRect(ImVec2(origin.x, y0), ImVec2(canvas_x0 - 2, y0 + lane_h_), true);
        dl->AddText(ImGui::GetFont(), name_px, ImVec2(origin.x + 12 * scale, y0 + (lane_h_ - name_px) / 2),
                    info.kind == lane_kind::task ? p.text : p.text_dim, info.name.c_str());
        dl->PopClipRect();
      }
      items_.clear();
      // The awaiter's lane ends where main() returned or raised.
      const bool main_lane = id == v.main_lane;
      const bool outcome_shown = main_lane && v.returned >= 0 && v.returned <= cursor;
      build_lane_items(v.lanes->events(id), axis_, outcome_shown ? v.returned : cursor, items_);
      if (outcome_shown) std::erase_if(items_, [](const lane_item& it) { return it.marker; });  // its own marker below
      const bool worker = info.kind == lane_kind::worker;
      dl->PushClipRect(ImVec2(canvas_x0, y0), ImVec2(canvas_x0 + canvas_w, y0 + lane_h_), true);
      for (const lane_item& it : items_) {
        if (it.marker) {
          draw_end_marker(dl, p, it.state, ImVec2(it.x0, y0 + lane_h_ / 2), lane_h_ * 0.25f);
          continue;
        }
        // Running fills the lane; waiting is a thinner bar, so the eye
        // finds who holds the loop.
        const bool run = it.state == lane_state::running || it.state == lane_state::ready;
        const float inset = run ? lane_h_ * 0.12f : lane_h_ * 0.32f;
        const float x1 = std::max(it.x1, it.x0 + 1);
        // A thread-pool worker at work is not the loop: its own colour, and
        // never the slow-callback outline.
        const ImU32 colour =
            worker && it.state == lane_state::running ? p.worker_running : span_color(p, it.state, it.detail);
        dl->AddRectFilled(ImVec2(it.x0, y0 + inset), ImVec2(x1, y0 + lane_h_ - inset), colour);
        if (it.folded > 1) dl->AddLine(ImVec2(it.x0, y0 + inset), ImVec2(x1, y0 + inset), p.fold_mark);
        if (it.state == lane_state::running && it.detail == static_cast<std::uint8_t>(run_kind::cancelled)) {
          // Where the cancellation reached the task: a tick at the await it
          // was raised at; the cleanup it ran from there, underlined.
          dl->AddLine(ImVec2(it.x0, y0), ImVec2(it.x0, y0 + lane_h_), p.cancelled, 2.0f);
          dl->AddLine(ImVec2(it.x0, y0 + lane_h_ - 1.5f), ImVec2(x1, y0 + lane_h_ - 1.5f), p.cancelled, 2.0f);
        }
        if (!worker && it.state == lane_state::running && it.folded == 1 && it.t1 - it.t0 >= slow_slice_threshold) {
          // A slow slice: outlined, with a flag at its start.
          dl->AddRect(ImVec2(it.x0, y0 + 1), ImVec2(x1, y0 + lane_h_ - 1), p.cursor, 0, 0, 1.5f);
          const float f = lane_h_ * 0.45f;
          dl->AddTriangleFilled(ImVec2(it.x0, y0 + 1), ImVec2(it.x0 + f, y0 + 1), ImVec2(it.x0, y0 + 1 + f), p.cursor);
        }
      }
      float outcome_x = -1;
      if (outcome_shown) {
        // Returned: a dot; raised: a cross, and what it raised beside it.
        outcome_x = axis_.to_x(v.returned);
        const lane_state s = v.raised.empty() ? lane_state::done : lane_state::failed;
        draw_end_marker(dl, p, s, ImVec2(outcome_x, y0 + lane_h_ / 2), std::max(lane_h_ * 0.3f, 3.0f));
        const std::string label = v.raised.empty() ? "returned" : "raised " + v.raised.substr(0, v.raised.find(':'));
        const float w = ImGui::CalcTextSize(label.c_str()).x * name_px / ImGui::GetFontSize();
        const float lx = outcome_x + 8 + w <= canvas_x0 + canvas_w ? outcome_x + 8 : outcome_x - 8 - w;
        if (name_px >= 8)
          dl->AddText(ImGui::GetFont(), name_px, ImVec2(lx, y0 + (lane_h_ - name_px) / 2),
                      v.raised.empty() ? p.done : p.failed, label.c_str());
      }
      dl->PopClipRect();
      if (outcome_x >= 0 && hovered && io.MousePos.y >= y0 && io.MousePos.y < y0 + lane_h_ &&
          std::abs(io.MousePos.x - outcome_x) <= 6) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(info.name.c_str());
        ImGui::Separator();
        if (v.raised.empty())
          ImGui::Text("returned at %s", format_duration(v.returned).c_str());
        else
          ImGui::Text("raised at %s:\n%s", format_duration(v.returned).c_str(), v.raised.c_str());
        ImGui::TextDisabled("what the caller of the run received");
        ImGui::EndTooltip();
      } else if (hovered && io.MousePos.y >= y0 && io.MousePos.y < y0 + lane_h_ && io.MousePos.x >= canvas_x0) {
        if (const lane_item* it = hit_test(items_, io.MousePos.x)) {
          hover_ = *it;
          hovering = true;
          hovered_lane = &info;
          hovered_message = v.lanes->message(id);
          hovered_where = it->state == lane_state::waiting && it->folded == 1
                              ? where_awaited(v.run, v.code, v.lanes->events(id), it->t0)
                              : std::string();
          if (clicked && cancellable && info.kind != lane_kind::worker &&
              (it->state == lane_state::running || it->state == lane_state::waiting ||
               it->state == lane_state::ready) &&
              (v.lanes->events(id).empty() || !is_terminal(v.lanes->events(id).back().state)))
            request = cancel_request{vi, id};
        }
      }
    }
    y += static_cast<float>(shown) * lane_h_;
    if (shown > 0 && v.lanes->lane_count() > shown) {  // said, not left for the eye to miss
      char more[96];
      std::snprintf(more, sizeof more, "lanes for the first %zu of %zu; the band above counts every task", shown,
                    v.lanes->lane_count());
      const float w = ImGui::CalcTextSize(more).x;
      dl->AddText(ImVec2(canvas_x0 + canvas_w - w - 4, y + 2), p.text_dim, more);
    }

    // ---- Concurrency band: tasks in flight over time ----
    if (v.concurrency != nullptr && v.peak > 0 && !conceal && !compact) {
      const float h = (band_h - 6) * scale;
      const float base = y + band_h * scale - 3;
      const auto& c = *v.concurrency;
      for (std::size_t i = 0; i < c.size(); ++i) {
        const nanos t0 = c[i].first;
        const nanos t1 = std::min(i + 1 < c.size() ? c[i + 1].first : cursor, cursor);
        if (t1 <= axis_.t0 || t0 >= axis_.t1 || t1 <= t0 || c[i].second == 0) continue;
        const float x0 = std::max(axis_.to_x(t0), canvas_x0), x1 = std::min(axis_.to_x(t1), canvas_x0 + canvas_w);
        const float top_y = base - h * static_cast<float>(c[i].second) / static_cast<float>(v.peak);
        dl->AddRectFilled(ImVec2(x0, top_y), ImVec2(std::max(x1, x0 + 1), base), p.in_flight);
      }
      char label[64];
      std::snprintf(label, sizeof label, "in flight (peak %d)", v.peak);
      dl->AddText(ImVec2(origin.x + 4, base - ImGui::GetFontSize()), p.text_dim, label);
    }
    y += (compact ? gap_h : band_h + gap_h) * scale;
  }

  // The time cursor across every lane.
  if (cursor >= axis_.t0 && cursor <= axis_.t1) {
    const float cx = axis_.to_x(cursor);
    dl->AddLine(ImVec2(cx, clip_min.y), ImVec2(cx, clip_max.y), p.cursor, 1.5f);
  }

  if (hovering) {
    const lane_item* hovered_item = &hover_;
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(hovered_lane->name.c_str());
    ImGui::Separator();
    if (hovered_item->marker) {
      ImGui::Text("%s at %s", state_label(hovered_item->state, hovered_item->detail),
                  format_duration(hovered_item->t0).c_str());
      if (!hovered_message.empty()) {
        // Wrapped at words, at a width of its own (a tooltip's own width
        // would break a long word in the middle).
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
        ImGui::TextUnformatted(hovered_message.c_str());
        ImGui::PopTextWrapPos();
      }
    } else {
      if (hovered_item->folded > 1) ImGui::Text("%u spans folded; mostly:", hovered_item->folded);
      ImGui::Text("%s", state_label(hovered_item->state, hovered_item->detail));
      ImGui::Text("from %s for %s", format_duration(hovered_item->t0).c_str(),
                  format_duration(hovered_item->t1 - hovered_item->t0).c_str());
      if (hovered_lane->kind == lane_kind::worker && hovered_item->state == lane_state::running)
        ImGui::TextDisabled("a thread-pool worker: the loop is free meanwhile");
      else if (hovered_item->state == lane_state::running &&
               hovered_item->t1 - hovered_item->t0 >= slow_slice_threshold)
        ImGui::TextColored(vec(p.warn), "held the loop 100 ms or more: a slow callback");
      if (!hovered_where.empty()) ImGui::TextUnformatted(hovered_where.c_str());
      if (cancellable && hovered_lane->kind != lane_kind::worker) ImGui::TextDisabled("click to cancel this task");
    }
    ImGui::EndTooltip();
  }
  ImGui::EndChild();
  return request;
}

}  // namespace loopscope::gui
