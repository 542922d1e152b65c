# Generates a source that embeds the region of a file between "// [TAG]" and
# "// [/TAG]": code a learner is shown, with the line of the file it starts
# on, so that a place in the code (a wait's call_site) maps onto its lines.
#   cmake -DROOT=<source tree> -DFILE=<path under it> -DTAG=<tag>
#         -DNAME=<function> -DOUT=<generated .cpp> -P embed_region.cmake
file(READ "${ROOT}/${FILE}" text)
string(FIND "${text}" "// [${TAG}]\n" from)
string(FIND "${text}" "// [/${TAG}]" to)
if(from EQUAL -1 OR to EQUAL -1)
  message(FATAL_ERROR "${FILE} needs a // [${TAG}] ... // [/${TAG}] region")
endif()
string(LENGTH "// [${TAG}]\n" marker)
math(EXPR from "${from} + ${marker}")
math(EXPR len "${to} - ${from}")
string(SUBSTRING "${text}" ${from} ${len} code)
string(SUBSTRING "${text}" 0 ${from} before)
string(REGEX MATCHALL "\n" newlines "${before}")
list(LENGTH newlines first_line)
math(EXPR first_line "${first_line} + 1")
file(WRITE "${OUT}.tmp" "// Generated from ${FILE} by embed_region.cmake. Do not edit.
#include \"core/shown_source.hpp\"

namespace loopscope {

const shown_source& ${NAME}() {
  static const shown_source code{R\"LSX(${code})LSX\", \"${FILE}\", ${first_line}};
  return code;
}

}  // namespace loopscope
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
