// Syntax colouring for the code the window shows (a lesson's C++ and
// Python, the learner's script): a small scanner, not a parser. It finds
// keywords, the words that suspend a coroutine (await, co_await...),
// strings, comments and numbers; the rest is plain.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace loopscope::gui {

enum class code_language : std::uint8_t { cpp, python };

enum class token_kind : std::uint8_t { keyword, suspend, string, comment, number };

struct code_token {
  std::uint32_t begin = 0, end = 0;  // byte offsets in the text
  token_kind kind = token_kind::keyword;
  bool operator==(const code_token&) const = default;
};

// The coloured spans of a whole text, in order, never overlapping; bytes
// no token covers are plain. Strings and comments may span lines.
std::vector<code_token> highlight(std::string_view text, code_language lang);

// Which language a file is, by its name: ".py" is Python, the rest C++.
code_language language_of(std::string_view file_name);

}  // namespace loopscope::gui
