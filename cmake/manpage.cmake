# Writes loopscope(1) with help2man from the program's --help, plus each
# command's --help as a COMMANDS section, so the page describes every flag.
#
#   cmake -DHELP2MAN=help2man -DLOOPSCOPE=bin/loopscope -DINCLUDE=loopscope.h2m
#         -DNAME="one line" -DOUT=loopscope.1 -P manpage.cmake      (writes OUT.gz)

# Roff for text shown as it is: backslashes, dashes and the em dash escaped,
# no line taken for a request.
function(verbatim_roff var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REPLACE "\n." "\n\\&." text "\n${text}")
  string(REPLACE "\n'" "\n\\&'" text "${text}")
  string(SUBSTRING "${text}" 1 -1 text)
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

file(READ ${INCLUDE} include)
string(APPEND include "\n[COMMANDS]\n")
foreach(command run compare list serve)
  execute_process(COMMAND ${LOOPSCOPE} ${command} --help OUTPUT_VARIABLE help COMMAND_ERROR_IS_FATAL ANY)
  string(REPLACE "${LOOPSCOPE}" "loopscope" help "${help}")
  verbatim_roff(help "${help}")
  string(APPEND include ".SS \"loopscope ${command}\"\n.nf\n${help}.fi\n")
endforeach()
file(WRITE ${OUT}.h2m "${include}")

execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --locale C.UTF-8 --section 1 --name ${NAME} --include ${OUT}.h2m
                        --output ${OUT} ${LOOPSCOPE} COMMAND_ERROR_IS_FATAL ANY)
# The help's em dashes as roff's, which read the same in any locale.
file(READ ${OUT} page)
string(REPLACE "—" "\\(em" page "${page}")
file(WRITE ${OUT} "${page}")
execute_process(COMMAND gzip -9nf ${OUT} COMMAND_ERROR_IS_FATAL ANY)
