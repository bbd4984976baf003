# Reference documentation: Doxygen over include/relata (included by the top-level CMakeLists.txt).
#
#   RELATA_BUILD_DOCS    add the target `docs` (HTML in <build>/docs/html) and, with the tests,
#                        the CTest tests docs.doxygen and docs.gate (label docs) when Doxygen is
#                        found; skipped with a message when it is not.
#   RELATA_REQUIRE_DOCS  (or the environment variable of that name set to 1, as in .ci/run)
#                        a missing Doxygen is a configure error instead.
#
# The same settings serve the reference and the gate's fixture (relata_doxygen_docs below):
# every warning is an error (WARN_AS_ERROR = FAIL_ON_WARNINGS: all warnings are printed, then
# doxygen exits with a non-zero status), an undocumented public declaration is a warning
# (WARN_IF_UNDOCUMENTED, EXTRACT_ALL = NO), and implementation detail is not public: the
# namespaces relata::detail and relata::postgres::detail (EXCLUDE_SYMBOLS), private members
# (EXTRACT_PRIVATE = NO) and the RELATA_DETAIL_ macros. Doxygen 1.9.4 does not warn about an
# undocumented concept (it leaves it out) or enumerator; WARN_NO_PARAMDOC stays NO because it
# would demand @param/@return on every function, where most comments say it in prose.
option(RELATA_BUILD_DOCS "Add the target docs (Doxygen reference, HTML) and its CTest tests" ${PROJECT_IS_TOP_LEVEL})
option(RELATA_REQUIRE_DOCS "Fail the configure step when Doxygen is missing (CI)" OFF)
if(NOT RELATA_BUILD_DOCS)
  return()
endif()

find_package(Doxygen)
if(NOT DOXYGEN_FOUND)
  if(RELATA_REQUIRE_DOCS OR "$ENV{RELATA_REQUIRE_DOCS}" STREQUAL "1")
    message(FATAL_ERROR "relata: Doxygen not found, and RELATA_REQUIRE_DOCS is set: the reference "
                        "documentation and its tests (label docs) must not be skipped "
                        "(Debian: apt-get install doxygen)")
  endif()
  message(STATUS "relata: Doxygen not found: no target docs and no docs tests "
                 "(Debian: apt-get install doxygen; RELATA_REQUIRE_DOCS=1 makes this an error)")
  return()
endif()

# doxygen_add_docs(<target> <inputs>...) with relata's settings; writes
# <build>/Doxyfile.<target> and puts the HTML in <output>/html. A function, so the
# DOXYGEN_ variables stay in its scope.
function(relata_doxygen_docs target output)
  set(DOXYGEN_OUTPUT_DIRECTORY "${output}")
  set(DOXYGEN_GENERATE_HTML YES)
  set(DOXYGEN_GENERATE_LATEX NO)
  set(DOXYGEN_GENERATE_XML NO)
  set(DOXYGEN_HAVE_DOT NO)
  set(DOXYGEN_QUIET YES)
  set(DOXYGEN_FILE_PATTERNS *.hpp *.dox)
  set(DOXYGEN_RECURSIVE YES)
  set(DOXYGEN_STRIP_FROM_PATH "${PROJECT_SOURCE_DIR}/include" "${PROJECT_SOURCE_DIR}")
  set(DOXYGEN_STRIP_FROM_INC_PATH "${PROJECT_SOURCE_DIR}/include")
  # No automatic brief: a `///` block's first ". " is often inside "e.g. " or a code span.
  set(DOXYGEN_JAVADOC_AUTOBRIEF NO)
  set(DOXYGEN_BUILTIN_STL_SUPPORT YES)
  set(DOXYGEN_EXTRACT_ALL NO)
  set(DOXYGEN_EXTRACT_PRIVATE NO)
  set(DOXYGEN_EXTRACT_PRIV_VIRTUAL NO)
  set(DOXYGEN_EXTRACT_STATIC YES)
  set(DOXYGEN_EXCLUDE_SYMBOLS relata::detail "*::detail" "*::detail::*" "RELATA_DETAIL_*")
  set(DOXYGEN_WARN_IF_UNDOCUMENTED YES)
  set(DOXYGEN_WARN_IF_DOC_ERROR YES)
  set(DOXYGEN_WARN_IF_INCOMPLETE_DOC YES)
  # Not every function lists @param/@return (most say it in prose); a partial list is an
  # error through WARN_IF_INCOMPLETE_DOC.
  set(DOXYGEN_WARN_NO_PARAMDOC NO)
  set(DOXYGEN_WARN_AS_ERROR FAIL_ON_WARNINGS)
  doxygen_add_docs(${target} ${ARGN}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    COMMENT "Doxygen: ${target} -> ${output}/html/index.html")
endfunction()

relata_doxygen_docs(docs "${PROJECT_BINARY_DIR}/docs"
  "${PROJECT_SOURCE_DIR}/include/relata" "${PROJECT_SOURCE_DIR}/docs/reference/mainpage.dox")

if(RELATA_BUILD_TESTS)
  # The gate itself: the reference builds with no warning at all.
  add_test(NAME docs.doxygen
    COMMAND "${DOXYGEN_EXECUTABLE}" "${PROJECT_BINARY_DIR}/Doxyfile.docs"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  # ... and it can fail: the same settings over tests/docs/undocumented.hpp, which leaves a
  # public function and a public member undocumented (and an undocumented detail namespace,
  # which must not be reported), must make doxygen fail with exactly those two warnings.
  relata_doxygen_docs(relata_docs_gate_fixture "${PROJECT_BINARY_DIR}/docs-gate-fixture"
    "${PROJECT_SOURCE_DIR}/tests/docs/undocumented.hpp")
  add_test(NAME docs.gate
    COMMAND "${CMAKE_COMMAND}" "-DDOXYGEN=${DOXYGEN_EXECUTABLE}"
            "-DDOXYFILE=${PROJECT_BINARY_DIR}/Doxyfile.relata_docs_gate_fixture"
            "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
            -P "${PROJECT_SOURCE_DIR}/cmake/docs_gate_check.cmake")
  set_tests_properties(docs.doxygen docs.gate PROPERTIES LABELS docs TIMEOUT 300)
endif()
