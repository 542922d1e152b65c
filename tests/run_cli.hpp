// Running the built binary for a test: its exit status and what it wrote,
// refused input, and Ctrl-C. The command-line suites share it.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "process.hpp"

namespace loopscope::testing {

struct result {
  int code;
  std::string out;
  std::string err;
};

// Runs the built binary with `args` (shell-quoted by the caller), after
// `setup` (shell commands: limits, variables) when given.
inline result run_cli(const std::string& args, const std::string& setup = "") {
  const std::string err_path = "/tmp/loopscope_cli_test_err_" + std::to_string(::getpid());
  const std::string cmd = std::string(LOOPSCOPE_BINARY) + " " + args + " 2>" + err_path;
  const auto p = loopscope::testing::run_process(setup.empty() ? cmd : "bash -c '" + setup + "; exec " + cmd + "'");
  result r{p.code, p.out, {}};
  std::ifstream err(err_path);
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  std::remove(err_path.c_str());
  return r;
}

inline int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Bad input: exit 2, one line on stderr, nothing on stdout, at once (the
// bound is generous: sanitizers on a loaded machine).
inline void refused(const std::string& args) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_cli(args);
  INFO(args << " -> " << r.err);
  CHECK(r.code == 2);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("loopscope: error:") == 0);
  CHECK(r.out.empty());
  CHECK(seconds_since(t0) < 5.0);
}

// Starts the binary with `args` in the background, sends SIGINT after
// `after` seconds, and reports the exit status and how long the process
// took to end after the signal. Its stdout is returned in `out`.
struct interrupted_run {
  int code = -1;
  double stop_s = 0;  // from the signal to the exit
  std::string out;
};
// A sanitized binary can take seconds to reach main() on a loaded machine,
// and a Ctrl-C sent before then is lost (a background job ignores SIGINT
// until the program takes it).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr const char* started_after = "4";
inline constexpr const char* serving_after = "5";
#else
inline constexpr const char* started_after = "1";
inline constexpr const char* serving_after = "1.5";
#endif

inline interrupted_run interrupt_after(const std::string& args, const char* after) {
  const std::string out_path = "/tmp/loopscope_cli_int_" + std::to_string(::getpid());
  const auto r = loopscope::testing::run_process(
      std::string("bash -c '") + LOOPSCOPE_BINARY + " " + args + " >" + out_path + " 2>/dev/null & p=$!; sleep " +
      after + "; t0=$(date +%s%N); kill -INT $p; wait $p; rc=$?; echo $rc $(( ($(date +%s%N) - t0) / 1000000 ))'");
  interrupted_run run;
  std::istringstream(r.out) >> run.code >> run.stop_s;
  run.stop_s /= 1000;
  std::ifstream in(out_path);
  run.out.assign(std::istreambuf_iterator<char>(in), {});
  std::remove(out_path.c_str());
  return run;
}

}  // namespace loopscope::testing
