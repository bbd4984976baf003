#pragma once
/// @file
/// The PostgreSQL backend front header: `relata::postgres::connect(conninfo, options)` and
/// `relata::postgres::connection`. Needs libpq and PostgreSQL 10 or newer.

#include "relata/postgres/connection.hpp"
#include "relata/postgres/cursor.hpp"
#include "relata/postgres/pipeline.hpp"
