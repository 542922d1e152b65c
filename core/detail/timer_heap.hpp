// The virtual clock's timers, kept as asyncio keeps its TimerHandles: a
// binary heap ordered by deadline alone (Python's heapq, operation for
// operation), where a cancelled timer stays until the loop meets it. Timers
// with equal deadlines come out in the order that heap gives, which is not
// the order they were set: matching CPython there means matching its heap.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/detail/touch.hpp"
#include "core/trace.hpp"

namespace loopscope::detail {

template <class Payload>
class timer_heap {
 public:
  // A timer, as long as it lives: its slot, and which of the slot's timers
  // it is (a slot is used again once its timer has run or gone).
  using id = std::uint64_t;

  // heapq.heappush of a TimerHandle.
  id push(nanos deadline, Payload p) {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    entry& e = slots_[slot];
    e.payload.emplace(std::move(p));  // constructed in place: a payload is never assigned
    e.cancelled = false;
    e.scheduled = true;
    heap_.push_back(item{deadline, slot});
    sift_down(0, heap_.size() - 1);
    return id_of(slot);
  }

  // TimerHandle.cancel(): it stays in the heap; the loop counts it while it
  // is scheduled. A timer that has run, or was cancelled, is left alone.
  // Returns its payload, which will not run.
  std::optional<Payload> cancel(id timer) {
    entry* e = live(timer);
    if (e == nullptr || e->cancelled) return std::nullopt;
    e->cancelled = true;
    if (e->scheduled) ++cancelled_count_;
    std::optional<Payload> p;
    if (e->payload) p.emplace(std::move(*e->payload));
    e->payload.reset();
    return p;
  }

  // Its payload, taken out: the timer still runs when due, and does nothing
  // (as an asyncio sleep's timer whose future was cancelled).
  std::optional<Payload> take_payload(id timer) {
    entry* e = live(timer);
    std::optional<Payload> p;
    if (e != nullptr && e->payload) {
      p.emplace(std::move(*e->payload));
      e->payload.reset();
    }
    return p;
  }

  // The start of asyncio's _run_once: with more than 100 timers of which
  // over half are cancelled, the heap is rebuilt without them; otherwise
  // cancelled timers at its head are dropped.
  void drop_cancelled() {
    if (heap_.size() > 100 && static_cast<double>(cancelled_count_) / static_cast<double>(heap_.size()) > 0.5) {
      std::vector<item> kept;
      kept.reserve(heap_.size());
      for (const item& it : heap_) {
        if (slots_[it.slot].cancelled)
          release(it.slot);
        else
          kept.push_back(it);
      }
      heap_ = std::move(kept);
      for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_up(i);
      cancelled_count_ = 0;
    } else {
      while (!heap_.empty() && slots_[heap_.front().slot].cancelled) {
        --cancelled_count_;
        release(pop().slot);
      }
    }
  }

  // A live timer's payload, not taken; null when it has run or gone.
  Payload* peek(id timer) {
    entry* e = live(timer);
    return e != nullptr && e->payload ? &*e->payload : nullptr;
  }
  // The timers the last pop_due() handed on, in order (their ids hold
  // until each has run).
  std::size_t due_count() const { return due_.size(); }
  id due(std::size_t i) const { return id_of(due_[i].slot); }

  bool empty() const { return heap_.empty(); }
  nanos front_deadline() const { return heap_.front().deadline; }

  // The timers due by `now`, popped one by one into the ready queue (a
  // cancelled one too: the loop skips it when it comes to it).
  template <class F>
  void pop_due(nanos now, F&& to_ready) {
    // Popped first, their slots read meanwhile, then marked and handed on.
    due_.clear();
    while (!heap_.empty() && heap_.front().deadline <= now) {
      due_.push_back(pop());
      touch(&slots_[due_.back().slot]);
    }
    for (const item& it : due_) {
      slots_[it.slot].scheduled = false;
      to_ready(id_of(it.slot), it.deadline);
    }
  }

