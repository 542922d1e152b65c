// Where a call is written in the source, taken by a default argument
// (call_site::current()). It is std::source_location wherever the standard
// library has it; clang 14, which builds the fuzzers, lacks the builtin that
// libstdc++'s needs, so there the compiler's older builtins give the same.
#pragma once

#include <cstdint>
#include <source_location>

namespace loopscope {

#if defined(__cpp_lib_source_location)

using call_site = std::source_location;

#else

class call_site {
 public:
  static constexpr call_site current(const char* file = __builtin_FILE(), const char* function = __builtin_FUNCTION(),
                                     std::uint_least32_t line = __builtin_LINE(),
                                     std::uint_least32_t column = __builtin_COLUMN()) noexcept {
    call_site s;
    s.file_ = file;
    s.function_ = function;
    s.line_ = line;
    s.column_ = column;
    return s;
  }

  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return column_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
  std::uint_least32_t column_ = 0;
};

#endif

}  // namespace loopscope
