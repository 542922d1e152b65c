// A lesson: its parameters, its variants (each a scenario on a loop of its
// own), the question a learner answers before the run, and its texts — the
// prose, the scenario's own code and its asyncio equivalent, embedded at
// build time from the lesson's folder.
//
// A lesson is one folder, lessons/NN_id/, whose lesson.cpp defines
// `lesson lesson_<id>()`; the build finds the folders and registers them in
// the order of their numbers. Nothing outside the folder names it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/loop_options.hpp"
#include "core/metrics.hpp"
#include "core/sandbox.hpp"
#include "core/scenario.hpp"

namespace loopscope::lessons {

struct param {
  std::string name;   // as --set takes it: tasks=20
  std::string label;  // as a slider shows it
  double min, max, value;
  std::string unit;  // "ms", "tasks", ...
  std::string help;
  // The command line may go further than a slider (0: as far as max).
  double cli_max = 0;
};

using values = std::map<std::string, double, std::less<>>;

// How a variant's run is made.
struct run_setup {
  std::string variant;  // the name the run carries: the variant's (make_run sets it)
  loop_options loop;
  // Watched as it happens (the window): a server keeps listening after its
  // load, for curl and wrk.
  bool live = false;
};

struct variant {
  std::string name;  // "gather", "blocking driver": what --variant takes
  std::function<std::unique_ptr<scenario_run>(const values&, const run_setup&)> make;
};

struct lesson;
// Makes one variant's run, with the lesson's shown code mapped onto it.
std::unique_ptr<scenario_run> make_run(const lesson& l, const variant& v, const values& values, run_setup setup = {});

// The runs of a lesson's variants, looked up by variant name, as a
// question's answer reads them.
class outcomes {
 public:
  void add(const scenario_run& run, const run_metrics& metrics) { entries_.push_back({&run, &metrics}); }
  // Both throw std::out_of_range naming the variant when there is none.
  const scenario_run& run(std::string_view variant) const;
  const run_metrics& metrics(std::string_view variant) const;
  double makespan_s(std::string_view variant) const;
  double returned_s(std::string_view variant) const;
  double figure(std::string_view variant, std::string_view key) const;

 private:
  struct entry {
    const scenario_run* run;
    const run_metrics* metrics;
  };
  const entry& find(std::string_view variant) const;
  std::vector<entry> entries_;
};

struct question {
  std::string text;
  std::string unit;                  // of a number answer ("s")
  std::vector<std::string> choices;  // empty: the answer is a number
  // Computed from the runs, never typed in: a number, or a choice's index;
  // nothing when the run did not do what the question asks about.
  std::function<std::optional<double>(const outcomes&)> answer;
  std::string none;  // what to say then: "no TimeoutError in this run: ..."
  // Why the answer is what it is, in a sentence or two read from the same
  // runs: the window's feedback after a guess.
  std::function<std::string(const outcomes&)> why;
};

// For the sentences of `why`: the task lanes' figures of a variant.
std::vector<const lane_stats*> task_stats(const outcomes& o, std::string_view variant);
// "2.2 s", "800 ms".
std::string said(nanos d);

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
  int number = 0;  // from the folder: lessons/03_gather is lesson 3,
  std::string id;  // "gather" (loopscope --lesson ID)
  std::string title;
  std::string summary;  // one line for `loopscope list`
  std::vector<param> params;
  std::vector<variant> variants;
  question predict;
  std::string_view prose, code, python;  // embedded
  std::string_view code_file;            // where the shown code is, from the source tree's root
  int code_first_line = 0;               // the line of that file it starts on
  // Real clock only: the point is that the numbers are this machine's.
  bool real_clock_only = false;
  // Variants run one after another, not at once: each measures the whole
  // process (its memory, its threads) or the machine's cores.
  bool variants_in_turn = false;
  // The variant the window runs the Python twin of, beside the engine's
  // (front matter `twin:`; empty: the last variant).
  std::string twin;
  // The variant the others' speedups are measured against ("sequential"),
  // where speed is the question; empty: no speedup column.
  std::string speedup_against;
  // The same work in the sandbox ("Open the sandbox" carries it there),
  // for the lessons whose work the sandbox can express.
  struct in_sandbox {
    workload work;
    std::vector<strategy> strategies;
  };
  std::function<in_sandbox(const values&)> sandbox;
  std::optional<growth_chart> chart;
  std::optional<bar_chart> bars;

  const variant* find_variant(std::string_view name) const;
  std::vector<std::string> variant_names() const;
};

// Every lesson, in the order of their folders' numbers.
const std::vector<lesson>& all();
// By id ("gather") or by number ("3"), as `loopscope list` prints them.
const lesson* find(std::string_view id_or_number);
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

// Durations a slider gives in milliseconds, as the scenario takes them.
std::chrono::nanoseconds ms(double v);

}  // namespace loopscope::lessons
