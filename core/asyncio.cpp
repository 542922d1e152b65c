#include "core/asyncio.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <deque>
#include <optional>

#include "core/detail/executor.hpp"
#include "core/detail/waits.hpp"
#include "core/loop.hpp"

namespace loopscope {

using detail::async_wait_op;
using detail::throw_if_cancelled;
using detail::traced_executor;

// ---- Exceptions ----

bool is_cancellation(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& se) {
    return se.code() == asio::error::operation_aborted;
  } catch (...) {
  }
  return false;
}

bool is_timeout(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const timeout_error&) {
    return true;
  } catch (...) {
  }
  return false;
}

std::string describe(const std::exception_ptr& e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const timeout_error&) {
    return "TimeoutError";
  } catch (const task_error& te) {
    return std::string("RuntimeError: ") + te.what();
  } catch (const exception_group& g) {
    std::string s = std::string("ExceptionGroup: ") + g.what();
    for (const auto& inner : g.errors) s += " [" + describe(inner) + "]";
    return s;
  } catch (const boost::system::system_error& se) {
    if (se.code() == asio::error::operation_aborted) return "CancelledError";
    return "OSError: " + se.code().message();
  } catch (const std::exception& ex) {
    return std::string("Exception: ") + ex.what();
  } catch (...) {
  }
  return "Exception: unknown";
}

