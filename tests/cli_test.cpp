// The command line: exit codes, the JSON contract, the trace file.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "lessons/lesson.hpp"
#include "process.hpp"
#include "run_cli.hpp"

using namespace loopscope::testing;

TEST_SUITE("cli") {
  TEST_CASE("the app takes 2 MiB pages from mimalloc, unless the user says otherwise") {
    // mimalloc says what it took with MIMALLOC_VERBOSE=1; a build without
    // it (under the sanitizers) says nothing, and there is nothing to check.
    const auto asked = run_cli("--version", "unset MIMALLOC_LARGE_OS_PAGES; export MIMALLOC_VERBOSE=1");
    CHECK(asked.code == 0);
    if (asked.err.find("mimalloc:") == std::string::npos) return;
    INFO(asked.err);
    CHECK(asked.err.find("option 'large_os_pages': 1") != std::string::npos);
    const auto told = run_cli("--version", "export MIMALLOC_LARGE_OS_PAGES=0 MIMALLOC_VERBOSE=1");
    INFO(told.err);
    CHECK(told.code == 0);
    CHECK(told.err.find("option 'large_os_pages': 0") != std::string::npos);
    CHECK(told.err.find("option 'large_os_pages': 1") == std::string::npos);
  }

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
        // an empty value is refused, not read as "not given"
        "run --lesson ''",
        "--lesson ''",
        "serve --port ''",
        "serve --delay ''",
        "run --durations ''",
        "run --timeout ''",
        "run --width ''",
        "run --trace ''",
        "run --tasks ''",
        "--size ''",
        "--theme ''",
        "compare --strategies ''",
        // numbers as people type them, nothing looser
        "run --tasks ' 5'",
        "run --tasks '5 '",
        "run --tasks 0x10",
        "run --tasks 1e3",
        "run --tasks +5",
        "run --tasks 5.0",
        "run --tasks 99999999999999999999",
        "run --fail ' 2'",
        "serve --port ' 8000'",
        "serve --pool 0x4",
        "run --block ' 1:1s'",
        "run --block '1 :1s'",
        "run --block 0x1:1s",
        "run --block ':1s'",
        "compare --strategies gather,,bounded",
        "compare --strategies ,gather",
        "compare --strategies gather,",
        "--strategies gather,,bounded",
        "run --durations 1s,,2s",
        "run --durations 1s,2s,",
        "--size 1280x800junk",
        "--size ' 1280x800'",
        "--size 1280x",
        "--size x800",
        "--size 1280x-800",
        "--size 100x100",
        // what follows -- is not read, and a command's flags go after it
        "run -- --tasks 7",
        "run --tasks 3 -- --tasks 7",
        "--tasks 7 run",
        // every limit, summed ones too
        "run --block 1:3600s --block 1:3600s",
        "run --cpu 2:1800s --cpu 2:1801s",
        "run --width 2147483647",
        "run --width 5",
        "compare --width 100000",
        "run --lesson gather --width 2147483647",
        // a trace that cannot be written is found out before the run
        "run --trace /dev/full",
        "compare --trace /dev/full",
        "run --lesson gather --trace /dev/full",
        "run --lesson gather --trace /nonexistent-dir/x.json",
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
    for (const char* args : bad) refused(args);
  }

  TEST_CASE("--set refuses what is not a finite number, for every parameter of every lesson") {
    // From the command line: each parameter once, and the three that hung,
    // aborted or spun with NaN with each spelling.
    for (const auto& l : loopscope::lessons::all())
      for (const auto& p : l.params) refused("run --lesson " + l.id + " --set " + p.name + "=nan");
    for (const char* value : {"nan", "-nan", "inf", "-inf", "NaN", "infinity"})
      for (const char* set :
           {"--lesson threads --set units=", "--lesson threads --set wait=", "--lesson cpu --set chunk="})
        refused(std::string("run ") + set + value);
    // The parser itself, every spelling from_chars takes.
    for (const auto& l : loopscope::lessons::all())
      for (const auto& p : l.params)
        for (const char* value :
             {"nan", "-nan", "NAN", "nan(1)", "inf", "-inf", "INF", "infinity", "1e999", "-1e999"}) {
          auto v = loopscope::lessons::defaults(l);
          const auto why = loopscope::lessons::assign(l, v, p.name + "=" + value);
          INFO(l.id << " " << p.name << "=" << value);
          CHECK(why.has_value());
          CHECK(v[p.name] == p.value);
        }
    // The window's sliders: a NaN is put back to the default, not kept.
    for (const auto& l : loopscope::lessons::all()) {
      auto v = loopscope::lessons::defaults(l);
      for (const auto& p : l.params) v[p.name] = std::nan("");
      CHECK(loopscope::lessons::clamp(l, v).size() == l.params.size());
      for (const auto& p : l.params) CHECK(v[p.name] == p.value);
    }
  }

  TEST_CASE("a whole number given as digits is read as such, and --durations may have spaces after its commas") {
    auto r = run_cli("run --tasks 010 --limit 03 --json");
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["tasks"].size() == 10);  // not octal
    r = run_cli("run --durations '1s, 2s' --json");
    REQUIRE(r.code == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["makespan_s"] == 2.0);
    r = run_cli("run --block 1:1800s --block 1:1800s --json");  // a sum of exactly an hour is allowed
    REQUIRE(r.code == 0);
    CHECK(nlohmann::json::parse(r.out)["longest_slice_s"] == 3600.0);
  }

  TEST_CASE("a trace whose writing fails after the run is reported, and exits 1") {
    // The file takes its first byte (the check before the run) but not the
    // trace: a file size limit, with SIGXFSZ ignored, fails the write.
    const std::string path = "/tmp/loopscope_cli_small_" + std::to_string(::getpid()) + ".json";
    for (const std::string cmd : {"run --tasks 50", "compare --tasks 50", "run --lesson gather"}) {
      const auto r = run_cli(cmd + " --trace " + path, "trap \"\" XFSZ; ulimit -f 1");
      INFO(cmd << " -> " << r.err);
      CHECK(r.code == 1);
      CHECK(lines(r.err) == 1);
      CHECK(r.err.find("writing the trace to '" + path + "' failed") != std::string::npos);
      CHECK(r.out.find("trace written") == std::string::npos);
    }
    std::remove(path.c_str());
  }

  TEST_CASE("the text timeline of a very long run draws its lanes where they are") {
    // 30,000 tasks of an hour, one after another: 30,000 hours. t * columns
    // would overflow 64 bits (undefined; under UBSan the run aborts).
    const auto r = run_cli("run --strategy sequential --tasks 30000 --duration 3600s --width 80");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("30000 h") != std::string::npos);  // the ruler's end, in hours
    int task_rows = 0;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("task ", 0) != 0) continue;
      ++task_rows;
      const auto bar = line.find('|');
      REQUIRE(bar != std::string::npos);
      // Each of the first tasks runs in the first hours: an end in the first
      // column, nothing after it.
      CHECK(line[bar + 1] == '*');
      CHECK(line.find_first_not_of(' ', bar + 2) == line.size() - 1);
    }
    CHECK(task_rows == 23);
  }

  TEST_CASE("a terminal width past the limit is held to it") {
    const auto r = run_cli("run --tasks 3", "export COLUMNS=2147483647");
    REQUIRE(r.code == 0);
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) CHECK(line.size() <= 1000 + 64);
  }

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // The sanitizers need far more address space than a limit leaves them.
  TEST_CASE("out of memory: one line, exit 1, no abort") {
    for (const char* cmd : {"run --tasks 1000000 --json", "compare --tasks 1000000",
                            "run --strategy bounded --tasks 1000000 --clock real"}) {
      const auto r = run_cli(cmd, "ulimit -v 400000");
      INFO(cmd << " -> " << r.err);
      CHECK(r.code == 1);
      CHECK(lines(r.err) == 1);
      CHECK(r.err.find("loopscope: out of memory: ") == 0);
      CHECK(r.out.empty());
    }
  }

  TEST_CASE("lesson 9 granted no thread gives no figure per unit, and no answer") {
    // Under an address-space limit, the first thread of the lesson fits or
    // does not. With 64 MiB stacks, the limits at which the loop's own
    // thread fits and the lesson's first does not span 64 MiB: found by
    // bisection, as the machine's own baseline decides where they are.
    const std::string lesson = "run --lesson threads --set units=20 --set wait=100 --json";
    auto under = [&](long kib) { return run_cli(lesson, "ulimit -s 65536; ulimit -v " + std::to_string(kib)); };
    auto threads_started = [](const result& r) {
      return r.code == 0 ? nlohmann::json::parse(r.out)["variants"][0]["figures"]["units"].get<int>() : 0;
    };
    long none = 64 * 1024, some = 4 * 1024 * 1024;  // KiB
    REQUIRE(threads_started(under(some)) > 0);
    while (some - none > 8 * 1024) {
      const long mid = (none + some) / 2;
      (threads_started(under(mid)) > 0 ? some : none) = mid;
    }
    const auto r = under(none);
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto& threads = j["variants"][0];
    CHECK(threads["figures"]["units"] == 0);
    CHECK(threads["figures"]["refused"] == 20);
    for (const char* per_unit : {"creation_per_unit_s", "rss_per_unit_bytes", "address_space_per_unit_bytes"})
      CHECK_FALSE(threads["figures"].contains(per_unit));
    CHECK(threads["note"].get<std::string>().find("the system refused thread 1:") == 0);
    CHECK(j["variants"][1]["figures"]["units"] == 20);
    CHECK(j["prediction"]["answer"].is_null());
    CHECK(j["prediction"]["none"].get<std::string>().find("nothing to compare") == 0);
  }
