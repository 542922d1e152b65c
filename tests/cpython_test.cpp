// CPython programs as the tracer records them: the stream reader (whole,
// cut short, malformed), and `loopscope trace` on real scripts.
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
}