namespace {

// A timer on the loop's clock that does not say why the task waits: what
// with_timeout's watchdog and sleep share. The deadline is absolute.
awaitable<void> wait_until(event_loop& l, nanos deadline) {
  if (l.clock() == clock_kind::virtual_clock) {
    co_await async_wait_op([&l, deadline](auto h) { l.async_wait_until(deadline, std::move(h)); });
  } else {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(nanoseconds(deadline - l.now()));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// A waiter someone else wakes: a semaphore's, an event's. Whoever holds the
// entry completes its handler; a cancellation takes the handler back first
// and completes it aborted.
using parked = std::shared_ptr<std::optional<event_loop::wait_handler>>;

auto park(event_loop& l, parked entry) {
  return async_wait_op([&l, entry](auto h) {
    auto slot = entry->emplace(std::move(h)).get_cancellation_slot();
    if (slot.is_connected())
      slot.assign([&l, entry](asio::cancellation_type) {
        if (!*entry) return;  // already woken
        auto handler = std::move(**entry);
        entry->reset();
        l.complete(std::move(handler), asio::error::operation_aborted, l.now());
      });
  });
}

// Wakes a parked waiter; false when it was cancelled meanwhile.
bool wake(event_loop& l, const parked& entry) {
  if (!*entry) return false;
  auto h = std::move(**entry);
  entry->reset();
  l.complete(std::move(h), {}, l.now());
  return true;
}

}  // namespace

// ---- Task handles ----

bool task_handle::finished() const { return loop_->lane_finished(lane_); }
lane_state task_handle::state() const { return loop_->lane_state_of(lane_); }
std::exception_ptr task_handle::error() const { return loop_->lane_error(lane_); }
void task_handle::cancel() const { loop_->cancel(lane_); }

awaitable<void> task_handle::wait() const {
  event_loop& l = *loop_;
  const lane_id lane = lane_;
  if (!l.lane_finished(lane)) {
    l.set_wait_reason(wait_reason::child);
    co_await async_wait_op([&l, lane](auto h) { l.async_join(lane, std::move(h)); });
  }
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
}

awaitable<void> task_handle::join() const {
  co_await wait();
  if (auto e = loop_->lane_error(lane_)) std::rethrow_exception(e);
}

// ---- Primitives ----

awaitable<void> sleep(nanoseconds d) {
  if (d.count() <= 0) {
    co_await yield_now();
    co_return;
  }
  event_loop& l = current_loop();
  const nanos deadline = l.now() + d.count();
  l.set_wait_reason(wait_reason::timer);
  l.set_wake_hint(deadline);
  co_await wait_until(l, deadline);
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
}

awaitable<void> yield_now() {
  // Queued behind everything ready now. A task cancelled while it sits in
  // the queue raises at this await, as asyncio's sleep(0) does. The handler
  // keeps its own type: erasing it costs more than the yield itself.
  event_loop& l = current_loop();
  const lane_id lane = l.current_lane();
  return asio::async_initiate<decltype(asio::use_awaitable), void(error_code)>(
      [&l, lane](auto h) {
        asio::require(traced_executor(&l, lane), asio::execution::blocking.never)
            .execute([&l, lane, h = std::move(h)]() mutable {
              std::move(h)(l.cancel_requested(lane) ? error_code(asio::error::operation_aborted) : error_code());
            });
      },
      asio::use_awaitable);
}

void block(nanoseconds d) { current_loop().hold(d.count(), run_kind::blocking); }
void cpu(nanoseconds d) { current_loop().hold(d.count(), run_kind::cpu); }

awaitable<void> to_thread(nanoseconds d, run_kind kind) {
  event_loop& l = current_loop();
  l.set_wait_reason(wait_reason::thread_pool);
  co_await async_wait_op([&l, d, kind](auto h) { l.async_offload(d.count(), kind, std::move(h)); });
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
}

task_handle spawn(awaitable<void> body, std::string name, lane_kind kind) {
  return current_loop().spawn(std::move(body), std::move(name), kind);
}

// ---- gather ----

namespace {
struct gather_state {
  std::size_t remaining = 0;
  std::vector<std::exception_ptr> errors;
  std::exception_ptr first;
  std::optional<event_loop::wait_handler> waiter;
  bool completed = false;
};
}  // namespace

awaitable<std::vector<std::exception_ptr>> gather(std::vector<task_handle> tasks, gather_mode mode) {
  event_loop& l = current_loop();
  auto st = std::make_shared<gather_state>();
  st->remaining = tasks.size();
  st->errors.resize(tasks.size());
  if (tasks.empty()) co_return std::move(st->errors);

  auto settle = [&l, st] {
    st->completed = true;
    if (st->waiter) l.complete(std::move(*st->waiter), {}, l.now());
    st->waiter.reset();
  };
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const lane_id lane = tasks[i].lane();
    l.on_task_end(lane, [&l, st, i, lane, mode, settle] {
      --st->remaining;
      st->errors[i] = l.lane_error(lane);
      if (st->completed) return;
      if (st->errors[i] && mode == gather_mode::propagate_first) {
        st->first = st->errors[i];
        settle();
      } else if (st->remaining == 0) {
        settle();
      }
    });
  }

  std::vector<lane_id> lanes;
  lanes.reserve(tasks.size());
  for (const auto& t : tasks) lanes.push_back(t.lane());
  l.set_wait_reason(wait_reason::child);
  auto op = async_wait_op([&l, st, lanes = std::move(lanes)](auto h) mutable {
    auto slot = st->waiter.emplace(std::move(h)).get_cancellation_slot();
    if (slot.is_connected())
      slot.assign([&l, lanes = std::move(lanes)](asio::cancellation_type) {
        for (lane_id lane : lanes) l.cancel(lane);
      });
  });
  co_await std::move(op);
  if (st->first) std::rethrow_exception(st->first);
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
  co_return std::move(st->errors);
}

// ---- TaskGroup ----

struct task_group::state {
  std::vector<task_handle> tasks;
  std::vector<std::exception_ptr> errors;
  std::size_t remaining = 0;
  std::optional<event_loop::wait_handler> waiter;
  bool aborting = false;

  void cancel_all() {
    aborting = true;
    for (const auto& t : tasks)
      if (!t.finished()) t.cancel();
  }

