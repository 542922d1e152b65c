#include "core/asyncio.hpp"

#include <algorithm>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <cassert>
#include <deque>
#include <optional>
#include <stdexcept>

#include "core/detail/executor.hpp"
#include "core/detail/waits.hpp"
#include "core/loop.hpp"

namespace loopscope {

using detail::async_wait_op;
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

// A waiter someone else wakes: a semaphore's, an event's. Whoever holds the
// entry completes its handler; a cancellation takes the handler back first
// and completes it aborted.
using parked = std::shared_ptr<std::optional<event_loop::wait_handler>>;

// Parks h in the entry: a cancellation takes it back and completes it
// aborted; wake() completes it.
void park_handler(event_loop& l, const parked& entry, event_loop::wait_handler h) {
  auto slot = entry->emplace(std::move(h)).get_cancellation_slot();
  if (slot.is_connected())
    slot.assign([&l, entry](asio::cancellation_type) {
      if (!*entry) return;  // already woken
      auto handler = std::move(**entry);
      entry->reset();
      l.complete(std::move(handler), asio::error::operation_aborted, l.now());
    });
}

auto park(event_loop& l, parked entry) {
  return async_wait_op([&l, entry](auto h) { park_handler(l, entry, std::move(h)); });
}

// At a primitive's way out. A cancellation waiting for this task is raised
// here, once, whatever the wait ended with: asyncio raises CancelledError at
// the await a cancelled task resumes from, even when what it awaited had
// completed. Otherwise what the wait ended with (nothing, or an error) goes on.
void settle(event_loop& l, const std::exception_ptr& e) {
  if (l.take_cancellation(l.current_lane())) detail::throw_cancelled();
  if (e) std::rethrow_exception(e);
}

// Wakes a parked waiter; false when it was cancelled meanwhile.
bool wake(event_loop& l, const parked& entry) {
  if (!*entry) return false;
  auto h = std::move(**entry);
  entry->reset();
  l.complete(std::move(h), {}, l.now());
  return true;
}

std::exception_ptr cancelled_error() {
  return std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted));
}

// Raises e from a plain function. The coroutines that call it have reset
// what they own first: GCC 12 destroys a coroutine's locals twice when an
// exception leaves its body, and twice over nothing is harmless.
[[noreturn]] void raise(std::exception_ptr e) { std::rethrow_exception(std::move(e)); }

// Where a wait on a future ends: the error it ended with, or the
// cancellation asked of the task meanwhile (asyncio raises it at this
// await even though the future had completed), or nothing.
std::exception_ptr outcome(event_loop& l, std::exception_ptr e) {
  if (!e && l.take_cancellation(l.current_lane())) return cancelled_error();
  return e;
}

}  // namespace

// ---- Futures a task awaits: a lock's, a queue's ----

struct detail::waiter {
  explicit waiter(event_loop* l) : loop(l) {}
  event_loop* loop;
  std::optional<event_loop::wait_handler> handler;  // while pending
  bool cancelled = false;
  bool done() const { return !handler; }
};

namespace {

using detail::waiter;
using waiter_ptr = std::shared_ptr<waiter>;

// Awaits the future; cancelling the task cancels it (the task resumes a
// pass later, as asyncio's wake-up is queued with call_soon).
auto await_future(event_loop& l, waiter_ptr w) {
  return async_wait_op([&l, w](auto h) {
    auto slot = w->handler.emplace(std::move(h)).get_cancellation_slot();
    if (slot.is_connected())
      slot.assign([&l, w](asio::cancellation_type) {
        if (w->done()) return;
        auto handler = std::move(*w->handler);
        w->handler.reset();
        w->cancelled = true;
        l.complete(std::move(handler), asio::error::operation_aborted, l.now());
      });
  });
}

// fut.set_result(): its task runs a pass later. False when already done.
bool set_result(const waiter_ptr& w) {
  if (w->done()) return false;
  auto h = std::move(*w->handler);
  w->handler.reset();
  w->loop->complete(std::move(h), {}, w->loop->now());
  return true;
}

void remove(detail::waiters& ws, const waiter_ptr& w) {
  if (auto it = std::find(ws.begin(), ws.end(), w); it != ws.end()) ws.erase(it);
}

// Queue._wakeup_next: the first waiter still waiting gets it.
void wakeup_next(detail::waiters& ws) {
  while (!ws.empty()) {
    waiter_ptr w = std::move(ws.front());
    ws.pop_front();
    if (set_result(w)) break;
  }
}

}  // namespace

