cmake_policy(SET CMP0057 NEW)  # if(... IN_LIST ...)
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/region.cmake")
# Finds the lesson folders (lessons/NN_id/) and generates, at build time, the
# source that registers them in the order of their numbers with their texts:
#   cmake -DDIR=<lessons dir> -DOUT=<generated .cpp> -P embed.cmake
# Each folder's lesson.cpp defines `lesson lesson_<id>()`. The code shown is
# the region of lesson.cpp between "// [lesson]" and "// [/lesson]": the code
# that runs. A lesson whose code lives in a shared target says so with
# "// [lesson] from <file>" (relative to its folder), and the region is read
# from that file. The Python shown stops at the harness.
file(GLOB dirs LIST_DIRECTORIES true "${DIR}/[0-9][0-9]_*")
list(SORT dirs)
set(rows "")
set(declarations "")
set(seen_numbers "")
foreach(d IN LISTS dirs)
  if(NOT IS_DIRECTORY "${d}")
    continue()
  endif()
  get_filename_component(name "${d}" NAME)
  string(SUBSTRING "${name}" 0 2 number)
  string(SUBSTRING "${name}" 3 -1 id)
  if(NOT id MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "${d}: a lesson folder is NN_id with an id of lower-case letters, digits and _")
  endif()
  math(EXPR number "${number}")  # 03 -> 3
  if(number IN_LIST seen_numbers)
    message(FATAL_ERROR "${d}: two lesson folders have the number ${number}")
  endif()
  list(APPEND seen_numbers ${number})
  foreach(part lesson.md lesson.cpp lesson.py)
    if(NOT EXISTS "${d}/${part}")
      message(FATAL_ERROR "${d} needs a ${part}")
    endif()
  endforeach()
  file(READ "${d}/lesson.md" prose)
  file(READ "${d}/lesson.cpp" cpp)
  file(READ "${d}/lesson.py" py)
  if(cpp MATCHES "// \\[lesson\\] from ([^\n]+)\n")
    set(shown "${d}/${CMAKE_MATCH_1}")
    file(READ "${shown}" cpp)
  else()
    set(shown "${d}/lesson.cpp")
  endif()
  get_filename_component(shown "${shown}" ABSOLUTE)
  file(RELATIVE_PATH shown_file "${DIR}/.." "${shown}")
  # The line of the file the shown code starts on, so that a place in the
  # code (a wait's call_site) maps onto a line of what is shown.
  read_region("${cpp}" lesson "${shown}" code first_line)
  string(FIND "${py}" "# --- harness" cut)
  if(cut GREATER -1)
    string(SUBSTRING "${py}" 0 ${cut} py)
  endif()
  string(APPEND declarations "lesson lesson_${id}();\n")
  string(APPEND rows "    {${number}, \"${id}\", &lesson_${id}, R\"LSX(${prose})LSX\", R\"LSX(${code})LSX\", R\"LSX(${py})LSX\", \"${shown_file}\", ${first_line}},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from the lesson folders by embed.cmake. Do not edit.
#include \"lessons/registered.hpp\"

namespace loopscope::lessons {

${declarations}
namespace {
const registered_lesson table[] = {
${rows}};
}  // namespace

std::span<const registered_lesson> registered() { return table; }

}  // namespace loopscope::lessons
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
