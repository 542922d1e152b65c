// How the primitives wait and how a cancellation surfaces: shared by the
// loop and the primitives, included by nothing else.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "core/loop.hpp"

namespace loopscope::detail {

[[noreturn]] inline void throw_cancelled() { throw boost::system::system_error(asio::error::operation_aborted); }

// asyncio raises CancelledError at the await a cancelled task is resumed
// from, even when what it awaited had already completed. Asio checks only
// before the next operation, so every primitive checks again on the way out.
inline void throw_if_cancelled(const asio::cancellation_state& cs) {
  if (cs.cancelled() != asio::cancellation_type::none) throw_cancelled();
}

// An operation the loop completes with an error code. The initiations wrap
// the handler into an any_completion_handler before connecting its
// cancellation slot: wrapping installs the wrapper's own cancellation state
// in the slot, replacing whatever was there.
template <class Init>
auto async_wait_op(Init init) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(error_code)>(std::move(init), asio::use_awaitable);
}

}  // namespace loopscope::detail
