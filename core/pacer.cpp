#include "core/pacer.hpp"

#include <algorithm>
#include <cmath>

#include "core/scenario.hpp"

namespace loopscope {

pacer::pacer(std::vector<scenario_run*> runs) : runs_(std::move(runs)) {}

void pacer::set_speed(double s) { speed_ = std::clamp(s, min_speed, max_speed); }

bool pacer::finished() const {
  if (recorded_end_) return cursor_ >= *recorded_end_;
  return std::all_of(runs_.begin(), runs_.end(), [](const scenario_run* r) { return !r->next_due(); });
}

void pacer::seek_forward(nanos t) {
  cursor_ = std::max(cursor_, t);
  for (scenario_run* l : runs_) l->run_until(cursor_);
}

void pacer::tick(nanos wall_elapsed) {
  if (!playing_) return;
  seek_forward(cursor_ + static_cast<nanos>(std::llround(static_cast<double>(wall_elapsed) * speed_)));
  if (finished()) playing_ = false;
}

void pacer::rewind(nanos t) {
  playing_ = false;
  cursor_ = std::clamp<nanos>(t, 0, cursor_);
}

bool pacer::step() {
  playing_ = false;
  scenario_run* first = nullptr;
  nanos due = 0;
  for (scenario_run* l : runs_) {
    const auto d = l->next_due();
    if (d && (first == nullptr || *d < due)) {
      first = l;
      due = *d;
    }
  }
  if (first == nullptr) return false;
  first->step();
  cursor_ = std::max(cursor_, first->now());
  return true;
}

}  // namespace loopscope
