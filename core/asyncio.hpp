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
//   asyncio.Event()             event
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>
#include <vector>

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
  std::exception_ptr error() const;
  void cancel() const;
  // Waits for the task to end and rethrows its exception, as `await task`.
  awaitable<void> join(std::source_location where = std::source_location::current()) const;
  // Waits for the task to end whatever the outcome, as asyncio.wait.
  awaitable<void> wait(std::source_location where = std::source_location::current()) const;

 private:
  event_loop* loop_ = nullptr;
  lane_id lane_ = no_lane;
};

// asyncio.create_task: the task starts at the loop's next turn.
task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);

// ---- Waiting ----

// Every primitive that waits notes where it was awaited (the default
// argument is the caller's line): the lane and the code pane show it.
awaitable<void> sleep(nanoseconds d, std::source_location where = std::source_location::current());  // asyncio.sleep(d)
awaitable<void> yield_now(std::source_location where = std::source_location::current());             // asyncio.sleep(0)
void block(nanoseconds d);  // time.sleep(d) inside a coroutine: holds the loop
void cpu(nanoseconds d);    // busy computation for d: holds the loop
awaitable<void> to_thread(nanoseconds d, run_kind kind = run_kind::blocking,
                          std::source_location where = std::source_location::current());  // asyncio.to_thread

enum class gather_mode { propagate_first, return_exceptions };
// asyncio.gather: by default the first error reaches the awaiter at once while
// the others keep running; with return_exceptions every task is awaited and
// each one's error (or nullptr) comes back in order.
awaitable<std::vector<std::exception_ptr>> gather(std::vector<task_handle> tasks,
                                                  gather_mode mode = gather_mode::propagate_first,
                                                  std::source_location where = std::source_location::current());

// asyncio.TaskGroup: the first failure cancels the others; wait() waits for
// all and raises an exception_group of the failures.
class task_group {
 public:
  task_group();
  task_handle spawn(awaitable<void> body, std::string name, lane_kind kind = lane_kind::task);
  // On a lane made in advance (event_loop::add_lane), for scenarios that
  // number their own lanes.
  task_handle spawn_on(lane_id lane, awaitable<void> body);
  awaitable<void> wait(std::source_location where = std::source_location::current());

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
  awaitable<void> wait(std::source_location where = std::source_location::current());

 private:
  struct impl;
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

  awaitable<permit> acquire(std::source_location where = std::source_location::current());
  void release();
  int available() const;
  std::size_t waiting() const;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace loopscope
