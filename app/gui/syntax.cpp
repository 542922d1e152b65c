#include "app/gui/syntax.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace loopscope::gui {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool digit(char c) { return c >= '0' && c <= '9'; }

template <std::size_t N>
bool among(const std::array<std::string_view, N>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

constexpr std::array<std::string_view, 33> python_keywords{
    "False",  "None",     "True",   "and",     "as",   "assert", "break",  "class", "continue", "def",  "del",
    "elif",   "else",     "except", "finally", "for",  "from",   "global", "if",    "import",   "in",   "is",
    "lambda", "nonlocal", "not",    "or",      "pass", "raise",  "return", "try",   "while",    "with", "yield"};
constexpr std::array<std::string_view, 2> python_suspend{"async", "await"};

constexpr std::array<std::string_view, 56> cpp_keywords{
    "alignas",  "auto",      "bool",      "break",    "case",      "catch",    "char",      "class",
    "const",    "constexpr", "consteval", "continue", "decltype",  "default",  "delete",    "do",
    "double",   "else",      "enum",      "explicit", "extern",    "false",    "float",     "for",
    "friend",   "if",        "inline",    "int",      "long",      "mutable",  "namespace", "new",
    "noexcept", "nullptr",   "operator",  "private",  "protected", "public",   "return",    "short",
    "signed",   "sizeof",    "static",    "struct",   "switch",    "template", "this",      "throw",
    "true",     "try",       "typename",  "unsigned", "using",     "virtual",  "void",      "while"};
constexpr std::array<std::string_view, 3> cpp_suspend{"co_await", "co_return", "co_yield"};

class scanner {
 public:
  scanner(std::string_view text, code_language lang) : s_(text), lang_(lang) {}

  std::vector<code_token> run() {
    while (at_ < s_.size()) {
      const char c = s_[at_];
      if (lang_ == code_language::python ? c == '#' : starts("//")) {
        line_comment();
      } else if (lang_ == code_language::cpp && starts("/*")) {
        block_comment();
      } else if (c == '"' || c == '\'') {
        string_literal();
      } else if (digit(c) || (c == '.' && at_ + 1 < s_.size() && digit(s_[at_ + 1]))) {
        number();
      } else if (word_char(c)) {
        word();
      } else {
        ++at_;
      }
    }
    return std::move(out_);
  }

 private:
  bool starts(std::string_view p) const { return s_.substr(at_, p.size()) == p; }
  void add(std::size_t begin, token_kind k) {
    out_.push_back({static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(at_), k});
  }

  void line_comment() {
    const std::size_t begin = at_;
    at_ = std::min(s_.find('\n', at_), s_.size());
    add(begin, token_kind::comment);
  }

  void block_comment() {
    const std::size_t begin = at_;
    const std::size_t end = s_.find("*/", at_ + 2);
    at_ = end == std::string_view::npos ? s_.size() : end + 2;
    add(begin, token_kind::comment);
  }

  // A string, with the prefix letters just scanned as part of it (f"...",
  // R"(...)"). Python's triple quotes run across lines; a C++ raw string
  // runs to its delimiter; any other string ends at its line.
  void string_literal(std::size_t begin = std::string_view::npos) {
    if (begin == std::string_view::npos) begin = at_;
    const char q = s_[at_];
    const bool raw_cpp = lang_ == code_language::cpp && at_ > begin && s_[at_ - 1] == 'R';
    if (raw_cpp) {
      const std::size_t open = s_.find('(', at_);
      if (open != std::string_view::npos && open - at_ <= 17) {
        std::string closing(1, ')');
        closing.append(s_.substr(at_ + 1, open - at_ - 1));
        closing.push_back('"');
        const std::size_t end = s_.find(closing, open);
        at_ = end == std::string_view::npos ? s_.size() : end + closing.size();
        add(begin, token_kind::string);
        return;
      }
    }
    if (lang_ == code_language::python && s_.substr(at_, 3) == std::string(3, q)) {
      const std::size_t end = s_.find(std::string(3, q), at_ + 3);
      at_ = end == std::string_view::npos ? s_.size() : end + 3;
      add(begin, token_kind::string);
      return;
    }
    for (++at_; at_ < s_.size() && s_[at_] != q && s_[at_] != '\n'; ++at_)
      if (s_[at_] == '\\' && at_ + 1 < s_.size() && s_[at_ + 1] != '\n') ++at_;
    if (at_ < s_.size() && s_[at_] == q) ++at_;
    add(begin, token_kind::string);
  }

  void number() {
    const std::size_t begin = at_;
    while (at_ < s_.size() &&
           (word_char(s_[at_]) || s_[at_] == '.' || (s_[at_] == '\'' && lang_ == code_language::cpp)))
      ++at_;
    add(begin, token_kind::number);
  }

  void word() {
    const std::size_t begin = at_;
    while (at_ < s_.size() && word_char(s_[at_])) ++at_;
    const std::string_view w = s_.substr(begin, at_ - begin);
    // A string's prefix: f"", rb'', R"()", u8"".
    if (at_ < s_.size() && (s_[at_] == '"' || s_[at_] == '\'') && w.size() <= 2 &&
        std::all_of(w.begin(), w.end(),
                    [](char c) { return std::string_view("rRbBfFuUL8").find(c) != std::string_view::npos; })) {
      string_literal(begin);
      return;
    }
    if (lang_ == code_language::python) {
      if (among(python_suspend, w))
        add(begin, token_kind::suspend);
      else if (among(python_keywords, w))
        add(begin, token_kind::keyword);
    } else {
      if (among(cpp_suspend, w))
        add(begin, token_kind::suspend);
      else if (among(cpp_keywords, w))
        add(begin, token_kind::keyword);
    }
  }

  std::string_view s_;
  code_language lang_;
  std::size_t at_ = 0;
  std::vector<code_token> out_;
};

}  // namespace

std::vector<code_token> highlight(std::string_view text, code_language lang) { return scanner(text, lang).run(); }

code_language language_of(std::string_view file_name) {
  return file_name.size() >= 3 && file_name.substr(file_name.size() - 3) == ".py" ? code_language::python
                                                                                  : code_language::cpp;
}

}  // namespace loopscope::gui
