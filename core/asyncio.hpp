// What a scenario is written with: asyncio's primitives, as coroutines on
// the loop that runs them. A lesson's code includes this and nothing else
// of the runtime.
//
//   asyncio.sleep(d)            co_await sleep(d)
//   asyncio.sleep(0)            co_await yield_now()
//   time.sleep(d) in a task     block(d)          (holds the loop)
//   a computation               cpu(d)            (holds the loop)
//   asyncio.to_thread(...)      co_await to_thread(d)
//   asyncio.create_task(c)      spawn(c, "name")
//   await task                  co_await task.join()
//   asyncio.gather(*tasks)      co_await gather(tasks)
//   asyncio.TaskGroup()         task_group
//   asyncio.wait_for(c, d)      co_await wait_for(c, d)   (asyncio.timeout; 3.12+ wait_for)
//   asyncio.Semaphore(k)        semaphore
//   asyncio.Lock()              lock
//   asyncio.Event()             event
//   asyncio.Queue(maxsize)      queue<T>
//   asyncio.as_completed(ts)    as_completed
//   asyncio.wait(ts, ...)       co_await wait(tasks, return_when::first_completed)
//   task.add_done_callback(f)   task.add_done_callback(f)
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <compare>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/call_site.hpp"
#include "core/trace.hpp"

namespace loopscope {

namespace asio = boost::asio;
template <class T = void>
using awaitable = asio::awaitable<T>;
using std::chrono::nanoseconds;
using namespace std::chrono_literals;

class event_loop;

// ---- Exceptions a scenario raises or sees ----

// A failure a scenario raises on purpose ("the API returned 500").
struct task_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What wait_for throws when the deadline passes (asyncio.TimeoutError).
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

// ---- Tasks ----

// A spawned task, as asyncio's Task: await it with join(), cancel it.
class task_handle {
 public:
  task_handle() = default;
  task_handle(event_loop* loop, lane_id lane) : loop_(loop), lane_(lane) {}
  lane_id lane() const { return lane_; }
  bool valid() const { return loop_ != nullptr; }
  bool finished() const;
  lane_state state() const;
  bool cancelled() const;
  // As task.exception(): the task's error, nullptr when none (or not ended).
  // Like asyncio's, reading it marks the error as retrieved.
  std::exception_ptr error() const;
  void cancel() const;
  // As task.add_done_callback(f): f(task) is queued on the loop when the
  // task ends (at once if it has ended), and runs a pass later.
  void add_done_callback(std::function<void(task_handle)> f) const;
  // Waits for the task to end and rethrows its exception, as `await task`.
  awaitable<void> join(call_site where = call_site::current()) const;
  // Waits for the task to end whatever the outcome, as asyncio.wait.
  awaitable<void> wait(call_site where = call_site::current()) const;

 private:
  event_loop* loop_ = nullptr;
  lane_id lane_ = no_lane;

 public:
  // Tasks go in sets (asyncio's background_tasks = set()).
  friend auto operator<=>(const task_handle&, const task_handle&) = default;
};

// asyncio.create_task: the task starts at the loop's next turn.
task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);

// ---- Waiting ----

// Every primitive that waits notes where it was awaited (the default
// argument is the caller's line): the lane and the code pane show it.
// asyncio.sleep(d). `co_await sleep(d)` waits in the awaiting coroutine's
// own frame: Asio runs an operation awaited directly without a coroutine of
// its own, and a run of a million sleeping tasks would otherwise hold a
// million such frames. Kept, or handed on (spawn, wait_for), a sleep becomes
// an awaitable<void>.
class [[nodiscard]] sleep_op {
 public:
  // Asio's handler for an operation a coroutine awaits directly
  // (boost/asio/impl/awaitable.hpp): the task's stack, and where its result goes.
  using handler = asio::detail::awaitable_async_op_handler<void(boost::system::error_code), asio::any_io_executor>;

  sleep_op(nanoseconds d, call_site where) : d_(d), where_(where) {}