  static void watch(const std::shared_ptr<state>& st, task_handle h) {
    event_loop& l = current_loop();
    st->tasks.push_back(h);
    ++st->remaining;
    l.on_task_end(h.lane(), [&l, st, h] {
      --st->remaining;
      auto e = h.error();
      if (e && !is_cancellation(e)) {
        st->errors.push_back(e);
        if (!st->aborting) st->cancel_all();
      }
      if (st->remaining == 0 && st->waiter) {
        l.complete(std::move(*st->waiter), {}, l.now());
        st->waiter.reset();
      }
    });
  }
};

task_group::task_group() : state_(std::make_shared<state>()) {}

task_handle task_group::spawn(awaitable<void> body, std::string name, lane_kind kind) {
  task_handle h = loopscope::spawn(std::move(body), std::move(name), kind);
  state::watch(state_, h);
  return h;
}

task_handle task_group::spawn_on(lane_id lane, awaitable<void> body) {
  task_handle h = current_loop().spawn_on(lane, std::move(body));
  state::watch(state_, h);
  return h;
}

awaitable<void> task_group::wait() {
  event_loop& l = current_loop();
  auto st = state_;
  if (st->remaining > 0) {
    l.set_wait_reason(wait_reason::child);
    auto op = async_wait_op([st](auto h) {
      auto slot = st->waiter.emplace(std::move(h)).get_cancellation_slot();
      if (slot.is_connected()) slot.assign([st](asio::cancellation_type) { st->cancel_all(); });
    });
    co_await std::move(op);
  }
  if (!st->errors.empty()) {
    const auto n = st->errors.size();
    throw exception_group(
        "unhandled errors in a TaskGroup (" + std::to_string(n) + (n == 1 ? " sub-exception)" : " sub-exceptions)"),
        st->errors);
  }
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
}

// ---- wait_for ----

namespace {
awaitable<void> watchdog(nanos deadline) { co_await wait_until(current_loop(), deadline); }
}  // namespace

awaitable<void> with_timeout(awaitable<void> body, nanoseconds d) {
  // The deadline is set on entry, before the body runs, as asyncio arms its
  // timer: a body that blocks the loop cannot push its own deadline back.
  const nanos deadline = current_loop().now() + d.count();
  auto ex = co_await asio::this_coro::executor;
  // The watchdog starts first, so its timer is armed before anything the
  // body awaits: at equal deadlines the timeout wins, as in asyncio.
  auto op = asio::experimental::make_parallel_group(asio::co_spawn(ex, watchdog(deadline), asio::deferred),
                                                    asio::co_spawn(ex, std::move(body), asio::deferred))
                .async_wait(asio::experimental::wait_for_one(), asio::deferred);
  auto [order, watchdog_error, body_error] = co_await std::move(op);
  if (order[0] == 0 && !watchdog_error) throw timeout_error();
  if (body_error) std::rethrow_exception(body_error);
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
}

// ---- Event ----

struct event::impl {
  bool set = false;
  std::vector<parked> waiters;
  event_loop* loop = nullptr;
};

event::event() : impl_(std::make_shared<impl>()) {}
bool event::is_set() const { return impl_->set; }
void event::clear() { impl_->set = false; }

void event::set() {
  impl_->set = true;
  for (const auto& w : std::exchange(impl_->waiters, {})) wake(*impl_->loop, w);
}

awaitable<void> event::wait() {
  auto s = impl_;
  if (s->set) co_return;
  event_loop& l = current_loop();
  s->loop = &l;
  l.set_wait_reason(wait_reason::child);
  auto entry = std::make_shared<parked::element_type>();
  s->waiters.push_back(entry);
  co_await park(l, entry);
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
}

// ---- Semaphore ----

struct semaphore::impl {
  int count = 0;
  std::deque<parked> waiters;
  event_loop* loop = nullptr;

  void release() {
    // Hand the permit to the first waiter still waiting, or put it back.
    while (!waiters.empty()) {
      parked w = std::move(waiters.front());
      waiters.pop_front();
      if (wake(*loop, w)) return;
    }
    ++count;
  }
};

semaphore::semaphore(int permits) : impl_(std::make_shared<impl>()) { impl_->count = permits; }

int semaphore::available() const { return impl_->count; }

std::size_t semaphore::waiting() const {
  std::size_t n = 0;
  for (const auto& w : impl_->waiters) n += *w ? 1 : 0;
  return n;
}

void semaphore::release() { impl_->release(); }

void semaphore::permit::reset() {
  if (sem_) std::exchange(sem_, nullptr)->release();
}

awaitable<semaphore::permit> semaphore::acquire() {
  auto s = impl_;
  event_loop& l = current_loop();
  s->loop = &l;
  // A free permit is taken without suspending, as asyncio does.
  if (s->count > 0 && s->waiters.empty()) {
    --s->count;
    co_return permit(s);
  }
  l.set_wait_reason(wait_reason::semaphore);
  auto entry = std::make_shared<parked::element_type>();
  s->waiters.push_back(entry);
  co_await park(l, entry);
  // Woken with the permit. If cancelled meanwhile, the permit passes on as
  // the exception unwinds.
  permit p(s);
  throw_if_cancelled(co_await asio::this_coro::cancellation_state);
  co_return p;
}

}  // namespace loopscope
