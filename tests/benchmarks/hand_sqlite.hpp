#pragma once
// The yardstick on SQLite: each workload written by hand against the sqlite3 C API as an
// expert would — statements prepared once per run and reused with sqlite3_reset, one
// transaction, values read with the column function of their declared type.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "model.hpp"

namespace relata_bench::hand_sqlite {

[[noreturn]] inline void fail(sqlite3* db, std::string_view what) {
    throw std::runtime_error(fmt::format("sqlite3: {}: {}", what, sqlite3_errmsg(db)));
}

/// A prepared statement, finalized on destruction.
class statement {
public:
    statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK) fail(db, sql);
    }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(s_); }
    sqlite3_stmt* get() const noexcept { return s_; }
    /// Steps once; true for a row.
    bool step() {
        const int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail(db_, sqlite3_sql(s_));
        return false;
    }
    void reset() noexcept { sqlite3_reset(s_); }
    /// Steps to the end (a write), then resets.
    void run() {
        while (step()) {
        }
        reset();
    }

private:
    sqlite3* db_;
    sqlite3_stmt* s_ = nullptr;
};

/// An open database, as an expert opens it for one thread: no mutex (SQLITE_OPEN_NOMUTEX).
/// Converts to `sqlite3*`, so the functions below are found by argument-dependent lookup.
class connection {
public:
    connection(const std::string& path, bool write_ahead_log) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr) != SQLITE_OK)
            fail(db_, path);
        sqlite3_busy_timeout(db_, 5000);
        if (write_ahead_log) sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() { sqlite3_close_v2(db_); }
    operator sqlite3*() const noexcept { return db_; }  // NOLINT(google-explicit-constructor)

private:
    sqlite3* db_ = nullptr;
};

inline void exec(sqlite3* db, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql);
}

constexpr const char* select_columns = "SELECT id, name, email, age, score FROM person";

inline void read_person(sqlite3_stmt* s, person& p) {
    p.id = sqlite3_column_int64(s, 0);
    p.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                  static_cast<std::size_t>(sqlite3_column_bytes(s, 1)));
    if (sqlite3_column_type(s, 2) == SQLITE_NULL) {
        p.email.reset();
    } else {
        p.email.emplace(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)),
                        static_cast<std::size_t>(sqlite3_column_bytes(s, 2)));
    }
    p.age = sqlite3_column_int(s, 3);
    p.score = sqlite3_column_double(s, 4);
}

inline void bind_person(sqlite3_stmt* s, const person& p, int first) {
    sqlite3_bind_text(s, first, p.name.data(), static_cast<int>(p.name.size()), SQLITE_STATIC);
    if (p.email) sqlite3_bind_text(s, first + 1, p.email->data(), static_cast<int>(p.email->size()), SQLITE_STATIC);
    else sqlite3_bind_null(s, first + 1);
    sqlite3_bind_int(s, first + 2, p.age);
    sqlite3_bind_double(s, first + 3, p.score);
}

/// After a table is filled: copies a WAL file's pages into the database
/// (`PRAGMA wal_checkpoint(TRUNCATE)`; nothing in rollback-journal mode), so the first workload
/// to read the table — relata's side, which Google Benchmark runs first — does not read them
/// through the WAL index while the hand-written side, running later, reads a checkpointed file.
/// Without it, relata::all on a WAL file measured 50, 50 and 21 ms against 21 ms three times.
inline void settle(sqlite3* db) {
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
}

/// Replaces person's rows with `count` generated ones (ids 1..count).
inline void populate_people(sqlite3* db, std::size_t count) {
    exec(db, "BEGIN IMMEDIATE");
    exec(db, "DELETE FROM person");
    {
        statement insert(db, "INSERT INTO person (id, name, email, age, score) VALUES (?, ?, ?, ?, ?)");
        for (std::size_t i = 1; i <= count; ++i) {
            const person p = make_person(i, true);
            sqlite3_bind_int64(insert.get(), 1, p.id);
            bind_person(insert.get(), p, 2);
            insert.run();
        }
    }
    exec(db, "COMMIT");
    settle(db);
}

/// Replaces purchase's rows with `count` rows over persons 1..people.
inline void populate_purchases(sqlite3* db, std::size_t count, std::size_t people) {
    exec(db, "BEGIN IMMEDIATE");
    exec(db, "DELETE FROM purchase");
    {
        statement insert(db, "INSERT INTO purchase (person_id, amount) VALUES (?, ?)");
        for (std::size_t i = 0; i < count; ++i) {
            sqlite3_bind_int64(insert.get(), 1, static_cast<std::int64_t>(i % people + 1));
            sqlite3_bind_double(insert.get(), 2, static_cast<double>(i % 1000) / 10.0);
            insert.run();
        }
    }
    exec(db, "COMMIT");
    settle(db);
}

/// n × (SELECT by key, change score, UPDATE score), one transaction.
inline void get_change_commit(sqlite3* db, std::size_t n) {
    statement select(db, "SELECT id, name, email, age, score FROM person WHERE id = ?");
    statement update(db, "UPDATE person SET score = ? WHERE id = ?");
    exec(db, "BEGIN IMMEDIATE");
    person p;
    for (std::size_t k = 1; k <= n; ++k) {
        sqlite3_bind_int64(select.get(), 1, static_cast<std::int64_t>(k));
        if (!select.step()) throw std::runtime_error("no row");
        read_person(select.get(), p);
        select.reset();
        p.score += 1;
        sqlite3_bind_double(update.get(), 1, p.score);
        sqlite3_bind_int64(update.get(), 2, p.id);
        update.run();
    }
    exec(db, "COMMIT");
}

