#include "pacer.hpp"

#include <algorithm>
#include <cmath>

#include "runtime.hpp"

namespace loopscope {

pacer::pacer(std::vector<event_loop*> loops) : loops_(std::move(loops)) {}

void pacer::set_speed(double s) { speed_ = std::clamp(s, min_speed, max_speed); }

bool pacer::finished() const {
  return std::all_of(loops_.begin(), loops_.end(), [](const event_loop* l) { return !l->next_due(); });
}

void pacer::seek_forward(nanos t) {
  cursor_ = std::max(cursor_, t);
  for (event_loop* l : loops_) l->run_until(cursor_);
}

void pacer::tick(nanos wall_elapsed) {
  if (!playing_) return;
  seek_forward(cursor_ + static_cast<nanos>(std::llround(static_cast<double>(wall_elapsed) * speed_)));
  if (finished()) playing_ = false;
}

bool pacer::step() {
  playing_ = false;
  event_loop* first = nullptr;
  nanos due = 0;
  for (event_loop* l : loops_) {
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
