// Catch2 2.x main(), compiled once into relata_test_main. With Catch2 3.x the
// test targets link Catch2::Catch2WithMain instead and this file is not built.
#define CATCH_CONFIG_MAIN
#include "catch.hpp"
