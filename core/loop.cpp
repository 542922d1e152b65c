#include "core/loop.hpp"

#include <array>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/version.hpp>
#include <cassert>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <new>

#include "core/detail/executor.hpp"
#include "core/detail/touch.hpp"
#include "core/detail/waits.hpp"

// Tasks are launched as Asio 1.81 launches co_spawn's (a detail of
// boost/asio/impl/awaitable.hpp: awaitable_thread and its entry point).
static_assert(BOOST_VERSION / 100 == 1081, "check task_entry against this Asio's co_spawn_entry_point");

namespace loopscope {

using detail::callback;
using detail::traced_executor;

std::string_view to_string(clock_kind c) { return c == clock_kind::virtual_clock ? "virtual" : "real"; }

namespace {

// Set when a task's body ran out of memory. That is not the task's
// failure: the process is out of memory, and no run can go on. Every loop
// throws std::bad_alloc at its next handler, to whoever drives it.
std::atomic<bool> memory_exhausted{false};

// Every task is a thread of Asio's coroutines whose bottom frame is this:
// it runs the body and ends the task when the body returns or raises. It
// does what co_spawn's own entry point would, less what a task of ours has
// no use for (two work guards, a hop onto the executor, a cancellation
// proxy, a completion handler): a run of a million tasks keeps a million of
// these frames.
awaitable<asio::detail::awaitable_thread_entry_point> task_entry(event_loop& l, lane_id lane, awaitable<void> body) {
  // A cancellation is raised where the task waits, once, as asyncio does
  // (event_loop::take_cancellation); Asio's own check at every co_await
  // would raise it again at each one.
  co_await asio::this_coro::throw_if_cancelled(false);
  std::exception_ptr error;
  try {
    // A task cancelled before its first step never runs, as in asyncio (it
    // was not signalled: see event_loop::cancel).
    if (l.take_cancellation(lane)) detail::throw_cancelled();
    co_await std::move(body);
  } catch (const std::bad_alloc&) {
    memory_exhausted = true;
    throw;  // out of the handler that resumed the task, to whoever drives the loop
  } catch (...) {
    error = std::current_exception();
  }
  l.finish(lane, std::move(error));
}

}  // namespace

// ---- Per-thread context ----

running_context& this_thread_context() {
  thread_local running_context ctx;
  return ctx;
}

event_loop& current_loop() {
  auto& ctx = this_thread_context();
  assert(ctx.loop != nullptr && "a primitive was used outside a running loop");
  return *ctx.loop;
}

// ---- The loop ----

event_loop::event_loop(loop_options options)
    : options_(options),
      trace_(1 + static_cast<std::size_t>(std::max(options.pool_size, 1)) +
             static_cast<std::size_t>(std::max(options.extra_writers, 0))),
      io_(options.clock == clock_kind::virtual_clock ? BOOST_ASIO_CONCURRENCY_HINT_UNSAFE : 1),
      epoch_(std::chrono::steady_clock::now()) {
  if (options_.pool_size < 1) options_.pool_size = 1;
  trace_.set_recording(options.record);
  trace_.set_real_time(options.clock == clock_kind::real_clock);
}

event_loop::~event_loop() { drain_for_shutdown(); }

void event_loop::drain_for_shutdown() {
  // Tear down by cancelling every task and letting each one unwind, so no
  // coroutine frame or handler is left to be destroyed half-way.
  if (options_.clock == clock_kind::virtual_clock) {
    // Run until nothing is left (done-callbacks too), within a budget that
    // only a task ignoring its cancellation could exhaust.
    cancel_all();
    for (std::size_t budget = 10'000'000; budget > 0 && step(); --budget) {
    }
  } else if (thread_.joinable()) {
    std::mutex m;
    std::condition_variable cv;
    bool drained = false;
    interrupt();  // a blocking call under way ends now, not when it would have
    std::thread watcher([&] {
      std::unique_lock lock(m);
      if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return drained; })) io_.stop();
    });
    thread_.join();
    {
      std::lock_guard lock(m);
      drained = true;
    }
    cv.notify_one();
    watcher.join();
  }
  if (pool_) pool_->join();
  timers_.clear();
  pool_queue_.clear();
}