// ---- Task handles ----

bool task_handle::finished() const { return loop_->lane_finished(lane_); }
lane_state task_handle::state() const { return loop_->lane_state_of(lane_); }
bool task_handle::cancelled() const { return finished() && state() == lane_state::cancelled; }
std::exception_ptr task_handle::error() const { return loop_->retrieve_error(lane_); }
void task_handle::cancel() const { loop_->cancel(lane_); }

void task_handle::add_done_callback(std::function<void(task_handle)> f) const {
  loop_->on_task_end(lane_, [f = std::move(f), self = *this] { f(self); });
}

awaitable<void> task_handle::wait(call_site where) const {
  event_loop& l = *loop_;
  const lane_id lane = lane_;
  std::exception_ptr e;
  if (!l.lane_finished(lane)) {
    l.set_wait(wait_reason::child, where);
    try {
      co_await async_wait_op([&l, lane](auto h) { l.async_join(lane, std::move(h)); });
    } catch (...) {
      e = std::current_exception();
    }
  }
  settle(l, e);
}

awaitable<void> task_handle::join(call_site where) const {
  co_await wait(where);
  if (auto e = loop_->retrieve_error(lane_)) std::rethrow_exception(e);
}

// ---- Primitives ----

namespace {

// Queues h behind everything ready now, as asyncio's sleep(0) yields. A
// task cancelled while it sits in the queue raises at this await. The
// handler keeps its own type: erasing it costs more than the yield itself.
template <class Handler>
void queue_yield(event_loop& l, const call_site& where, Handler h) {
  const lane_id lane = l.current_lane();
  l.set_wait(wait_reason::none, where);  // it does not wait: it is ready again at once, there
  asio::require(traced_executor(&l, lane), asio::execution::blocking.never)
      .execute([&l, lane, h = std::move(h)]() mutable {
        std::move(h)(l.take_cancellation(lane) ? error_code(asio::error::operation_aborted) : error_code());
      });
}

// asyncio.sleep on the real clock: a steady_timer on the task's executor,
// cancelled through the task's slot. The cancellation is raised once, as
// the task resumes, even when the timer had fired.
void sleep_real(event_loop& l, nanoseconds d, sleep_op::handler h) {
  auto timer = std::make_unique<asio::steady_timer>(asio::get_associated_executor(h), d);
  asio::steady_timer& t = *timer;
  const auto slot = asio::get_associated_cancellation_slot(h);
  t.async_wait(
      asio::bind_cancellation_slot(slot, [&l, timer = std::move(timer), h = std::move(h)](error_code ec) mutable {
        timer.reset();
        if (l.take_cancellation(l.current_lane())) ec = asio::error::operation_aborted;
        std::move(h)(ec);
      }));
}

awaitable<void> await_sleep(sleep_op op) { co_await std::move(op); }

}  // namespace

// Where the sleep is awaited, inside its task. On the virtual clock the
// sleep is only the wait: the loop cancels the timer and raises a
// cancellation as the task resumes (sleep's finally).
void sleep_op::start(handler h) const {
  event_loop& l = current_loop();
  if (d_.count() <= 0) {
    queue_yield(l, where_, std::move(h));
    return;
  }
  const nanos deadline = l.now() + d_.count();
  l.set_wait(wait_reason::timer, where_);
  l.set_wake_hint(deadline);
  if (l.clock() == clock_kind::virtual_clock)
    l.async_sleep_until(deadline, std::move(h), this);
  else
    sleep_real(l, d_, std::move(h));
}

sleep_op::operator awaitable<void>() && { return await_sleep(std::move(*this)); }

sleep_op sleep(nanoseconds d, call_site where) { return {d, where}; }

awaitable<void> yield_now(call_site where) {
  event_loop& l = current_loop();
  return asio::async_initiate<decltype(asio::use_awaitable), void(error_code)>(
      [&l, where](auto h) { queue_yield(l, where, std::move(h)); }, asio::use_awaitable);
}

