#include "app/cli/output.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>
#include <string_view>
#include <thread>

#include "app/cli/flags.hpp"
#include "core/chrome_trace.hpp"
#include "core/report.hpp"

namespace loopscope::cli {

namespace {

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted = true; }

// A real-clock run is looked at this often: Ctrl-C is answered within it.
constexpr auto poll_interval = std::chrono::milliseconds(50);

std::string percent(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", f * 100);
  return buf;
}

}  // namespace

void catch_interrupts() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
}

bool was_interrupted() { return interrupted; }

void out_of_memory() {
  constexpr std::string_view line =
      "loopscope: out of memory: the run needs more than this process may have (ulimit -v?); try fewer tasks\n";
  std::fflush(stdout);
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(exit_failed);
}

// The run is cancelled from the loop that drives it. On the real clock a
// blocking call or computation under way is cut short as well: what Ctrl-C
// stops, stops now.
void drive(scenario_run& run) try {
  bool cancelled = false;
  auto cancel_once = [&] {
    if (interrupted && !cancelled) {
      run.interrupt();
      cancelled = true;
    }
  };
  if (run.clock() == clock_kind::virtual_clock) {
    for (std::size_t n = 0; run.step(); ++n)
      if ((n & 0xffff) == 0) cancel_once();
    return;
  }
  const bool show = isatty(STDERR_FILENO) != 0;
  run.start();
  while (!run.finished()) {
    cancel_once();
    if (show)
      std::fprintf(stderr, "\r  running on the real clock: %.1f s, %zu coroutines alive%s   ",
                   static_cast<double>(run.now()) / 1e9, run.live_tasks(), cancelled ? ", cancelling" : "");
    std::this_thread::sleep_for(poll_interval);
  }
  run.wait();
  if (show) std::fprintf(stderr, "\r\033[K");
} catch (const std::bad_alloc&) {
  out_of_memory();
}

finished_run run_to_end(std::unique_ptr<scenario_run> run) {
  finished_run f;
  f.run = std::move(run);
  drive(*f.run);
  f.metrics = compute_metrics(f.run->trace(), f.run->now());
  return f;
}

int write_trace(std::ofstream& file, const std::string& path, const std::vector<trace_source>& sources) {
  if (!file.is_open()) return 0;
  write_chrome_trace(file, sources);
  file.close();
  if (file) return 0;
  std::cerr << "loopscope: failed: writing the trace to '" << path << "' failed (a full disk?)\n";
  return exit_failed;
}

int finish_status() {
  if (!interrupted) return 0;
  std::cerr << "loopscope: interrupted; every task was cancelled\n";
  return exit_interrupted;
}

void print_summary(std::ostream& out, const scenario_run& r, const run_metrics& m, std::optional<nanos> sequential) {
  const std::size_t tasks = r.task_lanes().size();
  const auto figures = r.figures();
  // A scenario that measures itself may draw only a sample of its units.
  const char* what = figures.empty() ? (tasks == 1 ? " task" : " tasks") : (tasks == 1 ? " lane" : " lanes");
  out << r.variant() << " · " << tasks << what << " · " << to_string(r.clock()) << " clock\n";
  out << "  " << (r.returned() >= 0 ? "returned after " + format_seconds(r.returned()) : std::string("never returned"))
      << "; the last task ended at " << format_seconds(m.makespan) << " (makespan)\n";
  if (const auto raised = r.error_text(); !raised.empty()) out << "  the await raised " << raised << "\n";
  const auto withheld = speedup_withheld(r, m);
  if (sequential && withheld) {
    out << "  " << *withheld << "\n";
  } else if (sequential && m.makespan > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2fx", static_cast<double>(*sequential) / static_cast<double>(m.makespan));
    out << "  speedup " << buf << " against sequential (" << format_seconds(*sequential) << ")\n";
  }
  char conc[64];
  std::snprintf(conc, sizeof conc, "%d, mean %.2f · ", m.peak_concurrency, m.mean_concurrency);
  // A scenario that measures itself reports its own figures below instead
  // of the concurrency and latency of its lanes, which are only a sample.
  out << "  " << (figures.empty() ? "peak concurrency " + std::string(conc) : std::string()) << "loop busy "
      << percent(m.loop_busy_fraction) << " · ready total " << format_seconds(m.ready_total) << " · longest slice "
      << format_seconds(m.longest_slice) << "\n";
  if (figures.empty())
    out << "  latency p50 " << format_seconds(m.latency_p50) << " · p95 " << format_seconds(m.latency_p95) << " · p99 "
        << format_seconds(m.latency_p99) << "\n";
  for (const auto& w : warnings_of(m)) out << "  warning: " << w << "\n";
  if (!figures.empty()) {
    out << "  measured:\n";
    for (const auto& fig : figures) out << "    " << fig.label << ": " << format_figure(fig.value, fig.unit) << "\n";
  }
  if (const std::string note = r.incident(); !note.empty()) out << "  " << note << "\n";
  if (const auto at = r.reachable_at()) out << "  " << (at->open ? "serving on " : "served on ") << at->url << "\n";
}

ascii_variant lanes_of(const scenario_run& run, const run_metrics& m) {
  return {run.variant() + " — makespan " + format_seconds(m.makespan), &run.trace(), run.now()};
}

}  // namespace loopscope::cli
