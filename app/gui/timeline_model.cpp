#include "timeline_model.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <utility>

namespace loopscope::gui {

// ---- Axis ----

void time_axis::zoom_around(float x, double factor) {
  const nanos pivot = to_t(x);
  const double span = static_cast<double>(t1 - t0) / factor;
  const double clamped = std::clamp(span, 1000.0, 1e15);  // 1 µs .. ~11 days on screen
  const double left = static_cast<double>(x - x0) / std::max(width, 1.0f);
  t0 = pivot - static_cast<nanos>(clamped * left);
  t1 = t0 + static_cast<nanos>(clamped);
}

void time_axis::pan_px(float dx) {
  const auto shift = static_cast<nanos>(static_cast<double>(dx) * ns_per_px());
  t0 -= shift;
  t1 -= shift;
}

void time_axis::fit(nanos end) {
  t0 = 0;
  t1 = std::max<nanos>(end + end / 8, 1'000'000);  // room on the right for the finish labels
}

// ---- Lanes ----

bool lane_store::sync(const trace& tr) {
  bool changed = false;
  const std::size_t lanes = tr.lane_count();
  while (infos_.size() < lanes) {
    infos_.push_back(tr.lane(static_cast<lane_id>(infos_.size())));
    lanes_.emplace_back();
    order_.emplace_back();
    messages_.emplace_back();
    changed = true;
  }
  read_.resize(tr.writer_count(), 0);
  std::vector<std::uint32_t> adding;
  for (std::size_t w = 0; w < tr.writer_count(); ++w) {
    const auto& log = tr.events(w);
    const std::size_t n = log.size();
    if (n - read_[w] >= lanes) {
      // Many events at once (a whole run): each lane grows once, not by
      // doubling a hundred thousand vectors eight times over.
      adding.assign(lanes, 0);
      for (std::size_t i = read_[w]; i < n; ++i)
        if (log[i].lane < lanes) ++adding[log[i].lane];
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        if (adding[lane] == 0) continue;
        lanes_[lane].reserve(lanes_[lane].size() + adding[lane]);
        order_[lane].reserve(order_[lane].size() + adding[lane]);
      }
    }
    for (std::size_t& i = read_[w]; i < n; ++i) {
      const trace_event& e = log[i];
      if (e.lane >= lanes_.size()) break;  // its lane is not visible to us yet: next frame
      lanes_[e.lane].push_back(e);
      order_[e.lane].push_back(static_cast<std::uint32_t>(events_));
      last_t_ = std::max(last_t_, e.t);
      ++events_;
      changed = true;
    }
  }
  for (const std::size_t n = tr.note_count(); notes_read_ < n; ++notes_read_) {
    const note_entry& note = tr.note(notes_read_);
    if (note.lane < messages_.size()) messages_[note.lane] = note.text;
  }
  return changed;
}

// ---- Items ----

void build_lane_items(const std::vector<trace_event>& ev, const time_axis& axis, nanos cursor,
                      std::vector<lane_item>& out, float min_px) {
  if (ev.empty()) return;
  const nanos hi = std::min(axis.t1, cursor);
  if (ev.front().t > hi) return;
  // The span covering t0 starts at the last event at or before it.
  auto it = first_after(ev, axis.t0);
  std::size_t i = it == ev.begin() ? 0 : static_cast<std::size_t>(it - ev.begin()) - 1;

  lane_item fold{};
  nanos fold_best = -1;
  bool folding = false;
  auto flush = [&] {
    if (folding) out.push_back(fold);
    folding = false;
  };
  for (; i < ev.size() && ev[i].t <= hi; ++i) {
    const trace_event& e = ev[i];
    if (is_terminal(e.state)) {
      flush();
      if (e.t >= axis.t0) {
        const float x = axis.to_x(e.t);
        out.push_back(lane_item{x, x, e.t, e.t, e.state, e.detail, 1, true});
      }
      break;
    }
    const nanos end = i + 1 < ev.size() ? std::min(ev[i + 1].t, cursor) : cursor;
    if (end <= e.t) continue;  // an instant: the state changed again at once
    if (e.state == lane_state::idle) {
      flush();
      continue;
    }
    const float x0 = axis.to_x(std::max(e.t, axis.t0));
    const float x1 = axis.to_x(std::min(end, axis.t1));
    if (x1 - x0 >= min_px) {
      flush();
      out.push_back(lane_item{x0, x1, e.t, end, e.state, e.detail, 1, false});
      continue;
    }
    // Narrow: fold with its neighbours until the fold is wide enough.
    const nanos d = end - e.t;
    if (!folding) {
      fold = lane_item{x0, x1, e.t, end, e.state, e.detail, 1, false};
      fold_best = d;
      folding = true;
    } else {
      fold.x1 = x1;
      fold.t1 = end;
      ++fold.folded;
      if (d > fold_best) {  // the fold shows the state it spent longest in
        fold_best = d;
        fold.state = e.state;
        fold.detail = e.detail;
      }
    }
    if (fold.x1 - fold.x0 >= min_px) flush();
  }
  flush();
}