void block(nanoseconds d, call_site where) {
  event_loop& l = current_loop();
  l.hold(d.count(), run_kind::blocking, l.site_of(where));
}
void cpu(nanoseconds d, call_site where) {
  event_loop& l = current_loop();
  l.hold(d.count(), run_kind::cpu, l.site_of(where));
}

awaitable<void> to_thread(nanoseconds d, run_kind kind, call_site where) {
  event_loop& l = current_loop();
  l.set_wait(wait_reason::thread_pool, where);
  std::exception_ptr e;
  try {
    co_await async_wait_op([&l, d, kind](auto h) { l.async_offload(d.count(), kind, std::move(h)); });
  } catch (...) {
    e = std::current_exception();
  }
  settle(l, e);
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

awaitable<std::vector<std::exception_ptr>> gather(std::vector<task_handle> tasks, gather_mode mode, call_site where) {
  event_loop& l = current_loop();
  auto st = std::make_shared<gather_state>();
  st->remaining = tasks.size();
  st->errors.resize(tasks.size());
  if (tasks.empty()) co_return std::move(st->errors);

  auto done = [&l, st] {
    st->completed = true;
    if (st->waiter) l.complete(std::move(*st->waiter), {}, l.now());
    st->waiter.reset();
  };
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const lane_id lane = tasks[i].lane();
    l.on_task_end(lane, [&l, st, i, lane, mode, done] {
      --st->remaining;
      st->errors[i] = l.retrieve_error(lane);  // gather reads every child's: none goes unretrieved
      if (st->completed) return;
      if (st->errors[i] && mode == gather_mode::propagate_first) {
        st->first = st->errors[i];
        done();
      } else if (st->remaining == 0) {
        done();
      }
    });
  }

  std::vector<lane_id> lanes;
  lanes.reserve(tasks.size());
  for (const auto& t : tasks) lanes.push_back(t.lane());
  l.set_wait(wait_reason::child, where);
  auto op = async_wait_op([&l, st, lanes = std::move(lanes)](auto h) mutable {
    auto slot = st->waiter.emplace(std::move(h)).get_cancellation_slot();
    if (slot.is_connected())
      slot.assign([&l, lanes = std::move(lanes)](asio::cancellation_type) {
        for (lane_id lane : lanes) l.cancel(lane);
      });
  });
  std::exception_ptr e;
  try {
    co_await std::move(op);
  } catch (...) {
    e = std::current_exception();
  }
  // Cancelled itself, it raises CancelledError once its children are; else
  // the first error of a child reaches it as that child raised it.
  settle(l, e ? e : st->first);
  co_return std::move(st->errors);
}

// ---- wait ----

namespace {
struct wait_state {
  std::size_t counter = 0;
  std::optional<event_loop::wait_handler> waiter;
  bool over = false;  // returned: its done-callbacks are removed
};

awaitable<done_and_pending> wait_until_done(std::vector<task_handle> tasks, return_when when, call_site where) {
  event_loop& l = current_loop();
  auto st = std::make_shared<wait_state>();
  st->counter = tasks.size();
  for (const task_handle& t : tasks)
    l.on_task_end(t.lane(), [&l, st, t, when] {
      if (st->over) return;
      --st->counter;
      if (st->counter == 0 || when == return_when::first_completed ||
          (when == return_when::first_exception && !t.cancelled() && t.error())) {
        if (st->waiter) {
          auto h = std::move(*st->waiter);
          st->waiter.reset();
          l.complete(std::move(h), {}, l.now());
        }
      }
    });
  l.set_wait(wait_reason::child, where);
  // The operation is made in a statement of its own, not in the co_await:
  // GCC 12 destroys the temporaries of a co_await expression twice, and the
  // lambda's copy of `st` would be released twice.
  auto op = async_wait_op([&l, st](auto h) {
    auto slot = st->waiter.emplace(std::move(h)).get_cancellation_slot();
    // A cancelled wait stops waiting; the tasks it watched go on.
    if (slot.is_connected())
      slot.assign([&l, st](asio::cancellation_type) {
        if (!st->waiter) return;
        auto h = std::move(*st->waiter);
        st->waiter.reset();
        l.complete(std::move(h), asio::error::operation_aborted, l.now());
      });
  });
  std::exception_ptr e;
  try {
    co_await std::move(op);
  } catch (...) {
    e = std::current_exception();
  }
  st->over = true;
  st.reset();
  if ((e = outcome(l, std::move(e)))) {
    tasks = {};
    raise(std::move(e));
  }
  done_and_pending r;
  for (const task_handle& t : tasks) (t.finished() ? r.done : r.pending).push_back(t);
  co_return r;
}
}  // namespace

