// Running to the end on the command line, and what is printed of a run:
// Ctrl-C cancels every task (as asyncio.run does on KeyboardInterrupt) and
// the summary is still printed; a real-clock run shows its progress on a
// terminal.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/cli/ascii_timeline.hpp"
#include "core/chrome_trace.hpp"
#include "core/metrics.hpp"
#include "core/scenario.hpp"

namespace loopscope::cli {

// From the start of the process: Ctrl-C is noted, not fatal, so that one
// pressed before a run begins still cancels it and its summary is printed.
void catch_interrupts();

// Drives a run to its end, minding Ctrl-C. Out of memory, it ends the
// process (out_of_memory()).
void drive(scenario_run& run);

// "loopscope: out of memory: ..." on stderr, and exit 1 at once: no run
// is torn down (that would take memory and time). Allocates nothing.
[[noreturn]] void out_of_memory();

// Ctrl-C came: what runs from now on is cancelled as it starts.
bool was_interrupted();

struct finished_run {
  std::unique_ptr<scenario_run> run;
  run_metrics metrics;
};
// Drives a run that was just made to its end, and measures it.
finished_run run_to_end(std::unique_ptr<scenario_run> run);

// Writes the runs into the trace file open_output() opened, if one was:
// 0, or 1 with a line on stderr when the writing failed (a disk that
// filled up meanwhile).
int write_trace(std::ofstream& file, const std::string& path, const std::vector<trace_source>& sources);

// 0, or 130 with a line on stderr when Ctrl-C cut the run short.
int finish_status();

// The readable summary of one run. `sequential`: the reference for the
// speedup, when there is one.
void print_summary(std::ostream& out, const scenario_run& run, const run_metrics& m, std::optional<nanos> sequential);

// The lanes of one run as the text timeline takes them, titled with its makespan.
ascii_variant lanes_of(const scenario_run& run, const run_metrics& m);

}  // namespace loopscope::cli
