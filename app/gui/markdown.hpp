// Lesson prose as blocks of styled runs, parsed with md4c; drawn by the
// lesson page, tested without ImGui.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loopscope::gui {

enum class md_style { plain, emphasis, strong, code };

struct md_run {
  std::string text;
  md_style style = md_style::plain;
};

struct md_block {
  enum kind_t { heading, paragraph, bullet, code } kind = paragraph;
  int level = 0;  // heading level, or list depth for bullets
  std::vector<md_run> runs;
};

std::vector<md_block> parse_markdown(std::string_view text);

}  // namespace loopscope::gui
