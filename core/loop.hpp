// The event loop of one variant: an io_context with its own clock and trace.
// A task is a thread of Asio coroutines, launched as co_spawn launches one
// (core/loop.cpp), on an executor that carries the task's lane
// (core/detail/executor.hpp), so the loop sees every slice a task runs; the
// primitives (core/asyncio.hpp) add *why* a task waits.
//
// Included by core's own sources, by scenarios that use Asio directly (a
// server's sockets) and by the tests. The window never includes it: it holds
// runs through scenario_run (core/scenario.hpp).
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/asyncio.hpp"
#include "core/call_site.hpp"
#include "core/detail/timer_heap.hpp"
#include "core/loop_options.hpp"
#include "core/trace.hpp"

namespace loopscope {

using error_code = boost::system::error_code;

namespace detail {

// A move-only callable: what the loop keeps for later (done-callbacks).
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

}  // namespace detail

class event_loop {
 public:
  explicit event_loop(loop_options options = {});
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // ---- Setting up ----
  // A lane for a task that may never start (a sequential run stops early).
  lane_id add_lane(lane_kind kind, std::string name, lane_id parent = no_lane);
  // A task lane made in advance under the name it will be spawned with:
  // spawn(body, name) takes it, so a task the scenario never reaches still
  // has its lane (shown as not started).
  lane_id plan_task(std::string name, lane_id parent);
  // Spawns a task on its own lane (or the planned lane of that name).
  // Callable from inside the loop, or from outside before it runs. With
  // recording off (a server that runs for days), a helper's lane is used
  // again some time after its task has ended: keep no handle to a helper
  // past its end there.
  task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);
  task_handle spawn_on(lane_id lane, awaitable<void> body);

  // ---- Driving (virtual clock) ----
  bool step();                            // runs exactly one handler; false when nothing is left
  void run_until(nanos t);                // runs every handler due at or before t; the clock reaches t
  std::optional<nanos> next_due() const;  // when the next handler is due, if any
  // ---- Driving (either clock) ----
  void run();    // virtual: to the end, instantly; real: start() then wait()
  void start();  // real: the loop runs on its own thread
  void wait();   // real: until every task has ended
  bool started() const { return thread_.joinable() || options_.clock == clock_kind::virtual_clock; }
  bool finished() const { return live_ == 0; }
  std::size_t live_tasks() const { return live_; }
  bool stalled() const;  // tasks are alive but nothing can ever wake them

  // ---- Lanes the loop does not run itself (OS threads a scenario starts,
  // the requests of a load generator on another thread) ----
  // On the loop thread: the lane's state from now on.
  void mark(lane_id lane, lane_state s, std::uint8_t detail = 0);
  // From the one thread that owns extra writer `k` (0-based): never touches
  // what the loop thread writes, so no lock is needed.
  void mark_external(int k, lane_id lane, lane_state s, std::uint8_t detail = 0);

  // ---- Control from outside ----
  void cancel(lane_id lane);  // as asyncio's Task.cancel
  void cancel_all();
  // As Ctrl-C, from any thread: every task is cancelled, and on the real
  // clock a blocking call or computation under way (on the loop or a
  // worker) ends at once instead of running its course; the task it held
  // raises CancelledError there. From then on they return at once. The
  // virtual clock has nothing real to cut short: there it cancels.
  void interrupt();

  // ---- State ----
  const loop_options& options() const { return options_; }
  clock_kind clock() const { return options_.clock; }
  nanos now() const;
  const loopscope::trace& trace() const { return trace_; }
  loopscope::trace& trace() { return trace_; }
  std::size_t handlers_run() const { return handlers_run_; }
  asio::io_context& io() { return io_; }
  int pool_size() const { return options_.pool_size; }
  bool lane_spawned(lane_id lane) const { return tasks_[lane]->spawned; }