const lane_item* hit_test(const std::vector<lane_item>& items, float x, float marker_slop) {
  for (const lane_item& it : items)
    if (it.marker && std::abs(it.x0 - x) <= marker_slop) return &it;
  for (const lane_item& it : items)
    if (!it.marker && x >= it.x0 && x < std::max(it.x1, it.x0 + 1)) return &it;
  return nullptr;
}

// ---- Ruler ----

std::string format_tick(nanos t, nanos step) {
  char buf[48];
  const double v = static_cast<double>(t);
  if (step >= 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%g s", v / 1e9);
  } else if (step >= 1'000'000) {
    if (std::llabs(t) >= 1'000'000'000)
      std::snprintf(buf, sizeof buf, "%.*f s", step >= 100'000'000 ? 1 : step >= 10'000'000 ? 2 : 3, v / 1e9);
    else
      std::snprintf(buf, sizeof buf, "%g ms", v / 1e6);
  } else if (step >= 1'000) {
    if (std::llabs(t) >= 1'000'000)
      std::snprintf(buf, sizeof buf, "%.*f ms", step >= 100'000 ? 1 : step >= 10'000 ? 2 : 3, v / 1e6);
    else
      std::snprintf(buf, sizeof buf, "%g µs", v / 1e3);
  } else {
    if (std::llabs(t) >= 1'000)
      std::snprintf(buf, sizeof buf, "%.3f µs", v / 1e3);
    else
      std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(t));
  }
  return buf;
}

std::vector<ruler_tick> ruler_ticks(const time_axis& axis, float min_spacing) {
  std::vector<ruler_tick> out;
  const double want = axis.ns_per_px() * min_spacing;
  nanos step = 1;
  for (nanos decade = 1; decade <= 1'000'000'000'000'000; decade *= 10) {
    bool found = false;
    for (nanos m : {1, 2, 5}) {
      if (static_cast<double>(decade * m) >= want) {
        step = decade * m;
        found = true;
        break;
      }
    }
    if (found) break;
  }
  nanos t = (axis.t0 / step) * step;
  if (t < axis.t0) t += step;
  for (; t <= axis.t1 && out.size() < 1000; t += step) out.push_back({t, axis.to_x(t), format_tick(t, step)});
  return out;
}

// ---- Density ----

std::size_t density_steps::index_at(nanos at) const {
  auto it = std::upper_bound(t.begin(), t.end(), at);
  return it == t.begin() ? 0 : static_cast<std::size_t>(it - t.begin()) - 1;
}

density_steps compute_density(const lane_store& lanes, nanos cursor) {
  // Each event of a task's lane is one change at its instant: one more in
  // its state, one fewer in the state before (none before the first, none
  // after an end or the cursor). A change is a time and a code of the two
  // states, sorted as one integer by its time: a radix sort, for a large
  // run has ten million of them (a time fits in 59 bits: 18 years).
  constexpr std::uint64_t none = 3;  // kinds: 0 running, 1 ready, 2 waiting
  auto kind_of = [](lane_state s) -> std::uint64_t {
    return s == lane_state::running ? 0 : s == lane_state::ready ? 1 : 2;
  };
  std::vector<std::uint64_t> changes;
  changes.reserve(lanes.event_count() + lanes.lane_count());
  nanos latest = 0;
  for (lane_id id = 0; id < lanes.lane_count(); ++id) {
    if (lanes.info(id).kind != lane_kind::task) continue;
    std::uint64_t before = none;
    for (const trace_event& e : lanes.events(id)) {
      if (e.t > cursor || e.t < 0) break;
      const std::uint64_t now = is_terminal(e.state) ? none : kind_of(e.state);
      changes.push_back(static_cast<std::uint64_t>(e.t) << 4 | before << 2 | now);
      latest = std::max(latest, e.t);
      before = now;
      if (now == none) break;
    }
    if (before != none) {  // still in a state at the cursor: it ends there
      changes.push_back(static_cast<std::uint64_t>(cursor) << 4 | before << 2 | none);
      latest = std::max(latest, cursor);
    }
  }
  // Least significant digit first, 11 bits at a time, over the bits in use.
  const int bits = 4 + std::bit_width(static_cast<std::uint64_t>(latest));
  std::vector<std::uint64_t> other(changes.size());
  for (int shift = 0; shift < bits; shift += 11) {
    std::array<std::size_t, 2048> at{};
    for (const std::uint64_t c : changes) ++at[(c >> shift) & 2047];
    std::size_t sum = 0;
    for (std::size_t& a : at) sum += std::exchange(a, sum);
    for (const std::uint64_t c : changes) other[at[(c >> shift) & 2047]++] = c;
    changes.swap(other);
  }
  density_steps d;
  int level[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < changes.size();) {
    const std::uint64_t t = changes[i] >> 4;
    for (; i < changes.size() && changes[i] >> 4 == t; ++i) {
      --level[(changes[i] >> 2) & 3];
      ++level[changes[i] & 3];
    }
    d.t.push_back(static_cast<nanos>(t));
    d.running.push_back(level[0]);
    d.ready.push_back(level[1]);
    d.waiting.push_back(level[2]);
    d.peak = std::max(d.peak, level[0] + level[1] + level[2]);
  }
  return d;
}

run_metrics metrics_of(const trace& tr, const lane_store& lanes, nanos now) {
  return compute_metrics(tr, now, static_cast<lane_id>(lanes.lane_count()), [&lanes](lane_id lane) {
    const auto& ev = lanes.events(lane);
    return std::span<const trace_event>(ev.data(), ev.size());
  });
}

std::string where_awaited(const scenario_run* run, std::string_view code, const std::vector<trace_event>& events,
                          nanos t0) {
  if (run == nullptr) return {};
  auto at = first_after(events, t0);
  site_id site = no_site;
  while (at != events.begin()) {
    --at;
    if (at->t != t0) break;
    if (at->state == lane_state::waiting) site = at->site;
  }
  const trace& tr = run->trace();
  if (site == no_site || site >= tr.site_count()) return {};
  if (const auto line = run->shown_line(site); line && !code.empty()) {
    std::size_t from = 0;
    for (int n = 1; n < *line && from != std::string_view::npos; ++n) {
      from = code.find('\n', from);
      if (from != std::string_view::npos) ++from;
    }
    if (from == std::string_view::npos) return {};
    std::string_view text = code.substr(from, code.find('\n', from) - from);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return "at line " + std::to_string(*line) + ":  " + std::string(text);
  }
  const code_site& s = tr.site(site);
  const auto slash = s.file.find_last_of('/');
  return "at " + s.file.substr(slash == std::string::npos ? 0 : slash + 1) + ":" + std::to_string(s.line);
}

const char* waited_for(wait_reason r) {
  switch (r) {
    case wait_reason::timer:
      return "a timer";
    case wait_reason::semaphore:
      return "a semaphore permit";
    case wait_reason::thread_pool:
      return "a worker thread";
    case wait_reason::io:
      return "I/O";
    case wait_reason::child:
      return "another task";
    case wait_reason::lock:
      return "a lock";
    case wait_reason::event:
      return "an event";
    case wait_reason::queue:
      return "a queue";
    case wait_reason::none:
      break;
  }
  return "something";
}

}  // namespace loopscope::gui
