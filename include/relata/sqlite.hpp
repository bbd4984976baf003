#pragma once
/// @file
/// The SQLite backend front header: `relata::sqlite::connect(path, options)` and
/// `relata::sqlite::connection`. Needs SQLite 3.35 or newer (RETURNING).

#include "relata/sqlite/connection.hpp"
#include "relata/sqlite/cursor.hpp"