  // ---- Used by the primitives (core/asyncio.cpp) ----
  lane_id current_lane() const;
  // Why the running task is about to wait, and where in the code it was
  // awaited: the lane shows both.
  void set_wait(wait_reason r, const call_site& where);
  void set_wait_reason(wait_reason r);
  site_id site_of(const call_site& where);
  void set_wake_hint(nanos t);
  void hold(nanos d, run_kind kind, site_id site = no_site);  // block / cpu at `site`: keep the loop for d
  using wait_handler = asio::any_completion_handler<void(error_code)>;
  // What `co_await sleep(d)` gives the wait to complete: Asio's own handler,
  // 16 bytes. A sleep keeps it as it is, with no allocation to erase its
  // type: every task of a large run sleeps.
  using sleeper = sleep_op::handler;
  using timer_key = std::uint64_t;
  // asyncio.sleep's wait on the virtual clock, whole: h runs when the task
  // resumes, and there the timer is cancelled (sleep's finally: h.cancel(),
  // not when its future is cancelled), and a cancellation asked meanwhile
  // is what h completes with (raised at this await, once). Cancelling the
  // wait queues that resumption at once.
  // `frame` is an address in the sleeping coroutine's frame (the awaited
  // sleep_op's), read ahead of the task's resumption.
  void async_sleep_until(nanos deadline, sleeper h, const void* frame);
  void async_join(lane_id lane, wait_handler h);
  void async_offload(nanos d, run_kind kind, wait_handler h);  // to_thread
  // As add_done_callback: `cb` is queued when the task ends. A task's own
  // wake-up (`wakes_awaiter`) is the callback: it queues the resumption.
  void on_task_end(lane_id lane, detail::callback cb, bool wakes_awaiter = false);
  void end_task(lane_id lane, const std::exception_ptr& e);  // records the end, once
  // The task's coroutine has returned (or raised e): its end is recorded,
  // and whoever waits for it is told.
  void finish(lane_id lane, std::exception_ptr e);
  void call_soon(detail::callback cb);  // a plain callback on the loop, not a task
  // Completes h on its task's executor as woken at `stamp`.
  void complete(wait_handler h, error_code ec, nanos stamp);
  bool lane_finished(lane_id lane) const;
  // asyncio's Task.cancelling() and uncancel(): cancellations asked of the
  // task and not taken back.
  int cancelling(lane_id lane) const { return tasks_[lane]->cancelling; }
  int uncancel(lane_id lane);
  // A cancellation waiting to be raised in the task, taken: asyncio raises
  // CancelledError once, at the await the task resumes from. The lane notes
  // the point; from there the task runs as cancelled (its cleanup).
  bool take_cancellation(lane_id lane);
  // A callback at `deadline` on the virtual clock, as asyncio's call_at (a
  // timeout's); cancel_timer() takes it back before it runs.
  timer_key call_at(nanos deadline, detail::callback cb);
  // As TimerHandle.cancel(): left alone if it has run.
  void cancel_timer(timer_key key);
  lane_state lane_state_of(lane_id lane) const;
  std::exception_ptr lane_error(lane_id lane) const;  // a look that retrieves nothing
  // As task.exception(): reading a task's error marks it retrieved. A
  // failed task whose error nobody retrieved is the one asyncio logs as
  // "Task exception was never retrieved" when it is collected.
  std::exception_ptr retrieve_error(lane_id lane);
  bool error_retrieved(lane_id lane) const { return tasks_[lane]->retrieved; }
  std::vector<lane_id> never_retrieved() const;  // failed (not cancelled), error unread

  // ---- Used by the executor (core/detail/executor.hpp) ----
  bool inline_allowed(lane_id lane) const;
  struct ticket {
    nanos stamp;
    bool counted;
  };
  ticket submit(lane_id lane);
  void enter_slice(lane_id lane, const ticket* t);
  void leave_slice(lane_id lane);