// With recording off nobody looks back at a lane, and a server spawns a
// helper per connection: were every lane kept, its memory would grow with
// every connection it ever had (and lane ids run out after four million).
// An ended helper's lane is taken again once a few more have ended after
// it, and only when no handler is queued for its old task any more (an
// operation cancelled late). The trace keeps the lane's first name: no
// event is recorded under it.
std::optional<lane_id> event_loop::reuse_helper_lane() {
  constexpr std::size_t kept_back = 64;
  if (ended_helpers_.size() <= kept_back) return std::nullopt;
  const lane_id lane = ended_helpers_.front();
  task_core& c = core(lane);
  if (c.pending > 0 || c.depth > 0) return std::nullopt;
  ended_helpers_.pop_front();
  std::destroy_at(&c);
  std::construct_at(&c);
  c.last_t = now();
  return lane;
}

lane_id event_loop::add_lane(lane_kind kind, std::string name, lane_id parent) {
  if (kind == lane_kind::helper && !options_.record)
    if (const auto lane = reuse_helper_lane()) return *lane;
  const lane_id id = trace_.add_lane(kind, std::move(name), parent);
  tasks_.push_back(&task_storage_.emplace_back());
  tasks_.back()->last_t = now();
  return id;
}

event_loop::task_core& event_loop::core(lane_id lane) {
  assert(lane < tasks_.size());
  return *tasks_[lane];
}

nanos event_loop::now() const {
  if (options_.clock == clock_kind::virtual_clock) return now_;
  return std::chrono::duration_cast<nanoseconds>(std::chrono::steady_clock::now() - epoch_).count();
}

void event_loop::record(lane_id lane, nanos t, lane_state s, std::uint8_t detail, site_id site) {
  task_core& c = core(lane);
  if (t < c.last_t) t = c.last_t;
  c.state = s;
  c.last_t = t;
  trace_.record(c.writer, trace_event{t, lane, s, detail, site});
}

void event_loop::mark(lane_id lane, lane_state s, std::uint8_t detail) { record(lane, now(), s, detail); }

void event_loop::mark_external(int k, lane_id lane, lane_state s, std::uint8_t detail) {
  // The lane's bookkeeping is the loop thread's: only the event is written,
  // into the log this thread owns (the clock is monotonic, so in order).
  assert(k >= 0 && k < options_.extra_writers);
  trace_.record(1 + static_cast<std::size_t>(options_.pool_size) + static_cast<std::size_t>(k),
                trace_event{now(), lane, s, detail});
}

bool event_loop::on_loop_thread() const {
  return options_.clock == clock_kind::virtual_clock || this_thread_context().loop == this;
}

lane_id event_loop::current_lane() const { return this_thread_context().lane; }

void event_loop::set_wait_reason(wait_reason r) {
  const lane_id lane = current_lane();
  if (lane != no_lane) core(lane).reason = r;
}

void event_loop::set_wait(wait_reason r, const call_site& where) {
  const lane_id lane = current_lane();
  if (lane == no_lane) return;
  task_core& c = core(lane);
  c.reason = r;
  c.site = site_of(where);
}

site_id event_loop::site_of(const call_site& where) {
  const site_key key{where.file_name(), where.line(), where.column()};
  auto& cached = site_cache_[site_key_hash()(key) % site_cache_.size()];
  if (cached.second != no_site && cached.first == key) return cached.second;
  auto [it, added] = sites_.try_emplace(key, no_site);
  if (added) it->second = trace_.add_site(code_site{where.file_name(), where.line(), where.function_name()});
  cached = {key, it->second};
  return it->second;
}

void event_loop::set_wake_hint(nanos t) {
  const lane_id lane = current_lane();
  if (lane != no_lane) core(lane).wake_hint = t;
}

