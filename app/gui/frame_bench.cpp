// `loopscope --bench-frames N`: the CPU time to build a frame of a large
// timeline (10,000 tasks, about a million events), headless: ImGui builds
// its draw lists without a window, so no display is needed.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "app/gui/code_marks.hpp"
#include "app/gui/gui.hpp"
#include "app/gui/loop_state.hpp"
#include "app/gui/timeline_view.hpp"
#include "core/bench_scenarios.hpp"
#include "core/metrics.hpp"

namespace loopscope::gui {

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

int bench_frames(int frames, int tasks) {
  std::printf("Timeline frame benchmark: %d tasks, %d frames, 1600x1000, headless\n", tasks, frames);
  auto run = make_chatty_clients(tasks);
  run->run_to_end();
  lane_store lanes;
  lanes.sync(run->trace());
  const run_metrics metrics = compute_metrics(run->trace(), run->now());
  const density_steps density = compute_density(lanes, run->now());
  std::printf("  %zu lanes, %zu events, run of %s\n", lanes.lane_count(), lanes.event_count(),
              format_duration(run->now()).c_str());

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
        const loop_state state = loop_at(lanes, cursor);
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
  ImGui::DestroyContext();
  return 0;
}

}  // namespace loopscope::gui
