// loopscope list, loopscope run --lesson ID: the lessons, headless.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "app/cli/output.hpp"
#include "app/paths.hpp"
#include "app/traced_script.hpp"
#include "core/agreement.hpp"
#include "core/chrome_trace.hpp"
#include "core/report.hpp"
#include "lessons/runner.hpp"

namespace loopscope::cli {

command add_list(CLI::App& app) {
  auto* list = app.add_subcommand("list", "List the lessons with a line on each");
  return {list, [] {
            for (const auto& l : lessons::all())
              std::printf("%2d  %-12s %s\n      %s\n", l.number, l.id.c_str(), l.title.c_str(), l.summary.c_str());
            std::printf("\nRun one headless:  loopscope run --lesson ID|NUMBER [--set NAME=VALUE]... [--json]\n");
            return 0;
          }};
}

namespace {

// Each variant's Python twin (lessons/NN_id/lesson.py), traced on the
// virtual clock with the same parameters, against the variant's engine
// run. Throws when the twin cannot be run.
std::vector<agreement> against_cpython(const lessons::lesson& l, const lessons::values& values,
                                       const lessons::lesson_run& done) {
  if (const auto problem = python_problem("python3")) throw std::runtime_error(*problem);
  std::vector<agreement> out;
  for (std::size_t i = 0; i < done.runs.size(); ++i) {
    const agreement_options options = options_for(*done.runs[i], done.metrics[i]);
    trace_request r = twin_request(l, l.variants[i].name, values);
    r.step_time = !options.check_order;  // a twin that computes nothing is exact however busy the machine is
    // A twin that computes measures this machine, and a busy machine
    // stretches its times: it gets three tries to run undisturbed.
    for (int tries = 1;; ++tries) {
      const traced_script t = trace_script(r, was_interrupted);
      if (was_interrupted()) return out;
      if (!t.run->ending() || t.run->ending()->code != 0)
        throw std::runtime_error("the Python twin of '" + l.variants[i].name + "' failed (exit status " +
                                 std::to_string(t.status) + "; its messages are above)");
      const run_metrics m = compute_metrics(t.run->trace(), t.run->now());
      agreement a = compare_runs(*done.runs[i], done.metrics[i], *t.run, m, options);
      if (a.agrees() || options.check_order || tries == 3) {
        out.push_back(std::move(a));
        break;
      }
    }
  }
  return out;
}

}  // namespace

int run_lesson(const lesson_request& r) {
  const lessons::lesson* l = lessons::find(r.id);
  if (l == nullptr) throw usage_error("--lesson: there is no lesson '" + r.id + "' (loopscope list shows them)");
  lessons::values values = lessons::defaults(*l);
  for (const auto& s : r.sets)
    if (auto why = lessons::assign(*l, values, s)) throw usage_error("--set: " + *why);
  if (r.cpython && l->real_clock_only)
    throw usage_error("--cpython: lesson '" + l->id + "' runs on the real clock only; its twin is not compared");
  if (!r.variant.empty() && l->find_variant(r.variant) == nullptr) {
    std::string names;
    for (const auto& v : l->variants) names.append(names.empty() ? "" : ", ").append(v.name);
    throw usage_error("--variant: lesson '" + l->id + "' has no variant '" + r.variant + "' (it has: " + names + ")");
  }
  std::ofstream trace_file;
  if (!r.trace_path.empty()) trace_file = open_output("--trace", r.trace_path);

  // Every variant runs: the prediction's answer is computed from all of them.
  const auto done = lessons::run_lesson(*l, values, {}, drive);
  auto shown = [&](std::size_t i) { return r.variant.empty() || done.runs[i]->variant() == r.variant; };

  std::vector<trace_source> sources;
  for (const auto& run : done.runs) sources.push_back({run->variant(), &run->trace(), run->now()});
  if (const int failed = write_trace(trace_file, r.trace_path, sources)) return failed;
  std::vector<agreement> cpython;
  if (r.cpython) cpython = against_cpython(*l, values, done);
  bool differs = false;
  for (const auto& a : cpython) differs = differs || !a.agrees();
  // 1 when CPython does not agree: one of the two is wrong.
  auto status = [&] {
    if (const int s = finish_status()) return s;
    if (differs) std::cerr << "loopscope: failed: CPython does not agree with the engine\n";
    return differs ? exit_failed : 0;
  };
  auto cpython_json = [&](std::size_t i) {
    return nlohmann::json{
        {"agrees", cpython[i].agrees()}, {"badge", cpython[i].badge()}, {"differences", cpython[i].differences}};
  };
  if (r.json) {
    if (!r.variant.empty()) {
      for (std::size_t i = 0; i < done.runs.size(); ++i) {
        if (!shown(i)) continue;
        auto j = nlohmann::json::parse(summary_json(*done.runs[i], done.metrics[i], std::nullopt));
        if (i < cpython.size()) j["cpython"] = cpython_json(i);
        std::cout << j.dump(2) << "\n";
      }
      return status();
    }
    nlohmann::json j;
    j["lesson"] = l->id;
    j["title"] = l->title;
    j["params"] = values;
    j["prediction"] = {{"question", l->predict.text},
                       {"answer", done.answer ? nlohmann::json(*done.answer) : nlohmann::json()},
                       {"unit", l->predict.unit}};
    if (!done.answer) j["prediction"]["none"] = l->predict.none;
    if (!l->predict.choices.empty()) j["prediction"]["choices"] = l->predict.choices;
    j["variants"] = nlohmann::json::array();
    for (std::size_t i = 0; i < done.runs.size(); ++i) {
      j["variants"].push_back(nlohmann::json::parse(summary_json(*done.runs[i], done.metrics[i], std::nullopt)));
      if (i < cpython.size()) j["variants"].back()["cpython"] = cpython_json(i);
    }
    std::cout << j.dump(2) << "\n";
    return status();
  }
  std::cout << "Lesson " << l->number << ": " << l->title << "\n  " << l->predict.text << "\n  answer: ";
  if (!done.answer)
    std::cout << l->predict.none << "\n\n";
  else if (l->predict.choices.empty())
    std::printf("%.3g %s\n\n", *done.answer, l->predict.unit.c_str());
  else
    std::cout << l->predict.choices[static_cast<std::size_t>(*done.answer)] << "\n\n";
  nanos t_end = 0;
  std::vector<ascii_variant> lanes;
  for (std::size_t i = 0; i < done.runs.size(); ++i) {
    if (!shown(i)) continue;
    print_summary(std::cout, *done.runs[i], done.metrics[i], std::nullopt);
    if (i < cpython.size()) std::cout << "  " << cpython[i].badge() << "\n";
    t_end = std::max(t_end, done.metrics[i].window);
    lanes.push_back(lanes_of(*done.runs[i], done.metrics[i]));
  }
  std::cout << "\n" << ascii_timeline(lanes, t_end, r.width > 0 ? r.width : terminal_width()) << ascii_legend();
  return status();
}

}  // namespace loopscope::cli