  // A due timer's turn: its payload, or nothing when it was cancelled (or
  // its payload taken). The timer is gone after.
  std::optional<Payload> run(id timer) {
    entry* e = live(timer);
    assert(e != nullptr && !e->scheduled);
    std::optional<Payload> p;
    if (!e->cancelled && e->payload) p.emplace(std::move(*e->payload));
    release(static_cast<std::uint32_t>(timer));
    return p;
  }

  // The earliest deadline not cancelled, without touching the heap (the
  // loop drops cancelled timers only when a pass begins, as asyncio does).
  std::optional<nanos> earliest_live() const {
    std::optional<nanos> best;
    std::vector<std::size_t> stack;
    if (!heap_.empty()) stack.push_back(0);
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      if (best && heap_[i].deadline >= *best) continue;  // below it, nothing is earlier
      if (!slots_[heap_[i].slot].cancelled) {
        best = heap_[i].deadline;
        continue;
      }
      for (std::size_t c = 2 * i + 1; c <= 2 * i + 2 && c < heap_.size(); ++c) stack.push_back(c);
    }
    return best;
  }

  void clear() {
    heap_.clear();
    slots_.clear();
    free_.clear();
    due_.clear();
    cancelled_count_ = 0;
  }

 private:
  struct item {
    nanos deadline;
    std::uint32_t slot;
    bool operator<(const item& o) const { return deadline < o.deadline; }  // TimerHandle.__lt__
  };
  // Payloads (Asio's any_completion_handler among them) are only ever
  // constructed and destroyed in place: Boost 1.81's any_completion_handler
  // move-assignment wraps itself without end.
  struct entry {
    std::optional<Payload> payload;
    std::uint32_t generation = 0;
    bool cancelled = false;
    bool scheduled = false;  // in the heap (TimerHandle._scheduled)
  };

  id id_of(std::uint32_t slot) const { return (id{slots_[slot].generation} << 32) | slot; }
  entry* live(id timer) {
    const auto slot = static_cast<std::uint32_t>(timer);
    if (slot >= slots_.size() || slots_[slot].generation != static_cast<std::uint32_t>(timer >> 32)) return nullptr;
    return &slots_[slot];
  }
  void release(std::uint32_t slot) {
    slots_[slot].payload.reset();
    ++slots_[slot].generation;
    free_.push_back(slot);
  }

  // heapq.heappop.
  item pop() {
    item last = heap_.back();
    heap_.pop_back();
    if (heap_.empty()) return last;
    item top = heap_.front();
    heap_.front() = last;
    sift_up(0);
    return top;
  }

  // heapq._siftdown: the item at pos moves up towards start.
  void sift_down(std::size_t start, std::size_t pos) {
    const item newitem = heap_[pos];
    while (pos > start) {
      const std::size_t parent = (pos - 1) >> 1;
      if (newitem < heap_[parent]) {
        heap_[pos] = heap_[parent];
        pos = parent;
        continue;
      }
      break;
    }
    heap_[pos] = newitem;
  }

  // heapq._siftup: the smaller child bubbles up to a leaf, then the item
  // settles from there.
  void sift_up(std::size_t pos) {
    const std::size_t end = heap_.size(), start = pos;
    const item newitem = heap_[pos];
    std::size_t child = 2 * pos + 1;
    while (child < end) {
      const std::size_t right = child + 1;
      if (right < end && !(heap_[child] < heap_[right])) child = right;
      heap_[pos] = heap_[child];
      pos = child;
      child = 2 * pos + 1;
    }
    heap_[pos] = newitem;
    sift_down(start, pos);
  }

  std::vector<item> heap_;
  std::vector<entry> slots_;
  std::vector<std::uint32_t> free_;
  std::vector<item> due_;            // what the last pop_due() handed on
  std::size_t cancelled_count_ = 0;  // asyncio's _timer_cancelled_count
};

}  // namespace loopscope::detail
