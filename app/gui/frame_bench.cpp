// `loopscope --bench-frames N`: the CPU time to build a frame of a large
// timeline (10,000 tasks, about a million events), headless: ImGui builds
// its draw lists without a window, so no display is needed.
#include <imgui.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

#include "app/gui/code_marks.hpp"
#include "app/gui/gui.hpp"
#include "app/gui/loop_state.hpp"
#include "app/gui/run_set.hpp"
#include "app/gui/runs_view.hpp"
#include "app/gui/timeline_view.hpp"
#include "core/bench_scenarios.hpp"
#include "core/metrics.hpp"
#include "core/sandbox.hpp"

namespace loopscope::gui {

namespace {

// This thread's CPU time spent in the kernel (faulting fresh memory in).
double thread_kernel_ms() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_stime.tv_sec) * 1e3 + static_cast<double>(ru.ru_stime.tv_usec) / 1e3;
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Frames while the sandbox re-runs (100,000) tasks under three strategies,
// as a click on a knob makes it: the runs are prepared off the UI thread
// while the frames go on. Wall time, for a frame is late by the clock: the
// preparing thread takes the other core.
void measure_rerun(ImGuiIO& io, int rerun_tasks) {
  workload w;
  w.tasks = rerun_tasks;
  w.duration = 1'000'000'000;
  const std::vector<strategy> strategies{strategy::sequential, strategy::gather, strategy::bounded};
  run_set runs;
  runs_view body;
  auto wall_ms = [] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  std::vector<double> times, cpu;  // per frame: wall, and the UI thread's CPU
  const double started = wall_ms();
  runs.reset(run_plan{strategies.size(),
                      [w, strategies](std::size_t i, clock_kind clock) -> std::unique_ptr<scenario_run> {
                        loop_options options;
                        options.clock = clock;
                        return make_sandbox(strategies[i], w, options);
                      },
                      [w] { return std::optional<nanos>(sequential_makespan(w)); }},
             false);
  int after = 0;  // frames drawn once the runs are ready: the first shows them
  while (after < 30) {
    const double t0 = wall_ms();
    const double c0 = thread_cpu_ms();
    io.DeltaTime = 1.0f / 60.0f;
    runs.tick(1.0 / 60.0);
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("##rerun", nullptr, ImGuiWindowFlags_NoDecoration);
    body.draw(runs, true);
    ImGui::End();
    ImGui::Render();
    times.push_back(wall_ms() - t0);
    cpu.push_back(thread_cpu_ms() - c0);
    if (!runs.preparing()) ++after;
    // A frame every 16 ms at most, as with vsync; the thread goes on meanwhile.
    const double spent = wall_ms() - t0;
    if (spent < 16) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(16 - spent));
  }
  const double total = wall_ms() - started;
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  auto p99 = [](const std::vector<double>& v) {
    return v[static_cast<std::size_t>(0.99 * static_cast<double>(v.size() - 1))];
  };
  std::printf("  re-running a %d-task sandbox (3 strategies): ready after %.2f s, %zu frames drawn meanwhile\n",
              rerun_tasks, total / 1e3, times.size());
  std::printf("  re-running: frame CPU time (UI thread): p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", cpu[cpu.size() / 2],
              p99(cpu), cpu.back());
  std::printf(
      "  re-running: frame wall time: p50 %.2f ms  p99 %.2f ms  max %.2f ms (the preparing thread shares two cores)\n",
      times[times.size() / 2], p99(times), times.back());
  std::printf("  re-running: target: every frame's CPU under 16 ms (max)   %s\n",
              cpu.back() < 16.0 ? "meets target" : "MISSES target");
}

}  // namespace

