# Compiles every translation unit with clang++ -fsyntax-only and warnings as errors;
# registered by tests/CMakeLists.txt as the test warnings.clang.
#
#   cmake -DPARAMS=<params.cmake> [-DPARALLEL=2] -P clang_check.cmake
#
# PARAMS (generated) names clang++, the flags, and one job per translation unit: its
# source, a label, and the include directories, definitions and options of the target
# it belongs to. Fails if any job exits non-zero or prints anything, listing those
# files with their diagnostics.
#
# Internal: -DWORKER=<k> runs every PARALLEL-th job from the k-th on and writes each one's
# output and exit code to files in RELATA_CC_WORK_DIR. The main run starts PARALLEL
# workers as one execute_process() pipeline, so they run concurrently; workers print
# nothing to stdout, so the pipe between them carries no data.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED PARAMS)
  message(FATAL_ERROR "clang_check.cmake: -DPARAMS=... is required")
endif()
include("${PARAMS}")
if(NOT DEFINED PARALLEL OR NOT PARALLEL MATCHES "^[1-9][0-9]*$")
  set(PARALLEL 1)
endif()
string(TOUPPER "${RELATA_CC_CONFIG}" config)

# The compiler command for job ${i}, in ${out}.
function(relata_cc_command i out)
  set(command "${RELATA_CC_COMPILER}" ${RELATA_CC_FLAGS} ${RELATA_CC_CONFIG_DEFINES_${config}}
    ${RELATA_CC_JOB_${i}_OPTIONS})
  foreach(definition IN LISTS RELATA_CC_JOB_${i}_DEFINES)
    list(APPEND command "-D${definition}")
  endforeach()
  set(includes ${RELATA_CC_JOB_${i}_INCLUDES})
  list(REMOVE_DUPLICATES includes)
  foreach(dir IN LISTS includes)
    if(dir STREQUAL "" OR dir IN_LIST RELATA_CC_IMPLICIT_INCLUDES
       OR dir MATCHES "^/usr(/local)?/include/?$")
      continue()
    endif()
    # Like CMake: the project's own directories with -I (warnings count), the rest as system.
    cmake_path(IS_PREFIX RELATA_CC_SOURCE_DIR "${dir}" NORMALIZE in_source)
    cmake_path(IS_PREFIX RELATA_CC_BINARY_DIR "${dir}" NORMALIZE in_binary)
    if(in_source OR in_binary)
      list(APPEND command "-I${dir}")
    else()
      list(APPEND command -isystem "${dir}")
    endif()
  endforeach()
  list(APPEND command "${RELATA_CC_JOB_${i}_SOURCE}")
  set(${out} "${command}" PARENT_SCOPE)
endfunction()

# Untranslated diagnostics whatever the caller's locale.
set(ENV{LC_ALL} C)

# The enabled jobs (a job is disabled when its target does not exist).
set(jobs)
foreach(i IN LISTS RELATA_CC_JOBS)
  if(RELATA_CC_JOB_${i}_ENABLED)
    list(APPEND jobs ${i})
  endif()
endforeach()
list(LENGTH jobs job_count)

# ---- worker ------------------------------------------------------------------
if(DEFINED WORKER)
  set(position 0)
  foreach(i IN LISTS jobs)
    math(EXPR slot "${position} % ${PARALLEL}")
    math(EXPR position "${position} + 1")
    if(NOT slot EQUAL WORKER)
      continue()
    endif()
    relata_cc_command(${i} command)
    execute_process(COMMAND ${command}
      RESULT_VARIABLE result
      OUTPUT_VARIABLE output
      ERROR_VARIABLE output)
    list(JOIN command " " command_text)
    file(WRITE "${RELATA_CC_WORK_DIR}/${i}.log" "${command_text}\n${output}")
    file(WRITE "${RELATA_CC_WORK_DIR}/${i}.rc" "${result}")
  endforeach()
  return()
endif()

# ---- main --------------------------------------------------------------------
file(REMOVE_RECURSE "${RELATA_CC_WORK_DIR}")
file(MAKE_DIRECTORY "${RELATA_CC_WORK_DIR}")

if(job_count EQUAL 0)
  message(FATAL_ERROR "clang_check.cmake: no translation units to check")
endif()

string(TIMESTAMP start "%s")
set(pipeline)
math(EXPR last_worker "${PARALLEL} - 1")
foreach(k RANGE ${last_worker})
  list(APPEND pipeline COMMAND "${CMAKE_COMMAND}" "-DPARAMS=${PARAMS}" "-DPARALLEL=${PARALLEL}"
    "-DWORKER=${k}" -P "${CMAKE_CURRENT_LIST_FILE}")
endforeach()
execute_process(${pipeline}
  RESULTS_VARIABLE worker_results
  OUTPUT_VARIABLE worker_output
  ERROR_VARIABLE worker_output)
string(TIMESTAMP end "%s")
math(EXPR seconds "${end} - ${start}")

set(failed)
foreach(i IN LISTS jobs)
  set(label "${RELATA_CC_JOB_${i}_LABEL}")
  if(NOT EXISTS "${RELATA_CC_WORK_DIR}/${i}.rc")
    message(FATAL_ERROR "clang_check.cmake: no result for ${label}; workers exited with "
      "${worker_results}:\n${worker_output}")
  endif()
  file(READ "${RELATA_CC_WORK_DIR}/${i}.rc" result)
  file(READ "${RELATA_CC_WORK_DIR}/${i}.log" log)
  # The log's first line is the command; anything after it is a diagnostic.
  string(FIND "${log}" "\n" newline)
  math(EXPR newline "${newline} + 1")
  string(SUBSTRING "${log}" ${newline} -1 output)
  if(NOT result STREQUAL "0" OR NOT output STREQUAL "")
    list(APPEND failed "${label}")
    message("---- ${label} (exit ${result})\n${log}")
  endif()
endforeach()

if(failed)
  list(LENGTH failed failed_count)
  list(JOIN failed "\n  " failed_text)
  message(FATAL_ERROR "clang++ diagnostics in ${failed_count} of ${job_count} translation units "
    "(${seconds} s):\n  ${failed_text}")
endif()
message(STATUS "clang++ -fsyntax-only: ${job_count} translation units clean (${seconds} s, "
  "${PARALLEL} at a time)")