/// n × (BEGIN, SELECT by key, change, UPDATE, COMMIT).
inline void get_change_commit_per_row(sqlite3* db, std::size_t n) {
    statement select(db, "SELECT id, name, email, age, score FROM person WHERE id = ?");
    statement update(db, "UPDATE person SET score = ? WHERE id = ?");
    statement begin(db, "BEGIN IMMEDIATE");
    statement commit(db, "COMMIT");
    person p;
    for (std::size_t k = 1; k <= n; ++k) {
        begin.run();
        sqlite3_bind_int64(select.get(), 1, static_cast<std::int64_t>(k));
        if (!select.step()) throw std::runtime_error("no row");
        read_person(select.get(), p);
        select.reset();
        p.score += 1;
        sqlite3_bind_double(update.get(), 1, p.score);
        sqlite3_bind_int64(update.get(), 2, p.id);
        update.run();
        commit.run();
    }
}

/// n × SELECT by key into objects kept, as a Session keeps them, in one transaction.
inline std::int64_t get(sqlite3* db, std::size_t n) {
    statement select(db, "SELECT id, name, email, age, score FROM person WHERE id = ?");
    std::vector<person> kept(n);
    exec(db, "BEGIN");
    std::int64_t sum = 0;
    for (std::size_t k = 1; k <= n; ++k) {
        sqlite3_bind_int64(select.get(), 1, static_cast<std::int64_t>(k));
        if (!select.step()) throw std::runtime_error("no row");
        read_person(select.get(), kept[k - 1]);
        select.reset();
        sum += kept[k - 1].age;
    }
    exec(db, "COMMIT");
    return sum;
}

/// INSERTs every object in one transaction; with `with_key` false the generated key is read
/// back into the object (sqlite3_last_insert_rowid), as a Session does.
inline void add(sqlite3* db, std::vector<person>& people, bool with_key) {
    statement insert(db, with_key ? "INSERT INTO person (id, name, email, age, score) VALUES (?, ?, ?, ?, ?)"
                                  : "INSERT INTO person (name, email, age, score) VALUES (?, ?, ?, ?)");
    exec(db, "BEGIN IMMEDIATE");
    for (person& p : people) {
        if (with_key) sqlite3_bind_int64(insert.get(), 1, p.id);
        bind_person(insert.get(), p, with_key ? 2 : 1);
        insert.run();
        if (!with_key) p.id = sqlite3_last_insert_rowid(db);
    }
    exec(db, "COMMIT");
}

/// Every row into a vector of structs.
inline std::vector<person> select_all(sqlite3* db) {
    statement select(db, select_columns);
    std::vector<person> people;
    while (select.step()) read_person(select.get(), people.emplace_back());
    return people;
}

/// n × SELECT by key (each its own implicit transaction).
inline std::int64_t first_by_key(sqlite3* db, std::size_t n) {
    statement select(db, "SELECT id, name, email, age, score FROM person WHERE id = ? LIMIT 1");
    std::int64_t sum = 0;
    person p;
    for (std::size_t k = 1; k <= n; ++k) {
        sqlite3_bind_int64(select.get(), 1, static_cast<std::int64_t>(k));
        if (select.step()) {
            read_person(select.get(), p);
            sum += p.age;
        }
        select.reset();
    }
    return sum;
}

/// n × the ten best scores of one age above a threshold.
inline std::int64_t filtered(sqlite3* db, std::size_t n) {
    statement select(db,
                     "SELECT id, name, email, age, score FROM person WHERE age = ? AND score >= ? "
                     "ORDER BY score DESC LIMIT ?");
    std::int64_t rows = 0;
    std::vector<person> page;
    for (std::size_t i = 0; i < n; ++i) {
        page.clear();
        sqlite3_bind_int(select.get(), 1, 18 + static_cast<int>(i % 60));
        sqlite3_bind_double(select.get(), 2, 50.0);
        sqlite3_bind_int(select.get(), 3, 10);
        while (select.step()) read_person(select.get(), page.emplace_back());
        select.reset();
        rows += static_cast<std::int64_t>(page.size());
    }
    return rows;
}

/// Every row, one at a time, into one struct.
inline std::int64_t stream(sqlite3* db) {
    statement select(db, select_columns);
    std::int64_t sum = 0;
    person p;
    while (select.step()) {
        read_person(select.get(), p);
        sum += p.age;
    }
    return sum;
}

constexpr const char* report_sql =
    "SELECT person.age, COUNT(*), SUM(purchase.amount) FROM person JOIN purchase ON purchase.person_id = person.id "
    "GROUP BY person.age ORDER BY person.age";

/// Purchases and their total per age.
inline std::vector<age_total> report(sqlite3* db) {
    statement select(db, report_sql);
    std::vector<age_total> rows;
    while (select.step())
        rows.push_back({sqlite3_column_int64(select.get(), 0), sqlite3_column_int64(select.get(), 1),
                        sqlite3_column_double(select.get(), 2)});
    return rows;
}

/// Inserts every object (keys generated) in one transaction with one prepared single-row
/// INSERT, SQLite's fastest way.
inline void insert_all(sqlite3* db, const std::vector<person>& people) {
    statement insert(db, "INSERT INTO person (name, email, age, score) VALUES (?, ?, ?, ?)");
    exec(db, "BEGIN IMMEDIATE");
    for (const person& p : people) {
        bind_person(insert.get(), p, 1);
        insert.run();
    }
    exec(db, "COMMIT");
}

}  // namespace relata_bench::hand_sqlite
