# The Chinook example (examples/chinook, relata_example_chinook) on the real sample database:
#   example.chinook.sqlite    a fresh SQLite Chinook database; its output diffed against the
#                             same figures computed with the sqlite3 shell (cmake/chinook_check.sh)
#   example.chinook.postgres  a fresh PostgreSQL database relata_chinook_test on the `postgres`
#                             fixture's server; output diffed against psql's figures and against
#                             the example's output on SQLite (cmake/chinook_postgres_check.sh)
# Both then drop Track.Composer and require the example's relata::verify_schema to refuse the
# database with a message naming table and column.
# Skipped (77) without ../shared/data/chinook, sqlite3 or psql unless $CI is set; the postgres
# test also without a server unless RELATA_REQUIRE_POSTGRES=1. Included from tests/CMakeLists.txt.
#
# examples/ is added after tests/, so whether relata_example_chinook exists is only known
# once the top-level directory is done: the tests are registered then. The PostgreSQL test
# needs the fixture tests/CMakeLists.txt defines (RELATA_WITH_POSTGRES and bash); what it
# decided is passed on in global properties, read when the deferred call runs.
find_program(RELATA_SQLITE3 sqlite3)
find_program(RELATA_BASH bash)
set_property(GLOBAL PROPERTY relata_chinook_postgres_fixture "${relata_postgres_fixture}")
set_property(GLOBAL PROPERTY relata_chinook_postgres_conninfo "${relata_postgres_conninfo}")

function(relata_add_chinook_test)
  if(NOT TARGET relata_example_chinook)
    return()
  endif()
  if(NOT RELATA_BASH)
    message(WARNING "relata: bash not found; no tests example.chinook.*")
    return()
  endif()
  set(data "${PROJECT_SOURCE_DIR}/../shared/data/chinook")
  add_test(NAME example.chinook.sqlite
    COMMAND "${RELATA_BASH}" "${PROJECT_SOURCE_DIR}/cmake/chinook_check.sh"
            "$<TARGET_FILE:relata_example_chinook>"
            "${data}/Chinook_Sqlite.sql"
            "${CMAKE_BINARY_DIR}/chinook"
            "${RELATA_SQLITE3}")
  set_tests_properties(example.chinook.sqlite PROPERTIES
    LABELS sqlite SKIP_RETURN_CODE 77 TIMEOUT 300)

  get_property(fixture GLOBAL PROPERTY relata_chinook_postgres_fixture)
  get_property(conninfo GLOBAL PROPERTY relata_chinook_postgres_conninfo)
  if(fixture)
    # Its own work directory: the two tests share no files and may run in parallel.
    add_test(NAME example.chinook.postgres
      COMMAND "${RELATA_BASH}" "${PROJECT_SOURCE_DIR}/cmake/chinook_postgres_check.sh"
              "$<TARGET_FILE:relata_example_chinook>"
              "${data}"
              "${conninfo}"
              "${CMAKE_BINARY_DIR}/chinook-postgres"
              "${RELATA_SQLITE3}")
    set_tests_properties(example.chinook.postgres PROPERTIES
      LABELS postgres FIXTURES_REQUIRED postgres SKIP_RETURN_CODE 77 TIMEOUT 300)
  endif()
endfunction()

cmake_language(DEFER DIRECTORY "${PROJECT_SOURCE_DIR}" CALL relata_add_chinook_test)
