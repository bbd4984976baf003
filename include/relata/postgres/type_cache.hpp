#pragma once
/// @file
/// A per-connection cache of `pg_type` lookups for type OIDs the binary decoder does not know:
/// an enum (typtype 'e') is read and written as its label text; a domain (typtype 'd') as its
/// base type (`typbasetype`, followed through domains over domains). Internal to the
/// PostgreSQL backend.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <libpq-fe.h>

#include "relata/detail/format.hpp"
#include "relata/postgres/binary.hpp"

namespace relata::postgres::detail {

/// Resolves user-defined type OIDs to one the decoder and encoder handle. Entries never go
/// stale: a dropped type's OID is not reused for a different type while the cluster runs
/// long enough to matter, and a re-created type gets a new OID.
class type_cache {
public:
    /// The OID to decode and encode `type` as: `type` itself when the decoder knows it;
    /// oid::text for an enum (its binary format is the label's bytes); the base type for a
    /// domain (whose binary format is its base type's); else `type` unchanged (the decoder then
    /// reports it as unsupported). Queries `pg_catalog.pg_type` once per unknown OID, outside
    /// the statement cache and the SQL log. Lookup failures leave `type` unresolved.
    Oid resolve(PGconn* conn, Oid type) {
        for (int depth = 0; depth < 16 && !is_known_type(type); ++depth) {
            const Oid next = lookup(conn, type);
            if (next == type) break;
            type = next;
        }
        return type;
    }

    /// `resolve` without a query: follows only what earlier lookups found. For a connection
    /// that cannot run a query now (a stream in single-row mode: running one would drain the
    /// stream's results); an OID never looked up stays as it is.
    [[nodiscard]] Oid resolve_known(Oid type) const {
        for (int depth = 0; depth < 16 && !is_known_type(type); ++depth) {
            const auto found = resolved_.find(type);
            if (found == resolved_.end() || found->second == type) break;
            type = found->second;
        }
        return type;
    }

private:
    struct result_clearer {
        void operator()(PGresult* result) const noexcept { PQclear(result); }
    };

    Oid lookup(PGconn* conn, Oid type) {
        if (const auto found = resolved_.find(type); found != resolved_.end()) return found->second;
        const std::string parameter = relata::detail::format("{}", type);
        const char* values[] = {parameter.c_str()};
        // typtype: 'e' enum, 'd' domain; anything else keeps its OID.
        const std::unique_ptr<PGresult, result_clearer> result(PQexecParams(
            conn,
            "SELECT typtype, typbasetype FROM pg_catalog.pg_type WHERE oid = $1::pg_catalog.oid",
            1, nullptr, values, nullptr, nullptr, 0));
        if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) return type;  // not cached: may work later
        Oid next = type;
        if (PQntuples(result.get()) == 1) {
            const char kind = PQgetvalue(result.get(), 0, 0)[0];
            if (kind == 'e') next = oid::text;
            else if (kind == 'd') next = static_cast<Oid>(std::stoul(PQgetvalue(result.get(), 0, 1)));
        }
        resolved_.emplace(type, next);
        return next;
    }

    std::unordered_map<Oid, Oid> resolved_;
};

}  // namespace relata::postgres::detail
