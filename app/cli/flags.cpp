#include "app/cli/flags.hpp"

#include <cerrno>
#include <cstring>

#include "core/duration.hpp"

namespace loopscope::cli {

nanos duration_flag(const std::string& flag, const std::string& text) {
  if (auto d = parse_duration(text)) return *d;
  throw usage_error(flag + ": " + duration_hint(text));
}

strategy strategy_flag(const std::string& flag, const std::string& name) {
  if (auto s = parse_strategy(name)) return *s;
  std::string names;
  for (strategy s : all_strategies()) names += (names.empty() ? "" : ", ") + std::string(to_string(s));
  throw usage_error(flag + ": '" + name + "' is not a strategy; use one of " + names);
}

std::vector<strategy> strategies_flag(const std::string& flag, const std::vector<std::string>& names) {
  std::vector<strategy> out;
  for (const auto& n : names) out.push_back(strategy_flag(flag, n));
  if (out.empty()) throw usage_error(flag + ": name at least one strategy");
  return out;
}

std::string flag_of(const field_error& e) { return "--" + e.field; }

namespace {

int task_number(const std::string& flag, const std::string& text) {
  try {
    std::size_t used = 0;
    const int i = std::stoi(text, &used);
    if (used == text.size()) return i;
  } catch (const std::exception&) {
  }
  throw usage_error(flag + ": '" + text + "' is not a task number");
}

// "I:D" as --block and --cpu take it.
std::map<int, nanos> task_durations(const std::string& flag, const std::vector<std::string>& items) {
  std::map<int, nanos> out;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw usage_error(flag + ": '" + item + "' should be TASK:DURATION, e.g. " + flag + " 1:2s");
    out[task_number(flag, item.substr(0, colon))] += duration_flag(flag, item.substr(colon + 1));
  }
  return out;
}

std::vector<nanos> duration_list(const std::string& flag, const std::string& text) {
  std::string bad;
  auto out = parse_duration_list(text, bad);
  if (!out) throw usage_error(flag + ": " + duration_hint(bad));
  if (out->empty()) throw usage_error(flag + ": give at least one duration, e.g. 1s,2s,3s");
  return *out;
}

constexpr const char* workload_flag_names[] = {"--tasks", "--duration", "--durations", "--limit", "--block",
                                               "--cpu",   "--fail",     "--timeout",   "--clock"};

}  // namespace

void workload_flags::add_to(CLI::App& app) {
  tasks_option =
      app.add_option("--tasks", tasks, "Number of tasks, numbered 1..N (default 5, or as many as --durations lists)")
          ->capture_default_str();
  auto* d = app.add_option("--duration", duration, "How long each task awaits sleep(), e.g. 250ms, 1s, 1.5s, 40us")
                ->capture_default_str();
  auto* ds = app.add_option("--durations", durations, "One duration per task, comma-separated: 1s,2s,3s");
  d->excludes(ds);
  app.add_option("--limit", limit, "Semaphore permits for the bounded strategy")->capture_default_str();
  app.add_option("--block", block, "TASK:DURATION — the task calls a blocking sleep first (holds the loop)")
      ->take_all();
  app.add_option("--cpu", cpu, "TASK:DURATION — the task burns CPU on the loop first")->take_all();
  app.add_option("--fail", fail, "TASK — the task raises after its sleep")->take_all();
  app.add_option("--timeout", timeout, "wait_for around each task's body, counted from when the body starts");
  app.add_option("--clock", clock, "virtual (exact, instant) or real (steady_clock, really waits)")
      ->capture_default_str();
}

std::string workload_flags::first_given(const CLI::App& app) const {
  for (const char* f : workload_flag_names)
    if (app.count(f) > 0) return f;
  return {};
}

workload workload_flags::build(clock_kind& clock_out) const {
  if (clock != "virtual" && clock != "real")
    throw usage_error("--clock: '" + clock + "' is not a clock; use virtual or real");
  clock_out = clock == "real" ? clock_kind::real_clock : clock_kind::virtual_clock;
  workload w;
  w.tasks = tasks;
  w.limit = limit;
  w.duration = duration_flag("--duration", duration);
  if (!durations.empty()) {
    w.durations = duration_list("--durations", durations);
    // A list of durations says how many tasks there are; --tasks, if given
    // as well, must agree (invalid() says so).
    if (tasks_option == nullptr || tasks_option->count() == 0) w.tasks = static_cast<int>(w.durations.size());
  }
  w.block = task_durations("--block", block);
  w.cpu = task_durations("--cpu", cpu);
  w.fail = std::set<int>(fail.begin(), fail.end());
  if (!timeout.empty()) w.timeout = duration_flag("--timeout", timeout);
  if (auto why = w.invalid()) throw usage_error(flag_of(*why) + " " + why->message);
  return w;
}

std::ofstream open_output(const std::string& flag, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw usage_error(flag + ": cannot write '" + path + "': " + std::strerror(errno));
  return out;
}

}  // namespace loopscope::cli
