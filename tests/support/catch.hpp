#pragma once

// The one Catch2 include for relata's tests. tests/CMakeLists.txt defines
// RELATA_TEST_CATCH2_MAJOR from the Catch2 package it found (3.x, or Debian's
// 2.13), so the choice never depends on which headers happen to be on the path.
// Stick to TEST_CASE, SECTION, REQUIRE*, CHECK*, REQUIRE_THROWS_AS, GENERATE and
// TEMPLATE_TEST_CASE: they mean the same in both majors.

#if !defined(RELATA_TEST_CATCH2_MAJOR)
#error "relata: RELATA_TEST_CATCH2_MAJOR is not defined; link the test target with relata_test_main (tests/CMakeLists.txt)"
#elif RELATA_TEST_CATCH2_MAJOR == 3
#include <catch2/catch_all.hpp>
#elif RELATA_TEST_CATCH2_MAJOR == 2
#include <catch2/catch.hpp>
#else
#error "relata: unsupported RELATA_TEST_CATCH2_MAJOR (expected 2 or 3)"
#endif
