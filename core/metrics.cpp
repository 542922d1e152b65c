#include "metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/lane_events.hpp"

namespace loopscope {

namespace {
// lane_spans() into a buffer that a reader of many lanes reuses.
void spans_into(std::span<const trace_event> events, nanos now, std::vector<span>& out) {
  out.clear();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const trace_event& e = events[i];
    if (is_terminal(e.state)) break;
    const nanos t1 = i + 1 < events.size() ? events[i + 1].t : std::max(now, e.t);
    if (!out.empty() && out.back().state == e.state && out.back().detail == e.detail && out.back().t1 == e.t) {
      out.back().t1 = t1;  // a repeated state continues the span
      continue;
    }
    out.push_back(span{e.t, t1, e.state, e.detail});
  }
}
}  // namespace

std::vector<span> lane_spans(std::span<const trace_event> events, nanos now) {
  std::vector<span> out;
  out.reserve(events.size());
  spans_into(events, now, out);
  return out;
}

nanos percentile(const std::vector<nanos>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

namespace {
// A started task is in flight unless it queues for a semaphore permit; one
// that has not run yet is queued too, and so is one running its way to the
// queue (the slice that ends in the wait for a permit: on the real clock it
// takes real time, which a loaded machine stretches). A task handed a
// permit is ready until it runs, and counts from then: the task that gave
// the permit back ends first, in the handler that is running, so the two
// never overlap.
bool in_flight(const span& s, bool after_semaphore, bool before_semaphore) {
  if (s.state == lane_state::running) return !before_semaphore;
  if (s.state == lane_state::ready) return !after_semaphore;
  return s.state == lane_state::waiting && s.detail != static_cast<std::uint8_t>(wait_reason::semaphore);
}
}  // namespace

namespace {

// Lanes grouped already, by whoever holds them.
struct lanes_given {
  lane_id count;
  const std::function<std::span<const trace_event>(lane_id)>& events_of;
  lane_id lane_count() const { return count; }
  std::span<const trace_event> of(lane_id lane) const { return events_of(lane); }
};

// What happened by `now` only: a view behind the loop (a cursor inside a
// blocking slice the loop has already run) sees the run as it was then.
// The lanes are walked in order, with one buffer for the spans of the lane
// at hand.
template <class Lanes>
run_metrics metrics_of(const trace& tr, Lanes& grouped, nanos now, nanos slow_threshold) {
  run_metrics m;
  const lane_id lanes = grouped.lane_count();
  m.lanes.resize(lanes);
  std::vector<span> spans;

  // Changes of the level in flight, summed per instant now and then: a
  // virtual run's million tasks start and end at a handful of instants, and
  // two million separate changes would be one more huge block.
  std::vector<std::pair<nanos, int>> deltas;
  std::size_t sum_at = std::size_t{1} << 18;
  auto sum_per_instant = [&deltas] {
    std::sort(deltas.begin(), deltas.end());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < deltas.size();) {
      const nanos t = deltas[i].first;
      int sum = 0;
      while (i < deltas.size() && deltas[i].first == t) sum += deltas[i++].second;
      deltas[kept++] = {t, sum};
    }
    deltas.resize(kept);
  };
  std::vector<nanos> latencies;
  nanos busy = 0;
  bool any_task = false;
  bool any_alive = false;  // a task spawned and not ended: the run is live

  for (lane_id id = 0; id < lanes; ++id) {
    std::span<const trace_event> events = grouped.of(id);
    events = events.first(static_cast<std::size_t>(
        std::upper_bound(events.begin(), events.end(), now, [](nanos t, const trace_event& e) { return t < e.t; }) -
        events.begin()));
    const lane_info& info = tr.lane(id);
    lane_stats& st = m.lanes[id];
    st.lane = id;
    st.kind = info.kind;
    st.name = info.name;
    if (events.empty()) continue;
    st.spawned = true;
    st.created = events.front().t;
    const trace_event& last = events.back();
    st.final_state = last.state;
    st.ended = is_terminal(last.state);
    if (st.ended) st.end = last.t;

    const bool on_loop = info.kind != lane_kind::worker;
    const bool is_task = info.kind == lane_kind::task;
    any_task = any_task || is_task;
    if (on_loop) m.window = std::max(m.window, st.ended ? st.end : now);

    nanos slice_start = -1;
    auto close_slice = [&](nanos t) {
      if (slice_start < 0) return;
      const nanos d = t - slice_start;
      if (d > m.longest_slice) {
        m.longest_slice = d;
        m.longest_slice_lane = id;
      }
      if (d >= slow_threshold) m.slow_slices.push_back(slow_slice{id, slice_start, d});
      slice_start = -1;
    };
    nanos active_since = -1;
    bool after_semaphore = false;  // the span before was a wait for a permit
    spans_into(events, now, spans);
    for (std::size_t k = 0; k < spans.size(); ++k) {
      const span& s = spans[k];
      const bool before_semaphore = k + 1 < spans.size() && spans[k + 1].state == lane_state::waiting &&
                                    spans[k + 1].detail == static_cast<std::uint8_t>(wait_reason::semaphore);
      const nanos d = s.t1 - s.t0;
      switch (s.state) {
        case lane_state::running:
          st.running += d;
          if (!st.started) st.start = s.t0;
          st.started = true;
          if (on_loop) {
            busy += d;
            if (slice_start < 0) slice_start = s.t0;
          }
          break;
        case lane_state::ready:
          st.ready += d;
          break;
        case lane_state::waiting:
          st.waiting += d;
          break;
        default:
          break;
      }
      if (s.state != lane_state::running && on_loop) close_slice(s.t0);
      if (is_task) {
        const bool active = st.started && in_flight(s, after_semaphore, before_semaphore);
        if (active && active_since < 0) active_since = s.t0;
        if (!active && active_since >= 0) {
          deltas.emplace_back(active_since, +1);
          deltas.emplace_back(s.t0, -1);
          active_since = -1;
        }
      }
      if (s.state != lane_state::ready)
        after_semaphore =
            s.state == lane_state::waiting && s.detail == static_cast<std::uint8_t>(wait_reason::semaphore);
    }
    const nanos lane_end = st.ended ? st.end : std::max(now, last.t);
    if (on_loop) close_slice(lane_end);
    if (is_task && active_since >= 0) {
      deltas.emplace_back(active_since, +1);
      deltas.emplace_back(lane_end, -1);
    }
    if (deltas.size() >= sum_at) {
      sum_per_instant();
      sum_at = std::max(sum_at, 2 * deltas.size());
    }
    if (on_loop) m.ready_total += st.ready;
    if (is_task && !st.ended) any_alive = true;
    if (is_task && st.ended) {
      m.makespan = std::max(m.makespan, st.end);
      latencies.push_back(st.end - st.created);
    }
  }
  if (!any_task) m.makespan = m.window;
  // A lane's failure or cancellation: its last note, as trace::messages().
  for (std::size_t i = 0, n = tr.note_count(); i < n; ++i)
    if (const auto& note = tr.note(i); note.lane < lanes) m.lanes[note.lane].message = note.text;

  // Concurrency: apply every change at one instant before reading the level.
  sum_per_instant();
  int level = 0;
  double area = 0;
  nanos prev = 0;
  for (std::size_t i = 0; i < deltas.size();) {
    const nanos t = deltas[i].first;
    area += static_cast<double>(level) * static_cast<double>(t - prev);
    prev = t;
    while (i < deltas.size() && deltas[i].first == t) level += deltas[i++].second;
    if (m.concurrency.empty() || m.concurrency.back().second != level) m.concurrency.emplace_back(t, level);
  }
  // On the real clock a task runs its first slice a few microseconds before
  // it queues on a semaphore, and a released permit wakes the next task just
  // before the releasing one ends; the OS may stretch such a moment. A level
  // held for under 1 ms (or 0.5% of a long run) there is a passing moment,
  // not concurrency. Virtual time has no such moments: changes at one
  // instant are applied together above.
  const nanos min_hold = tr.real_time() ? std::max<nanos>(1'000'000, m.makespan / 200) : 0;
  // A real trace read while its loop writes it may stop between a task's
  // first slice and the wait for a permit that follows: a level still held
  // at that moment is not known to be more than a passing one yet.
  const bool live_real = tr.real_time() && any_alive;
  int any_peak = 0;
  for (std::size_t i = 0; i < m.concurrency.size(); ++i) {
    const auto [t, lvl] = m.concurrency[i];
    const nanos until = i + 1 < m.concurrency.size() ? m.concurrency[i + 1].first : std::max(t, m.makespan);
    if (live_real && until >= now) continue;
    any_peak = std::max(any_peak, lvl);
    if (until > t && until - t >= min_hold) m.peak_concurrency = std::max(m.peak_concurrency, lvl);
  }
  if (m.peak_concurrency == 0) m.peak_concurrency = any_peak;
  // Averaged over the time the levels above cover: to the last end, or to
  // now while tasks are still alive (a live run). Never above the peak
  // (on the real clock the peak leaves out levels held for a moment).
  const nanos horizon = any_alive ? std::max(m.makespan, now) : (m.makespan > 0 ? m.makespan : m.window);
  m.mean_concurrency = horizon > 0 ? area / static_cast<double>(horizon) : 0.0;
  m.mean_concurrency = std::min(m.mean_concurrency, static_cast<double>(m.peak_concurrency));
  m.loop_busy_fraction = m.window > 0 ? std::min(1.0, static_cast<double>(busy) / static_cast<double>(m.window)) : 0.0;

  std::sort(latencies.begin(), latencies.end());
  m.latency_p50 = percentile(latencies, 0.50);
  m.latency_p95 = percentile(latencies, 0.95);
  m.latency_p99 = percentile(latencies, 0.99);

  // The loop's own log holds every task's end in the order they happened,
  // which settles ties at one instant as the loop settled them.
  const auto& log = tr.events(0);
  for (std::size_t i = 0, n = log.size(); i < n; ++i)
    if (is_terminal(log[i].state) && log[i].lane < m.lanes.size() && m.lanes[log[i].lane].kind == lane_kind::task)
      m.completion_order.push_back(log[i].lane);
  std::sort(m.slow_slices.begin(), m.slow_slices.end(),
            [](const slow_slice& a, const slow_slice& b) { return a.start < b.start; });
  return m;
}

}  // namespace

