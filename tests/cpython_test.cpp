// CPython programs as the tracer records them: the stream reader (whole,
// cut short, malformed), comparing runs, `loopscope trace` on real scripts
// and `run --lesson N --cpython`. They run CPython: one at a time with the
// other suites that measure real time (tests/CMakeLists.txt).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/agreement.hpp"
#include "core/cpython_run.hpp"
#include "core/metrics.hpp"
#include "core/report.hpp"
#include "helpers.hpp"
#include "process.hpp"
#include "run_cli.hpp"

using namespace loopscope;
using namespace loopscope::testing;

namespace {

// examples/gather.py as PROTOCOL.md shows it: two tasks of 1 s and 2 s.
const std::string gather_stream =
    R"(["h",1,"3.11.7","virtual","/home/ada/gather.py",{"argv": ["gather.py"], "pid": 4242, "module": false, "implementation": "CPython"}]
["i",1,"/home/ada/gather.py"]
["i",2,"main"]
["n",1,0,0,"Task-1",2,1,24]
["l",0,1,1]
["i",3,"fetch_user"]
["n",2,0,1,"Task-2",3,1,19]
["i",4,"fetch_orders"]
["n",3,0,1,"Task-3",4,1,19]
["s",1,0,0,"child",1,19]
["s",2,0,0,"timer",1,8]
["s",3,0,0,"timer",1,13]
["r",2,1000000000]
["s",2,1000000000,1000000000,"done"]
["r",3,2000000000]
["s",3,2000000000,2000000000,"done"]
["r",1,2000000000]
["o",2000000000,1,"Ada has 2 orders\n"]
["o",2000000000,1,"took 2.00 s\n"]
["s",1,2000000000,2000000000,"done"]
["l",2000000000,1,0]
["e",2000000000,"exit",0,4200507]
)";

std::unique_ptr<cpython_run> read(std::string_view text, std::size_t piece = 0) {
  tracer_stream_reader reader;
  if (piece == 0) {
    reader.feed(text);
  } else {
    for (std::size_t at = 0; at < text.size(); at += piece) reader.feed(text.substr(at, piece));
  }
  return reader.finish();
}

std::string read_error(std::string_view text) {
  try {
    read(text);
  } catch (const stream_error& e) {
    return e.what();
  }
  return "(no error)";
}

const lane_stats& task_stats(const cpython_run& run, const run_metrics& m, std::size_t i) {
  return m.lanes[run.task_lanes()[i - 1]];
}

}  // namespace