  // The operation Asio's co_await runs; a pointer is no completion token
  // (Asio asks whether the frame's own pointer could be one).
  template <class Token>
  requires(!std::is_pointer_v<std::decay_t<Token>>) auto operator()(Token&& token) && {
    return asio::async_initiate<Token, void(boost::system::error_code)>([this](handler h) { start(std::move(h)); },
                                                                        token);
  }
  operator awaitable<void>() &&;  // NOLINT(google-explicit-constructor): as asyncio's coroutine object

 private:
  void start(handler h) const;
  nanoseconds d_;
  call_site where_;
};
sleep_op sleep(nanoseconds d, call_site where = call_site::current());
awaitable<void> yield_now(call_site where = call_site::current());  // asyncio.sleep(0)
// time.sleep(d) inside a coroutine: holds the loop. `where` is the line the
// task is at while it blocks.
void block(nanoseconds d, call_site where = call_site::current());
void cpu(nanoseconds d, call_site where = call_site::current());  // busy computation for d: holds the loop
awaitable<void> to_thread(nanoseconds d, run_kind kind = run_kind::blocking,
                          call_site where = call_site::current());  // asyncio.to_thread

enum class gather_mode { propagate_first, return_exceptions };
// asyncio.gather: by default the first error reaches the awaiter at once while
// the others keep running; with return_exceptions every task is awaited and
// each one's error (or nullptr) comes back in order.
awaitable<std::vector<std::exception_ptr>> gather(std::vector<task_handle> tasks,
                                                  gather_mode mode = gather_mode::propagate_first,
                                                  call_site where = call_site::current());

// asyncio.wait(tasks, return_when=...): waits until the condition holds and
// hands back which tasks are done and which are still pending (in the order
// given; asyncio's are sets). It cancels nothing, and a cancelled wait
// leaves the tasks running.
enum class return_when { first_completed, first_exception, all_completed };
struct done_and_pending {
  std::vector<task_handle> done, pending;
};
awaitable<done_and_pending> wait(std::vector<task_handle> tasks, return_when when = return_when::all_completed,
                                 call_site where = call_site::current());

// asyncio.TaskGroup: the first failure cancels the others; wait() waits for
// all and raises an exception_group of the failures.
class task_group {
 public:
  task_group();
  task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);
  // On a lane made in advance (event_loop::add_lane), for scenarios that
  // number their own lanes.
  task_handle spawn_on(lane_id lane, awaitable<void> body);
  awaitable<void> wait(call_site where = call_site::current());

 private:
  struct state;
  std::shared_ptr<state> state_;
};

// asyncio.wait_for as Python 3.12 has it, which is asyncio.timeout(d): the
// same task runs the body; when d has passed since the call, the task is
// cancelled at whatever it awaits, the body unwinds (its cleanup runs), and
// timeout_error (TimeoutError) is raised. Python 3.11's wait_for differs: it
// runs the body as a new task, a pass later.
awaitable<void> wait_for(awaitable<void> body, nanoseconds d);

// asyncio.Event: wait() suspends until set(); set() wakes every waiter.
// Both on the loop's thread (another thread posts to the loop). Copies
// share one event.
class event {
 public:
  event();
  void set();
  void clear();
  bool is_set() const;
  awaitable<void> wait(call_site where = call_site::current());

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// asyncio.Lock: `async with lock:` is
//   auto held = co_await lock.acquire();   // released when `held` goes
// Fair as asyncio's: release() wakes the first waiter, which takes the lock
// when it runs, a pass later; a task that asks meanwhile queues behind it.
// Copies share one lock.
class lock {
  struct impl;

 public:
  lock();

  class guard {
   public:
    guard() = default;
    explicit guard(std::shared_ptr<impl> l) : lock_(std::move(l)) {}
    guard(guard&&) noexcept = default;
    guard& operator=(guard&& o) noexcept {
      if (this != &o) {
        reset();
        lock_ = std::move(o.lock_);
      }
      return *this;
    }
    ~guard() { reset(); }
    void reset();  // releases it now

   private:
    std::shared_ptr<impl> lock_;
  };

  awaitable<guard> acquire(call_site where = call_site::current());
  bool locked() const;
  std::size_t waiting() const;