run_metrics compute_metrics(const trace& tr, nanos now, nanos slow_threshold) {
  // Every lane's events grouped a range of lanes at a time: no vector per lane.
  lanes_in_order grouped(tr);
  return metrics_of(tr, grouped, now, slow_threshold);
}

run_metrics compute_metrics(const trace& tr, nanos now, lane_id lanes,
                            const std::function<std::span<const trace_event>(lane_id)>& events_of,
                            nanos slow_threshold) {
  const lanes_given given{lanes, events_of};
  return metrics_of(tr, given, now, slow_threshold);
}

std::string format_duration(nanos d) {
  if (d == 0) return "0 s";
  char buf[64];
  const double v = static_cast<double>(d);
  const nanos a = d < 0 ? -d : d;
  if (a >= 60'000'000'000) {  // "32 min 40 s", "26 h 5 min": never "1.96e+03 s"
    const long long s = static_cast<long long>(std::llround(std::abs(v) / 1e9));
    const char* sign = d < 0 ? "-" : "";
    if (s < 3600)
      std::snprintf(buf, sizeof buf, s % 60 ? "%s%lld min %lld s" : "%s%lld min", sign, s / 60, s % 60);
    else
      std::snprintf(buf, sizeof buf, s % 3600 / 60 ? "%s%lld h %lld min" : "%s%lld h", sign, s / 3600, s % 3600 / 60);
  } else if (a >= 999'500'000)  // what rounds to 1000 ms is 1 s, never "1e+03 ms"
    std::snprintf(buf, sizeof buf, "%.3g s", v / 1e9);
  else if (a >= 999'500)
    std::snprintf(buf, sizeof buf, "%.3g ms", v / 1e6);
  else if (a >= 1'000)
    std::snprintf(buf, sizeof buf, "%.3g µs", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(d));
  return buf;
}

std::string format_seconds(nanos t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e9);
  return buf;
}

namespace {
std::string grouped(double v) {
  // 12345 -> "12,345"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  const char* digits = buf[0] == '-' ? buf + 1 : buf;
  const std::size_t n = std::strlen(digits);
  std::string out(buf[0] == '-' ? 1 : 0, '-');
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}
}  // namespace

std::string format_figure(double value, std::string_view unit) {
  char buf[64];
  if (unit == "bytes") {
    const double a = std::abs(value);
    if (a >= 1024.0 * 1024 * 1024)
      std::snprintf(buf, sizeof buf, "%.2f GiB", value / (1024.0 * 1024 * 1024));
    else if (a >= 1024.0 * 1024)
      std::snprintf(buf, sizeof buf, "%.1f MiB", value / (1024.0 * 1024));
    else if (a >= 1024.0)
      std::snprintf(buf, sizeof buf, "%.1f KiB", value / 1024.0);
    else
      std::snprintf(buf, sizeof buf, "%.0f bytes", value);
    return buf;
  }
  if (unit == "s") return format_duration(static_cast<nanos>(value * 1e9));
  if (unit.empty()) return grouped(value);
  if (std::abs(value) >= 100) return grouped(value).append(" ").append(unit);
  std::snprintf(buf, sizeof buf, "%.3g ", value);
  return std::string(buf).append(unit);
}

std::vector<std::string> warnings_of(const run_metrics& m) {
  std::vector<std::string> out;
  for (const slow_slice& s : m.slow_slices) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "slow slice: %s held the loop for %.3f s from t=%.3f s (threshold %.3f s)",
                  m.lanes[s.lane].name.c_str(), static_cast<double>(s.duration) / 1e9,
                  static_cast<double>(s.start) / 1e9, static_cast<double>(slow_slice_threshold) / 1e9);
    out.emplace_back(buf);
  }
  return out;
}

}  // namespace loopscope
