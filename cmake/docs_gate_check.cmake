# CTest docs.gate (cmake/docs.cmake): proves that the documentation gate can fail.
#   cmake -DDOXYGEN=<doxygen> -DDOXYFILE=<Doxyfile.relata_docs_gate_fixture> -DSOURCE_DIR=<source> -P cmake/docs_gate_check.cmake
# Runs doxygen with relata's settings over tests/docs/undocumented.hpp and requires a non-zero
# exit status, a warning for each of its two undocumented public declarations, and none for
# its undocumented detail namespace or private member.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND "${DOXYGEN}" "${DOXYFILE}" WORKING_DIRECTORY "${SOURCE_DIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(log "${out}${err}")
message(STATUS "doxygen exited with ${rc}; its output:\n${log}")
if(rc EQUAL 0)
  message(FATAL_ERROR "docs.gate: doxygen succeeded over a header with undocumented public declarations: "
                      "WARN_AS_ERROR / WARN_IF_UNDOCUMENTED do not fail the build")
endif()
# The wording as Doxygen 1.9.4 prints it, loosely ("Member undocumented_function(int x)
# (function) of namespace relata_docs_fixture is not documented.").
foreach(expected IN ITEMS
    "undocumented\\.hpp:[0-9]+: (warning|error): [^\n]*undocumented_function[^\n]*relata_docs_fixture[^\n]* not documented"
    "undocumented\\.hpp:[0-9]+: (warning|error): [^\n]*undocumented_member[^\n]*documented_struct[^\n]* not documented")
  if(NOT log MATCHES "${expected}")
    message(FATAL_ERROR "docs.gate: no warning matching\n  ${expected}")
  endif()
endforeach()
# Each distinct message once (doxygen may repeat one); WARN_AS_ERROR prints "error:".
string(REGEX MATCHALL "[^\n]*: (warning|error): [^\n]*" warnings "${log}")
list(REMOVE_DUPLICATES warnings)
list(LENGTH warnings count)
if(NOT count EQUAL 2)
  message(FATAL_ERROR "docs.gate: expected exactly those 2 warnings (nothing from the detail "
                      "namespace or private members), doxygen printed ${count}")
endif()
