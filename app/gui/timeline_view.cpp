#include "app/gui/timeline_view.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/gui/theme.hpp"
#include "core/metrics.hpp"

namespace loopscope::gui {

namespace {

constexpr float label_w = 150;
constexpr float ruler_h = 24;
constexpr float header_h = 24;
constexpr float band_h = 28;
constexpr float density_h = 64;
constexpr float gap_h = 10;

bool key_pressed(int glfw_key) { return ImGui::IsKeyPressed(glfw_key); }
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

std::optional<timeline_view::cancel_request> timeline_view::draw(const std::vector<variant_view>& variants,
                                                                 nanos cursor, nanos end, bool dark, bool cancellable) {
  const palette& p = colors(dark);
  const float scale = ImGui::GetFontSize() / 16.0f;
  lane_h_ = 18 * scale;
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
    dl->AddText(ImVec2(t.x + 3, origin.y + 2), p.text_dim, t.label.c_str());
  }
  if (cursor >= axis_.t0 && cursor <= axis_.t1) {
    const float cx = axis_.to_x(cursor);
    dl->AddTriangleFilled(ImVec2(cx - 5, origin.y + ruler_h * scale - 8),
                          ImVec2(cx + 5, origin.y + ruler_h * scale - 8), ImVec2(cx, origin.y + ruler_h * scale),
                          p.cursor);
  }
  ImGui::Dummy(ImVec2(avail.x, ruler_h * scale));

  // ---- Lanes, in a scrolling child ----
  float total_h = 0;
  for (const auto& v : variants) {
    std::size_t tasks = 0;
    for (lane_id id = 0; id < v.lanes->lane_count(); ++id) tasks += v.lanes->info(id).kind == lane_kind::task;
    const bool dense = v.density != nullptr && tasks > max_lanes;
    const std::size_t shown = std::min(v.lanes->lane_count(), max_lanes);
    total_h += (header_h + band_h + gap_h) * scale + (dense ? density_h * scale : 0) + shown * lane_h_;
  }
  std::optional<cancel_request> request;
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
  for (std::size_t vi = 0; vi < variants.size(); ++vi) {
    const variant_view& v = variants[vi];
    // Header: the strategy, its makespan, and where its last task ended.
    dl->AddText(ImVec2(origin.x + 4, y + 4 * scale), p.text, v.title.c_str());
    if (v.finish >= 0 && v.finish <= cursor) {
      const float fx = axis_.to_x(v.finish);
      if (fx >= canvas_x0 && fx <= canvas_x0 + canvas_w) {
        dl->AddLine(ImVec2(fx, y), ImVec2(fx, y + header_h * scale), p.done, 2.0f);
        const float title_end = origin.x + 4 + ImGui::CalcTextSize(v.title.c_str()).x + 8;
        if (fx + 4 > title_end)  // the label only where it does not cover the title
          dl->AddText(ImVec2(fx + 4, y + 4 * scale), p.done, ("finished " + format_duration(v.finish)).c_str());
      }
    }
    y += header_h * scale;

    std::size_t tasks = 0;
    for (lane_id id = 0; id < v.lanes->lane_count(); ++id) tasks += v.lanes->info(id).kind == lane_kind::task;
    if (v.density != nullptr && tasks > max_lanes) {
      // ---- Density band: how many tasks are running, ready, waiting ----
      const density_steps& d = *v.density;
      const float h = density_h * scale;
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
    const std::size_t shown = std::min(v.lanes->lane_count(), max_lanes);
    for (lane_id id = 0; id < shown; ++id) {
      const float y0 = y + static_cast<float>(id) * lane_h_;
      if (y0 + lane_h_ < clip_min.y || y0 > clip_max.y) continue;
      if (id % 2 == 1) dl->AddRectFilled(ImVec2(origin.x, y0), ImVec2(canvas_x0 + canvas_w, y0 + lane_h_), p.lane_alt);
      const lane_info& info = v.lanes->info(id);
      dl->AddText(ImVec2(origin.x + 12 * scale, y0 + (lane_h_ - ImGui::GetFontSize()) / 2),
                  info.kind == lane_kind::task ? p.text : p.text_dim, info.name.c_str());
      items_.clear();
      build_lane_items(v.lanes->events(id), axis_, cursor, items_);
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
        dl->AddRectFilled(ImVec2(it.x0, y0 + inset), ImVec2(x1, y0 + lane_h_ - inset),
                          span_color(p, it.state, it.detail));
        if (it.folded > 1) dl->AddLine(ImVec2(it.x0, y0 + inset), ImVec2(x1, y0 + inset), p.fold_mark);
        if (it.state == lane_state::running && it.folded == 1 && it.t1 - it.t0 >= slow_slice_threshold) {
          // A slow slice: outlined, with a flag at its start.
          dl->AddRect(ImVec2(it.x0, y0 + 1), ImVec2(x1, y0 + lane_h_ - 1), p.cursor, 0, 0, 1.5f);
          const float f = lane_h_ * 0.45f;
          dl->AddTriangleFilled(ImVec2(it.x0, y0 + 1), ImVec2(it.x0 + f, y0 + 1), ImVec2(it.x0, y0 + 1 + f), p.cursor);
        }
      }
      dl->PopClipRect();
      if (hovered && io.MousePos.y >= y0 && io.MousePos.y < y0 + lane_h_ && io.MousePos.x >= canvas_x0) {
        if (const lane_item* it = hit_test(items_, io.MousePos.x)) {
          hover_ = *it;
          hovering = true;
          hovered_lane = &info;
          hovered_message = v.lanes->message(id);
          if (clicked && cancellable && info.kind != lane_kind::worker &&
              (it->state == lane_state::running || it->state == lane_state::waiting ||
               it->state == lane_state::ready) &&
              (v.lanes->events(id).empty() || !is_terminal(v.lanes->events(id).back().state)))
            request = cancel_request{vi, id};
        }
      }
    }
    y += static_cast<float>(shown) * lane_h_;

    // ---- Concurrency band: tasks in flight over time ----
    if (v.concurrency != nullptr && v.peak > 0) {
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
    y += (band_h + gap_h) * scale;
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
      if (!hovered_message.empty()) ImGui::TextWrapped("%s", hovered_message.c_str());
    } else {
      if (hovered_item->folded > 1) ImGui::Text("%u spans folded; mostly:", hovered_item->folded);
      ImGui::Text("%s", state_label(hovered_item->state, hovered_item->detail));
      ImGui::Text("from %s for %s", format_duration(hovered_item->t0).c_str(),
                  format_duration(hovered_item->t1 - hovered_item->t0).c_str());
      if (hovered_item->state == lane_state::running && hovered_item->t1 - hovered_item->t0 >= slow_slice_threshold)
        ImGui::TextColored(vec(p.warn), "held the loop 100 ms or more: a slow callback");
      if (cancellable && hovered_lane->kind != lane_kind::worker) ImGui::TextDisabled("click to cancel this task");
    }
    ImGui::EndTooltip();
  }
  ImGui::EndChild();
  return request;
}

}  // namespace loopscope::gui
