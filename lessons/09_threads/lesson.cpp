// Lesson 9: threads versus coroutines at scale, measured on this machine.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <mutex>
#include <system_error>
#include <thread>

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>

#include "core/metrics.hpp"
#include "core/process_stats.hpp"
#include "lessons/lesson.hpp"
#include "lessons/support.hpp"

namespace loopscope::lessons {

namespace {

constexpr int lanes_shown = 100;  // lanes drawn per side; the rest run unseen

// What one side measured. Written by the loop thread, read by anyone.
struct measured {
  int wanted = 0, started = 0, refused = 0;
  double creation_per_unit_s = 0, finish_s = 0;
  double rss_per_unit = 0, address_space_per_unit = 0, rss_total = 0;
  int os_threads = 0, threads_added = 0;
  std::string refusal;  // why the system refused a thread, if it did
};

class scale_run : public scenario_run {
 public:
  ~scale_run() override {
    // The loop stops first (it may be making threads), without waiting for
    // the coroutines still asleep: they are dropped with it. Then threads
    // still asleep are woken and joined before what they touch goes.
    if (loop) {
      loop->io().stop();
      loop->wait();
    }
    quit.store(1);
    syscall(SYS_futex, reinterpret_cast<int*>(&quit), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
    release_threads();
    for (auto& t : threads)
      if (t.joinable()) t.join();
    loop.reset();
  }
  std::vector<figure> figures() const override;
  std::string banner() const override {
    std::lock_guard lock(m);
    return result.refusal;
  }
  void publish(const measured& r) {
    std::lock_guard lock(m);
    result = r;
  }
  void release_threads() {
    go.store(true);
    go.notify_all();
  }

  // On the loop thread: one coroutine has ended; the last one wakes main.
  void unit_done() {
    if (--running == 0 && waiter != nullptr) waiter->set();
  }
  // Main waits for every unit. Units may outlive a cancelled main: they
  // only ever reach it through `waiter`, which main clears when it leaves.
  awaitable<void> wait_for_units() {
    real_event all_done(loop->io());
    waiter = &all_done;
    struct clear {
      scale_run* r;
      ~clear() { r->waiter = nullptr; }
    } guard{this};
    if (running > 0) co_await all_done.wait();
  }

  // Unit i has a lane (drawn) when i % sample_every == 0: lane i / sample_every.
  lane_id lane_of(int i) const {
    return i % sample_every == 0 ? task_lanes[static_cast<std::size_t>(i / sample_every)] : no_lane;
  }
  // Loop thread: a drawn unit now waits, or has ended (nothing for the others).
  void mark_waiting(lane_id lane) {
    if (lane == no_lane) return;
    loop->mark(lane, lane_state::running);
    loop->mark(lane, lane_state::waiting, static_cast<std::uint8_t>(wait_reason::timer));
  }
  void mark_done(lane_id lane) {
    if (lane == no_lane) return;
    loop->mark(lane, lane_state::running);
    loop->mark(lane, lane_state::done);
  }

  int sample_every = 1;
  std::vector<std::thread> threads;
  std::atomic<int> arrived{0};
  std::atomic<bool> go{false};
  std::atomic<int> quit{0};  // 1: the lesson is being torn down
  int running = 0;  // coroutines not yet ended; loop thread only
  real_event* waiter = nullptr;
  std::atomic<int> threads_done{0};
  std::unique_ptr<std::atomic<bool>[]> shown_done;  // per lane: its thread has ended

 private:
  mutable std::mutex m;
  measured result;
};

// Address space set aside while threads are made: when the limit is the
// address space, the threads take all of it, and the run still needs some
// to report and carry on.
class address_reserve {
 public:
  address_reserve() : p_(mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) {}
  ~address_reserve() { release(); }
  address_reserve(const address_reserve&) = delete;
  address_reserve& operator=(const address_reserve&) = delete;
  void release() {
    if (p_ != MAP_FAILED) munmap(p_, size);
    p_ = MAP_FAILED;
  }

