#include "app/traced_script.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/paths.hpp"

extern char** environ;

namespace loopscope {

namespace {

constexpr int events_fd = 3;  // where the tracer looks for its stream
// The tracer ends a script that ignores its interrupt 5 s after it; past
// this, the process is beyond help and is killed.
constexpr double hard_kill_after_s = 10;

// Closes a descriptor when it goes.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

struct spawn_setup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attr{};
  spawn_setup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// A pipe whose ends are above the descriptor the child gets its stream on,
// so that moving the write end to 3 is a real dup2 (which clears
// close-on-exec), never a no-op.
std::pair<int, int> high_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  for (int& fd : fds) {
    if (fd > events_fd) continue;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
    ::close(fd);
    if (moved < 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    fd = moved;
  }
  return {fds[0], fds[1]};
}

pid_t spawn(const std::vector<std::string>& argv, spawn_setup& s) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int err = ::posix_spawnp(&pid, args[0], &s.actions, &s.attr, args.data(), environ);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return pid;
}

int exit_status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::optional<std::string> python_problem(const std::string& python) {
  auto [rd, wr] = high_pipe();
  fd_guard read_end{rd};
  spawn_setup s;
  posix_spawn_file_actions_adddup2(&s.actions, wr, STDOUT_FILENO);
  const pid_t pid =
      spawn({python, "-c", "import sys; print(sys.implementation.name, '%d.%d.%d' % sys.version_info[:3])"}, s);
  const int spawn_errno = errno;
  ::close(wr);
  const std::string install = " (Debian 12: apt-get install python3), or give --python PATH";
  if (pid < 0)
    return "'" + python + "' " + (spawn_errno == ENOENT ? "was not found" : std::strerror(spawn_errno)) +
           ": the tracer needs CPython 3.11 or later; install it" + install;
  std::string out;
  char buf[256];
  for (ssize_t n; (n = ::read(rd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR);)
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int major = 0, minor = 0, micro = 0;
  char impl[32] = {};
  if (exit_status_of(status) != 0 || std::sscanf(out.c_str(), "%31s %d.%d.%d", impl, &major, &minor, &micro) != 4)
    return "'" + python + "' did not run as a Python 3 interpreter: the tracer needs CPython 3.11 or later" + install;
  const std::string version = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
  if (std::string(impl) != "cpython")
    return "'" + python + "' is " + impl + " " + version + ": the tracer needs CPython 3.11 or later" + install;
  if (major < 3 || (major == 3 && minor < 11))
    return "'" + python + "' is Python " + version + ": the tracer needs CPython 3.11 or later" + install;
  return std::nullopt;
}

traced_script trace_script(const trace_request& r, const std::function<bool()>& interrupted) {
  const std::filesystem::path tracer = tracer_script();
  if (!std::filesystem::is_regular_file(tracer))
    throw std::runtime_error("the tracer is missing: " + tracer.string() + " (an incomplete install?)");

  std::vector<std::string> argv = {r.python, tracer.string(), "--clock",
                                   r.clock == clock_kind::real_clock ? "real" : "virtual"};
  if (r.limit_seconds > 0) {
    char limit[64];
    std::snprintf(limit, sizeof limit, "%.17g", r.limit_seconds);
    argv.insert(argv.end(), {"--time-limit", limit});
  }
  if (!r.step_time) argv.push_back("--no-step-time");
  argv.push_back("--");
  argv.push_back(r.script);
  argv.insert(argv.end(), r.args.begin(), r.args.end());

  auto [rd, wr] = high_pipe();
  fd_guard read_end{rd};
  spawn_setup s;
  posix_spawn_file_actions_adddup2(&s.actions, wr, events_fd);
  if (r.output_to_stderr) posix_spawn_file_actions_adddup2(&s.actions, STDERR_FILENO, STDOUT_FILENO);
  if (r.discard_stdout) posix_spawn_file_actions_addopen(&s.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  // A process group of its own: Ctrl-C reaches it once, through us, and
  // stopping it reaches what it started too.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  const pid_t pid = spawn(argv, s);
  const int spawn_errno = errno;
  ::close(wr);
  if (pid < 0) throw std::runtime_error("cannot start '" + r.python + "': " + std::strerror(spawn_errno));

  traced_script out;
  tracer_stream_reader reader;
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  auto since = [](clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); };
  clock::time_point interrupted_at{};
  bool reaped = false;
  int status = 0;
  std::string buf(1 << 18, '\0');
  try {
    for (;;) {
      if (!out.interrupted && interrupted()) {
        ::kill(-pid, SIGINT);
        out.interrupted = true;
        interrupted_at = clock::now();
      }
      const bool past_limit = r.limit_seconds > 0 && since(started) > r.limit_seconds + hard_kill_after_s;
      if (!out.ended_hard && !reaped &&
          (past_limit || (out.interrupted && since(interrupted_at) > hard_kill_after_s))) {
        ::kill(-pid, SIGKILL);
        out.ended_hard = true;
      }
      pollfd p{rd, POLLIN, 0};
      // Once the process has ended, only what is already in the pipe is
      // read: a process it forked may hold the write end open.
      const int ready = ::poll(&p, 1, reaped ? 0 : 50);
      if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
      if (ready > 0) {
        const ssize_t n = ::read(rd, buf.data(), buf.size());
        if (n > 0) {
          reader.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
          continue;
        }
        if (n == 0) break;  // every writer is gone
        if (errno != EINTR && errno != EAGAIN) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
        continue;
      }
      if (reaped) break;
      if (::waitpid(pid, &status, WNOHANG) == pid) reaped = true;
    }
  } catch (...) {
    // A stream that cannot be read leaves nothing to wait for.
    if (!reaped) {
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    throw;
  }
  while (!reaped && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.status = exit_status_of(status);
  if (reader.lines() == 0) {
    if (out.interrupted) throw std::runtime_error("interrupted before the script started");
    throw std::runtime_error("'" + r.python + "' ended (status " + std::to_string(out.status) +
                             ") before the tracer started; its messages are above");
  }
  out.run = reader.finish(r.name);
  return out;
}

void show_script(cpython_run& run) {
  std::ifstream in(run.script());
  if (!in) return;
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  run.show_code({run.script(), 1, lines});
}

trace_request twin_request(const lessons::lesson& l, const std::string& variant, const lessons::values& values) {
  char folder[8];
  std::snprintf(folder, sizeof folder, "%02d_", l.number);
  trace_request r;
  r.script = (lesson_dir() / (folder + l.id) / "lesson.py").string();
  r.args = {"--variant", variant};
  for (const auto& [name, value] : values) r.args.push_back("--set=" + name + "=" + std::to_string(value));
  r.limit_seconds = 60;
  r.discard_stdout = true;  // the harness's own summary
  return r;
}

void take_harness_outcome(cpython_run& run) {
  for (auto line = run.output().rbegin(); line != run.output().rend(); ++line) {
    if (line->stream != 1) continue;
    const auto summary = nlohmann::json::parse(line->text, nullptr, false);
    if (!summary.is_object() || !summary.contains("returned_s") || !summary["returned_s"].is_number()) continue;
    const auto& error = summary["error"];
    run.set_caller_outcome(static_cast<nanos>(std::llround(summary["returned_s"].get<double>() * 1e9)),
                           error.is_string() ? error.get<std::string>() : std::string());
    return;
  }
}

}  // namespace loopscope
