#include "duration.hpp"

#include <cctype>
#include <cmath>
#include <utility>

namespace loopscope {

std::optional<nanos> parse_duration(std::string_view text) {
  std::size_t i = 0;
  double whole = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    whole = whole * 10 + (text[i++] - '0');
    digits = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      whole += (text[i++] - '0') * scale;
      scale /= 10;
      digits = true;
    }
  }
  if (!digits) return std::nullopt;
  static constexpr std::pair<std::string_view, double> units[] = {
      {"ns", 1.0}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  const std::string_view unit = text.substr(i);
  for (const auto& [name, factor] : units) {
    if (unit != name) continue;
    const double ns = std::round(whole * factor);
    if (ns > static_cast<double>(max_duration)) return std::nullopt;
    return static_cast<nanos>(ns);
  }
  return std::nullopt;
}

std::string duration_text(nanos d) {
  if (d % 1'000'000'000 == 0) return std::to_string(d / 1'000'000'000) + "s";
  if (d % 1'000'000 == 0) return std::to_string(d / 1'000'000) + "ms";
  if (d % 1'000 == 0) return std::to_string(d / 1'000) + "us";
  return std::to_string(d) + "ns";
}

std::optional<std::vector<nanos>> parse_duration_list(std::string_view text, std::string& bad) {
  std::vector<nanos> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      const auto d = parse_duration(item);
      if (!d) {
        bad = std::string(item);
        return std::nullopt;
      }
      out.push_back(*d);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string duration_hint(std::string_view text) {
  // Built with append: GCC 12 warns falsely on "literal" + std::string.
  std::string s;
  s.append("'").append(text).append("' is not a duration");
  const bool bare_number = !text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos;
  if (bare_number && parse_duration(std::string(text).append("s")))
    return s.append(": add a unit, e.g. ").append(text).append("s or ").append(text).append("ms");
  return s.append(" (write it as 250ms, 1s, 1.5s or 40us, at most 1 hour)");
}

}  // namespace loopscope