 private:
  static constexpr std::size_t size = std::size_t{256} << 20;
  void* p_;
};

// time.sleep(d) for a thread, except that tearing the lesson down (a slider
// moved mid-run) wakes every sleeper at once instead of waiting them out.
void sleep_unless_woken(std::atomic<int>& quit, nanoseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (quit.load() == 0) {
    const auto left = std::chrono::duration_cast<nanoseconds>(end - std::chrono::steady_clock::now()).count();
    if (left <= 0) return;
    const timespec ts{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    syscall(SYS_futex, reinterpret_cast<int*>(&quit), FUTEX_WAIT_PRIVATE, 0, &ts, nullptr, 0);
  }
}

// [lesson]
// N concurrent waits, two ways. The work is the same: wait `d`.

// As OS threads: each thread blocks in the kernel (time.sleep). It owns a
// stack (8 MiB of address space, the pages it touched resident) and a
// kernel stack, and the scheduler keeps track of every one of them.
void wait_in_thread(scale_run& run, nanoseconds d, std::atomic<bool>* shown_done) {
  run.arrived.fetch_add(1);
  run.go.wait(false);  // start together once every thread exists
  sleep_unless_woken(run.quit, d);  // time.sleep(d): the thread blocks in the kernel
  // Tell the loop, without allocating: with thousands of threads the
  // address space may be nearly gone, and a thread has no one to report to.
  if (shown_done != nullptr) shown_done->store(true);
  run.threads_done.fetch_add(1);
}

// As coroutines: each one is a heap-allocated frame and a timer on one
// loop. Waiting costs no thread; the loop's one thread waits for them all.
awaitable<void> wait_in_coroutine(scale_run& run, nanoseconds d, lane_id lane) {
  run.mark_waiting(lane);
  asio::steady_timer timer(co_await asio::this_coro::executor, d);  // asyncio.sleep(d)
  co_await timer.async_wait(asio::use_awaitable);
  run.mark_done(lane);
  run.unit_done();
}

// What `started` units cost: the process with every one of them alive,
// against the process before the first one.
void account(measured& out, int started, nanos took, const process_stats& before, const process_stats& after) {
  const double units = std::max(started, 1);
  out.started = started;
  out.creation_per_unit_s = static_cast<double>(took) / 1e9 / units;
  out.rss_total = static_cast<double>(after.rss_bytes - before.rss_bytes);
  out.rss_per_unit = out.rss_total / units;
  out.address_space_per_unit = static_cast<double>(after.virtual_bytes - before.virtual_bytes) / units;
  out.os_threads = after.threads;
  out.threads_added = after.threads - before.threads;
}

// Starts n threads, measures, lets them wait, and waits for them all.
awaitable<void> with_threads(scale_run& run, int n, nanoseconds d, measured& out) {
  event_loop& loop = current_loop();
  run.threads.reserve(static_cast<std::size_t>(n));
  address_reserve headroom;  // given back once the threads are measured: what the rest of the run needs
  release_free_memory();
  const process_stats before = read_process_stats();
  const nanos t0 = loop.now();
  for (int i = 0; i < n; ++i) {
    const lane_id lane = run.lane_of(i);
    std::string refused;
    try {
      run.threads.emplace_back(wait_in_thread, std::ref(run), d,
                               lane != no_lane ? &run.shown_done[i / run.sample_every] : nullptr);
    } catch (const std::system_error& e) {  // the system said no: report it and carry on
      refused = e.code().message();
    } catch (const std::bad_alloc&) {
      refused = "out of memory or address space";
    }
    if (!refused.empty()) {
      out.refused = n - i;
      out.refusal.append("the system refused thread ").append(std::to_string(i + 1)).append(": ").append(refused);
      out.refusal.append(" (").append(thread_limits_text()).append(")");
      break;
    }
    if (lane != no_lane) loop.mark(lane, lane_state::ready);
    run.mark_waiting(lane);
  }
  const int started = static_cast<int>(run.threads.size());
  while (run.arrived.load() < started) co_await sleep(std::chrono::milliseconds(1));
  account(out, started, loop.now() - t0, before, read_process_stats());
  headroom.release();
  run.release_threads();
  // The loop looks every millisecond: which threads have ended, and are
  // they all done.
  std::vector<bool> marked(run.task_lanes.size(), false);
  for (bool last = false; !last;) {
    last = run.threads_done.load() == started;
    for (std::size_t k = 0; k < marked.size(); ++k)
      if (!marked[k] && run.shown_done[k].load()) {
        marked[k] = true;
        run.mark_done(run.task_lanes[k]);
      }
    if (!last) co_await sleep(std::chrono::milliseconds(1));
  }
  out.finish_s = static_cast<double>(loop.now() - t0) / 1e9;
  for (auto& t : run.threads) t.join();  // already finished: each join returns at once
  run.threads.clear();
}

// Starts n coroutines on this loop, measures, and waits for them all.
awaitable<void> with_coroutines(scale_run& run, int n, nanoseconds d, measured& out) {
  event_loop& loop = current_loop();
  release_free_memory();
  const process_stats before = read_process_stats();
  const nanos t0 = loop.now();
  for (int i = 0; i < n; ++i) {
    const lane_id lane = run.lane_of(i);
    if (lane != no_lane) loop.mark(lane, lane_state::ready);
    asio::co_spawn(loop.io(), wait_in_coroutine(run, d, lane), asio::detached);
    ++run.running;
  }
  co_await yield_now();  // behind every new coroutine: each one is now at its timer
  account(out, n, loop.now() - t0, before, read_process_stats());
  auto all = run.wait_for_units();
  co_await std::move(all);
  out.finish_s = static_cast<double>(loop.now() - t0) / 1e9;
}
// [/lesson]

std::vector<figure> scale_run::figures() const {
  std::lock_guard lock(m);
  const measured& r = result;
  if (r.wanted == 0) return {};
  std::vector<figure> f = {
      {"units", "units started", static_cast<double>(r.started), "", "How many of the N waits were started"},
      {"creation_per_unit_s", "creation time per unit", r.creation_per_unit_s, "s",
       "From the first creation until every unit was waiting, divided by the units"},
      {"rss_per_unit_bytes", "resident memory per unit", r.rss_per_unit, "bytes",
       "VmRSS from /proc/self/status with every unit alive, minus before, divided by the units"},
      {"address_space_per_unit_bytes", "address space per unit", r.address_space_per_unit, "bytes",
       "VmSize from /proc/self/status, the same way: reserved, not necessarily in RAM"},
      {"rss_total_bytes", "resident memory, all units", r.rss_total, "bytes", "VmRSS with every unit alive, minus before"},
      {"finish_s", "time until all finished", r.finish_s, "s", "From the first creation until the last wait ended"},
      {"os_threads", "OS threads in the process", static_cast<double>(r.os_threads), "",
       "Threads: from /proc/self/status while every unit was alive"},
      {"threads_added", "OS threads added", static_cast<double>(r.threads_added), "",
       "The process's threads with every unit alive, minus before"},
  };
  if (r.refused > 0)
    f.push_back({"refused", "units refused", static_cast<double>(r.refused), "", r.refusal});
  return f;
}

std::unique_ptr<scenario_run> make_side(bool threads, int n, nanoseconds d, const loop_options& base) {
  auto run = std::make_unique<scale_run>();
  scale_run& r = *run;
  loop_options options = base;
  options.clock = clock_kind::real_clock;
  run->variant = threads ? "threads" : "coroutines";
  run->loop = std::make_unique<event_loop>(options);
  run->main_lane = run->loop->add_lane(lane_kind::main, "main");
  run->sample_every = std::max(1, static_cast<int>(std::ceil(static_cast<double>(n) / lanes_shown)));
  run->shown_done = std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(n / run->sample_every + 1));
  for (int i = 0; i < n; i += run->sample_every)
    run->task_lanes.push_back(run->loop->add_lane(lane_kind::task, std::string(threads ? "thread " : "coroutine ").append(std::to_string(i + 1)), run->main_lane));
  run->loop->spawn_on(run->main_lane, supervise(r, [&r, threads, n, d](std::vector<task_handle>&) -> awaitable<void> {
                        measured out;
                        out.wanted = n;
                        auto work = threads ? with_threads(r, n, d, out) : with_coroutines(r, n, d, out);
                        co_await std::move(work);
                        r.publish(out);
                      }));
  return run;
}

}  // namespace

lesson lesson_threads() {
  lesson l;
  l.id = "threads";
  l.title = "Threads versus coroutines";
  l.summary = "N waits as OS threads and as coroutines: creation time, memory and threads, measured here and now.";
  l.params = {{"units", "N", 10, 10000, 1000, "units", "How many waits run at once", 100000},
              {"wait", "wait", 100, 5000, 1000, "ms", "How long each one waits"}};
  l.variants = {"threads", "coroutines"};
  l.real_clock_only = true;
  l.variants_in_turn = true;
  l.chart = growth_chart{"units", "rss_total_bytes", "Resident memory of N waits, a point per run"};
  l.make = [](std::size_t variant, const values& v, const loop_options& base) {
    return make_side(variant == 0, static_cast<int>(v.at("units")), ms_of(v.at("wait")), base);
  };
  l.predict = {"How many times more resident memory does one thread take than one coroutine?", "x", {},
               [](const std::vector<outcome>& runs) {
                 const double thread = figure_of(*runs[0].run, "rss_per_unit_bytes");
                 const double coroutine = figure_of(*runs[1].run, "rss_per_unit_bytes");
                 return coroutine > 0 ? thread / coroutine : 0.0;
               }};
  return l;
}

}  // namespace loopscope::lessons
