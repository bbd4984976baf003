# Runs one compile-fail case; registered by tests/CMakeLists.txt.
#
#   cmake -DPARAMS=<params.cmake> -DSOURCE=<case.cpp> -DMODE=fail|control [-DPCH=<header>] -P compile_fail.cmake
#   cmake -DPARAMS=<params.cmake> -DMODE=pch -DPCH=<header> -P compile_fail.cmake
#
# PARAMS (generated) names the compiler, flags, include directories and
# definitions. SOURCE's first line is `// expect: <CMake regex>`.
#   MODE=fail     the compile must fail AND its output must match the regex
#   MODE=control  with -DRELATA_COMPILE_FAIL_CONTROL the compile must succeed
#   MODE=pch      precompiles PCH (a header that includes <relata/relata.hpp>, which every
#                 case includes) into PCH.gch with the same flags (GCC only)
# With PCH, fail and control compiles are given `-include PCH -Winvalid-pch`: GCC reads
# PCH.gch instead of parsing relata's headers again (2.3 instead of 4.6 CPU s a case with
# CI's flags), and an unusable PCH.gch is an error rather than a silent slow path.
cmake_minimum_required(VERSION 3.25)

if(NOT MODE MATCHES "^(fail|control|pch)$")
  message(FATAL_ERROR "compile_fail.cmake: MODE must be fail, control or pch, not '${MODE}'")
endif()
set(required PARAMS MODE)
if(MODE STREQUAL "pch")
  list(APPEND required PCH)
else()
  list(APPEND required SOURCE)
endif()
foreach(var IN LISTS required)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile_fail.cmake: -D${var}=... is required")
  endif()
endforeach()
include("${PARAMS}")

if(NOT MODE STREQUAL "pch")
  # The first line, read raw so the regex may contain ';' or '\'.
  file(READ "${SOURCE}" head LIMIT 4096)
  string(REGEX MATCH "^[^\n]*" first_line "${head}")
  if(NOT first_line MATCHES "^[ \t]*//[ \t]*expect:[ \t]*(.*[^ \t\r])[ \t\r]*$")
    message(FATAL_ERROR "${SOURCE}: first line must be `// expect: <regex>`, got: ${first_line}")
  endif()
  set(expect "${CMAKE_MATCH_1}")
endif()

string(TOUPPER "${RELATA_CF_CONFIG}" config)
set(command "${RELATA_CF_COMPILER}")
if(RELATA_CF_COMPILER_ARGS)
  separate_arguments(compiler_args NATIVE_COMMAND "${RELATA_CF_COMPILER_ARGS}")
  list(APPEND command ${compiler_args})
endif()
list(APPEND command ${RELATA_CF_FLAGS})
if(config)
  list(APPEND command ${RELATA_CF_FLAGS_${config}})
endif()
list(APPEND command ${RELATA_CF_STD} ${RELATA_CF_OPTIONS})
foreach(definition IN LISTS RELATA_CF_DEFINES)
  list(APPEND command "-D${definition}")
endforeach()
list(REMOVE_DUPLICATES RELATA_CF_INCLUDES)
foreach(dir IN LISTS RELATA_CF_INCLUDES)
  if(dir IN_LIST RELATA_CF_IMPLICIT_INCLUDES)
    continue()
  endif()
  # Like CMake: our headers with -I (warnings count), dependencies' as system.
  if(dir STREQUAL RELATA_CF_PROJECT_INCLUDE OR RELATA_CF_FRONTEND STREQUAL "MSVC")
    list(APPEND command "-I${dir}")
  else()
    list(APPEND command -isystem "${dir}")
  endif()
endforeach()
if(MODE STREQUAL "pch")
  list(APPEND command -x c++-header "${PCH}" -o "${PCH}.gch")
else()
  if(MODE STREQUAL "control")
    list(APPEND command -DRELATA_COMPILE_FAIL_CONTROL)
  endif()
  if(DEFINED PCH)
    list(APPEND command -include "${PCH}" -Winvalid-pch)
  endif()
  list(APPEND command ${RELATA_CF_SYNTAX_ONLY} "${SOURCE}")
endif()

# Untranslated, ASCII-quoted diagnostics whatever the caller's locale, so an
# `expect` regex may rely on GCC's 'quotes'.
set(ENV{LC_ALL} C)

list(JOIN command " " command_text)
message(STATUS "${command_text}")
execute_process(COMMAND ${command}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

if(MODE STREQUAL "pch")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "precompiling ${PCH} failed (${result}):\n${output}")
  endif()
  message(STATUS "precompiled ${PCH}.gch")
  return()
endif()
if(MODE STREQUAL "control")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "control compile of ${SOURCE} failed (${result}); "
      "the case must compile with RELATA_COMPILE_FAIL_CONTROL defined:\n${output}")
  endif()
  message(STATUS "control compile succeeded")
  return()
endif()

if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must fail with output matching: ${expect}\n${output}")
endif()
if(NOT output MATCHES "${expect}")
  message(FATAL_ERROR "${SOURCE} failed to compile (${result}), but the output does not match: ${expect}\n${output}")
endif()
message(STATUS "failed to compile as expected; output matches: ${expect}")
