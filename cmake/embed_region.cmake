# Generates a source that embeds the region of a file between "// [TAG]" and
# "// [/TAG]": code a learner is shown, with the line of the file it starts
# on, so that a place in the code (a wait's call_site) maps onto its lines.
#   cmake -DROOT=<source tree> -DFILE=<path under it> -DTAG=<tag>
#         -DNAME=<function> -DOUT=<generated .cpp> -P embed_region.cmake
include("${CMAKE_CURRENT_LIST_DIR}/region.cmake")
file(READ "${ROOT}/${FILE}" text)
read_region("${text}" "${TAG}" "${FILE}" code first_line)
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