int bench_frames(int frames, int tasks, int rerun_tasks) {
  std::printf("Timeline frame benchmark: %d tasks, %d frames, 1600x1000, headless\n", tasks, frames);
  // What the window does before it can draw a run: run it, read its lanes,
  // compute its figures. Timed on this thread's CPU clock.
  const double k0 = thread_kernel_ms();
  const double t0 = thread_cpu_ms();
  auto run = make_chatty_clients(tasks);
  run->run_to_end();
  const double t1 = thread_cpu_ms();
  lane_store lanes;
  lanes.sync(run->trace());
  const double t2 = thread_cpu_ms();
  const run_metrics metrics = metrics_of(run->trace(), lanes, run->now());
  const density_steps density = compute_density(lanes, run->now());
  const double t3 = thread_cpu_ms();
  std::printf("  %zu lanes, %zu events, run of %s\n", lanes.lane_count(), lanes.event_count(),
              format_duration(run->now()).c_str());
  std::printf(
      "  building the timeline: %.2f s of CPU (the run %.2f s, its lanes %.2f s, its figures %.2f s; in the kernel "
      "%.2f s)\n",
      (t3 - t0) / 1e3, (t1 - t0) / 1e3, (t2 - t1) / 1e3, (t3 - t2) / 1e3, (thread_kernel_ms() - k0) / 1e3);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1600, 1000);
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the font atlas, as a renderer would

  std::vector<variant_view> views(1);
  views[0].title = "gather";
  views[0].lanes = &lanes;
  views[0].density = &density;
  views[0].finish = metrics.makespan;
  views[0].concurrency = &metrics.concurrency;
  views[0].peak = metrics.peak_concurrency;

  // Frames of the timeline; `scrub`: the cursor dragged across the run,
  // back and forth, with what follows the cursor (the loop's state, the
  // code's marks) computed as the lesson page does each frame.
  auto measure = [&](const char* what, bool scrub) {
    timeline_view timeline;
    std::vector<double> times;
    double vertices = 0;
    times.reserve(static_cast<std::size_t>(frames));
    std::size_t queued = 0;
    const std::vector<marked_run> marked{{run.get(), &lanes}};
    for (int f = 0; f < frames + 5; ++f) {
      io.DeltaTime = 1.0f / 60.0f;
      nanos cursor = run->now();
      if (scrub) {  // a sweep there and back every 100 frames
        const double phase = static_cast<double>(f % 100) / 50.0;
        cursor = static_cast<nanos>(static_cast<double>(run->now()) * (phase <= 1 ? phase : 2 - phase));
        io.MouseWheel = 0;
      } else {
        // Wander around the run: zoomed out, zoomed in, panning.
        io.MousePos = ImVec2(400.0f + static_cast<float>((f * 37) % 1000), 500.0f);
        io.MouseWheel = (f / 20) % 2 == 0 ? 1.0f : -1.0f;
      }
      const double t0 = thread_cpu_ms();
      ImGui::NewFrame();
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(io.DisplaySize);
      ImGui::Begin("##bench", nullptr, ImGuiWindowFlags_NoDecoration);
      if (f % 60 == 0 && !scrub) timeline.request_fit();
      if (scrub) {
        const loop_state state = loop_at(lanes, cursor, &lanes);
        queued += state.ready.size() + state.timers.size() + marks_at(marked, cursor).size();
      }
      timeline.draw(views, cursor, run->now(), true, false);
      ImGui::End();
      ImGui::Render();
      const double t1 = thread_cpu_ms();
      if (f >= 5) {  // the first frames warm caches and layouts
        times.push_back(t1 - t0);
        vertices += static_cast<double>(ImGui::GetDrawData()->TotalVtxCount);
      }
    }
    std::sort(times.begin(), times.end());
    auto pct = [&](double q) {
      const auto i = static_cast<std::size_t>(q * static_cast<double>(times.size() - 1));
      return times[i];
    };
    const double p99 = pct(0.99);
    std::printf("  %s: %.0f vertices per frame on average%s\n", what, vertices / static_cast<double>(times.size()),
                scrub && queued == 0 ? " (no task ever queued: check the scenario)" : "");
    std::printf("  %s: frame CPU time: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n", what, pct(0.5), pct(0.95),
                p99, times.back());
    std::printf("  %s: target: under 8 ms per frame (p99)   %s\n", what, p99 < 8.0 ? "meets target" : "MISSES target");
  };
  measure("zoom and pan", false);
  measure("scrubbing the cursor", true);
  measure_rerun(io, rerun_tasks);
  ImGui::DestroyContext();
  return 0;
}

}  // namespace loopscope::gui
