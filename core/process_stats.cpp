#include "process_stats.hpp"

#include <dlfcn.h>
#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <fstream>

namespace loopscope {

namespace {
std::int64_t kib_field(const char* line, const char* name) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(line, name, n) != 0) return -1;
  return std::strtoll(line + n, nullptr, 10) * 1024;
}

std::string limit_text(int resource, bool bytes) {
  rlimit r{};
  if (getrlimit(resource, &r) != 0) return "?";
  if (r.rlim_cur == RLIM_INFINITY) return "unlimited";
  if (bytes) return std::to_string(r.rlim_cur / (1024 * 1024)) + " MiB";
  return std::to_string(r.rlim_cur);
}

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string s;
  if (!std::getline(in, s)) return "?";
  return s;
}
}  // namespace

void tune_allocator() { mallopt(M_MXFAST, 0); }

process_stats read_process_stats() {
  process_stats st;
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return st;
  char line[256];
  int found = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (auto v = kib_field(line, "VmRSS:"); v >= 0) st.rss_bytes = v, ++found;
    if (auto v = kib_field(line, "VmSize:"); v >= 0) st.virtual_bytes = v, ++found;
    if (std::strncmp(line, "Threads:", 8) == 0) st.threads = std::atoi(line + 8), ++found;
  }
  std::fclose(f);
  st.ok = found == 3;
  return st;
}

void release_free_memory() {
  // mimalloc, when the process runs on it, is found at run time; glibc's
  // malloc_trim returns whole free pages inside its heaps as well as the top.
  using collect_fn = void (*)(bool);
  if (auto collect = reinterpret_cast<collect_fn>(dlsym(RTLD_DEFAULT, "mi_collect"))) collect(true);
  malloc_trim(0);
}

long raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return -1;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur == RLIM_INFINITY ? -1 : static_cast<long>(r.rlim_cur);
}

std::string thread_limits_text() {
  std::string s = "ulimit -u ";
  s.append(limit_text(RLIMIT_NPROC, false));
  s.append(", kernel.threads-max ").append(first_line("/proc/sys/kernel/threads-max"));
  s.append(", vm.max_map_count ").append(first_line("/proc/sys/vm/max_map_count"));
  s.append(", address space ").append(limit_text(RLIMIT_AS, true));
  s.append(", stack per thread ").append(limit_text(RLIMIT_STACK, true));
  return s;
}

}  // namespace loopscope
