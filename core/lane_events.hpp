// A trace's events grouped per lane in one array, each lane's in time
// order: what a reader walks lane by lane (the metrics, the summary, the
// exports) without a vector per lane.
#pragma once

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
  std::vector<trace_event> events_;
  std::vector<std::size_t> starts_{0};  // lane first_ + i: events_[starts_[i], starts_[i + 1])
  lane_id first_ = 0;
};

// Every event so far of the lanes in [first, last) (a reader's snapshot):
// two passes over the trace and no allocation per lane.
lane_events group_by_lane(const trace& tr, lane_id first = 0, lane_id last = no_lane);

}  // namespace loopscope
