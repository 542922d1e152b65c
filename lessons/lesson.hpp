// A lesson: its parameters, its variants (each a scenario on a loop of its
// own), the question a learner answers before the run, and its texts — the
// prose, the scenario's own code and its asyncio equivalent, embedded at
// build time from the lesson's folder.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scenario.hpp"

namespace loopscope {
struct loop_options;
struct run_metrics;
}  // namespace loopscope

namespace loopscope::lessons {

struct param {
  std::string name;   // as --set takes it: tasks=20
  std::string label;  // as a slider shows it
  double min, max, value;
  std::string unit;   // "ms", "tasks", ...
  std::string help;
  // The command line may go further than a slider (0: as far as max).
  double cli_max = 0;
};

using values = std::map<std::string, double, std::less<>>;

// One variant's finished run, as a question's answer reads it.
struct outcome {
  const scenario_run* run;
  const run_metrics* metrics;
};

struct question {
  std::string text;
  std::string unit;                  // of a number answer ("s")
  std::vector<std::string> choices;  // empty: the answer is a number
  // Computed from the runs, never typed in: a number, or a choice's index.
  std::function<double(const std::vector<outcome>&)> answer;
};

// A chart the window grows as the learner moves a slider: a point per run
// and variant, at x = a parameter's value, y = one of the run's figures.
struct growth_chart {
  std::string x_param;   // "units"
  std::string y_figure;  // "rss_total_bytes"
  std::string title;
};

// Bars the window draws from the runs' figures, grouped per variant: one
// bar per figure (all in one unit), on a shared linear scale.
struct bar_chart {
  std::vector<std::string> figures;  // "latency_p50_s", ...
  std::vector<std::string> labels;   // "p50", ...
  std::string title;
};

struct lesson {
  int number = 0;
  std::string id;       // loopscope --lesson ID
  std::string title;
  std::string summary;  // one line for `loopscope list`
  std::vector<param> params;
  std::vector<std::string> variants;
  std::function<std::unique_ptr<scenario_run>(std::size_t variant, const values&, const loop_options&)> make;
  question predict;
  std::string_view prose, code, python;  // embedded
  // How much faster than real time the asyncio twin can run and still keep
  // time (its shortest sleeps must stay well above the OS timer's 1 ms).
  double fastest_scale = 0.05;
  // Real clock only: the point is that the numbers are this machine's.
  bool real_clock_only = false;
  // Variants run one after another, not at once: each measures the whole
  // process (its memory, its threads) or the machine's cores.
  bool variants_in_turn = false;
  std::optional<growth_chart> chart;
  std::optional<bar_chart> bars;
};

const std::vector<lesson>& all();
const lesson* find(std::string_view id);
values defaults(const lesson& l);

// Applies "name=value". Returns why not, or nothing: an unknown name, a
// malformed number or a value out of range (up to cli_max) is refused (the
// command line).
std::optional<std::string> assign(const lesson& l, values& v, std::string_view assignment);
// Puts every value in range; returns a note for each one moved (the app).
std::vector<std::string> clamp(const lesson& l, values& v);

// The figure named `key` (0 when there is none): among figures already
// taken, or of a run.
double figure_of(const std::vector<figure>& figures, std::string_view key);
double figure_of(const scenario_run& run, std::string_view key);

// The texts of a lesson folder, embedded by the build.
std::string_view embedded(std::string_view id, std::string_view kind);  // kind: prose, code, python

}  // namespace loopscope::lessons