awaitable<done_and_pending> wait(std::vector<task_handle> tasks, return_when when, call_site where) {
  if (tasks.empty()) throw std::invalid_argument("ValueError: Set of Tasks/Futures is empty.");
  return wait_until_done(std::move(tasks), when, where);
}

// ---- as_completed ----

as_completed::as_completed(const std::vector<task_handle>& tasks) : total_(tasks.size()) {
  for (const task_handle& t : tasks)
    t.add_done_callback([done = done_](task_handle ended) mutable { done.put_nowait(ended); });
}

awaitable<task_handle> as_completed::next(call_site where) {
  const task_handle t = co_await done_.get(where, wait_reason::child);
  if (auto e = t.error()) raise(std::move(e));  // f.result()
  co_return t;
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

namespace {
// Thrown from a plain function, never by a throw expression in the
// coroutine's own body: there, GCC 12 destroys the frame's locals twice
// (AddressSanitizer found the group's shared state freed early).
[[noreturn]] void raise_group(const std::vector<std::exception_ptr>& errors) {
  const auto n = errors.size();
  throw exception_group(
      "unhandled errors in a TaskGroup (" + std::to_string(n) + (n == 1 ? " sub-exception)" : " sub-exceptions)"),
      errors);
}
}  // namespace

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

awaitable<void> task_group::wait(call_site where) {
  // The group outlives its wait (the caller awaits it), so the wait holds
  // no shared state of its own: GCC 12 destroys a coroutine's locals twice
  // when an exception leaves the body (AddressSanitizer found the group's
  // state freed early), so nothing here owns anything at the throw.
  event_loop& l = current_loop();
  state* st = state_.get();
  std::exception_ptr e;
  if (st->remaining > 0) {
    l.set_wait(wait_reason::child, where);
    try {
      co_await async_wait_op([this](auto h) {
        auto slot = state_->waiter.emplace(std::move(h)).get_cancellation_slot();
        if (slot.is_connected()) slot.assign([st = state_](asio::cancellation_type) { st->cancel_all(); });
      });
    } catch (...) {
      e = std::current_exception();
    }
  }
  // The children's errors win over a cancellation of the group's own task,
  // as in asyncio's __aexit__.
  if (!st->errors.empty()) {
    l.take_cancellation(l.current_lane());
    raise_group(st->errors);
  }
  settle(l, e);
}

// ---- wait_for ----

awaitable<void> wait_for(awaitable<void> body, nanoseconds d) {
  // asyncio.timeout(d), which wait_for is since Python 3.12: the deadline
  // is counted from the call, before the body runs (a body that blocks the
  // loop cannot push it back); when it passes, this task is cancelled at
  // whatever it awaits; the cancellation that comes back out of the body is
  // then a TimeoutError. Its timer is set before anything the body awaits:
  // at equal deadlines the timeout wins.
  event_loop& l = current_loop();
  const lane_id lane = l.current_lane();
  const int cancelling = l.cancelling(lane);
  const nanos deadline = l.now() + d.count();
  auto expired = std::make_shared<bool>(false);
  auto on_deadline = [&l, lane, expired] {
    *expired = true;
    l.cancel(lane);
  };
  std::optional<event_loop::timer_key> virtual_timer;
  std::optional<asio::steady_timer> real_timer;
  if (l.clock() == clock_kind::virtual_clock) {
    virtual_timer = l.call_at(deadline, on_deadline);
  } else {
    real_timer.emplace(l.io(), nanoseconds(deadline - l.now()));
    real_timer->async_wait([on_deadline](error_code ec) {
      if (!ec) on_deadline();
    });
  }
  std::exception_ptr e;
  try {
    co_await std::move(body);
  } catch (...) {
    e = std::current_exception();
  }
  if (virtual_timer && !*expired) l.cancel_timer(*virtual_timer);
  if (real_timer) real_timer->cancel();
  // Only the timeout's own cancellation becomes a TimeoutError; one asked
  // of the task from elsewhere meanwhile goes on as a cancellation.
  if (*expired && l.uncancel(lane) <= cancelling && is_cancellation(e)) throw timeout_error();
  if (e) std::rethrow_exception(e);
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

awaitable<void> event::wait(call_site where) {
  auto s = impl_;
  if (s->set) co_return;
  event_loop& l = current_loop();
  s->loop = &l;
  l.set_wait(wait_reason::event, where);
  auto entry = std::make_shared<parked::element_type>();
  s->waiters.push_back(entry);
  std::exception_ptr e;
  auto op = park(l, entry);  // named: see wait_until_done
  try {
    co_await std::move(op);
  } catch (...) {
    e = std::current_exception();
  }
  settle(l, e);
}

// ---- Lock ----

struct lock::impl {
  bool locked = false;
  detail::waiters waiters;

  // Lock._wake_up_first: the first waiter, unless it is done already (it
  // will take the lock, or pass it on, when it runs).
  void wake_up_first() {
    if (!waiters.empty()) set_result(waiters.front());
  }
  void release() {
    assert(locked && "Lock is not acquired.");
    locked = false;
    wake_up_first();
  }
};

lock::lock() : impl_(std::make_shared<impl>()) {}
bool lock::locked() const { return impl_->locked; }

std::size_t lock::waiting() const {
  return static_cast<std::size_t>(
      std::count_if(impl_->waiters.begin(), impl_->waiters.end(), [](const waiter_ptr& w) { return !w->done(); }));
}

void lock::guard::reset() {
  if (lock_) std::exchange(lock_, nullptr)->release();
}

awaitable<lock::guard> lock::acquire(call_site where) {
  impl* s = impl_.get();  // the lock outlives its acquire: its holder awaits it
  if (!s->locked &&
      std::all_of(s->waiters.begin(), s->waiters.end(), [](const waiter_ptr& w) { return w->cancelled; })) {
    s->locked = true;
    co_return guard(impl_);
  }
  event_loop& l = current_loop();
  l.set_wait(wait_reason::lock, where);
  auto w = std::make_shared<waiter>(&l);
  s->waiters.push_back(w);
  std::exception_ptr e;
  auto op = await_future(l, w);  // named: see wait_until_done
  try {
    co_await std::move(op);
  } catch (...) {
    e = std::current_exception();
  }
  remove(s->waiters, w);  // finally: self._waiters.remove(fut)
  w.reset();
  if ((e = outcome(l, std::move(e)))) {
    if (!s->locked) s->wake_up_first();  // a wake-up it had goes to the next
    raise(std::move(e));
  }
  s->locked = true;
  co_return guard(impl_);
}

// ---- Queue ----

namespace detail {

awaitable<void> queue_state::until_not_full(call_site where) {
  event_loop& l = current_loop();
  while (full()) {
    l.set_wait(wait_reason::queue, where);
    auto w = std::make_shared<waiter>(&l);
    putters_.push_back(w);
    std::exception_ptr e;
    auto op = await_future(l, w);  // named: see wait_until_done
    try {
      co_await std::move(op);
    } catch (...) {
      e = std::current_exception();
    }
    if ((e = outcome(l, std::move(e)))) {
      remove(putters_, w);
      // Woken by a get, but leaving: the room goes to the next putter.
      if (!full() && !w->cancelled) wakeup_next(putters_);
      w.reset();
      raise(std::move(e));
    }
  }
}

awaitable<void> queue_state::until_not_empty(call_site where, wait_reason why) {
  event_loop& l = current_loop();
  while (size_ == 0) {
    l.set_wait(why, where);
    auto w = std::make_shared<waiter>(&l);
    getters_.push_back(w);
    std::exception_ptr e;
    auto op = await_future(l, w);  // named: see wait_until_done
    try {
      co_await std::move(op);
    } catch (...) {
      e = std::current_exception();
    }
    if ((e = outcome(l, std::move(e)))) {
      remove(getters_, w);
      // Woken by a put, but leaving: the item goes to the next getter.
      if (size_ > 0 && !w->cancelled) wakeup_next(getters_);
      w.reset();
      raise(std::move(e));
    }
  }
}

void queue_state::check_put() const {
  if (full()) throw std::runtime_error("QueueFull");
}
void queue_state::check_get() const {
  if (size_ == 0) throw std::runtime_error("QueueEmpty");
}

void queue_state::pushed() {
  ++size_;
  ++unfinished_;
  wakeup_next(getters_);
}

void queue_state::popped() {
  --size_;
  wakeup_next(putters_);
}

void queue_state::task_done() {
  if (unfinished_ == 0) throw std::logic_error("ValueError: task_done() called too many times");
  // The queue's `_finished` event is set: every join wakes.
  if (--unfinished_ == 0)
    for (const auto& w : std::exchange(joiners_, {})) set_result(w);
}

awaitable<void> queue_state::join(call_site where) {
  if (unfinished_ == 0) co_return;
  event_loop& l = current_loop();
  l.set_wait(wait_reason::queue, where);
  auto w = std::make_shared<waiter>(&l);
  joiners_.push_back(w);
  std::exception_ptr e;
  auto op = await_future(l, w);  // named: see wait_until_done
  try {
    co_await std::move(op);
  } catch (...) {
    e = std::current_exception();
  }
  remove(joiners_, w);
  w.reset();
  if ((e = outcome(l, std::move(e)))) raise(std::move(e));
}

}  // namespace detail

// ---- Semaphore ----

namespace {

// What acquire() does once its wait ends, done by the handler that resumes
// the task, so a task queued for a permit keeps no frame of acquire's (a
// bounded run of a million tasks has nearly all of them queued). It passes
// for the handler it wraps: same executor, same cancellation slot.
template <class Handler, class Shared>
class permit_waker {
 public:
  permit_waker(Handler h, Shared s) : h_(std::move(h)), s_(std::move(s)) {}

  using executor_type = asio::associated_executor_t<Handler>;
  executor_type get_executor() const noexcept { return asio::get_associated_executor(h_); }
  using cancellation_slot_type = asio::associated_cancellation_slot_t<Handler>;
  cancellation_slot_type get_cancellation_slot() const noexcept { return asio::get_associated_cancellation_slot(h_); }

  void operator()(error_code ec) {
    event_loop& l = *s_->loop;
    // A cancellation asked meanwhile is raised here, once (settle()).
    const bool cancelled = l.take_cancellation(l.current_lane());
    if (!ec && !cancelled) {
      std::move(h_)(error_code(), semaphore::permit(std::move(s_)));
      return;
    }
    // Cancelled while waiting, no permit was handed over; cancelled after
    // it was, the permit passes on as the exception unwinds.
    if (!ec) semaphore::permit(s_).reset();
    std::move(h_)(error_code(asio::error::operation_aborted), semaphore::permit());
  }

 private:
  Handler h_;
  Shared s_;
};

}  // namespace

struct semaphore::impl : std::enable_shared_from_this<semaphore::impl> {
  int count = 0;
  std::deque<parked> waiters;
  event_loop* loop = nullptr;

  // Queued behind the waiters there are, when it is awaited: a frameless
  // wait, woken with the permit. (Only an acquire made and awaited later,
  // after its own task put a permit back, finds one free here: it takes it
  // a pass later.)
  awaitable<permit> queue_for_permit(call_site where) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(error_code, permit)>(
        [s = shared_from_this(), where](auto h) {
          event_loop& l = *s->loop;
          l.set_wait(wait_reason::semaphore, where);
          auto entry = std::make_shared<parked::element_type>();
          s->waiters.push_back(entry);
          park_handler(l, entry, permit_waker(std::move(h), s));
          if (s->count > 0 && s->waiters.size() == 1) {
            --s->count;
            s->release();
          }
        },
        asio::use_awaitable);
  }

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

awaitable<semaphore::permit> semaphore::acquire(call_site where) {
  event_loop& l = current_loop();
  impl_->loop = &l;
  // A free permit is taken without suspending, as asyncio does: where it is
  // awaited, as a coroutine would.
  if (impl_->count > 0 && impl_->waiters.empty())
    return [](std::shared_ptr<impl> s, call_site where) -> awaitable<permit> {
      if (s->count > 0 && s->waiters.empty()) {
        --s->count;
        co_return permit(s);
      }
      // An acquire made and awaited later may find the permits gone: it
      // queues. (The wait is named: see wait_until_done.)
      auto queued = s->queue_for_permit(where);
      co_return co_await std::move(queued);
    }(impl_, where);
  return impl_->queue_for_permit(where);
}

}  // namespace loopscope
