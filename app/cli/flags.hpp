// What every command shares when it reads its flags: the workload flags of
// `run`, `compare` and the window, strategies, durations, output files, and
// how a bad value is refused (exit 2, one line).
#pragma once

#include <CLI/CLI.hpp>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/sandbox.hpp"

namespace loopscope::cli {

constexpr int exit_failed = 1;
constexpr int exit_bad_input = 2;
constexpr int exit_interrupted = 130;

// Bad input: cli_main prints "loopscope: error: WHAT" and exits 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every value given on the command line must be one: an empty value is
// refused, not read as "not given", and a whole number is decimal digits
// with an optional minus (no spaces, no 0x, no exponent). Applies to every
// option of `app` and of its commands: call it once they all exist.
void refuse_loose_values(CLI::App& app);

// --width: the text timeline's columns (ascii_timeline's limits).
CLI::Option* add_width(CLI::App& app, int& width);

nanos duration_flag(const std::string& flag, const std::string& text);

// A comma-separated list in which every item is given ("a,,b" is refused).
std::vector<std::string> list_flag(const std::string& flag, const std::string& text);

// A strategy by name; the message lists the names there are.
strategy strategy_flag(const std::string& flag, const std::string& name);
// A comma-separated list of them.
std::vector<strategy> strategies_flag(const std::string& flag, const std::string& names);

// The flag a field of the workload is set with ("tasks" -> "--tasks").
std::string flag_of(const field_error& e);

// Every workload flag, shared by `run`, `compare` and the window.
struct workload_flags {
  int tasks = 5;
  std::string duration = "1s";
  std::string durations;
  int limit = 2;
  std::vector<std::string> block, cpu;
  std::vector<int> fail;
  std::string timeout;
  std::string clock = "virtual";

  void add_to(CLI::App& app);
  CLI::Option* tasks_option = nullptr;  // was --tasks given, or does --durations count them
  // The first of them given on this command line, or empty.
  std::string first_given(const CLI::App& app) const;
  // The workload they describe; throws usage_error naming the flag.
  workload build(clock_kind& clock_out) const;
};

// Fails before the run, not after it, when the file cannot be written: it
// is opened, and a byte is written and flushed (a full disk or /dev/full
// refuses it) and then taken back.
std::ofstream open_output(const std::string& flag, const std::string& path);

}  // namespace loopscope::cli
