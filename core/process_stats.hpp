// What the kernel says about this process, read from /proc/self/status: the
// figures lesson 9 measures threads and coroutines with.
#pragma once

#include <cstdint>
#include <string>

namespace loopscope {

struct process_stats {
  std::int64_t rss_bytes = 0;      // VmRSS: pages resident in RAM
  std::int64_t virtual_bytes = 0;  // VmSize: address space reserved
  int threads = 0;                 // Threads: OS threads in the process
  bool ok = false;                 // false where /proc is not readable
};

process_stats read_process_stats();

// Loopscope's processes (the app, the benchmarks) call this first. Coroutine
// frames, handlers and cancellation states are small blocks freed in bulk;
// glibc's fastbins turn that into long consolidation passes. The app links
// mimalloc where it is installed, and then this changes nothing; without
// it, glibc with fastbins off runs the loop ~20% faster.
void tune_allocator();

// Hands memory the allocator holds but does not use back to the kernel, so
// that a "before" reading is not flattered by a previous run's free memory.
void release_free_memory();

// Lets this process open as many descriptors as its hard limit allows (the
// soft limit is often 1,024: a server under a load of thousands of
// connections, and its load generator, need more). Returns the new limit.
long raise_descriptor_limit();

// The limits a thread creation runs into, as one line for a message:
// "ulimit -u 96365, kernel.threads-max 192730, vm.max_map_count 65530, stack 8 MiB".
std::string thread_limits_text();

}  // namespace loopscope
