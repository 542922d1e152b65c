# Embeds each lesson folder's texts into a C++ source, at build time:
#   cmake -DDIR=<lessons dir> -DOUT=<generated .cpp> -P embed.cmake
# The code shown is the region of lesson.cpp between "// [lesson]" and
# "// [/lesson]": the code that runs. The Python shown stops at the harness.
file(GLOB dirs LIST_DIRECTORIES true "${DIR}/[0-9][0-9]_*")
list(SORT dirs)
set(rows "")
foreach(d IN LISTS dirs)
  get_filename_component(name "${d}" NAME)
  string(SUBSTRING "${name}" 3 -1 id)
  file(READ "${d}/lesson.md" prose)
  file(READ "${d}/lesson.cpp" cpp)
  file(READ "${d}/lesson.py" py)
  string(FIND "${cpp}" "// [lesson]\n" from)
  string(FIND "${cpp}" "// [/lesson]" to)
  if(from EQUAL -1 OR to EQUAL -1)
    message(FATAL_ERROR "${d}/lesson.cpp needs a // [lesson] ... // [/lesson] region")
  endif()
  math(EXPR from "${from} + 12")
  math(EXPR len "${to} - ${from}")
  string(SUBSTRING "${cpp}" ${from} ${len} code)
  string(FIND "${py}" "# --- harness" cut)
  if(cut GREATER -1)
    string(SUBSTRING "${py}" 0 ${cut} py)
  endif()
  string(APPEND rows "    {\"${id}\", R\"LSX(${prose})LSX\", R\"LSX(${code})LSX\", R\"LSX(${py})LSX\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from the lesson folders by embed.cmake. Do not edit.
#include <string_view>

#include \"lessons/lesson.hpp\"

namespace loopscope::lessons {
namespace {
struct texts {
  std::string_view id, prose, code, python;
};
constexpr texts table[] = {
${rows}};
}  // namespace

std::string_view embedded(std::string_view id, std::string_view kind) {
  for (const auto& t : table)
    if (t.id == id) return kind == \"prose\" ? t.prose : kind == \"code\" ? t.code : t.python;
  return {};
}

}  // namespace loopscope::lessons
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
