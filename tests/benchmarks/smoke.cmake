# benchmark.smoke: runs relata_benchmarks (-DBENCHMARK=<path>) at a tiny size, once per
# workload, and fails unless it exits 0 and prints a summary row for both engines.
execute_process(
  COMMAND "${BENCHMARK}" --relata_scale=0.0005 --relata_repetitions=1 --benchmark_min_time=0
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors)
message("${output}")
if(errors)
  message("${errors}")
endif()
if(NOT result EQUAL 0)
  message(FATAL_ERROR "relata_benchmarks exited with ${result}")
endif()
if(errors MATCHES "relata_benchmarks: no PostgreSQL")
  # The PostgreSQL fixture started no server and none is required: CTest reports the test as
  # skipped (SKIP_REGULAR_EXPRESSION in CMakeLists.txt).
  return()
endif()
if(NOT output MATCHES "relata / hand-written")
  message(FATAL_ERROR "relata_benchmarks printed no summary")
endif()
# Every workload's row has a ratio in each engine's column; the per-row workload is
# PostgreSQL-only.
foreach(row IN ITEMS "session.get\\(k\\)\\.score" "session\\.add, generated" "session\\.all of" "insert_all of"
                     "relata::all of" "relata::first by key" "order_by\\.limit" "GROUP BY report" "relata::stream of")
  if(NOT output MATCHES "\\| [^\n]*${row}[^\n]*\\| \\*\\*[0-9.]+x\\*\\*[^\n]*\\| \\*\\*[0-9.]+x\\*\\*[^\n]*\\| \\*\\*[0-9.]+x\\*\\*")
    message(FATAL_ERROR "relata_benchmarks printed no ratio for every engine in the row matching '${row}'")
  endif()
endforeach()
if(NOT output MATCHES "get \\+ change \\+ commit\\(\\)\\) \\| – \\| – \\| \\*\\*[0-9.]+x\\*\\*")
  message(FATAL_ERROR "relata_benchmarks printed no PostgreSQL ratio for get + change + commit() per row")
endif()