// ---- Spawning and ending ----

lane_id event_loop::plan_task(std::string name, lane_id parent) {
  const lane_id lane = add_lane(lane_kind::task, name, parent);
  planned_[std::move(name)].push_back(lane);
  return lane;
}

task_handle event_loop::spawn(awaitable<void> body, std::string name, lane_kind kind) {
  if (kind == lane_kind::task && !planned_.empty()) {
    if (auto it = planned_.find(name); it != planned_.end()) {
      const lane_id lane = it->second.front();
      it->second.pop_front();
      if (it->second.empty()) planned_.erase(it);
      return spawn_on(lane, std::move(body));
    }
  }
  const auto& ctx = this_thread_context();
  const lane_id parent = ctx.loop == this ? ctx.lane : no_lane;
  return spawn_on(add_lane(kind, std::move(name), parent), std::move(body));
}

task_handle event_loop::spawn_on(lane_id lane, awaitable<void> body) {
  task_core& c = core(lane);
  assert(!c.spawned && "a lane runs one task");
  c.spawned = true;
  ++live_;
  record(lane, now(), lane_state::ready);
  // The first step is queued, as asyncio's create_task queues it: the
  // thread is made and launched there, on the task's executor, with the
  // lane's cancellation signal as its own.
  asio::require(traced_executor(this, lane), asio::execution::blocking.never)
      .execute([this, lane, body = std::move(body)]() mutable {
        const asio::cancellation_slot slot = core(lane).cancel_signal.slot();
        asio::detail::awaitable_thread<asio::any_io_executor>(task_entry(*this, lane, std::move(body)),
                                                              asio::any_io_executor(traced_executor(this, lane)), slot,
                                                              asio::cancellation_state(slot))
            .launch();
      });
  return task_handle(this, lane);
}

void event_loop::end_task(lane_id lane, const std::exception_ptr& e) {
  task_core& c = core(lane);
  if (c.ended) return;
  c.ended = true;
  lane_state s = lane_state::done;
  // Unrecorded, a lane's end leaves no note either: a server's aborted
  // connections would add up.
  if (is_cancellation(e)) {
    s = lane_state::cancelled;
    if (trace_.recording()) trace_.add_note(lane, "cancelled (CancelledError)");
  } else if (e) {  // a timeout too: the task fails with TimeoutError, as in asyncio
    s = lane_state::failed;
    if (trace_.recording()) trace_.add_note(lane, describe(e));
  }
  record(lane, now(), s);
  c.terminal = true;
  c.error = e;
}

void event_loop::finish(lane_id lane, std::exception_ptr e) {
  task_core& c = core(lane);
  end_task(lane, e);  // when the body never ran (cancelled before its first step)
  --live_;
  // As a future runs its done-callbacks: each is queued, in the order they
  // were added. A task awaiting this one is woken by its own (its resumption
  // is what is queued); a gather's or a group's callback runs first, and
  // wakes its awaiter a pass later.
  auto notify = [this](callback& cb, bool wakes_awaiter) {
    if (wakes_awaiter)
      cb();
    else
      call_soon(std::move(cb));
  };
  if (c.on_end) notify(c.on_end, c.on_end_wakes);
  if (const auto more = std::exchange(c.on_end_more, nullptr))
    for (auto& l : *more) notify(l.cb, l.wakes_awaiter);
  c.on_end = {};
  if (!options_.record && trace_.lane(lane).kind == lane_kind::helper) ended_helpers_.push_back(lane);
  if (live_ == 0 && options_.clock == clock_kind::real_clock) work_.reset();
}

void event_loop::on_task_end(lane_id lane, callback cb, bool wakes_awaiter) {
  task_core& c = core(lane);
  if (c.terminal)
    call_soon(std::move(cb));
  else if (!c.on_end) {
    c.on_end = std::move(cb);
    c.on_end_wakes = wakes_awaiter;
  } else {
    if (!c.on_end_more) c.on_end_more = std::make_unique<std::vector<end_listener>>();
    c.on_end_more->push_back({std::move(cb), wakes_awaiter});
  }
}

