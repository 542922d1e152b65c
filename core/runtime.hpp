// The runtime: one event loop per variant, real Asio coroutines on a virtual
// or a real clock, every slice and every wait recorded in the loop's trace.
//
// A task is a coroutine spawned with co_spawn on a traced_executor that
// carries the task's lane. The executor sees every function that runs on
// behalf of the task, so it knows exactly when the task holds the loop; the
// primitives below add *why* a task waits.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/require.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "trace.hpp"

namespace loopscope {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
template <class T = void>
using awaitable = asio::awaitable<T>;
using std::chrono::nanoseconds;

enum class clock_kind { virtual_clock, real_clock };
std::string_view to_string(clock_kind c);

class event_loop;

// ---- Exceptions a scenario raises or sees ----

// A failure a scenario raises on purpose ("the API returned 500").
struct task_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What with_timeout throws when the deadline passes (asyncio.TimeoutError).
struct timeout_error : std::runtime_error {
  timeout_error() : std::runtime_error("TimeoutError") {}
};

// What task_group::wait throws after a child failed (an ExceptionGroup).
struct exception_group : std::runtime_error {
  exception_group(std::string what, std::vector<std::exception_ptr> errors)
      : std::runtime_error(std::move(what)), errors(std::move(errors)) {}
  std::vector<std::exception_ptr> errors;
};

// Cancellation is Asio's operation_aborted, as asyncio's is CancelledError.
bool is_cancellation(const std::exception_ptr& e);
bool is_timeout(const std::exception_ptr& e);
// "TypeName: message", the last line of a Python traceback.
std::string describe(const std::exception_ptr& e);

// ---- A move-only callable ----

class callback {
 public:
  callback() = default;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, callback>>>
  callback(F f) : impl_(new model<F>(std::move(f))) {}
  void operator()() { impl_->call(); }
  explicit operator bool() const { return impl_ != nullptr; }

 private:
  struct concept_t {
    virtual ~concept_t() = default;
    virtual void call() = 0;
  };
  template <class F>
  struct model final : concept_t {
    explicit model(F f) : f(std::move(f)) {}
    void call() override { f(); }
    F f;
  };
  std::unique_ptr<concept_t> impl_;
};

// ---- The executor every task runs on ----

class traced_executor {
 public:
  traced_executor(event_loop* loop, lane_id lane, bool never = false) noexcept
      : loop_(loop), lane_(lane), never_(never) {}

  event_loop& loop() const noexcept { return *loop_; }
  lane_id lane() const noexcept { return lane_; }

  asio::io_context& query(asio::execution::context_t) const noexcept;
  asio::execution::blocking_t query(asio::execution::blocking_t) const noexcept {
    return never_ ? asio::execution::blocking_t(asio::execution::blocking.never)
                  : asio::execution::blocking_t(asio::execution::blocking.possibly);
  }
  traced_executor require(asio::execution::blocking_t::never_t) const noexcept { return {loop_, lane_, true}; }
  traced_executor require(asio::execution::blocking_t::possibly_t) const noexcept { return {loop_, lane_, false}; }

  template <class F>
  void execute(F&& f) const;

  friend bool operator==(const traced_executor& a, const traced_executor& b) noexcept {
    return a.loop_ == b.loop_ && a.lane_ == b.lane_ && a.never_ == b.never_;
  }
  friend bool operator!=(const traced_executor& a, const traced_executor& b) noexcept { return !(a == b); }

 private:
  event_loop* loop_;
  lane_id lane_;
  bool never_;
};

// ---- Handles ----

// A spawned task, as asyncio's Task: await it with join(), cancel it.
class task_handle {
 public:
  task_handle() = default;
  task_handle(event_loop* loop, lane_id lane) : loop_(loop), lane_(lane) {}
  lane_id lane() const { return lane_; }
  bool valid() const { return loop_ != nullptr; }
  bool finished() const;
  lane_state state() const;
  std::exception_ptr error() const;
  void cancel() const;
  // Waits for the task to end and rethrows its exception, as `await task`.
  awaitable<void> join() const;
  // Waits for the task to end whatever the outcome, as asyncio.wait.
  awaitable<void> wait() const;

 private:
  event_loop* loop_ = nullptr;
  lane_id lane_ = no_lane;
};

struct loop_options {
  clock_kind clock = clock_kind::virtual_clock;
  int pool_size = 4;     // to_thread workers
  bool record = true;    // false: run the same engine without a trace (benchmarks)
  // Trace writers for threads other than the loop and its pool (a load
  // generator on a loop of its own): each one belongs to one thread.
  int extra_writers = 0;
  // The run is watched live in the window: a lesson's server keeps listening
  // after its load, until the run is replaced.
  bool live_session = false;
};

// ---- The loop of one variant ----

class event_loop {
 public:
  explicit event_loop(loop_options options = {});
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // -- Setting up --
  // A lane for a task that may never start (a sequential run stops early).
  lane_id add_lane(lane_kind kind, std::string name, lane_id parent = no_lane);
  // Spawns a task on its own lane (or a lane made by add_lane). Callable from
  // inside the loop, or from outside before it runs.
  task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);
  task_handle spawn_on(lane_id lane, awaitable<void> body);

