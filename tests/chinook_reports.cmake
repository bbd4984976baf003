# The Chinook report suite (examples/chinook_reports, relata_example_chinook_reports) on the
# real sample database, each report diffed against the same report written by hand in SQL
# (tests/chinook_reports/{sqlite,postgres}/NN_name.sql) and run by the engine's shell:
#   chinook_reports.sqlite    a fresh SQLite Chinook database, the sqlite3 shell
#   chinook_reports.postgres  a fresh PostgreSQL database relata_chinook_reports_test on the
#                             `postgres` fixture's server, psql; and the program's output on
#                             SQLite must be the same
# (cmake/chinook_reports_check.sh). Skipped (77) without ../shared/data/chinook, sqlite3 or psql
# unless $CI is set; the postgres test also without a server unless RELATA_REQUIRE_POSTGRES=1.
# Included from tests/CMakeLists.txt; like tests/chinook.cmake, the tests are registered once
# the top-level directory is done (examples/ comes after tests/).
find_program(RELATA_SQLITE3 sqlite3)
find_program(RELATA_BASH bash)
set_property(GLOBAL PROPERTY relata_chinook_reports_postgres_fixture "${relata_postgres_fixture}")
set_property(GLOBAL PROPERTY relata_chinook_reports_postgres_conninfo "${relata_postgres_conninfo}")

function(relata_add_chinook_reports_test)
  if(NOT TARGET relata_example_chinook_reports)
    return()
  endif()
  if(NOT RELATA_BASH)
    message(WARNING "relata: bash not found; no tests chinook_reports.*")
    return()
  endif()
  set(data "${PROJECT_SOURCE_DIR}/../shared/data/chinook")
  set(reports "${PROJECT_SOURCE_DIR}/tests/chinook_reports")
  set(check "${PROJECT_SOURCE_DIR}/cmake/chinook_reports_check.sh")
  add_test(NAME chinook_reports.sqlite
    COMMAND "${RELATA_BASH}" "${check}" sqlite "$<TARGET_FILE:relata_example_chinook_reports>"
            "${data}" "${reports}" "${CMAKE_BINARY_DIR}/chinook-reports" "${RELATA_SQLITE3}")
  set_tests_properties(chinook_reports.sqlite PROPERTIES
    LABELS sqlite SKIP_RETURN_CODE 77 TIMEOUT 300)

  get_property(fixture GLOBAL PROPERTY relata_chinook_reports_postgres_fixture)
  get_property(conninfo GLOBAL PROPERTY relata_chinook_reports_postgres_conninfo)
  if(fixture)
    # Its own work directory and database: it may run in parallel with the other Chinook tests.
    add_test(NAME chinook_reports.postgres
      COMMAND "${RELATA_BASH}" "${check}" postgres "$<TARGET_FILE:relata_example_chinook_reports>"
              "${data}" "${reports}" "${CMAKE_BINARY_DIR}/chinook-reports-postgres" "${conninfo}"
              "${RELATA_SQLITE3}")
    set_tests_properties(chinook_reports.postgres PROPERTIES
      LABELS postgres FIXTURES_REQUIRED postgres SKIP_RETURN_CODE 77 TIMEOUT 300)
  endif()
endfunction()

cmake_language(DEFER DIRECTORY "${PROJECT_SOURCE_DIR}" CALL relata_add_chinook_reports_test)