template <class F>
void event_loop::post_handler(F f) {
  const bool counted = options_.clock == clock_kind::virtual_clock;
  if (counted) ++queued_;
  asio::post(io_, [this, counted, f = std::move(f)]() mutable {
    if (counted) --queued_;
    ++handlers_run_;
    f();
  });
}

void event_loop::call_soon(callback cb) { post_handler(std::move(cb)); }

namespace {
// The task executor a waiting coroutine's handler resumes on. The handler
// carries it type-erased twice: as any_completion_executor around the
// coroutine's any_io_executor around our traced_executor.
const traced_executor* find_traced(const asio::any_completion_executor& ex) {
  if (const auto* t = ex.target<traced_executor>()) return t;
  if (const auto* io = ex.target<asio::any_io_executor>()) return io->target<traced_executor>();
  return nullptr;
}
}  // namespace

void event_loop::complete(wait_handler h, error_code ec, nanos stamp) {
  asio::get_associated_cancellation_slot(h).clear();
  const auto ex = asio::get_associated_executor(h);
  const traced_executor* traced = find_traced(ex);
  assert(traced != nullptr && "waits are made by tasks on a loop");
  const bool here = on_loop_thread();
  if (here) stamp_override_ = stamp;
  asio::require(*traced, asio::execution::blocking.never).execute([h = std::move(h), ec]() mutable {
    std::move(h)(ec);
  });
  if (here) stamp_override_ = -1;
}

void event_loop::resume_sleeper(sleeping s, error_code ec, nanos stamp, timer_key key) {
  // The handler is not looked at here. Its cancellation slot keeps the
  // sleep's handler until the task runs (Asio clears it then): a
  // cancellation meanwhile finds no payload under the key, and is raised
  // as the task resumes.
  stamp_override_ = stamp;
  asio::require(traced_executor(this, s.lane), asio::execution::blocking.never)
      .execute([this, h = std::move(s.handler), ec, key]() mutable {
        cancel_timer(key);
        if (take_cancellation(current_lane())) ec = asio::error::operation_aborted;
        std::move(h)(ec);
      });
  stamp_override_ = -1;
}

bool event_loop::lane_finished(lane_id lane) const { return tasks_[lane]->terminal; }
lane_state event_loop::lane_state_of(lane_id lane) const { return tasks_[lane]->state; }
std::exception_ptr event_loop::lane_error(lane_id lane) const { return tasks_[lane]->error; }

std::exception_ptr event_loop::retrieve_error(lane_id lane) {
  task_core& c = core(lane);
  if (c.terminal) c.retrieved = true;
  return c.error;
}

std::vector<lane_id> event_loop::never_retrieved() const {
  std::vector<lane_id> out;
  for (lane_id lane = 0; lane < tasks_.size(); ++lane) {
    const task_core& c = *tasks_[lane];
    if (c.terminal && c.error && !c.retrieved && !is_cancellation(c.error)) out.push_back(lane);
  }
  return out;
}

void event_loop::cancel(lane_id lane) {
  if (!on_loop_thread()) {
    asio::post(io_, [this, lane] { cancel(lane); });
    return;
  }
  if (lane >= tasks_.size()) return;
  task_core& c = core(lane);
  if (!c.spawned || c.terminal) return;
  ++c.cancelling;
  c.cancel_pending = true;
  // A task whose first step has not run yet is not signalled: it raises
  // CancelledError at that step (task_entry), and its coroutines are not
  // made until then. A waiting task's wait is cut short: it resumes, and
  // raises, a pass later. A task that cancels itself is cut short where it
  // next waits.
  if (!c.started) return;
  if (current_lane() == lane)
    c.cancel_on_wait = true;
  else
    c.cancel_signal.emit(asio::cancellation_type::terminal);
}