  // -- Driving (virtual clock) --
  bool step();                    // runs exactly one handler; false when nothing is left
  void run_until(nanos t);        // runs every handler due at or before t; the clock reaches t
  std::optional<nanos> next_due() const;  // when the next handler is due, if any
  // -- Driving (either clock) --
  void run();                     // virtual: to the end, instantly; real: start() then wait()
  void start();                   // real: the loop runs on its own thread
  void wait();                    // real: until every task has ended
  bool finished() const { return live_ == 0; }
  std::size_t live_tasks() const { return live_; }
  bool stalled() const;           // tasks are alive but nothing can ever wake them

  // -- Lanes the loop does not run itself (OS threads a scenario starts, the
  // requests of a load generator on another thread) --
  // On the loop thread: the lane's state from now on.
  void mark(lane_id lane, lane_state s, std::uint8_t detail = 0);
  // From the one thread that owns extra writer `k` (0-based): never touches
  // what the loop thread writes, so no lock is needed.
  void mark_external(int k, lane_id lane, lane_state s, std::uint8_t detail = 0);
  const loop_options& options() const { return options_; }

  // -- Control from outside --
  void cancel(lane_id lane);      // as asyncio's Task.cancel
  void cancel_all();

  // -- State --
  clock_kind clock() const { return options_.clock; }
  nanos now() const;
  const loopscope::trace& trace() const { return trace_; }
  loopscope::trace& trace() { return trace_; }
  std::size_t handlers_run() const { return handlers_run_; }
  asio::io_context& io() { return io_; }
  int pool_size() const { return options_.pool_size; }

  // -- Used by the primitives and the executor --
  lane_id current_lane() const;
  void set_wait_reason(wait_reason r);
  void set_wake_hint(nanos t);
  void hold(nanos d, run_kind kind);  // block / cpu: keep the loop for d
  using wait_handler = asio::any_completion_handler<void(error_code)>;
  void async_wait_until(nanos deadline, wait_handler h);   // virtual clock timer
  void async_join(lane_id lane, wait_handler h);
  void async_offload(nanos d, run_kind kind, wait_handler h);  // to_thread
  void on_task_end(lane_id lane, callback cb);  // as add_done_callback: called soon after the end
  void end_task(lane_id lane, const std::exception_ptr& e);  // records the end, once
  void call_soon(callback cb);                  // a plain callback on the loop, not a task
  // Completes h on its task's executor as woken at `stamp`.
  void complete(wait_handler h, error_code ec, nanos stamp);
  bool lane_finished(lane_id lane) const;
  bool cancel_requested(lane_id lane) const { return tasks_[lane]->cancel_requested; }
  lane_state lane_state_of(lane_id lane) const;
  std::exception_ptr lane_error(lane_id lane) const;

  // The executor's side of the bookkeeping.
  bool inline_allowed(lane_id lane) const;
  struct ticket {
    nanos stamp;
    bool counted;
  };
  ticket submit(lane_id lane);
  void enter_slice(lane_id lane, const ticket* t);
  void leave_slice(lane_id lane);

 private:
  struct task_core {
    lane_state state = lane_state::ready;  // as last recorded
    wait_reason reason = wait_reason::io;
    nanos last_t = 0;
    nanos wake_hint = -1;
    int pending = 0;  // handlers queued for this task from the loop thread
    int depth = 0;    // nested same-task dispatch
    bool started = false;
    bool spawned = false;
    bool terminal = false;
    bool ended = false;  // its end is recorded (the body returned or raised)
    bool cancel_requested = false;
    std::size_t writer = 0;  // the trace writer of this lane (workers have their own)
    std::exception_ptr error;
    asio::cancellation_signal cancel_signal;
    callback on_end;                   // most tasks have one awaiter: no vector for it
    std::vector<callback> on_end_more;
  };
  struct timer_entry {
    wait_handler handler;  // a coroutine's timer, or
    callback internal;     // the loop's own (a worker finishing a job)
  };
  // Handlers here are only ever move-constructed: Boost 1.81's
  // any_completion_handler move-assignment wraps itself without end.
  struct offload_state {
    explicit offload_state(wait_handler h) : handler(std::move(h)) {}
    wait_handler handler;
    bool live = true;  // false once completed or cancelled
  };
  struct pool_job {
    nanos duration;
    run_kind kind;
    std::shared_ptr<offload_state> state;
  };

  task_core& core(lane_id lane);
  void record(lane_id lane, nanos t, lane_state s, std::uint8_t detail = 0);
  void finish(lane_id lane, std::exception_ptr e);
  bool on_loop_thread() const;
  void fire_due_timers();
  std::pair<nanos, std::uint64_t> add_timer(nanos deadline, timer_entry e);
  void ensure_workers();
  void start_next_job(std::size_t worker, nanos t);
  void drain_for_shutdown();

  loop_options options_;
  loopscope::trace trace_;
  asio::io_context io_;
  std::deque<task_core> task_storage_;  // stable addresses
  std::vector<task_core*> tasks_;       // by lane id: one load, not deque arithmetic

