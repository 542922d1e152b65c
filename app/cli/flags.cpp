#include "app/cli/flags.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>

#include "app/cli/ascii_timeline.hpp"
#include "core/duration.hpp"

namespace loopscope::cli {

namespace {

// A whole number as people type it, or nothing: decimal digits after an
// optional minus, and the whole text is the number.
std::optional<long long> whole_number(std::string_view text) {
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::string in_quotes(std::string_view text) { return std::string("'").append(text).append("'"); }

void refuse_loose_values_of(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_type_size() == 0) continue;  // a flag: it takes no value
    const bool integer = opt->get_type_name() == "INT";
    // A transform: a whole number is passed on as the digits it is, since
    // CLI11 would read "010" as octal.
    opt->transform(CLI::Validator(
        [integer](std::string& v) -> std::string {
          if (v.empty()) return "an empty value; give one, or leave the flag out";
          if (!integer) return {};
          const auto n = whole_number(v);
          if (!n) return in_quotes(v) + " is not a whole number";
          if (*n < INT_MIN || *n > INT_MAX) return in_quotes(v) + " is out of range";
          v = std::to_string(*n);
          return {};
        },
        ""));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) refuse_loose_values_of(*sub);
}

}  // namespace

void refuse_loose_values(CLI::App& app) { refuse_loose_values_of(app); }

CLI::Option* add_width(CLI::App& app, int& width) {
  return app.add_option("--width", width, "Columns for the text timeline (default: the terminal's)")
      ->check(CLI::Range(min_columns, max_columns));
}

std::vector<std::string> list_flag(const std::string& flag, const std::string& text) {
  std::vector<std::string> items;
  for (std::size_t start = 0;;) {
    const auto comma = text.find(',', start);
    items.push_back(text.substr(start, comma - start));
    if (items.back().empty()) throw usage_error(flag + ": an empty item in " + in_quotes(text));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

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

std::vector<strategy> strategies_flag(const std::string& flag, const std::string& names) {
  std::vector<strategy> out;
  for (const auto& n : list_flag(flag, names)) out.push_back(strategy_flag(flag, n));
  return out;
}

std::string flag_of(const field_error& e) { return "--" + e.field; }

namespace {

int task_number(const std::string& flag, const std::string& text) {
  const auto n = whole_number(text);
  if (!n || *n < INT_MIN || *n > INT_MAX) throw usage_error(flag + ": " + in_quotes(text) + " is not a task number");
  return static_cast<int>(*n);
}

// "I:D" as --block and --cpu take it. A task named twice spends the sum,
// which is held to the cap of one duration.
std::map<int, nanos> task_durations(const std::string& flag, const std::vector<std::string>& items) {
  std::map<int, nanos> out;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    if (colon == std::string::npos)
      throw usage_error(flag + ": " + in_quotes(item) + " should be TASK:DURATION, e.g. " + flag + " 1:2s");
    const int task = task_number(flag, item.substr(0, colon));
    nanos& total = out[task];
    total += duration_flag(flag, item.substr(colon + 1));
    if (total > max_duration)
      throw usage_error(flag + ": task " + std::to_string(task) + " is given " + duration_text(total) +
                        " in all; at most 1 hour");
  }
  return out;
}

std::vector<nanos> duration_list(const std::string& flag, const std::string& text) {
  std::vector<nanos> out;
  for (const auto& item : list_flag(flag, text)) {
    // Spaces around an item are fine: "1s, 2s".
    const auto first = item.find_first_not_of(' '), last = item.find_last_not_of(' ');
    out.push_back(duration_flag(flag, first == std::string::npos ? item : item.substr(first, last - first + 1)));
  }
  return out;
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
  auto refuse = [&] { return usage_error(flag + ": cannot write " + in_quotes(path) + ": " + std::strerror(errno)); };
  errno = 0;
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw refuse();
  // A byte that reaches the file, or the device, says the rest can. A
  // leading newline is harmless JSON where it cannot be taken back.
  out << '\n' << std::flush;
  if (!out) throw refuse();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    out.close();
    out.open(path, std::ios::trunc);
    if (!out) throw refuse();
  }
  return out;
}

}  // namespace loopscope::cli