int event_loop::uncancel(lane_id lane) {
  task_core& c = core(lane);
  if (c.cancelling > 0) --c.cancelling;
  return c.cancelling;
}

bool event_loop::take_cancellation(lane_id lane) {
  task_core& c = core(lane);
  if (!c.cancel_pending) return false;
  c.cancel_pending = false;
  record(lane, now(), lane_state::running, static_cast<std::uint8_t>(run_kind::cancelled));
  return true;
}

void event_loop::cancel_all() {
  if (!on_loop_thread()) {
    asio::post(io_, [this] { cancel_all(); });
    return;
  }
  for (lane_id lane = 0; lane < tasks_.size(); ++lane) cancel(lane);
}

void event_loop::interrupt() {
  if (interrupted_.exchange(true)) return;
  // The cancellations are queued before any sleeper wakes: a job cut short
  // reports to a task already cancelled.
  if (on_loop_thread())
    apply_interrupt();
  else
    asio::post(io_, [this] { apply_interrupt(); });
  { std::lock_guard lock(interrupt_m_); }  // a sleeper is either waiting now or yet to look at the flag
  interrupt_cv_.notify_all();
}

void event_loop::apply_interrupt() {
  if (!std::exchange(interrupt_applied_, true)) cancel_all();
}

// ---- The executor's bookkeeping ----

bool event_loop::inline_allowed(lane_id lane) const {
  const auto& ctx = this_thread_context();
  return ctx.loop == this && (ctx.lane == lane || ctx.lane == no_lane);
}

event_loop::ticket event_loop::submit(lane_id lane) {
  const bool here = on_loop_thread();
  ticket t{here && stamp_override_ >= 0 ? stamp_override_ : now(), false};
  if (options_.clock == clock_kind::virtual_clock) ++queued_;
  if (here) {
    task_core& c = core(lane);
    t.counted = true;
    ++c.pending;
    const bool self = this_thread_context().lane == lane;
    if (!self && !c.terminal && c.state == lane_state::waiting) {
      c.reason = wait_reason::io;
      record(lane, t.stamp, lane_state::ready);
    }
  }
  return t;
}

void event_loop::enter_slice(lane_id lane, const ticket* t) {
  auto& ctx = this_thread_context();
  task_core& c = core(lane);
  if (t != nullptr) {
    if (options_.clock == clock_kind::virtual_clock) --queued_;
    ++handlers_run_;
    if (t->counted) --c.pending;
  }
  if (ctx.lane == lane) {
    ++c.depth;
    return;
  }
  assert(ctx.lane == no_lane);
  ctx.lane = lane;
  c.depth = 1;
  if (c.terminal) return;  // a late completion after the end
  const nanos n = now();
  if (c.state == lane_state::waiting) {
    // Woken without passing through submit: a real timer (its deadline is
    // the hint) or a post from another thread (its stamp).
    nanos woke = c.wake_hint;
    if (woke < 0 && t != nullptr && !t->counted) woke = t->stamp;
    if (woke >= 0 && woke < n) record(lane, woke, lane_state::ready);
    c.reason = wait_reason::io;
  }
  c.wake_hint = -1;
  c.started = true;
  if (c.state != lane_state::running)
    record(lane, n, lane_state::running, static_cast<std::uint8_t>(run_kind::code), c.site);
}

void event_loop::leave_slice(lane_id lane) {
  task_core& c = core(lane);
  if (--c.depth > 0) return;
  this_thread_context().lane = no_lane;
  if (c.terminal) return;
  const nanos n = now();
  if (c.pending > 0) {
    record(lane, n, lane_state::ready, 0, c.site);
  } else {
    record(lane, n, lane_state::waiting, static_cast<std::uint8_t>(c.reason), c.site);
    // Cancelled while it ran (by itself): the wait it has just begun is cut
    // short, as asyncio's __step cancels the future a cancelled task yields.
    if (std::exchange(c.cancel_on_wait, false)) c.cancel_signal.emit(asio::cancellation_type::terminal);
  }
}

