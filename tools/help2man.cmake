# Makes a tool's man page with help2man (tools/CMakeLists.txt runs it at build time):
#   cmake -DHELP2MAN=... -DTOOL=<executable> -DNAME=<one-line purpose> -DOUTPUT=<page> -P ...
# The first line of the tools' --help is "<tool> - <purpose>", which help2man would also copy to
# the top of DESCRIPTION, under the NAME section that already says it; that copy is dropped.
execute_process(COMMAND "${HELP2MAN}" --no-info --section=1 "--name=${NAME}" "${TOOL}"
                OUTPUT_VARIABLE page ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man ${TOOL} failed (${rc}): ${err}")
endif()
string(REGEX REPLACE "(\n\\.SH DESCRIPTION\n)[^\n]* \\\\- [^\n]*\n\\.PP\n" "\\1" page "${page}")
file(WRITE "${OUTPUT}" "${page}")
