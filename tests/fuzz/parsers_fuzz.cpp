// libFuzzer: the parsers of what people type. One input is read every way
// the command line reads text: as a duration, as a list of durations, as
// the value of every lesson parameter (--set), and, split at newlines, as
// the flags of `loopscope run`. Each must refuse it cleanly, or give a value
// that keeps every promise (in range, finite, read back as written).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/cli/flags.hpp"
#include "core/duration.hpp"
#include "lessons/lesson.hpp"

namespace {

using namespace loopscope;

// A promise broken: a crash libFuzzer reports, with the input that did it.
void expect(bool promise) {
  if (!promise) std::abort();
}

void durations(const std::string& text) {
  if (const auto d = parse_duration(text)) {
    expect(*d >= 0 && *d <= max_duration);
    expect(parse_duration(duration_text(*d)) == *d);
  } else {
    expect(!duration_hint(text).empty());
  }
  std::string bad;
  if (const auto list = parse_duration_list(text, bad))
    for (const nanos d : *list) expect(d >= 0 && d <= max_duration);
}

void lesson_values(const std::string& text) {
  for (const auto& l : lessons::all())
    for (const auto& p : l.params) {
      auto v = lessons::defaults(l);
      if (lessons::assign(l, v, p.name + "=" + text)) {
        expect(v[p.name] == p.value);  // refused: nothing changed
        continue;
      }
      const double x = v[p.name];
      expect(std::isfinite(x) && x >= p.min && x <= std::max(p.max, p.cli_max));
    }
}

// `loopscope run` with these flags, as far as reading them goes.
void run_flags(const std::string& text) {
  std::vector<std::string> args{"loopscope", "run"};
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = text.find('\n', start);
    args.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());

  CLI::App app;
  cli::workload_flags flags;
  std::string strategies;
  auto* run = app.add_subcommand("run");
  flags.add_to(*run);
  run->add_option("--strategies", strategies);
  cli::refuse_loose_values(app);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    if (!strategies.empty()) expect(!cli::strategies_flag("--strategies", strategies).empty());
    clock_kind clock{};
    const workload w = flags.build(clock);
    expect(!w.invalid());
    expect(w.tasks >= 1 && w.tasks <= workload::max_tasks);
    expect(w.durations.empty() || w.durations.size() == static_cast<std::size_t>(w.tasks));
    for (const nanos d : w.durations) expect(d >= 0 && d <= max_duration);
    for (const auto* per_task : {&w.block, &w.cpu})
      for (const auto& [task, d] : *per_task) expect(task >= 1 && task <= w.tasks && d >= 0 && d <= max_duration);
    expect(!w.timeout || (*w.timeout > 0 && *w.timeout <= max_duration));
  } catch (const cli::usage_error&) {
  } catch (const CLI::ParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  durations(text);
  lesson_values(text);
  run_flags(text);
  return 0;
}