void event_loop::hold(nanos d, run_kind kind, site_id site) {
  const lane_id lane = current_lane();
  assert(lane != no_lane && "block() and cpu() run inside a task");
  if (d <= 0) return;
  // Both slices carry the call's place: the task is at that line while it
  // holds the loop, and runs on from it afterwards.
  record(lane, now(), lane_state::running, static_cast<std::uint8_t>(kind), site);
  bool whole = true;
  if (options_.clock == clock_kind::virtual_clock)
    now_ += d;
  else
    whole = spend(d, kind);
  record(lane, now(), lane_state::running, static_cast<std::uint8_t>(run_kind::code), site);
  if (whole) return;
  // Interrupted: the task raises CancelledError where it was stopped, as a
  // KeyboardInterrupt would, not at its next await.
  apply_interrupt();
  if (take_cancellation(lane)) detail::throw_cancelled();
}

// ---- Virtual time ----

event_loop::timer_key event_loop::add_timer(nanos deadline, timer_entry e) {
  return timers_.push(deadline, std::move(e));
}

event_loop::timer_key event_loop::call_at(nanos deadline, callback cb) {
  return add_timer(deadline, timer_entry(std::move(cb)));
}

void event_loop::cancel_timer(timer_key key) { timers_.cancel(key); }  // its payload, if any, is dropped

void event_loop::async_sleep_until(nanos deadline, sleeper h, const void* frame) {
  auto slot = asio::get_associated_cancellation_slot(h);
  const auto key = add_timer(deadline, timer_entry(sleeping{std::move(h), current_lane(), frame}));
  if (slot.is_connected()) {
    // Once the timer has run (its slot released), this finds nothing under
    // the key: the cancellation is raised as the task resumes.
    auto& on_cancel = slot.assign([this, key](asio::cancellation_type) {
      if (auto e = timers_.take_payload(key))
        resume_sleeper(std::get<sleeping>(std::move(*e)), asio::error::operation_aborted, now(), key);
    });
    std::get<sleeping>(*timers_.peek(key)).on_cancel = &on_cancel;
  }
}

// A pass begins, as asyncio's _run_once does: cancelled timers at the head
// of the heap go; every timer whose deadline has come joins the ready
// queue, behind what is there already. Its callback runs in this pass; the
// task it wakes, in the next.
void event_loop::queue_due_timers() {
  due_run_ = 0;
  // As call_soon(), without a callback to allocate for each.
  timers_.pop_due(now_, [this](timer_key key, nanos deadline) {
    post_handler([this, key, deadline] { run_timer(key, deadline); });
  });
}

