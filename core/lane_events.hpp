// A trace's events grouped per lane in one array, each lane's in time
// order: what a reader walks lane by lane (the metrics, the summary, the
// exports) without a vector per lane.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

class lane_events {
 public:
  // The lanes it holds: [first_lane(), end_lane()).
  lane_id first_lane() const { return first_; }
  lane_id end_lane() const { return first_ + static_cast<lane_id>(starts_.size() - 1); }
  // A lane's events; none for a lane it does not hold.
  std::span<const trace_event> of(lane_id lane) const {
    if (lane < first_ || lane >= end_lane()) return {};
    const std::size_t i = lane - first_;
    return {events_.data() + starts_[i], starts_[i + 1] - starts_[i]};
  }
  std::size_t size() const { return events_.size(); }

 private:
  friend lane_events group_by_lane(const trace& tr, lane_id first, lane_id last);
  friend class lanes_in_order;
  // Places the events of its lanes, read from each writer's first sizes[w],
  // once starts_[i + 1] is where lane first_ + i begins and one entry more
  // holds the end: placing an event moves that on by one, so that at the
  // end starts_[i + 1] is where lane i ends and the next begins.
  void place(const trace& tr, const std::vector<std::size_t>& sizes);
  std::vector<trace_event> events_;
  std::vector<std::size_t> starts_{0};  // lane first_ + i: events_[starts_[i], starts_[i + 1])
  lane_id first_ = 0;
};

// Every event so far of the lanes in [first, last) (a reader's snapshot):
// two passes over the trace and no allocation per lane.
lane_events group_by_lane(const trace& tr, lane_id first = 0, lane_id last = no_lane);

// Every lane's events for a reader that walks the lanes in order, grouped a
// range of lanes at a time: at most about `budget` events are held at once,
// so a million lanes' worth is never one block of a hundred megabytes (a
// block that large is memory the process has never touched, where a run's
// freed coroutine frames would do). The trace is read as it was when this
// was made.
class lanes_in_order {
 public:
  explicit lanes_in_order(const trace& tr, std::size_t budget = std::size_t{1} << 19);
  lane_id lane_count() const { return static_cast<lane_id>(counts_.size()); }
  // A lane's events; a lane before the last one asked is grouped again.
  std::span<const trace_event> of(lane_id lane);

 private:
  const trace& tr_;
  std::size_t budget_;
  std::vector<std::size_t> sizes_;     // each writer's events, as first seen
  std::vector<std::uint32_t> counts_;  // events per lane
  lane_events chunk_;
};

}  // namespace loopscope
