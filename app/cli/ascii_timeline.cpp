#include "app/cli/ascii_timeline.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>

#include "core/lane_events.hpp"
#include "core/metrics.hpp"

namespace loopscope {

namespace {

// One character per kind of time, in the order ties are settled.
enum glyph_kind {
  g_running,
  g_ready,
  g_timer,
  g_semaphore,
  g_pool,
  g_io,
  g_child,
  g_lock,
  g_event,
  g_queue,
  g_idle,
  g_count
};
constexpr std::array<char, g_count> glyphs{'#', '!', '.', ':', '~', '?', '_', ';', '^', '=', ' '};

glyph_kind kind_of(const span& s) {
  switch (s.state) {
    case lane_state::running:
      return g_running;
    case lane_state::ready:
      return g_ready;
    case lane_state::idle:
      return g_idle;
    case lane_state::waiting:
      switch (static_cast<wait_reason>(s.detail)) {
        case wait_reason::timer:
          return g_timer;
        case wait_reason::semaphore:
          return g_semaphore;
        case wait_reason::thread_pool:
          return g_pool;
        case wait_reason::child:
          return g_child;
        case wait_reason::lock:
          return g_lock;
        case wait_reason::event:
          return g_event;
        case wait_reason::queue:
          return g_queue;
        default:
          return g_io;
      }
    default:
      return g_idle;
  }
}

char end_glyph(lane_state s) {
  switch (s) {
    case lane_state::done:
      return '*';
    case lane_state::failed:
      return 'X';
    case lane_state::cancelled:
      return 'C';
    default:
      return ' ';
  }
}

std::string fit(std::string s, std::size_t n) {
  if (s.size() > n) s = s.substr(0, n);
  s.resize(n, ' ');
  return s;
}

}  // namespace

int terminal_width() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return std::min<int>(ws.ws_col, max_columns);
  if (const char* c = std::getenv("COLUMNS")) {
    const int n = std::atoi(c);
    if (n > 0) return std::min(n, max_columns);
  }
  return 100;
}

std::string ascii_timeline(const std::vector<ascii_variant>& variants, nanos t_end, int width, int max_lanes) {
  // Names as wide as the longest shown needs ("coroutine 9901"), within limits.
  std::size_t label = 6;
  for (const auto& v : variants)
    for (lane_id id = 0; id < v.tr->lane_count() && id < static_cast<lane_id>(max_lanes); ++id)
      label = std::max(label, v.tr->lane(id).name.size());
  label = std::min<std::size_t>(label, 16);
  const int cells = std::max(10, width - static_cast<int>(label) - 3);
  const nanos total = std::max<nanos>(t_end, 1);
  // t * cells overflows 64 bits past some 106 days of makespan at 1000 columns.
  auto scaled = [&](nanos t, nanos num, nanos den) { return static_cast<nanos>(static_cast<__int128>(t) * num / den); };
  auto cell_of = [&](nanos t) { return static_cast<int>(std::min<nanos>(cells - 1, scaled(t, cells, total))); };
  std::string out;
  // The ruler: 0 at the left, the end at the right.
  const std::string right = format_duration(t_end);
  out += std::string(label, ' ') + " 0" +
         std::string(static_cast<std::size_t>(std::max(1, cells - 1 - static_cast<int>(right.size()) + 1)), ' ') +
         right + "\n";
  for (const auto& v : variants) {
    out += "-- " + v.title + "\n";
    // Only the lanes it may print are read: every lane but an unused
    // pool's worker is printed, so the lanes up to the one past the first
    // max_lanes of those are all it can reach.
    const lane_id lanes = static_cast<lane_id>(v.tr->lane_count());
    lane_id reach = 0;
    for (int others = 0; reach < lanes && others <= max_lanes; ++reach)
      if (v.tr->lane(reach).kind != lane_kind::worker) ++others;
    const lane_events per_lane = group_by_lane(*v.tr, 0, reach);
    int shown = 0;
    for (lane_id id = 0; id < lanes; ++id) {
      assert(id < reach);
      const auto events = per_lane.of(id);
      if (v.tr->lane(id).kind == lane_kind::worker && events.size() <= 1) continue;  // a pool never used
      if (shown == max_lanes) {
        out += std::string(label, ' ') + "  ... and " + std::to_string(lanes - id) + " more lanes\n";
        break;
      }
      ++shown;
      std::vector<std::array<nanos, g_count>> time(static_cast<std::size_t>(cells), std::array<nanos, g_count>{});
      for (const span& s : lane_spans(events, v.now)) {
        const glyph_kind k = kind_of(s);
        for (int c = cell_of(s.t0); c <= cell_of(std::max(s.t0, s.t1 - 1)); ++c) {
          const nanos c0 = scaled(total, c, cells), c1 = scaled(total, c + 1, cells);
          // Even an instant gets a share, so a zero-length slice still shows.
          time[static_cast<std::size_t>(c)][k] += std::max<nanos>(1, std::min(s.t1, c1) - std::max(s.t0, c0));
        }
      }
      std::string row(static_cast<std::size_t>(cells), ' ');
      for (int c = 0; c < cells; ++c) {
        const auto& t = time[static_cast<std::size_t>(c)];
        int best = -1;
        for (int k = 0; k < g_idle; ++k)
          if (t[k] > 0 && (best < 0 || t[k] > t[best])) best = k;
        if (best >= 0) row[static_cast<std::size_t>(c)] = glyphs[static_cast<std::size_t>(best)];
      }
      if (!events.empty() && is_terminal(events.back().state))
        row[static_cast<std::size_t>(cell_of(events.back().t))] = end_glyph(events.back().state);
      out += fit(v.tr->lane(id).name, label) + " |" + row + "|\n";
    }
  }
  return out;
}

std::string ascii_legend() {
  return "legend: # running  ! ready (woken, waiting for the loop)  . timer  : semaphore  ~ thread pool  "
         "_ child task  ? I/O  ; lock  ^ event  = queue  * done  X failed  C cancelled\n";
}

}  // namespace loopscope
