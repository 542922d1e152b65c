// How a loop is made: which clock, how many pool threads, whether it records.
// No Asio here: the window and the command line choose these too.
#pragma once

#include <string_view>

namespace loopscope {

enum class clock_kind { virtual_clock, real_clock };
std::string_view to_string(clock_kind c);

struct loop_options {
  clock_kind clock = clock_kind::virtual_clock;
  int pool_size = 4;   // to_thread workers
  bool record = true;  // false: run the same engine without a trace (benchmarks, a long-lived server)
  // Trace writers for threads other than the loop and its pool (a load
  // generator on a loop of its own): each one belongs to one thread.
  int extra_writers = 0;
};

}  // namespace loopscope