  // virtual clock
  nanos now_ = 0;
  std::size_t queued_ = 0;      // handlers in io_'s queue
  std::size_t batch_left_ = 0;  // handlers left in the current loop iteration
  std::uint64_t timer_seq_ = 0;
  std::map<std::pair<nanos, std::uint64_t>, timer_entry> timers_;
  std::deque<pool_job> pool_queue_;
  std::vector<bool> worker_busy_;
  std::vector<lane_id> worker_lanes_;
  nanos stamp_override_ = -1;

  // real clock
  std::chrono::steady_clock::time_point epoch_;
  std::unique_ptr<asio::thread_pool> pool_;
  std::thread thread_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::atomic<int> next_worker_{0};

  std::atomic<std::size_t> live_{0};  // spawned tasks not yet ended (read from any thread)
  std::size_t handlers_run_ = 0;
  friend class traced_executor;
};

// Really spends d on the calling thread: asleep (blocking) or busy (cpu).
void spend(nanos d, run_kind kind);

// Loopscope's processes (the app, the benchmarks) call this first. Coroutine
// frames, handlers and cancellation states are small blocks freed in bulk;
// glibc's fastbins turn that into long consolidation passes. The app links
// mimalloc where it is installed, and then this changes nothing; without
// it, glibc with fastbins off runs the loop ~20% faster.
void tune_allocator();

// ---- Per-thread: which loop and which task is running here ----

struct running_context {
  event_loop* loop = nullptr;
  lane_id lane = no_lane;
};
running_context& this_thread_context();
event_loop& current_loop();  // the loop running the calling coroutine

inline asio::io_context& traced_executor::query(asio::execution::context_t) const noexcept { return loop_->io(); }

template <class F>
void traced_executor::execute(F&& f) const {
  event_loop* l = loop_;
  const lane_id lane = lane_;
  if (!never_ && l->inline_allowed(lane)) {
    l->enter_slice(lane, nullptr);
    struct leave {
      event_loop* l;
      lane_id lane;
      ~leave() { l->leave_slice(lane); }
    } guard{l, lane};
    std::forward<F>(f)();
    return;
  }
  const event_loop::ticket t = l->submit(lane);
  asio::require(l->io().get_executor(), asio::execution::blocking.never)
      .execute([l, lane, t, f = std::decay_t<F>(std::forward<F>(f))]() mutable {
        l->enter_slice(lane, &t);
        struct leave {
          event_loop* l;
          lane_id lane;
          ~leave() { l->leave_slice(lane); }
        } guard{l, lane};
        f();
      });
}

// ---- Primitives, as asyncio's ----

awaitable<void> sleep(nanoseconds d);   // asyncio.sleep(d)
awaitable<void> yield_now();            // asyncio.sleep(0)
void block(nanoseconds d);              // time.sleep(d) inside a coroutine: holds the loop
void cpu(nanoseconds d);                // busy computation for d: holds the loop
awaitable<void> to_thread(nanoseconds d, run_kind kind = run_kind::blocking);  // asyncio.to_thread

task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);

enum class gather_mode { propagate_first, return_exceptions };
// asyncio.gather: by default the first error reaches the awaiter at once while
// the others keep running; with return_exceptions every task is awaited and
// each one's error (or nullptr) comes back in order.
awaitable<std::vector<std::exception_ptr>> gather(std::vector<task_handle> tasks,
                                                  gather_mode mode = gather_mode::propagate_first);

// asyncio.TaskGroup: the first failure cancels the others; wait() waits for
// all and raises an exception_group of the failures.
class task_group {
 public:
  task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);
  task_handle spawn_on(lane_id lane, awaitable<void> body);
  awaitable<void> wait();

 private:
  struct state {
    std::vector<task_handle> tasks;
    std::vector<std::exception_ptr> errors;
    std::size_t remaining = 0;
    std::optional<event_loop::wait_handler> waiter;
    bool aborting = false;
  };
  void watch(task_handle h);
  static void cancel_all(state& st);
  std::shared_ptr<state> state_ = std::make_shared<state>();
};

// asyncio.wait_for: cancels the body at its suspension point when d passes,
// waits for it to unwind, then throws timeout_error.
awaitable<void> with_timeout(awaitable<void> body, nanoseconds d);

// asyncio.Semaphore: FIFO, a permit is handed to the first waiter on release.
// Copies share one semaphore; a permit keeps it alive until released.
class semaphore {
  struct impl;

 public:
  explicit semaphore(int permits);

  // The held permit of `async with sem:`; released when it goes out of scope.
  class permit {
   public:
    permit() = default;
    explicit permit(std::shared_ptr<impl> s) : sem_(std::move(s)) {}
    permit(permit&&) noexcept = default;
    permit& operator=(permit&& o) noexcept {
      if (this != &o) {
        reset();
        sem_ = std::move(o.sem_);
      }
      return *this;
    }
    ~permit() { reset(); }
    void reset();

   private:
    std::shared_ptr<impl> sem_;
  };

  awaitable<permit> acquire();
  void release();
  int available() const;
  std::size_t waiting() const;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace loopscope
