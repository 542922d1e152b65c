// The executor every task runs on: Asio calls execute() for every function
// that runs on behalf of the task, so the loop knows exactly when the task
// holds it (a slice), when it is queued (ready), and when it has suspended.
// Only core's own sources include this.
#pragma once

#include <boost/asio/execution.hpp>
#include <boost/asio/require.hpp>

#include "core/loop.hpp"

namespace loopscope::detail {

class traced_executor {
 public:
  traced_executor(event_loop* loop, lane_id lane, bool never = false) noexcept
      : loop_(loop), lane_(lane), never_(never) {}

  event_loop& loop() const noexcept { return *loop_; }
  lane_id lane() const noexcept { return lane_; }

  asio::io_context& query(asio::execution::context_t) const noexcept { return loop_->io(); }
  asio::execution::blocking_t query(asio::execution::blocking_t) const noexcept {
    return never_ ? asio::execution::blocking_t(asio::execution::blocking.never)
                  : asio::execution::blocking_t(asio::execution::blocking.possibly);
  }
  traced_executor require(asio::execution::blocking_t::never_t) const noexcept { return {loop_, lane_, true}; }
  traced_executor require(asio::execution::blocking_t::possibly_t) const noexcept { return {loop_, lane_, false}; }

  template <class F>
  void execute(F&& f) const {
    event_loop* l = loop_;
    const lane_id lane = lane_;
    struct leave {
      event_loop* l;
      lane_id lane;
      ~leave() { l->leave_slice(lane); }
    };
    if (!never_ && l->inline_allowed(lane)) {
      l->enter_slice(lane, nullptr);
      leave guard{l, lane};
      std::forward<F>(f)();
      return;
    }
    const event_loop::ticket t = l->submit(lane);
    asio::require(l->io().get_executor(), asio::execution::blocking.never)
        .execute([l, lane, t, f = std::decay_t<F>(std::forward<F>(f))]() mutable {
          l->enter_slice(lane, &t);
          leave guard{l, lane};
          f();
        });
  }

  friend bool operator==(const traced_executor& a, const traced_executor& b) noexcept {
    return a.loop_ == b.loop_ && a.lane_ == b.lane_ && a.never_ == b.never_;
  }
  friend bool operator!=(const traced_executor& a, const traced_executor& b) noexcept { return !(a == b); }

 private:
  event_loop* loop_;
  lane_id lane_;
  bool never_;
};

}  // namespace loopscope::detail