TEST_SUITE("cpython") {
  TEST_CASE("the reader turns the gather example into a run: two tasks, ends at 1 s and 2 s, exact") {
    for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
      INFO("fed in pieces of " << piece);
      const auto run = read(gather_stream, piece);
      check_invariants(run->trace(), "gather");
      const auto m = compute_metrics(run->trace(), run->now());
      CHECK(run->variant() == "gather.py on CPython 3.11.7");
      CHECK(run->clock() == clock_kind::virtual_clock);
      REQUIRE(run->task_lanes().size() == 2);
      CHECK(run->trace().lane(run->main_lane()).kind == lane_kind::main);
      CHECK(task_stats(*run, m, 1).name == "fetch_user");
      CHECK(task_stats(*run, m, 1).end == 1 * sec);
      CHECK(task_stats(*run, m, 2).end == 2 * sec);
      CHECK(task_stats(*run, m, 2).waiting == 2 * sec);
      CHECK(m.makespan == 2 * sec);
      CHECK(run->returned() == 2 * sec);
      CHECK(run->error_text().empty());
      CHECK(m.peak_concurrency == 2);
      REQUIRE(run->output().size() == 2);
      CHECK(run->output()[0].text == "Ada has 2 orders\n");
      REQUIRE(run->ending());
      CHECK(run->ending()->how == "exit");
      CHECK_FALSE(run->truncated());
      // The waits name their lines of the script.
      run->show_code({"/home/ada/gather.py", 1, 24});
      const auto j = nlohmann::json::parse(summary_json(*run, m, std::nullopt));
      CHECK(j["tasks"][1]["waits"][0]["reason"] == "timer");
      CHECK(j["tasks"][1]["waits"][0]["line"] == 13);
      CHECK(j["completion_order"] == nlohmann::json::array({1, 2}));
    }
  }

  TEST_CASE("a stream cut short: the last line without its newline is dropped, open spans end at the last time") {
    const std::string cut = gather_stream.substr(0, gather_stream.find("[\"r\",3") + 9);  // mid-line
    const auto run = read(cut);
    CHECK(run->truncated());
    CHECK_FALSE(run->ending());
    const auto m = compute_metrics(run->trace(), run->now());
    CHECK(run->now() == 1 * sec);
    CHECK(task_stats(*run, m, 1).final_state == lane_state::done);
    CHECK_FALSE(task_stats(*run, m, 2).ended);  // still waiting when the process died
    CHECK(run->live_tasks() == 2);
    CHECK(run->returned() == -1);
  }

  TEST_CASE("malformed input is refused with the line and what is wrong") {
    CHECK(read_error("") == "the event stream is empty: the tracer wrote nothing");
    CHECK(read_error("hello\n").find("line 1: not the tracer's event stream") == 0);
    CHECK(read_error("[\"i\",1,\"x\"]\n").find("line 1: not the tracer's event stream: it does not start") == 0);
    CHECK(read_error(R"(["h",2,"3.11.7","virtual","/a.py",{}])"
                     "\n") == "line 1: protocol version 2; this Loopscope reads version 1");
    const std::string head = R"(["h",1,"3.11.7","virtual","/a.py",{}])"
                             "\n";
    CHECK(read_error(head + "[\"s\",4,0,0]\n") == "line 2: task 4 was never created");
    CHECK(read_error(head + "[\"n\",1,0,0,\"Task-1\",9,0,0]\n") == "line 2: string 9 was never declared");
    CHECK(read_error(head + "[\"n\",1,\"zero\",0,\"Task-1\",0,0,0]\n") ==
          "line 2: field 2 of a 'n' line is not a whole number");
    CHECK(read_error(head + "[\"r\",1]\n") == "line 2: a 'r' line needs 2 fields, it has 1");
    CHECK(read_error(head + "[\"o\",0,1,\"unclosed]\n") ==
          "line 2: malformed: a string is not closed, or has a bad escape");
    CHECK(read_error(head + "[\"l\",0,1,1] junk\n") == "line 2: malformed: more after the array");
    CHECK(read_error(head + "[\"l\",0 1,1]\n") == "line 2: malformed: '1' where a comma was expected");
    // Junk of every shape is refused, never read past its end.
    for (const char* junk : {"[", "[-]", "[-", "[\"x\",{\"a\":[1,2}", "[\"x\",\"\\u12\"]", "[\"x\",\"\\", "[1]", "[]",
                             "[\"x\",1.5e", "[\"x\",nul"}) {
      INFO(junk);
      CHECK(read_error(head + junk + "\n").find("line 2: malformed: ") == 0);
    }
    // A cut-off last line is no error, even when it would not parse.
    CHECK(read_error(head + "[\"o\",0,1,\"unclo") == "(no error)");
  }

  TEST_CASE("kinds it does not know are skipped, extra fields tolerated, escapes decoded") {
    const std::string stream = R"(["h",1,"3.12.1","real","/a.py",{}]
["z","a kind from a later tracer",[1,{"x":"]"}]]
["i",1,"/a.py"]
["i",2,"main"]
["n",1,0,0,"Task-1",2,1,3,"extra",1.5]
["o",5,1,"caf\u00e9 \"quoted\" \ud83d\ude00\n"]
["s",1,0,10,"failed","ValueError","bad \\ value",1,7,"extra"]
["e",10,"exit",1,99,{}]
)";
    const auto run = read(stream);
    CHECK(run->clock() == clock_kind::real_clock);
    CHECK(run->trace().real_time());
    REQUIRE(run->output().size() == 1);
    CHECK(run->output()[0].text == "caf\xc3\xa9 \"quoted\" \xf0\x9f\x98\x80\n");
    CHECK(run->error_text() == "ValueError: bad \\ value");
    CHECK(run->trace().messages()[0] == "ValueError: bad \\ value");
    CHECK(run->returned() == 10);
  }

  TEST_CASE("blocking calls, thread-pool jobs and a collected task") {
    const std::string stream = R"(["h",1,"3.11.7","virtual","/b.py",{}]
["i",1,"/b.py"]
["i",2,"main"]
["i",3,"work"]
["i",4,"read_sensor"]
["n",1,0,0,"Task-1",2,1,1]
["n",2,0,1,"fetch",3,1,2]
["n",3,0,1,"Task-3",3,1,2]
["s",1,0,0,"child",1,5]
["b",2,0,2000000000,1,9]
["s",2,0,2000000000,"done"]
["p",1,6,"asyncio"]
["s",3,2000000000,2000000000,"thread",0,0]
["j",1,1,0,3,2000000000,2000000000,3000000000,4,"done"]
["j",2,1,1,3,2000000000,2000000000,2000000000,4,"cancelled"]
["r",3,3000000000]
["s",3,3000000000,3000000000,"done"]
["g",1,3000000000]
["e",3000000000,"exit",0,5]
)";
    const auto run = read(stream);
    const auto m = compute_metrics(run->trace(), run->now());
    CHECK(task_stats(*run, m, 1).name == "fetch");  // a name given is kept
    CHECK(m.longest_slice == 2 * sec);              // the blocking call held the loop
    REQUIRE(m.slow_slices.size() == 1);
    CHECK(task_stats(*run, m, 2).waiting == 1 * sec);
    // One worker lane (the cancelled job never ran), busy 1 s.
    REQUIRE(run->trace().lane_count() == 4);
    CHECK(run->trace().lane(3).kind == lane_kind::worker);
    CHECK(run->trace().lane(3).name == "asyncio worker 1");
    CHECK(m.lanes[3].running == 1 * sec);
    CHECK(m.lanes[0].final_state == lane_state::cancelled);  // collected
    CHECK(run->trace().messages()[0].find("garbage-collected") == 0);
  }

  TEST_CASE("two runs agree task by task, or the differences are named") {
    const auto reference = read(gather_stream);
    const auto rm = compute_metrics(reference->trace(), reference->now());
    auto compare = [&](const std::string& stream, agreement_options options = {}) {
      const auto other = read(stream);
      return compare_runs(*reference, rm, *other, compute_metrics(other->trace(), other->now()), options);
    };
    const auto same = compare(gather_stream);
    CHECK(same.agrees());
    CHECK(same.badge() == "CPython agrees: 2 tasks, same states, same ends, same order");

    // fetch_user ends 2 ns later: a difference exact comparison sees, and a tolerance forgives.
    std::string later = gather_stream;
    for (const char* from : {"[\"r\",2,1000000000]", "[\"s\",2,1000000000,1000000000,\"done\"]"}) {
      std::string to = from;
      to.replace(to.rfind("1000000000"), 10, "1000002000");
      later.replace(later.find(from), std::strlen(from), to);
    }
    const auto off = compare(later, {1'000, true});
    REQUIRE_FALSE(off.agrees());
    CHECK(off.differences.front() == "task 1 done at 1.000002000 s, not done at 1.000000000 s");
    CHECK(off.badge().find("CPython differs (2 tasks): task 1 done at 1.000002000 s") == 0);
    CHECK(compare(later, {10'000, false}).badge() ==
          "CPython agrees: 2 tasks, same states, same ends (within 10 µs), order not compared (times measured)");

    // fetch_orders fails instead, and ends first: states and order differ.
    std::string failed = gather_stream;
    const std::string orders_done = "[\"r\",3,2000000000]\n[\"s\",3,2000000000,2000000000,\"done\"]\n";
    failed.erase(failed.find(orders_done), orders_done.size());
    failed.insert(failed.find("[\"r\",2,"), "[\"r\",3,500]\n[\"s\",3,500,500,\"failed\",\"OSError\",\"down\",1,13]\n");
    const auto worse = compare(failed);
    REQUIRE(worse.differences.size() == 1);
    CHECK(worse.differences[0] == "task 2 failed at 0.000000500 s, not done at 2.000000000 s");

    std::string one_task = gather_stream;
    const std::string orders = "[\"n\",3,0,1,\"Task-3\",4,1,19]\n";
    one_task.erase(one_task.find(orders), orders.size());
    for (const std::string& line : {std::string("[\"s\",3,0,0,\"timer\",1,13]\n"), orders_done})
      one_task.erase(one_task.find(line), line.size());
    CHECK(compare(one_task).differences == std::vector<std::string>{"1 tasks started, not 2"});
  }

  // ---- loopscope trace: a Python script under the tracer ----

  TEST_CASE("trace: the gather example on the virtual clock ends at 2 s exactly, printed as run prints") {
    const auto r = run_cli("trace --clock virtual --width 80 " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Ada has 2 orders\ntook 2.00 s\n") == 0);  // the script's own output, passed through
    CHECK(r.out.find("gather.py on CPython 3.") != std::string::npos);
    CHECK(r.out.find(" · 2 tasks · virtual clock\n") != std::string::npos);
    CHECK(r.out.find("returned after 2.000 s; the last task ended at 2.000 s (makespan)") != std::string::npos);
    CHECK(r.out.find("peak concurrency 2,") != std::string::npos);
    CHECK(r.out.find("\nfetch_user ") != std::string::npos);  // a lane per task, named after its coroutine
    CHECK(r.out.find("\nfetch_orders ") != std::string::npos);
    CHECK(r.out.find("legend:") != std::string::npos);
  }

  TEST_CASE("trace --json: the run's contract plus the script's, exact to the nanosecond") {
    const auto gather = run_cli("trace --json " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    REQUIRE(gather.code == 0);
    const auto j = nlohmann::json::parse(gather.out);  // exactly one object: the script's prints went elsewhere
    CHECK(gather.err.find("Ada has 2 orders") != std::string::npos);
    for (const char* key : {"strategy", "clock", "returned_s", "makespan_s", "peak_concurrency", "tasks",
                            "completion_order", "script", "python", "exit", "exception", "output", "notes"})
      CHECK_MESSAGE(j.contains(key), key);
    CHECK(j["makespan_s"] == 2.0);
    CHECK(j["returned_s"] == 2.0);
    REQUIRE(j["tasks"].size() == 2);
    CHECK(j["tasks"][0]["name"] == "fetch_user");
    CHECK(j["tasks"][0]["end_s"] == 1.0);
    CHECK(j["tasks"][1]["end_s"] == 2.0);
    CHECK(j["tasks"][1]["state"] == "done");
    CHECK(j["tasks"][1]["waits"][0]["reason"] == "timer");
    CHECK(j["tasks"][1]["waits"][0]["line"] == 13);  // await asyncio.sleep(2) in fetch_orders
    CHECK(j["completion_order"] == nlohmann::json::array({1, 2}));
    CHECK(j["exit"]["how"] == "exit");
    CHECK(j["exit"]["code"] == 0);
    CHECK(j["exception"].is_null());
    REQUIRE(j["output"].size() == 2);
    CHECK(j["output"][1]["text"] == "took 2.00 s\n");
    CHECK(j["output"][1]["t_s"] == 2.0);

    const std::string scripts = LOOPSCOPE_SOURCE_DIR "/tracer/tests/scripts/";
    const auto sequential = run_cli("trace --json " + scripts + "sequential.py");  // 1 + 2 + 3 s
    REQUIRE(sequential.code == 0);
    CHECK(nlohmann::json::parse(sequential.out)["returned_s"] == 6.0);

    const auto bounded = run_cli("trace --json " + scripts + "semaphore.py");  // Semaphore(2), five 1 s tasks
    REQUIRE(bounded.code == 0);
    const auto b = nlohmann::json::parse(bounded.out);
    CHECK(b["makespan_s"] == 3.0);
    CHECK(b["peak_concurrency"] == 2);
    REQUIRE(b["tasks"].size() == 5);
    CHECK(b["tasks"][4]["waits"][0]["reason"] == "semaphore");

    // The script's own arguments come after it, options of ours included.
    const auto scaled = run_cli("trace --json " + scripts + "sequential.py 0.5");
    REQUIRE(scaled.code == 0);
    CHECK(nlohmann::json::parse(scaled.out)["returned_s"] == 3.0);
    // A "--" before the script, as the tracer's own command line takes, is dropped.
    const auto separated = run_cli("trace --clock virtual --json -- " + scripts + "sequential.py 0.25");
    REQUIRE(separated.code == 0);
    CHECK(nlohmann::json::parse(separated.out)["returned_s"] == 1.5);
  }

  TEST_CASE("trace: a blocking call names its line; the requests it held were ready meanwhile") {
    const auto r = run_cli("trace --width 80 " LOOPSCOPE_SOURCE_DIR "/examples/blocking_route.py");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("  blocking call at line 9 of blocking_route.py: serve 1 held the loop for 1.000 s from "
                     "t=0.000 s\n") != std::string::npos);
    const auto j =
        nlohmann::json::parse(run_cli("trace --json " LOOPSCOPE_SOURCE_DIR "/examples/blocking_route.py").out);
    REQUIRE(j["blocking_calls"].size() == 1);
    CHECK(j["blocking_calls"][0]["line"] == 9);
    CHECK(j["blocking_calls"][0]["duration_s"] == 1.0);
    CHECK(j["ready_total_s"] == 2.0);  // the two other requests, a second each
    CHECK(j["makespan_s"] == 2.0);
  }

  TEST_CASE("trace: a TaskGroup's failure cancels the siblings at that instant") {
    const auto r = run_cli("trace --json " LOOPSCOPE_SOURCE_DIR "/examples/taskgroup_failure.py");
    REQUIRE(r.code == 0);  // the script catches the ExceptionGroup
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["tasks"].size() == 3);
    CHECK(j["tasks"][0]["name"] == "prices");
    CHECK(j["tasks"][0]["state"] == "cancelled");
    CHECK(j["tasks"][1]["state"] == "failed");
    CHECK(j["tasks"][1]["message"] == "ConnectionError: stock service is down");
    CHECK(j["tasks"][2]["state"] == "cancelled");
    for (const auto& t : j["tasks"]) CHECK(t["end_s"] == 1.0);
    CHECK(j["returned_s"] == 1.0);
  }

  TEST_CASE("trace: a script that raises, one that does not compile, one that never ends, one that prints a lot") {
    const std::string scripts = LOOPSCOPE_SOURCE_DIR "/tracer/tests/scripts/";
    SUBCASE("raises: its exception, message and line; exit 1") {
      const auto r = run_cli("trace --width 80 " + scripts + "raises.py");
      CHECK(r.code == 1);
      CHECK(r.out.find("the script raised RuntimeError: config file missing (line 7 of raises.py)") !=
            std::string::npos);
      CHECK(r.err.find("Traceback") != std::string::npos);  // Python's own report, passed through
      const auto j = nlohmann::json::parse(run_cli("trace --json " + scripts + "raises.py").out);
      CHECK(j["exception"]["type"] == "RuntimeError");
      CHECK(j["exception"]["line"] == 7);
      CHECK(j["error"] == "RuntimeError: config file missing");
      CHECK(j["returned_s"] == 1.0);
    }
    SUBCASE("a SyntaxError: its line and message; exit 1") {
      const std::string path = "/tmp/loopscope_syntax_" + std::to_string(::getpid()) + ".py";
      std::ofstream(path) << "import asyncio\n\n\nasync def main(:\n    pass\n";
      const auto r = run_cli("trace " + path);
      CHECK(r.code == 1);
      CHECK(r.out.find("the script does not compile: SyntaxError: ") != std::string::npos);
      CHECK(r.out.find("(line 4 of loopscope_syntax_") != std::string::npos);
      std::remove(path.c_str());
    }
    SUBCASE("never ends: stopped at the time limit, unwound, the summary of what it did; exit 1") {
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = run_cli("trace --limit-seconds 1 --width 80 " + scripts + "forever.py");
      CHECK(r.code == 1);
      CHECK(seconds_since(t0) < 8.0);
      CHECK(r.out.find("cleaned up\n") == 0);  // its finally block ran
      CHECK(r.out.find("stopped at the time limit (1 s of real time") != std::string::npos);
      CHECK(r.out.find("-- forever.py") != std::string::npos);
    }
    SUBCASE("prints a lot: every line passed through, and captured with its time") {
      const auto r = run_cli("trace " + scripts + "chatty.py 20000");
      CHECK(r.code == 0);
      CHECK(r.out.find("before the loop\nline 0\n") == 0);
      CHECK(r.out.find("line 19999\nno newline at the end") != std::string::npos);
      const auto j = nlohmann::json::parse(run_cli("trace --json " + scripts + "chatty.py 20000").out);
      int stdout_lines = 0;
      for (const auto& o : j["output"]) stdout_lines += o["stream"] == "stdout";
      CHECK(stdout_lines == 20002);
      CHECK(j["output"].back()["text"] == "no newline at the end");
    }
  }

  TEST_CASE("trace: bad input is refused at once, with one line") {
    refused("trace");
    refused("trace /nonexistent/script.py");
    refused("trace --clock sometimes " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    refused("trace --limit-seconds nan " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    refused("trace --limit-seconds -1 " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    refused("trace --limit-seconds '' " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    refused("trace --python /nonexistent/python3 " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    refused("trace --python /bin/true " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");  // not a Python
    const auto r = run_cli("trace --python /nonexistent/python3 " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    CHECK(r.err.find("install it (Debian 12: apt-get install python3)") != std::string::npos);
  }

  TEST_CASE("trace: Ctrl-C stops the script as asyncio.run would, and the summary so far is printed; exit 130") {
    const auto r =
        interrupt_after("trace --clock real --width 80 " LOOPSCOPE_SOURCE_DIR "/tracer/tests/scripts/forever.py", "4");
    CHECK(r.code == 130);
    CHECK(r.stop_s < 5.0);
    CHECK(r.out.find("cleaned up\n") == 0);
    CHECK(r.out.find("interrupted (Ctrl-C)") != std::string::npos);
    CHECK(r.out.find("-- forever.py") != std::string::npos);
  }

  TEST_CASE("trace --trace writes the Chrome trace of the script's tasks") {
    const std::string path = "/tmp/loopscope_cli_pytrace_" + std::to_string(::getpid()) + ".json";
    const auto r = run_cli("trace --json --trace " + path + " " LOOPSCOPE_SOURCE_DIR "/examples/gather.py");
    REQUIRE(r.code == 0);
    std::ifstream in(path);
    const auto j = nlohmann::json::parse(in);
    int names = 0;
    for (const auto& e : j["traceEvents"]) names += e["ph"] == "M" && e["name"] == "thread_name";
    CHECK(names == 3);  // main and its two tasks
    std::remove(path.c_str());
  }

  TEST_CASE("a lesson's twin, traced, names its lanes as its own code does, not after the harness") {
    const auto r = run_cli("trace --width 80 " LOOPSCOPE_SOURCE_DIR "/lessons/07_errors/lesson.py --variant TaskGroup");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\nmain ") != std::string::npos);
    for (int i = 1; i <= 4; ++i) CHECK(r.out.find("\ncall_api " + std::to_string(i) + " ") != std::string::npos);
    CHECK(r.out.find("_observe") == std::string::npos);
    CHECK(r.out.find("<locals>") == std::string::npos);
  }

  TEST_CASE("run --lesson N --cpython: each variant's Python twin, traced, against the engine") {
    const auto r = run_cli("run --lesson errors --cpython --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["variants"].size() == 3);
    for (const auto& v : j["variants"]) {
      INFO(v["strategy"]);
      CHECK(v["cpython"]["agrees"] == true);
      CHECK(v["cpython"]["differences"].empty());
      CHECK(v["cpython"]["badge"] == "CPython agrees: 4 tasks, same states, same ends, same order");
    }
    const auto text = run_cli("run --lesson gather --cpython --width 80");
    REQUIRE(text.code == 0);
    CHECK(text.out.find("  CPython agrees: 8 tasks, same states, same ends, same order\n") != std::string::npos);
    refused("run --lesson threads --cpython");  // real clock only
    refused("run --cpython");
  }
}
