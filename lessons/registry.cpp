#include <algorithm>
#include <charconv>
#include <cstdio>

#include "lessons/lesson.hpp"

namespace loopscope::lessons {

// Each lesson folder defines one of these; the curriculum's order is here.
lesson lesson_await();
lesson lesson_sequential();
lesson lesson_gather();
lesson lesson_semaphore();
lesson lesson_blocking();
lesson lesson_cpu();
lesson lesson_errors();
lesson lesson_timeouts();
lesson lesson_threads();
lesson lesson_server();

const std::vector<lesson>& all() {
  static const std::vector<lesson> curriculum = [] {
    std::vector<lesson> v{lesson_await(),    lesson_sequential(), lesson_gather(), lesson_semaphore(),
                          lesson_blocking(), lesson_cpu(),        lesson_errors(), lesson_timeouts(),
                          lesson_threads(),  lesson_server()};
    for (std::size_t i = 0; i < v.size(); ++i) {
      v[i].number = static_cast<int>(i + 1);
      v[i].prose = embedded(v[i].id, "prose");
      v[i].code = embedded(v[i].id, "code");
      v[i].python = embedded(v[i].id, "python");
    }
    return v;
  }();
  return curriculum;
}

const lesson* find(std::string_view id) {
  for (const auto& l : all())
    if (l.id == id) return &l;
  return nullptr;
}

values defaults(const lesson& l) {
  values v;
  for (const auto& p : l.params) v[p.name] = p.value;
  return v;
}

namespace {
std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}
}  // namespace

// Messages are built with append: GCC 12 warns falsely on "literal" + std::string.
std::optional<std::string> assign(const lesson& l, values& v, std::string_view assignment) {
  std::string why;
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    return why.append("'").append(assignment).append("' should be NAME=VALUE, e.g. tasks=20");
  const std::string_view name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  const auto p = std::find_if(l.params.begin(), l.params.end(), [&](const param& q) { return q.name == name; });
  if (p == l.params.end()) {
    why.append("lesson '").append(l.id).append("' has no parameter '").append(name).append("' (it has:");
    for (const auto& q : l.params) why.append(" ").append(q.name);
    return why.append(")");
  }
  double x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size())
    return why.append("'").append(text).append("' is not a number (for ").append(p->name).append(")");
  const double top = std::max(p->max, p->cli_max);
  if (x < p->min || x > top) {
    why.append(p->name).append("=").append(text).append(" is out of range: ").append(p->name);
    why.append(" goes from ").append(number_text(p->min)).append(" to ").append(number_text(top));
    if (!p->unit.empty()) why.append(" ").append(p->unit);
    return why;
  }
  v[p->name] = x;
  return std::nullopt;
}

double figure_of(const std::vector<figure>& figures, std::string_view key) {
  for (const auto& f : figures)
    if (f.key == key) return f.value;
  return 0;
}

double figure_of(const scenario_run& run, std::string_view key) { return figure_of(run.figures(), key); }

std::vector<std::string> clamp(const lesson& l, values& v) {
  std::vector<std::string> notes;
  for (const auto& p : l.params) {
    double& x = v[p.name];
    const double c = std::clamp(x, p.min, p.max);
    if (c != x) {
      std::string note(p.label);
      notes.push_back(note.append(" ").append(number_text(x)).append(" is out of range; using ").append(number_text(c)));
    }
    x = c;
  }
  return notes;
}

}  // namespace loopscope::lessons
