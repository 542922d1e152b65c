// The sandbox: the workload of `loopscope run`, under any strategy.
// Tasks are numbered 1..N; each task's body is, in order: block the loop if
// asked, burn CPU if asked, await sleep(its duration), raise if asked.
#pragma once

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/loop_options.hpp"
#include "core/scenario.hpp"
#include "core/trace.hpp"

namespace loopscope {

// Why a value cannot be used, keyed by the field it is about: the command
// line names its flag (--tasks), the window its control.
struct field_error {
  std::string field;    // "tasks", "durations", "limit", "block", "cpu", "fail", "timeout"
  std::string message;  // "must be between 1 and 1000000, not 0"
};

enum class strategy { sequential, gather, gather_return_exceptions, bounded, taskgroup };

std::string_view to_string(strategy s);
std::optional<strategy> parse_strategy(std::string_view text);
const std::vector<strategy>& all_strategies();

struct workload {
  static constexpr int max_tasks = 1'000'000;
  int tasks = 5;
  nanos duration = 1'000'000'000;  // for every task without its own
  std::vector<nanos> durations;    // per task, when given
  int limit = 2;                   // permits of the bounded strategy
  std::map<int, nanos> block;      // task -> time it blocks the loop
  std::map<int, nanos> cpu;        // task -> CPU time it burns on the loop
  std::set<int> fail;              // tasks that raise after their sleep
  std::optional<nanos> timeout;    // wait_for around each task's body

  nanos duration_of(int task) const;
  // Why the workload cannot run, or nothing.
  std::optional<field_error> invalid() const;
};

// A sandbox scenario set up on its own loop.
struct sandbox_run : scenario_run {
  strategy how{};
  workload work;
  bool keep_going = false;  // sequential only: an error does not stop the run

  // The loop goes before these members: its coroutines read them as they unwind.
  ~sandbox_run() override { stop_loop(); }
};

std::unique_ptr<sandbox_run> make_sandbox(strategy how, workload work, const loop_options& options,
                                          bool keep_going = false);

// The makespan of the same tasks run one after another on the virtual
// clock, every one of them whatever the others raise: the reference every
// speedup is measured against. Without a timeout nothing a task does
// depends on another, so it is the sum of what each blocks, burns and
// sleeps; with one, the tasks are run, untraced.
nanos sequential_makespan(const workload& work);

// That sum, where the workload allows it (no timeout, and no overflow).
std::optional<nanos> sequential_sum(const workload& work);

// The reference run sequential_makespan() falls back on: untraced, every
// task run whatever the others raise. Driven to its end, its returned()
// is the makespan (main returns in the pass the last task ends).
std::unique_ptr<sandbox_run> make_sequential_reference(const workload& work);

}  // namespace loopscope
