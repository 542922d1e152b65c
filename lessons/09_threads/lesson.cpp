// Lesson 9: threads versus coroutines at scale, measured on this machine.
#include "lessons/lesson.hpp"

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <climits>
#include <cmath>
#include <ctime>
#include <mutex>
#include <system_error>
#include <thread>

#include "core/launch.hpp"
#include "core/loop.hpp"
#include "core/process_stats.hpp"

namespace loopscope::lessons {

namespace {

constexpr int lanes_shown = 100;  // lanes drawn per side; the rest run unseen

// Set while a thread of the lesson runs: tearing the lesson down (a slider
// moved mid-run) raises it and wakes every sleeper.
thread_local std::atomic<int>* teardown = nullptr;

// time.sleep(d) for a thread, except that tearing the lesson down wakes
// every sleeper at once instead of waiting them out.
void sleep_in_thread(nanoseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (teardown == nullptr || teardown->load() == 0) {
    const auto left = std::chrono::duration_cast<nanoseconds>(end - std::chrono::steady_clock::now()).count();
    if (left <= 0) return;
    const timespec ts{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    syscall(SYS_futex, reinterpret_cast<int*>(teardown), FUTEX_WAIT_PRIVATE, 0, &ts, nullptr, 0);
  }
}

// The units of one side: started by the lesson's code, counted, and a
// sample of them (every `sample_every`-th) drawn on the lanes. The loop's
// thread starts them and marks the lanes; the threads only count.
class units {
 public:
  units(event_loop& loop, std::vector<lane_id> lanes, int sample_every)
      : loop_(loop),
        lanes_(std::move(lanes)),
        sample_every_(sample_every),
        shown_done_(std::make_unique<std::atomic<bool>[]>(lanes_.size())) {}

  // threading.Thread(target=wait, args=(d,)).start(). Once the system has
  // refused one, the rest are counted as refused, not tried.
  void start_thread(void (*wait)(nanoseconds), nanoseconds d) {
    const int i = tried_++;
    if (!refusal_.empty()) return;  // counted as refused
    const lane_id lane = lane_of(i);
    try {
      threads_.emplace_back(&units::thread_main, this, wait, d, lane == no_lane ? nullptr : &shown_done_[slot(i)]);
    } catch (const std::system_error& e) {  // the system said no: report it and carry on
      refuse(i, e.code().message());
      return;
    } catch (const std::bad_alloc&) {
      refuse(i, "out of memory or address space");
      return;
    }
    ++started_;
    if (lane != no_lane) {
      loop_.mark(lane, lane_state::ready);
      mark_waiting(lane);
    }
  }

  // asyncio.create_task(wait): a coroutine on this loop, no task lane of
  // its own (its lane, if drawn, is marked from outside).
  void start_coroutine(awaitable<void> wait) {
    const lane_id lane = lane_of(tried_++);
    if (lane != no_lane) loop_.mark(lane, lane_state::ready);
    ++started_;
    ++coroutines_running_;
    asio::co_spawn(loop_.io(), std::move(wait), [this, lane](std::exception_ptr) {
      if (lane != no_lane) mark_done(lane);
      if (--coroutines_running_ == 0) all_coroutines_done_.set();
    });
    // Runs right after the coroutine's first slice: it is at its timer.
    if (lane != no_lane) asio::post(loop_.io(), [this, lane] { mark_waiting(lane); });
  }

  int started() const { return started_; }
  int refused() const { return tried_ - started_; }
  const std::string& refusal() const { return refusal_; }

  // Every unit is waiting: each thread has arrived at its start line; each
  // coroutine has run to its timer.
  awaitable<void> all_waiting() {
    if (threads_.empty()) {
      co_await yield_now();  // behind every new coroutine
      co_return;
    }
    while (arrived_.load() < static_cast<int>(threads_.size())) co_await sleep(1ms);
  }
  // The threads start their waits together.
  void release() {
    go_.store(true);
    go_.notify_all();
  }
  // Every unit has ended. The loop looks every millisecond which threads
  // have, and marks their lanes.
  awaitable<void> all_done() {
    if (threads_.empty()) {
      if (coroutines_running_ > 0) co_await all_coroutines_done_.wait();
      co_return;
    }
    std::vector<bool> marked(lanes_.size(), false);
    for (bool last = false; !last;) {
      last = threads_done_.load() == static_cast<int>(threads_.size());
      for (std::size_t k = 0; k < marked.size(); ++k)
        if (!marked[k] && shown_done_[k].load()) {
          marked[k] = true;
          mark_done(lanes_[k]);
        }
      if (!last) co_await sleep(1ms);
    }
    for (auto& t : threads_) t.join();  // each has finished: join returns at once
    threads_.clear();
  }

  // Tearing down, the loop already stopped: wake every sleeper, join them.
  void shut_down() {
    quit_.store(1);
    syscall(SYS_futex, reinterpret_cast<int*>(&quit_), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
    release();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  // A thread reports its end without allocating: with thousands of threads
  // the address space may be nearly gone, and a thread has no one to
  // report a failure to.
  static void thread_main(units* u, void (*wait)(nanoseconds), nanoseconds d, std::atomic<bool>* shown_done) {
    teardown = &u->quit_;
    u->arrived_.fetch_add(1);
    u->go_.wait(false);  // start together once every thread exists
    wait(d);
    if (shown_done != nullptr) shown_done->store(true);
    u->threads_done_.fetch_add(1);
  }

  std::size_t slot(int i) const { return static_cast<std::size_t>(i / sample_every_); }
  lane_id lane_of(int i) const { return i % sample_every_ == 0 && slot(i) < lanes_.size() ? lanes_[slot(i)] : no_lane; }
  void mark_waiting(lane_id lane) {
    loop_.mark(lane, lane_state::running);
    loop_.mark(lane, lane_state::waiting, static_cast<std::uint8_t>(wait_reason::timer));
  }
  void mark_done(lane_id lane) {
    loop_.mark(lane, lane_state::running);
    loop_.mark(lane, lane_state::done);
  }
  void refuse(int i, const std::string& why) {
    refusal_.append("the system refused thread ").append(std::to_string(i + 1)).append(": ").append(why);
    refusal_.append(" (").append(thread_limits_text()).append(")");
  }

  event_loop& loop_;
  std::vector<lane_id> lanes_;
  int sample_every_;
  int tried_ = 0;
  int started_ = 0;
  std::string refusal_;
  std::vector<std::thread> threads_;
  std::unique_ptr<std::atomic<bool>[]> shown_done_;  // per lane: its thread has ended
  std::atomic<int> arrived_{0};
  std::atomic<bool> go_{false};
  std::atomic<int> threads_done_{0};
  std::atomic<int> quit_{0};    // 1: the lesson is being torn down
  int coroutines_running_ = 0;  // loop thread only
  event all_coroutines_done_;
};

// [lesson]
// N concurrent waits, two ways. The work is the same: wait `d`.

// As OS threads: each thread blocks in the kernel (time.sleep). It owns a
// stack (8 MiB of address space, the pages it touched resident) and a
// kernel stack, and the scheduler keeps track of every one of them.
void wait_in_thread(nanoseconds d) {
  sleep_in_thread(d);  // time.sleep(d): the thread blocks in the kernel
}

// As coroutines: each one is a heap-allocated frame and a timer on one
// loop. Waiting costs no thread; the loop's one thread waits for them all.
awaitable<void> wait_in_coroutine(nanoseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);  // asyncio.sleep(d)
  co_await timer.async_wait(asio::use_awaitable);
}

// N of each, all waiting at once.
void start_threads(units& all, int n, nanoseconds d) {
  for (int i = 0; i < n; ++i) all.start_thread(wait_in_thread, d);
}

void start_coroutines(units& all, int n, nanoseconds d) {
  for (int i = 0; i < n; ++i) all.start_coroutine(wait_in_coroutine(d));
}
// [/lesson]

// What one side measured. Written by the loop thread, read by anyone.
struct measured {
  int wanted = 0, started = 0, refused = 0;
  double creation_per_unit_s = 0, finish_s = 0;
  double rss_per_unit = 0, address_space_per_unit = 0, rss_total = 0;
  int os_threads = 0, threads_added = 0;
  std::string refusal;  // why the system refused a thread, if it did
};

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

class scale_run : public scenario_run {
 public:
  ~scale_run() override {
    // The loop stops first (it may be making threads), without waiting for
    // the coroutines still asleep: they are dropped with it. Then threads
    // still asleep are woken and joined before what they touch goes.
    if (all) {
      loop().io().stop();
      loop().wait();
      all->shut_down();
      all.reset();  // its event may hold main's handler: let it go while the loop still exists
    }
    stop_loop();
  }
  std::vector<figure> figures() const override;
  std::string incident() const override {
    std::lock_guard lock(m_);
    return result_.refusal;
  }
  void publish(const measured& r) {
    std::lock_guard lock(m_);
    result_ = r;
  }

  std::unique_ptr<units> all;

 private:
  mutable std::mutex m_;
  measured result_;
};

// Main: N units of one kind, measured with every one of them alive, then
// waited for.
awaitable<void> measure_side(scale_run& run, bool threads, int n, nanoseconds d) {
  event_loop& loop = current_loop();
  measured out;
  out.wanted = n;
  std::optional<address_reserve> headroom;  // given back once measured: what the rest of the run needs
  if (threads) headroom.emplace();
  release_free_memory();
  const process_stats before = read_process_stats();
  const nanos t0 = loop.now();
  if (threads)
    start_threads(*run.all, n, d);
  else
    start_coroutines(*run.all, n, d);
  co_await run.all->all_waiting();
  account(out, run.all->started(), loop.now() - t0, before, read_process_stats());
  out.refused = run.all->refused();
  out.refusal = run.all->refusal();
  headroom.reset();
  run.all->release();
  co_await run.all->all_done();
  out.finish_s = static_cast<double>(loop.now() - t0) / 1e9;
  run.publish(out);
}

std::vector<figure> scale_run::figures() const {
  std::lock_guard lock(m_);
  const measured& r = result_;
  if (r.wanted == 0) return {};
  std::vector<figure> f = {
      {"units", "units started", static_cast<double>(r.started), "", "How many of the N waits were started"}};
  if (r.started > 0)  // per unit of nothing is no figure
    f.insert(f.end(), {
                          {"creation_per_unit_s", "creation time per unit", r.creation_per_unit_s, "s",
                           "From the first creation until every unit was waiting, divided by the units"},
                          {"rss_per_unit_bytes", "resident memory per unit", r.rss_per_unit, "bytes",
                           "VmRSS from /proc/self/status with every unit alive, minus before, divided by the units"},
                          {"address_space_per_unit_bytes", "address space per unit", r.address_space_per_unit, "bytes",
                           "VmSize from /proc/self/status, the same way: reserved, not necessarily in RAM"},
                      });
  f.insert(f.end(), {
                        {"rss_total_bytes", "resident memory, all units", r.rss_total, "bytes",
                         "VmRSS with every unit alive, minus before"},
                        {"finish_s", "time until all finished", r.finish_s, "s",
                         "From the first creation until the last wait ended"},
                        {"os_threads", "OS threads in the process", static_cast<double>(r.os_threads), "",
                         "Threads: from /proc/self/status while every unit was alive"},
                        {"threads_added", "OS threads added", static_cast<double>(r.threads_added), "",
                         "The process's threads with every unit alive, minus before"},
                    });
  if (r.refused > 0) f.push_back({"refused", "units refused", static_cast<double>(r.refused), "", r.refusal});
  return f;
}

// A side: N units of one kind, a lane for every sample_every-th.
variant side(std::string name, bool threads) {
  return {std::move(name), [threads](const values& v, run_setup s) -> std::unique_ptr<scenario_run> {
            const int n = static_cast<int>(v.at("units"));
            const int every = std::max(1, static_cast<int>(std::ceil(static_cast<double>(n) / lanes_shown)));
            std::vector<std::string> names;
            for (int i = 0; i < n; i += every)
              names.push_back(std::string(threads ? "thread " : "coroutine ") + std::to_string(i + 1));
            auto run = std::make_unique<scale_run>();
            s.loop.clock = clock_kind::real_clock;
            prepare(*run, s.variant, s.loop, names, planning::by_number);
            run->all = std::make_unique<units>(run->loop(), run->task_lanes(), every);
            spawn_main(*run, measure_side(*run, threads, n, ms(v.at("wait"))));
            return run;
          }};
}

}  // namespace

lesson lesson_threads() {
  lesson l;
  l.variants = {side("threads", true), side("coroutines", false)};
  l.real_clock_only = true;
  l.variants_in_turn = true;
  l.chart = growth_chart{"units", "rss_total_bytes", "Resident memory of N waits, a point per run"};
  l.predict.answer = [](const outcomes& o) -> std::optional<double> {
    const double coroutine = o.figure("coroutines", "rss_per_unit_bytes");
    const bool both = o.figure("threads", "units") > 0 && o.figure("coroutines", "units") > 0;
    return both && coroutine > 0 ? std::optional<double>(o.figure("threads", "rss_per_unit_bytes") / coroutine)
                                 : std::nullopt;
  };
  l.predict.why = [](const outcomes& o) {
    const auto kib = [](double bytes) { return std::to_string(static_cast<long long>(bytes / 1024 + 0.5)) + " KiB"; };
    return "Each thread had a stack and the kernel's bookkeeping: " + kib(o.figure("threads", "rss_per_unit_bytes")) +
           " resident per thread, against " + kib(o.figure("coroutines", "rss_per_unit_bytes")) +
           " per coroutine, a frame on the heap.";
  };
  return l;
}

}  // namespace loopscope::lessons
