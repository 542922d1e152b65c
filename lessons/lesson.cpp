#include "lessons/lesson.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "lessons/front_matter.hpp"
#include "lessons/registered.hpp"

namespace loopscope::lessons {

const std::vector<lesson>& all() {
  static const std::vector<lesson> curriculum = [] {
    std::vector<lesson> v;
    for (const registered_lesson& r : registered()) {
      lesson l = r.define();
      l.number = r.number;
      l.id = std::string(r.id);
      if (auto e = read_front_matter(r.prose, l, l.prose)) {
        // A lesson folder the build took in but cannot be read: say where.
        std::fprintf(stderr, "loopscope: lessons/%02d_%s/lesson.md:%d: %s\n", r.number, l.id.c_str(), e->line,
                     e->why.c_str());
        std::abort();
      }
      l.code = r.code;
      l.python = r.python;
      l.code_file = r.code_file;
      l.code_first_line = r.code_first_line;
      v.push_back(std::move(l));
    }
    return v;
  }();
  return curriculum;
}

const lesson* find(std::string_view id_or_number) {
  int number = 0;
  const auto [end, ec] = std::from_chars(id_or_number.data(), id_or_number.data() + id_or_number.size(), number);
  const bool numeric = ec == std::errc() && end == id_or_number.data() + id_or_number.size();
  for (const auto& l : all())
    if (numeric ? l.number == number : l.id == id_or_number) return &l;
  return nullptr;
}

const variant* lesson::find_variant(std::string_view name) const {
  for (const auto& v : variants)
    if (v.name == name) return &v;
  return nullptr;
}

std::vector<std::string> lesson::variant_names() const {
  std::vector<std::string> names;
  for (const auto& v : variants) names.push_back(v.name);
  return names;
}

std::unique_ptr<scenario_run> make_run(const lesson& l, const variant& v, const values& values, run_setup setup) {
  setup.variant = v.name;
  auto run = v.make(values, setup);
  const int lines = static_cast<int>(std::count(l.code.begin(), l.code.end(), '\n'));
  run->show_code({std::string(l.code_file), l.code_first_line, lines});
  return run;
}

// ---- Outcomes, by variant name ----

const outcomes::entry& outcomes::find(std::string_view variant) const {
  for (const auto& e : entries_)
    if (e.run->variant() == variant) return e;
  throw std::out_of_range("no run of the variant '" + std::string(variant) + "'");
}

std::vector<const lane_stats*> task_stats(const outcomes& o, std::string_view variant) {
  std::vector<const lane_stats*> out;
  const auto& m = o.metrics(variant);
  for (lane_id lane : o.run(variant).task_lanes())
    if (lane < m.lanes.size()) out.push_back(&m.lanes[lane]);
  return out;
}

std::string said(nanos d) { return format_duration(d); }

const scenario_run& outcomes::run(std::string_view variant) const { return *find(variant).run; }
const run_metrics& outcomes::metrics(std::string_view variant) const { return *find(variant).metrics; }
double outcomes::makespan_s(std::string_view variant) const {
  return static_cast<double>(metrics(variant).makespan) / 1e9;
}
double outcomes::returned_s(std::string_view variant) const {
  return static_cast<double>(run(variant).returned()) / 1e9;
}
double outcomes::figure(std::string_view variant, std::string_view key) const { return figure_of(run(variant), key); }

std::chrono::nanoseconds ms(double v) { return std::chrono::nanoseconds(static_cast<nanos>(v * 1e6)); }

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
  // from_chars reads "nan" and "inf" too: neither is a value a parameter can have.
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x))
    return why.append("'").append(text).append("' is not a number (for ").append(p->name).append(")");
  const double top = std::max(p->max, p->cli_max);
  if (!(x >= p->min && x <= top)) {
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
    const double c = std::isfinite(x) ? std::clamp(x, p.min, p.max) : p.value;  // NaN passes any comparison
    if (c != x) {
      std::string note(p.label);
      notes.push_back(
          note.append(" ").append(number_text(x)).append(" is out of range; using ").append(number_text(c)));
    }
    x = c;
  }
  return notes;
}

}  // namespace loopscope::lessons
