# example.chinook.sqlite: runs examples/chinook (relata_example_chinook) on a fresh SQLite
# Chinook database and diffs its output against the same figures computed with the sqlite3
# shell (cmake/chinook_check.sh). Skipped (77) without ../shared/data/chinook or sqlite3,
# unless $CI is set. Included from tests/CMakeLists.txt.
#
# examples/ is added after tests/, so whether relata_example_chinook exists is only known
# once the top-level directory is done: the test is registered then.
find_program(RELATA_SQLITE3 sqlite3)
find_program(RELATA_BASH bash)

function(relata_add_chinook_test)
  if(NOT TARGET relata_example_chinook)
    return()
  endif()
  if(NOT RELATA_BASH)
    message(WARNING "relata: bash not found; no test example.chinook.sqlite")
    return()
  endif()
  add_test(NAME example.chinook.sqlite
    COMMAND "${RELATA_BASH}" "${PROJECT_SOURCE_DIR}/cmake/chinook_check.sh"
            "$<TARGET_FILE:relata_example_chinook>"
            "${PROJECT_SOURCE_DIR}/../shared/data/chinook/Chinook_Sqlite.sql"
            "${CMAKE_BINARY_DIR}/chinook"
            "${RELATA_SQLITE3}")
  set_tests_properties(example.chinook.sqlite PROPERTIES
    LABELS sqlite SKIP_RETURN_CODE 77 TIMEOUT 300)
endfunction()

cmake_language(DEFER DIRECTORY "${PROJECT_SOURCE_DIR}" CALL relata_add_chinook_test)
