// The command line: exit codes, the JSON contract, the trace file.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "process.hpp"

namespace {

struct result {
  int code;
  std::string out;
  std::string err;
};

// Runs the built binary with `args` (shell-quoted by the caller).
result run_cli(const std::string& args) {
  const std::string err_path = "/tmp/loopscope_cli_test_err_" + std::to_string(::getpid());
  const auto p = loopscope::testing::run_process(std::string(LOOPSCOPE_BINARY) + " " + args + " 2>" + err_path);
  result r{p.code, p.out, {}};
  std::ifstream err(err_path);
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  std::remove(err_path.c_str());
  return r;
}

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("bounded, 10 tasks, limit 3: makespan 4.0") {
    auto r = run_cli("run --strategy bounded --tasks 10 --limit 3 --json");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"makespan_s\": 4.0") != std::string::npos);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["peak_concurrency"] == 3);
  }

  TEST_CASE("the JSON summary has the contract's shape") {
    auto r = run_cli("run --strategy gather --durations 1s,2s,3s,4s,5s --tasks 5 --fail 2 --block 1:200ms --json");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);  // exactly one object: parse would throw on trailing text
    for (const char* key : {"strategy", "clock", "returned_s", "makespan_s", "peak_concurrency", "loop_busy_fraction",
                            "ready_total_s", "longest_slice_s", "warnings", "error", "tasks"})
      CHECK_MESSAGE(j.contains(key), key);
    CHECK(j["strategy"] == "gather");
    CHECK(j["clock"] == "virtual");
    CHECK(j["error"] == "RuntimeError: task 2 failed");
    CHECK(j["returned_s"].get<double>() == doctest::Approx(2.2));
    CHECK(j["makespan_s"].get<double>() == doctest::Approx(5.2));
    CHECK(j["warnings"].size() == 1);
    REQUIRE(j["tasks"].size() == 5);
    for (int i = 0; i < 5; ++i) {
      const auto& t = j["tasks"][i];
      CHECK(t["id"] == i + 1);
      for (const char* key : {"name", "state", "start_s", "end_s", "running_s", "ready_s", "waiting_s"})
        CHECK_MESSAGE(t.contains(key), key);
    }
    CHECK(j["tasks"][1]["state"] == "failed");
    CHECK(j["tasks"][0]["state"] == "done");
  }

  TEST_CASE("a sequential run that stops early reports not_started with null times") {
    auto r = run_cli("run --strategy sequential --fail 2 --json");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["tasks"][2]["state"] == "not_started");
    CHECK(j["tasks"][2]["start_s"].is_null());
    CHECK(j["tasks"][2]["end_s"].is_null());
    CHECK(j["makespan_s"] == 2.0);
  }

  TEST_CASE("a timed-out task fails with TimeoutError, which travels on") {
    auto r = run_cli("run --strategy gather --durations 1s,3s --tasks 2 --timeout 2s --json");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["tasks"][1]["state"] == "failed");
    CHECK(j["tasks"][1]["message"] == "TimeoutError");
    CHECK(j["error"] == "TimeoutError");
    CHECK(j["returned_s"] == 2.0);
  }

  TEST_CASE("the trace file parses as JSON") {
    const std::string path = "/tmp/loopscope_cli_trace_" + std::to_string(::getpid()) + ".json";
    auto r = run_cli("run --strategy bounded --trace " + path + " --json");
    REQUIRE(r.code == 0);
    std::ifstream in(path);
    const auto j = nlohmann::json::parse(in);
    CHECK(j["traceEvents"].size() > 10);
    std::remove(path.c_str());
  }

  TEST_CASE("text output: a summary and lanes fitted to the width") {
    auto r = run_cli("run --strategy gather --block 1:2s --width 60");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("makespan") != std::string::npos);
    CHECK(r.out.find("warning: slow slice") != std::string::npos);
    CHECK(r.out.find("task 5") != std::string::npos);
    std::size_t start = 0;
    while (start < r.out.size()) {
      const auto end = r.out.find('\n', start);
      const auto line = r.out.substr(start, end - start);
      if (line.find(" |") != std::string::npos) CHECK(line.size() <= 60);
      start = end == std::string::npos ? r.out.size() : end + 1;
    }
  }

  TEST_CASE("compare puts strategies on one time axis") {
    auto r = run_cli("compare --strategies sequential,gather --tasks 3 --width 80");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("-- sequential") != std::string::npos);
    CHECK(r.out.find("-- gather") != std::string::npos);
  }

  TEST_CASE("bad input exits 2 with one clear line") {
    const char* bad[] = {
        "run --strategy fastest",
        "run --tasks 0",
        "run --tasks 99999999",
        "run --duration 1",
        "run --duration soon",
        "run --durations 1s,2s --tasks 3",
        "run --fail 9",
        "run --block 1",
        "run --block 7:1s",
        "run --cpu x:1s",
        "run --limit 0",
        "run --clock sundial",
        "run --timeout 0s",
        "run --trace /nonexistent-dir/x.json",
        "run --tasks",
        "run --no-such-flag",
        "fly",
    };
    for (const char* args : bad) {
      auto r = run_cli(args);
      INFO(args << " -> " << r.err);
      CHECK(r.code == 2);
      CHECK(lines(r.err) == 1);
      CHECK(r.err.find("loopscope: error:") == 0);
      CHECK(r.out.empty());
    }
  }

  TEST_CASE("lessons from the command line: list, run, --set, --variant") {
    auto r = run_cli("list");
    REQUIRE(r.code == 0);
    for (const char* id : {"await", "sequential", "gather", "semaphore", "blocking", "cpu", "errors", "timeouts"})
      CHECK(r.out.find(id) != std::string::npos);

    r = run_cli("run --lesson semaphore --set requests=20 --set limit=4 --json");
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["lesson"] == "semaphore");
    CHECK(j["params"]["limit"] == 4.0);
    REQUIRE(j["variants"].size() == 2);
    CHECK(j["variants"][1]["strategy"] == "bounded");
    CHECK(j["variants"][1]["makespan_s"] == 2.5);  // ceil(20/4) x 0.5 s
    CHECK(j["variants"][1]["peak_concurrency"] == 4);
    CHECK(j["prediction"]["answer"] == 2.5);

    r = run_cli("run --lesson gather --variant gather --json");
    REQUIRE(r.code == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["strategy"] == "gather");
    CHECK(j["tasks"].size() == 8);

    r = run_cli("run --lesson sequential --width 70");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("answer: 2.2 s") != std::string::npos);  // 400 ms x (1 + 1.5 + 0.5 + 1 + 1.5)
  }

  TEST_CASE("lesson input errors exit 2 with one line") {
    for (const char* args :
         {"run --lesson nosuch", "run --lesson semaphore --set limit=500", "run --lesson semaphore --set speed=2",
          "run --lesson semaphore --set limit=many", "run --lesson semaphore --variant fastest",
          "run --lesson gather --tasks 3", "run --set limit=2"}) {
      auto r = run_cli(args);
      INFO(args << " -> " << r.err);
      CHECK(r.code == 2);
      CHECK(lines(r.err) == 1);
    }
  }

  TEST_CASE("--help describes every flag") {
    auto r = run_cli("run --help");
    CHECK(r.code == 0);
    for (const char* flag : {"--strategy", "--tasks", "--duration", "--durations", "--limit", "--block", "--cpu",
                             "--fail", "--timeout", "--clock", "--json", "--trace"})
      CHECK_MESSAGE(r.out.find(flag) != std::string::npos, flag);
  }

  TEST_CASE("Ctrl-C cancels every task and still prints the summary") {
    const std::string cmd = "sh -c 'exec timeout --preserve-status -s INT 1 " + std::string(LOOPSCOPE_BINARY) +
                            " run --strategy gather --duration 10s --clock real --json'";
    const std::string out_path = "/tmp/loopscope_cli_int_" + std::to_string(::getpid());
    const int status = std::system((cmd + " >" + out_path + " 2>/dev/null").c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    std::ifstream in(out_path);
    const auto j = nlohmann::json::parse(in);
    CHECK(j["error"] == "CancelledError");
    for (const auto& t : j["tasks"]) CHECK(t["state"] == "cancelled");
    CHECK(j["makespan_s"].get<double>() < 5.0);
    std::remove(out_path.c_str());
  }

  TEST_CASE("the real clock from the command line") {
    auto r = run_cli("run --strategy gather --tasks 3 --duration 50ms --clock real --json");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["clock"] == "real");
    CHECK(j["makespan_s"].get<double>() >= 0.05);
    CHECK(j["makespan_s"].get<double>() < 0.5);
  }
}