void event_loop::read_ahead_of_timer() {
  // Sixteen timers at a time, as the first of them runs: their slots, then
  // what their tasks will touch (their bookkeeping, the bottom of their
  // stacks, the frames they sleep in, their cancellation slots' handlers),
  // then the cancellation states behind those. Each stage's loads are
  // independent of each other, so they overlap, where one task's after
  // another's would each wait out the memory on its own.
  constexpr std::size_t batch = 16;
  if (due_run_ % batch != 0) return;
  const std::size_t n = std::min(timers_.due_count() - due_run_, batch);
  std::array<timer_entry*, batch> entries{};
  for (std::size_t i = 0; i < n; ++i)
    if ((entries[i] = timers_.peek(timers_.due(due_run_ + i)))) detail::touch(entries[i]);
  std::array<sleeping*, batch> sleepers{};
  for (std::size_t i = 0; i < n; ++i) {
    auto* s = entries[i] != nullptr ? std::get_if<sleeping>(entries[i]) : nullptr;
    if (s == nullptr || s->lane >= tasks_.size()) continue;
    sleepers[i] = s;
    detail::touch(tasks_[s->lane]);
    const auto* bottom = s->handler.entry_point();
    for (std::size_t at = 0; at < sizeof(*bottom); at += 64) detail::touch(reinterpret_cast<const char*>(bottom) + at);
    detail::touch(s->frame);
    if (s->on_cancel != nullptr) detail::touch(s->on_cancel);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (sleepers[i] != nullptr) detail::touch_value(sleepers[i]->handler.get_cancellation_slot().has_handler());
}

void event_loop::run_timer(timer_key key, nanos deadline) {
  if (due_run_ < timers_.due_count() && timers_.due(due_run_) == key) {
    read_ahead_of_timer();
    ++due_run_;
  }
  auto e = timers_.run(key);
  if (!e) return;  // cancelled since it came due
  if (auto* s = std::get_if<sleeping>(&*e))
    resume_sleeper(std::move(*s), {}, deadline, key);
  else if (auto& internal = std::get<callback>(*e))
    internal();
}

std::optional<nanos> event_loop::next_due() const {
  if (batch_left_ > 0 || queued_ > 0) return now_;
  if (auto t = timers_.earliest_live()) return std::max(now_, *t);
  return std::nullopt;
}

bool event_loop::step() {
  assert(options_.clock == clock_kind::virtual_clock);
  if (memory_exhausted.load(std::memory_order_relaxed)) throw std::bad_alloc();
  auto& ctx = this_thread_context();
  const running_context saved = ctx;
  ctx = running_context{this, no_lane};
  struct restore {
    running_context& ctx;
    running_context saved;
    ~restore() { ctx = saved; }
  } guard{ctx, saved};

  if (batch_left_ == 0) {
    // One pass of asyncio's loop: the handlers queued now, with the timers
    // that are due moved behind them; what these queue runs in the next.
    timers_.drop_cancelled();
    if (queued_ == 0) {
      if (timers_.empty()) return false;
      now_ = std::max(now_, timers_.front_deadline());
    }
    queue_due_timers();
    batch_left_ = queued_;
    if (batch_left_ == 0) return true;
  }
  if (io_.stopped()) io_.restart();
  io_.poll_one();
  --batch_left_;
  return true;
}

void event_loop::run_until(nanos t) {
  for (auto due = next_due(); due && *due <= t; due = next_due()) step();
  now_ = std::max(now_, t);
}

bool event_loop::stalled() const { return live_ > 0 && options_.clock == clock_kind::virtual_clock && !next_due(); }

void event_loop::run() {
  if (options_.clock == clock_kind::virtual_clock) {
    while (step()) {
    }
  } else {
    start();
    wait();
  }
}

void event_loop::start() {
  assert(options_.clock == clock_kind::real_clock);
  if (thread_.joinable()) return;
  if (live_ == 0) return;
  // A run made now and started later (the window waits for a prediction)
  // starts its clock when it starts: what was recorded while it was made
  // stays at the times it has.
  nanos latest = 0;
  const auto& log = trace_.events(0);
  for (std::size_t i = 0; i < log.size(); ++i) latest = std::max(latest, log[i].t);
  epoch_ = std::chrono::steady_clock::now() - nanoseconds(latest);
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] {
    this_thread_context() = running_context{this, no_lane};
    io_.run();
    this_thread_context() = running_context{};
  });
}

void event_loop::wait() {
  if (thread_.joinable()) thread_.join();
}

// ---- The thread pool ----

void event_loop::ensure_workers() {
  if (!worker_lanes_.empty()) return;
  for (int i = 0; i < options_.pool_size; ++i) {
    const lane_id lane = add_lane(lane_kind::worker, "worker " + std::to_string(i + 1));
    core(lane).writer = static_cast<std::uint16_t>(1 + i);
    worker_lanes_.push_back(lane);
    record(lane, now(), lane_state::idle);
  }
  worker_busy_.assign(worker_lanes_.size(), false);
  if (options_.clock == clock_kind::real_clock)
    pool_ = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(options_.pool_size));
}

