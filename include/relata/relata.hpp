#pragma once
/// @file
/// The core umbrella header: models, value types, query objects, SQL rendering, schema and the
/// Session. It includes no database C API; add <relata/sqlite.hpp> or <relata/postgres.hpp>
/// for a backend.

#include "relata/array.hpp"        // IWYU pragma: export
#include "relata/connection.hpp"   // IWYU pragma: export
#include "relata/error.hpp"        // IWYU pragma: export
#include "relata/execute.hpp"      // IWYU pragma: export
#include "relata/json.hpp"         // IWYU pragma: export
#include "relata/logging.hpp"      // IWYU pragma: export
#include "relata/migrate.hpp"      // IWYU pragma: export
#include "relata/mapping.hpp"      // IWYU pragma: export
#include "relata/model.hpp"        // IWYU pragma: export
#include "relata/numeric.hpp"      // IWYU pragma: export
#include "relata/query/aggregate.hpp"   // IWYU pragma: export
#include "relata/query/dynamic.hpp"     // IWYU pragma: export
#include "relata/query/expression.hpp"  // IWYU pragma: export
#include "relata/query/functions.hpp"   // IWYU pragma: export
#include "relata/query/insert.hpp"      // IWYU pragma: export
#include "relata/query/like.hpp"        // IWYU pragma: export
#include "relata/query/remove.hpp"      // IWYU pragma: export
#include "relata/query/select.hpp"      // IWYU pragma: export
#include "relata/query/update.hpp"      // IWYU pragma: export
#include "relata/raw_sql.hpp"      // IWYU pragma: export
#include "relata/retry.hpp"        // IWYU pragma: export
#include "relata/schema.hpp"       // IWYU pragma: export
#include "relata/schema/catalog.hpp"        // IWYU pragma: export
#include "relata/schema/introspection.hpp"  // IWYU pragma: export
#include "relata/schema/verification.hpp"   // IWYU pragma: export
#include "relata/session.hpp"      // IWYU pragma: export
#include "relata/session/loading.hpp"       // IWYU pragma: export
#include "relata/session/n_plus_one.hpp"    // IWYU pragma: export
#include "relata/session/relationship.hpp"  // IWYU pragma: export
#include "relata/sql/dialect.hpp"  // IWYU pragma: export
#include "relata/sql/placeholders.hpp"  // IWYU pragma: export
#include "relata/sql/render.hpp"   // IWYU pragma: export
#include "relata/sql/script.hpp"   // IWYU pragma: export
#include "relata/stream.hpp"       // IWYU pragma: export
#include "relata/transaction_options.hpp"  // IWYU pragma: export
#include "relata/types.hpp"        // IWYU pragma: export
#include "relata/uuid.hpp"         // IWYU pragma: export
#include "relata/version.hpp"      // IWYU pragma: export