 private:
  struct end_listener {
    detail::callback cb;
    bool wakes_awaiter = false;
  };
  // One per lane, a million in a large run: kept small, the lesser fields
  // packed together.
  struct task_core {
    lane_state state = lane_state::ready;  // as last recorded
    wait_reason reason = wait_reason::io;
    site_id site = no_site;  // where it last waited: where it resumes
    int pending = 0;         // handlers queued for this task from the loop thread
    nanos last_t = 0;
    nanos wake_hint = -1;
    int depth = 0;             // nested same-task dispatch
    int cancelling = 0;        // cancellations asked and not taken back
    std::uint16_t writer = 0;  // the trace writer of this lane (workers have their own)
    bool started = false;
    bool spawned = false;
    bool terminal = false;
    bool ended = false;           // its end is recorded (the body returned or raised)
    bool cancel_pending = false;  // a cancellation not yet raised in the task
    bool cancel_on_wait = false;  // cancelled while it ran: cut its next wait short
    bool retrieved = false;       // its error was read (task.exception(), await, gather)
    bool on_end_wakes = false;    // on_end is its awaiter's wake-up
    std::exception_ptr error;
    asio::cancellation_signal cancel_signal;
    detail::callback on_end;  // most tasks have one awaiter: no vector for it
    std::unique_ptr<std::vector<end_listener>> on_end_more;
  };
  // A sleeping task: its handler, and its lane (the handler is left alone,
  // in a frame far off in memory, until the task runs again).
  struct sleeping {
    sleeper handler;
    lane_id lane;
    const void* frame;                // where in the task's frame it sleeps: read ahead of its turn
    const void* on_cancel = nullptr;  // what the task's cancellation slot holds for it: likewise
  };
  // The loop's own (a worker finishing a job, a timeout), or a sleep's.
  using timer_entry = std::variant<detail::callback, sleeping>;
  // complete() for a sleeper: what sleep does after its wait, done as its
  // handler runs.
  void resume_sleeper(sleeping s, error_code ec, nanos stamp, timer_key key);
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
  std::optional<lane_id> reuse_helper_lane();
  void record(lane_id lane, nanos t, lane_state s, std::uint8_t detail = 0, site_id site = no_site);
  bool on_loop_thread() const;
  // Queues f on the loop as one handler of a pass (counted on the virtual
  // clock): what call_soon() and a due timer are.
  template <class F>
  void post_handler(F f);
  void queue_due_timers();
  void run_timer(timer_key key, nanos deadline);
  // A pass's due timers wake tasks scattered through memory: a few timers
  // ahead of the one running, what they will touch is fetched meanwhile.
  void read_ahead_of_timer();
  timer_key add_timer(nanos deadline, timer_entry e);
  void ensure_workers();
  void start_next_job(std::size_t worker, nanos t);
  void drain_for_shutdown();
  // Really spends d on the calling thread: asleep (blocking) or busy (cpu).
  // False when interrupt() cut it short.
  bool spend(nanos d, run_kind kind);
  void apply_interrupt();  // loop thread: cancels every task, once

  loop_options options_;
  loopscope::trace trace_;
  asio::io_context io_;
  std::deque<task_core> task_storage_;                            // stable addresses
  std::vector<task_core*> tasks_;                                 // by lane id: one load, not deque arithmetic
  std::unordered_map<std::string, std::deque<lane_id>> planned_;  // name -> planned lanes not yet spawned
  std::deque<lane_id> ended_helpers_;  // recording off: helpers' lanes to use again, oldest first

  // Places in the code, by the call_site that names them: a few per
  // program, looked up at every wait, so a small direct-mapped cache sits
  // in front of the map.
  struct site_key {
    const char* file;  // the compiler's own string: one per file
    std::uint32_t line, column;
    bool operator==(const site_key&) const = default;
  };
  struct site_key_hash {
    std::size_t operator()(const site_key& k) const {
      return std::hash<const void*>()(k.file) ^ (std::size_t{k.line} * 0x9E3779B97F4A7C15ull) ^ k.column;
    }
  };
  std::unordered_map<site_key, site_id, site_key_hash> sites_;
  std::array<std::pair<site_key, site_id>, 64> site_cache_{};

  // virtual clock
  nanos now_ = 0;
  std::size_t queued_ = 0;      // handlers in io_'s queue
  std::size_t batch_left_ = 0;  // handlers left in the current loop iteration
  detail::timer_heap<timer_entry> timers_;
  std::size_t due_run_ = 0;  // how many of the pass's due timers have run
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

  std::atomic<bool> interrupted_{false};
  bool interrupt_applied_ = false;  // loop thread
  std::mutex interrupt_m_;          // sleepers wait on the condition for interrupt()
  std::condition_variable interrupt_cv_;
};

// ---- Per-thread: which loop and which task is running here ----

struct running_context {
  event_loop* loop = nullptr;
  lane_id lane = no_lane;
};
running_context& this_thread_context();
event_loop& current_loop();  // the loop running the calling coroutine

}  // namespace loopscope
