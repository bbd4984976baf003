#pragma once
/// @file
/// `relata::pool`: a thread-safe pool of connections of one backend, with a maximum size, an
/// acquire timeout, a health check on checkout and connections returned clean. Not included by
/// <relata/relata.hpp> (it brings `<mutex>` and `<condition_variable>`): include it where used.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/error.hpp"

namespace relata {

/// `pool::acquire()` waited `pool_options::acquire_timeout` and no connection became free
/// (SQLAlchemy's `TimeoutError`, HikariCP's `SQLTransientConnectionException`).
class pool_timeout : public error {
public:
    using error::error;
};

/// How a `relata::pool` behaves.
struct pool_options {
    /// The most connections open at once, in use and idle together. At least 1.
    std::size_t max_size = 8;
    /// How long `acquire()` waits for a connection when `max_size` are in use, then throws
    /// relata::pool_timeout.
    std::chrono::milliseconds acquire_timeout{30'000};
};

/// What a pool did so far and holds now (`pool::statistics()`).
struct pool_statistics {
    std::size_t open = 0;         ///< connections open now, idle and in use
    std::size_t idle = 0;         ///< open connections waiting in the pool
    std::size_t in_use = 0;       ///< connections lent out now
    std::uint64_t acquired = 0;   ///< successful `acquire()` calls
    std::uint64_t created = 0;    ///< connections opened (by the pool's open function)
    std::uint64_t discarded = 0;  ///< broken connections closed instead of lent or kept
    std::uint64_t waits = 0;      ///< `acquire()` calls that had to wait for a connection
    std::uint64_t timeouts = 0;   ///< `acquire()` calls that threw relata::pool_timeout
};

/// A thread-safe pool of connections of one backend. Connections are opened on demand by the
/// function given to the constructor, up to `pool_options::max_size`; `acquire()` lends one
/// out as a `pool<Connection>::lease`, whose end gives it back.
/// @code
/// relata::pool<relata::postgres::connection> pool{
///     [] { return relata::postgres::connect("dbname=blog"); }, {.max_size = 16}};
/// // in any thread:
/// auto db = pool.acquire();                 // waits at most acquire_timeout
/// relata::session session{*db};
/// session.get<Post>(1).votes += 1;
/// session.commit();
/// // the lease's end: the connection goes back (after ROLLBACK if a transaction was left open)
/// @endcode
/// The pool is shared between threads; each lent connection belongs to the thread holding its
/// lease, as any connection (see the README's thread-safety rules), and so does a Session over it.
/// On checkout a connection is checked without a round trip (`is_open()` where the backend has
/// it: a PostgreSQL connection whose server has since shut down or terminated it is closed and
/// another opened). On return
/// a transaction left open is rolled back, and the SQL loggers are removed; a connection whose
/// ROLLBACK fails, or that is broken, is closed instead of kept (`statistics().discarded`).
/// Its statement cache is kept. The pool must outlive its leases.
template <connection Connection>
class pool {
public:
    /// A connection lent by the pool: `*lease` and `lease->` reach it. Movable, not copyable;
    /// gives the connection back when it ends (or at `release()`).
    class lease {
    public:
        /// Takes over `other`'s connection; `other` then holds none (`get()` is null).
        lease(lease&& other) noexcept
            : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}
        /// Gives back this lease's connection (as `release()`), then takes over `other`'s.
        lease& operator=(lease&& other) noexcept {
            if (this != &other) {
                release();
                pool_ = std::exchange(other.pool_, nullptr);
                connection_ = std::move(other.connection_);
            }
            return *this;
        }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease() { release(); }

        /// The lent connection.
        [[nodiscard]] Connection& operator*() const noexcept { return *connection_; }
        /// The lent connection.
        [[nodiscard]] Connection* operator->() const noexcept { return connection_.get(); }
        /// The lent connection; null after `release()` or a move.
        [[nodiscard]] Connection* get() const noexcept { return connection_.get(); }

        /// Gives the connection back now (a transaction left open is rolled back); never throws.
        void release() noexcept {
            if (pool_ != nullptr && connection_) pool_->give_back(std::move(connection_));
            pool_ = nullptr;
        }

