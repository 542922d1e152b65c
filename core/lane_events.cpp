#include "core/lane_events.hpp"

#include <algorithm>

namespace loopscope {

void lane_events::place(const trace& tr, const std::vector<std::size_t>& sizes) {
  const lane_id last = first_ + static_cast<lane_id>(starts_.size() - 2);
  events_.resize(starts_.back());
  // A lane is written by one writer, in time order: placed in the order
  // read, its events stay in order.
  for (std::size_t w = 0; w < sizes.size(); ++w) {
    const auto& log = tr.events(w);
    for (std::size_t i = 0; i < sizes[w]; ++i)
      if (const lane_id l = log[i].lane; l >= first_ && l < last) events_[starts_[l - first_ + 1]++] = log[i];
  }
  starts_.pop_back();
}

lane_events group_by_lane(const trace& tr, lane_id first, lane_id last) {
  lane_events out;
  last = std::min(last, static_cast<lane_id>(tr.lane_count()));
  first = std::min(first, last);
  out.first_ = first;
  const std::size_t lanes = last - first;
  // Counted, then placed: starts[i + 2] first counts lane i's events, and
  // the running sums make starts[i + 1] where lane i begins (see place()).
  std::vector<std::size_t>& starts = out.starts_;
  starts.assign(lanes + 2, 0);
  const std::size_t writers = tr.writer_count();
  std::vector<std::size_t> sizes(writers);  // what the first pass saw: a writer may go on meanwhile
  for (std::size_t w = 0; w < writers; ++w) {
    const auto& log = tr.events(w);
    sizes[w] = log.size();
    for (std::size_t i = 0; i < sizes[w]; ++i)
      if (const lane_id l = log[i].lane; l >= first && l < last) ++starts[l - first + 2];
  }
  for (std::size_t i = 2; i < starts.size(); ++i) starts[i] += starts[i - 1];
  out.place(tr, sizes);
  return out;
}

lanes_in_order::lanes_in_order(const trace& tr, std::size_t budget)
    : tr_(tr), budget_(std::max<std::size_t>(budget, 1)) {
  counts_.assign(tr.lane_count(), 0);
  sizes_.resize(tr.writer_count());
  for (std::size_t w = 0; w < sizes_.size(); ++w) {
    const auto& log = tr.events(w);
    sizes_[w] = log.size();
    for (std::size_t i = 0; i < sizes_[w]; ++i)
      if (const lane_id l = log[i].lane; l < counts_.size()) ++counts_[l];
  }
}

std::span<const trace_event> lanes_in_order::of(lane_id lane) {
  if (lane >= counts_.size()) return {};
  if (lane < chunk_.first_ || lane >= chunk_.end_lane()) {
    // The lanes from this one on whose events fit the budget (one at least).
    lane_id last = lane;
    std::size_t held = 0;
    while (last < counts_.size() && (last == lane || held + counts_[last] <= budget_)) held += counts_[last++];
    // Laid out as group_by_lane() lays them out, from the counts made once.
    lane_events& c = chunk_;
    c.first_ = lane;
    c.starts_.assign(last - lane + 2, 0);
    for (lane_id l = lane; l < last; ++l) c.starts_[l - lane + 2] = c.starts_[l - lane + 1] + counts_[l];
    c.place(tr_, sizes_);
  }
  return chunk_.of(lane);
}

}  // namespace loopscope