#endif

  TEST_CASE("lessons from the command line: list, run, --set, --variant") {
    auto r = run_cli("list");
    REQUIRE(r.code == 0);
    for (const char* id : {"await", "sequential", "gather", "semaphore", "blocking", "cpu", "errors", "timeouts",
                           "background", "queue", "races", "first"})
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
    const std::string cmd = "sh -c 'exec timeout --preserve-status -s INT " + std::string(started_after) + " " +
                            std::string(LOOPSCOPE_BINARY) +
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

  TEST_CASE("Ctrl-C answers within a second: a blocking call or a computation holding the loop is cut short") {
    for (const std::string held : {"--block 1:30s", "--cpu 1:30s"}) {
      INFO(held);
      const auto r = interrupt_after("run --strategy gather --clock real --json " + held, started_after);
      CHECK(r.code == 130);
      CHECK(r.stop_s < 5.0);  // a second, generously: the sanitizers, a loaded machine
      const auto j = nlohmann::json::parse(r.out);
      CHECK(j["error"] == "CancelledError");
      for (const auto& t : j["tasks"]) CHECK(t["state"] == "cancelled");
      CHECK(j["makespan_s"].get<double>() < 10.0);
      CHECK(j["longest_slice_s"].get<double>() < 10.0);  // task 1 was stopped where it blocked
    }
    const auto r =
        interrupt_after("compare --clock real --block 1:30s --strategies gather,sequential --width 80", started_after);
    CHECK(r.code == 130);
    CHECK(r.stop_s < 5.0);
    CHECK(r.out.find("-- gather") != std::string::npos);
    CHECK(r.out.find("-- sequential") != std::string::npos);
  }

  TEST_CASE("Ctrl-C during lesson 10's blocking route: within a second, no more requests served") {
    // Each request to /blocking holds the loop for a second: 200 of them
    // would take more than three minutes.
    const auto r = interrupt_after("run --lesson server --set requests=200 --set delay=1000 --json", serving_after);
    CHECK(r.code == 130);
    CHECK(r.stop_s < 5.0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["variants"].size() == 4);
    for (std::size_t i = 1; i < 4; ++i) {  // what began after the signal served nothing
      INFO(j["variants"][i]["strategy"]);
      CHECK(j["variants"][i]["figures"]["ok"].get<double>() <= 5);
    }
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