    private:
        friend class pool;
        lease(pool* owner, std::unique_ptr<Connection> connection) noexcept
            : pool_(owner), connection_(std::move(connection)) {}

        pool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    /// A pool whose connections `open()` opens (e.g. `[] { return relata::sqlite::connect(path); }`).
    /// Opens none yet.
    /// @throws relata::error when `options.max_size` is 0.
    explicit pool(std::function<Connection()> open, pool_options options = {})
        : open_connection_(std::move(open)), options_(options) {
        if (options_.max_size == 0) throw error("relata::pool: max_size must be at least 1");
    }
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;
    /// Closes the idle connections. Leases must have ended before.
    ~pool() = default;

    /// Lends a connection: an idle one that passes the health check, else a new one while fewer
    /// than `max_size` are open, else the first one given back within `acquire_timeout`.
    /// @throws relata::pool_timeout after waiting `acquire_timeout` (naming the pool's size);
    /// whatever the open function throws (e.g. relata::connection_error), the pool unchanged.
    [[nodiscard]] lease acquire() {
        std::unique_lock lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
        bool waited = false;
        for (;;) {
            while (!idle_.empty()) {
                std::unique_ptr<Connection> candidate = std::move(idle_.back());
                idle_.pop_back();
                if (healthy(*candidate)) {
                    ++statistics_.acquired;
                    ++in_use_;
                    return lease(this, std::move(candidate));
                }
                --open_;
                ++statistics_.discarded;
                lock.unlock();
                candidate.reset();  // closed outside the lock
                lock.lock();
            }
            if (open_ < options_.max_size) return open_new(lock);
            if (!waited) {
                waited = true;
                ++statistics_.waits;
            }
            if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
                open_ >= options_.max_size) {
                ++statistics_.timeouts;
                throw pool_timeout(detail::format(
                    "no connection became free within {} ms: all {} of the pool's connections are in use "
                    "(raise pool_options::max_size or acquire_timeout, or end leases sooner)",
                    options_.acquire_timeout.count(), options_.max_size));
            }
        }
    }

    /// A consistent snapshot of the counters and current sizes.
    [[nodiscard]] pool_statistics statistics() const {
        const std::lock_guard lock(mutex_);
        pool_statistics out = statistics_;
        out.open = open_;
        out.idle = idle_.size();
        out.in_use = in_use_;
        return out;
    }

private:
    // A connection is lent only when libpq (or the backend) does not already know it broken.
    static bool healthy(Connection& connection) noexcept {
        if constexpr (requires { connection.is_open(); }) return connection.is_open();
        else return true;
    }

    lease open_new(std::unique_lock<std::mutex>& lock) {
        ++open_;  // reserved while opening outside the lock
        lock.unlock();
        std::unique_ptr<Connection> opened;
        try {
            opened = std::make_unique<Connection>(open_connection_());
        } catch (...) {
            lock.lock();
            --open_;
            available_.notify_one();
            throw;
        }
        lock.lock();
        ++statistics_.created;
        ++statistics_.acquired;
        ++in_use_;
        return lease(this, std::move(opened));
    }

    void give_back(std::unique_ptr<Connection> connection) noexcept {
        bool keep = true;
        try {
            if constexpr (requires { connection->on_sql({}); }) connection->on_sql({});
            if constexpr (requires { connection->on_sql_with_parameters({}); }) connection->on_sql_with_parameters({});
            if (connection->in_transaction()) connection->rollback();
        } catch (...) {  // NOLINT(bugprone-empty-catch): a connection that cannot be cleaned is closed
            keep = false;
        }
        keep = keep && healthy(*connection);
        {
            const std::lock_guard lock(mutex_);
            --in_use_;
            if (keep) {
                idle_.push_back(std::move(connection));
            } else {
                --open_;
                ++statistics_.discarded;
            }
        }
        available_.notify_one();
        connection.reset();  // a discarded connection closes outside the lock
    }

    std::function<Connection()> open_connection_;
    pool_options options_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;    // idle + in use + being opened
    std::size_t in_use_ = 0;  // lent out
    pool_statistics statistics_;
};

}  // namespace relata
