// loopscope list, loopscope run --lesson ID: the lessons, headless.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "app/cli/output.hpp"
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

int run_lesson(const lesson_request& r) {
  const lessons::lesson* l = lessons::find(r.id);
  if (l == nullptr) throw usage_error("--lesson: there is no lesson '" + r.id + "' (loopscope list shows them)");
  lessons::values values = lessons::defaults(*l);
  for (const auto& s : r.sets)
    if (auto why = lessons::assign(*l, values, s)) throw usage_error("--set: " + *why);
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
  if (r.json) {
    if (!r.variant.empty()) {
      for (std::size_t i = 0; i < done.runs.size(); ++i)
        if (shown(i)) std::cout << summary_json(*done.runs[i], done.metrics[i], std::nullopt) << "\n";
      return finish_status();
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
    for (std::size_t i = 0; i < done.runs.size(); ++i)
      j["variants"].push_back(nlohmann::json::parse(summary_json(*done.runs[i], done.metrics[i], std::nullopt)));
    std::cout << j.dump(2) << "\n";
    return finish_status();
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
    t_end = std::max(t_end, done.metrics[i].window);
    lanes.push_back(lanes_of(*done.runs[i], done.metrics[i]));
  }
  std::cout << "\n" << ascii_timeline(lanes, t_end, r.width > 0 ? r.width : terminal_width()) << ascii_legend();
  return finish_status();
}

}  // namespace loopscope::cli