void event_loop::async_offload(nanos d, run_kind kind, wait_handler h) {
  ensure_workers();
  auto slot = asio::get_associated_cancellation_slot(h);
  auto st = std::make_shared<offload_state>(std::move(h));
  if (slot.is_connected()) {
    // The thread keeps going, as a thread does; only the awaiter stops waiting.
    slot.assign([this, st](asio::cancellation_type) {
      if (!st->live) return;
      st->live = false;
      complete(std::move(st->handler), asio::error::operation_aborted, now());
    });
  }
  pool_job job{d, kind, std::move(st)};

  if (options_.clock == clock_kind::virtual_clock) {
    pool_queue_.push_back(std::move(job));
    for (std::size_t w = 0; w < worker_busy_.size(); ++w)
      if (!worker_busy_[w]) start_next_job(w, now_);
    return;
  }

  asio::post(*pool_, [this, job = std::move(job)]() mutable {
    // Each pool thread takes a worker lane, and that lane's trace writer, once.
    thread_local std::pair<event_loop*, int> mine{nullptr, -1};
    if (mine.first != this) mine = {this, next_worker_.fetch_add(1)};
    const auto w = static_cast<std::size_t>(mine.second % options_.pool_size);
    const lane_id lane = worker_lanes_[w];
    trace_.record(1 + w, trace_event{now(), lane, lane_state::running, static_cast<std::uint8_t>(job.kind)});
    const bool whole = spend(job.duration, job.kind);
    const nanos t_end = now();
    trace_.record(1 + w, trace_event{t_end, lane, lane_state::idle, 0});
    asio::post(io_, [this, st = std::move(job.state), t_end, whole] {
      if (!st->live) return;
      st->live = false;
      // A job cut short did not do its work: its awaiter is not told it did.
      complete(std::move(st->handler), whole ? error_code() : error_code(asio::error::operation_aborted), t_end);
    });
  });
}

void event_loop::start_next_job(std::size_t w, nanos t) {
  while (!pool_queue_.empty() && !pool_queue_.front().state->live) pool_queue_.pop_front();
  if (pool_queue_.empty()) return;
  pool_job job = std::move(pool_queue_.front());
  pool_queue_.pop_front();
  worker_busy_[w] = true;
  const lane_id lane = worker_lanes_[w];
  record(lane, t, lane_state::running, static_cast<std::uint8_t>(job.kind));
  const nanos t_end = t + job.duration;
  // A worker does not wait for the loop: its job ends at t_end exactly, and
  // the next job starts then, however late the loop gets to the wake-up.
  add_timer(t_end, timer_entry(callback([this, w, lane, t_end, st = std::move(job.state)] {
              record(lane, t_end, lane_state::idle);
              if (st->live) {
                st->live = false;
                complete(std::move(st->handler), {}, t_end);
              }
              worker_busy_[w] = false;
              start_next_job(w, t_end);
            })));
}

bool event_loop::spend(nanos d, run_kind kind) {
  if (d <= 0) return true;
  const auto end = std::chrono::steady_clock::now() + nanoseconds(d);
  if (kind == run_kind::blocking) {
    std::unique_lock lock(interrupt_m_);
    return !interrupt_cv_.wait_until(lock, end, [this] { return interrupted_.load(); });
  }
  volatile std::uint64_t sink = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (interrupted_.load(std::memory_order_relaxed)) return false;
    for (std::uint64_t i = 0; i < 256; ++i) sink = sink + i;
  }
  return true;
}

void event_loop::async_join(lane_id lane, wait_handler h) {
  auto slot = asio::get_associated_cancellation_slot(h);
  // Cancelling the awaiter cancels the awaited task, as in asyncio; the
  // awaiter then wakes when that task has unwound, and until then it still
  // waits for that task.
  const lane_id awaiter = current_lane();
  if (slot.is_connected())
    slot.assign([this, lane, awaiter](asio::cancellation_type) {
      cancel(lane);
      if (awaiter != no_lane) core(awaiter).reason = wait_reason::child;
    });
  on_task_end(
      lane, [this, h = std::move(h)]() mutable { complete(std::move(h), {}, now()); }, true);
}

}  // namespace loopscope
