// Running a command for a test: its exit status and what it printed.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace loopscope::testing {

struct process_result {
  int code;  // the exit status, or -1 when it did not exit normally
  std::string out;
};

// Runs `cmd` through the shell and collects its standard output.
inline process_result run_process(const std::string& cmd) {
  process_result r{};
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace loopscope::testing
