#include "lessons/runner.hpp"

namespace loopscope::lessons {

outcomes lesson_run::by_name() const {
  outcomes o;
  for (std::size_t i = 0; i < runs.size(); ++i) o.add(*runs[i], metrics[i]);
  return o;
}

lesson_run run_lesson(const lesson& l, const values& v, const run_setup& setup, const driver& drive) {
  lesson_run out;
  out.metrics.reserve(l.variants.size());
  for (const auto& variant : l.variants) {
    auto run = make_run(l, variant, v, setup);
    if (drive)
      drive(*run);
    else
      run->run_to_end();
    out.metrics.push_back(compute_metrics(run->trace(), run->now()));
    out.runs.push_back(std::move(run));
  }
  out.answer = answer_of(l, out.by_name());
  return out;
}

std::optional<double> answer_of(const lesson& l, const outcomes& runs) { return l.predict.answer(runs); }

}  // namespace loopscope::lessons
