#include "lessons/front_matter.hpp"

#include <charconv>

namespace loopscope::lessons {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool number(std::string_view text, double& out) {
  text = trim(text);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "pages = 8 in 1..50 (200) pages | pages | How many pages to fetch"
std::optional<std::string> parse_param(std::string_view text, param& p) {
  const auto bar1 = text.find('|');
  const auto bar2 = bar1 == std::string_view::npos ? bar1 : text.find('|', bar1 + 1);
  if (bar2 == std::string_view::npos) return "a param is 'NAME = DEFAULT in MIN..MAX UNIT | LABEL | HELP'";
  const std::string_view spec = trim(text.substr(0, bar1));
  p.label = std::string(trim(text.substr(bar1 + 1, bar2 - bar1 - 1)));
  p.help = std::string(trim(text.substr(bar2 + 1)));
  const auto eq = spec.find('=');
  const auto in = spec.find(" in ");
  const auto dots = spec.find("..");
  if (eq == std::string_view::npos || in == std::string_view::npos || dots == std::string_view::npos || in < eq ||
      dots < in)
    return "a param is 'NAME = DEFAULT in MIN..MAX UNIT | LABEL | HELP'";
  p.name = std::string(trim(spec.substr(0, eq)));
  if (!number(spec.substr(eq + 1, in - eq - 1), p.value)) return p.name + ": the default is not a number";
  if (!number(spec.substr(in + 4, dots - in - 4), p.min)) return p.name + ": the minimum is not a number";
  std::string_view rest = spec.substr(dots + 2);
  const auto max_end = rest.find_first_of(" (");
  if (!number(rest.substr(0, max_end), p.max)) return p.name + ": the maximum is not a number";
  rest = max_end == std::string_view::npos ? std::string_view() : trim(rest.substr(max_end));
  if (!rest.empty() && rest.front() == '(') {
    const auto close = rest.find(')');
    if (close == std::string_view::npos || !number(rest.substr(1, close - 1), p.cli_max))
      return p.name + ": the command line's maximum is not a number in ( )";
    rest = trim(rest.substr(close + 1));
  }
  p.unit = std::string(rest);
  if (p.name.empty() || p.label.empty()) return "a param needs a name and a label";
  if (!(p.min <= p.value && p.value <= p.max)) return p.name + ": the default is outside the range";
  return std::nullopt;
}

}  // namespace

std::optional<front_matter_error> read_front_matter(std::string_view md, lesson& l, std::string_view& prose) {
  prose = md;
  if (md.substr(0, 4) != "---\n") return front_matter_error{1, "lesson.md starts with a --- block"};
  std::size_t at = 4;
  int line_no = 1;
  for (;;) {
    ++line_no;
    const auto end = md.find('\n', at);
    if (end == std::string_view::npos) return front_matter_error{line_no, "the --- block is not closed"};
    const std::string_view line = md.substr(at, end - at);
    at = end + 1;
    if (line == "---") break;
    if (trim(line).empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return front_matter_error{line_no, "a line is 'key: value'"};
    const std::string_view key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "summary") {
      l.summary = std::string(value);
    } else if (key == "param") {
      param p;
      if (auto why = parse_param(value, p)) return front_matter_error{line_no, *why};
      l.params.push_back(std::move(p));
    } else if (key == "question") {
      l.predict.text = std::string(value);
    } else if (key == "unit") {
      l.predict.unit = std::string(value);
    } else if (key == "none") {
      l.predict.none = std::string(value);
    } else if (key == "choice") {
      l.predict.choices.emplace_back(value);
    } else if (key == "twin") {
      l.twin = std::string(value);
    } else if (key == "speedup") {
      l.speedup_against = std::string(value);
    } else {
      std::string why(key);  // appended: GCC 12 warns falsely on "literal" + std::string
      return front_matter_error{
          line_no, why.append(" is not a key (summary, param, question, unit, choice, none, speedup, twin)")};
    }
  }
  prose = md.substr(at);
  while (!prose.empty() && prose.front() == '\n') prose.remove_prefix(1);
  if (prose.substr(0, 2) != "# ") return front_matter_error{line_no + 1, "the prose starts with its title, '# ...'"};
  l.title = std::string(prose.substr(2, prose.find('\n') - 2));
  if (l.summary.empty()) return front_matter_error{1, "the block needs a summary"};
  if (l.predict.text.empty()) return front_matter_error{1, "the block needs a question"};
  // Checked against the variants where they are known (lessons_test).
  return std::nullopt;
}

}  // namespace loopscope::lessons