 private:
  std::shared_ptr<impl> impl_;
};

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

  awaitable<permit> acquire(call_site where = call_site::current());
  void release();
  int available() const;
  std::size_t waiting() const;

 private:
  std::shared_ptr<impl> impl_;
};

// ---- Queues ----

namespace detail {
struct waiter;  // a future a task awaits and someone else completes
using waiters = std::deque<std::shared_ptr<waiter>>;

// What every asyncio.Queue does whatever it holds: its putters and getters
// (each a future, woken in turn), its count of unfinished items, and join.
// The items themselves are queue<T>'s.
class queue_state {
 public:
  explicit queue_state(std::size_t maxsize) : maxsize_(maxsize) {}
  std::size_t size() const { return size_; }
  std::size_t maxsize() const { return maxsize_; }
  bool full() const { return maxsize_ > 0 && size_ >= maxsize_; }
  std::size_t unfinished() const { return unfinished_; }
  // put(): `while self.full(): await putter`; get(): `while self.empty(): ...`
  awaitable<void> until_not_full(call_site where);
  awaitable<void> until_not_empty(call_site where, wait_reason why = wait_reason::queue);
  void pushed();  // put_nowait's bookkeeping: wakes the first getter
  void popped();  // get_nowait's: wakes the first putter
  void task_done();
  awaitable<void> join(call_site where);
  void check_put() const;  // raises QueueFull
  void check_get() const;  // raises QueueEmpty

 private:
  std::size_t maxsize_;
  std::size_t size_ = 0;
  std::size_t unfinished_ = 0;
  waiters getters_, putters_, joiners_;
};
}  // namespace detail

// asyncio.Queue(maxsize): put() waits while it is full (0: never full),
// get() while it is empty, each woken in turn, a pass after the item or the
// room came; join() waits until every item put has been task_done(). Copies
// share one queue.
template <class T>
class queue {
  // put() holds its item while it waits, and a cancellation can leave it
  // there: GCC 12 destroys such a coroutine's locals twice, harmless only
  // for what has no destructor (job numbers, task handles).
  static_assert(std::is_trivially_destructible_v<T>, "a queue holds plain values");

 public:
  explicit queue(std::size_t maxsize = 0) : s_(std::make_shared<shared>(maxsize)) {}

  awaitable<void> put(T item, call_site where = call_site::current()) {
    co_await s_->state.until_not_full(where);
    put_nowait(std::move(item));
  }
  awaitable<T> get(call_site where = call_site::current()) {
    co_await s_->state.until_not_empty(where);
    co_return get_nowait();
  }
  void put_nowait(T item) {
    s_->state.check_put();
    s_->items.push_back(std::move(item));
    s_->state.pushed();
  }
  T get_nowait() {
    s_->state.check_get();
    T item = std::move(s_->items.front());
    s_->items.pop_front();
    s_->state.popped();
    return item;
  }
  void task_done() { s_->state.task_done(); }
  awaitable<void> join(call_site where = call_site::current()) { return s_->state.join(where); }
  std::size_t qsize() const { return s_->state.size(); }
  bool empty() const { return qsize() == 0; }
  bool full() const { return s_->state.full(); }
  std::size_t maxsize() const { return s_->state.maxsize(); }

 private:
  friend class as_completed;
  awaitable<T> get(call_site where, wait_reason why) {
    co_await s_->state.until_not_empty(where, why);
    co_return get_nowait();
  }
  struct shared {
    explicit shared(std::size_t maxsize) : state(maxsize) {}
    detail::queue_state state;
    std::deque<T> items;
  };
  std::shared_ptr<shared> s_;
};

// asyncio.as_completed(tasks): next() waits for the next task to end, in
// the order they end, and returns it, raising its error as `await f` does.
// Made in a running task; call next() size() times at most.
class as_completed {
 public:
  explicit as_completed(const std::vector<task_handle>& tasks);
  std::size_t size() const { return total_; }
  awaitable<task_handle> next(call_site where = call_site::current());

 private:
  queue<task_handle> done_;
  std::size_t total_ = 0;
};

}  // namespace loopscope
