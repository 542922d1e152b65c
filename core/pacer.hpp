// Playback of virtual-clock loops against the wall clock: a shared cursor
// that advances at a speed factor, pauses, and steps one handler at a time.
// Every run it drives runs up to the cursor, so side-by-side variants stay
// on one time axis.
#pragma once

#include <optional>
#include <vector>

#include "core/trace.hpp"

namespace loopscope {

class scenario_run;

class pacer {
 public:
  static constexpr double min_speed = 0.1;
  static constexpr double max_speed = 10.0;

  explicit pacer(std::vector<scenario_run*> runs);

  void play() { playing_ = true; }
  void pause() { playing_ = false; }
  bool playing() const { return playing_; }
  void set_speed(double s);
  double speed() const { return speed_; }

  // Advances the cursor by wall_elapsed × speed (when playing) and runs every
  // handler due by then. Stops playing when every loop has finished.
  void tick(nanos wall_elapsed);
  // Pauses, then runs exactly one handler: the one due first across the
  // loops. The cursor moves to its time. False when nothing is left.
  bool step();
  // Runs everything due by t and puts the cursor there.
  void seek_forward(nanos t);

  nanos cursor() const { return cursor_; }
  bool finished() const;

  // Runs recorded to their end (a traced script): nothing is left to run,
  // the cursor alone moves, forward up to `end` and back (rewind).
  void set_recorded(nanos end) { recorded_end_ = end; }
  bool recorded() const { return recorded_end_.has_value(); }
  void rewind(nanos t);

 private:
  std::vector<scenario_run*> runs_;
  nanos cursor_ = 0;
  double speed_ = 1.0;
  bool playing_ = false;
  std::optional<nanos> recorded_end_;
};

}  // namespace loopscope
