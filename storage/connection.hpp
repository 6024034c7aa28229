// One SQLite connection with our pragmas and a cache of prepared statements.
#pragma once

#include "crypto.hpp"
#include "domain/model.hpp"
#include "secret_key.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace seminard::storage {

/// How the database file is opened. `synchronous_full` decides what survives a power loss (see README).
struct db_options {
    std::string path = "var/seminard.db";
    bool synchronous_full = true;  ///< FULL: every COMMIT is fsynced; NORMAL: survives a crash, not power loss
    int busy_timeout_ms = 5000;
    /// The key outside the database (see secret_key.hpp); the server loads it from its file. Unset (tests): one
    /// random key per process, so sealed values live as long as the process.
    std::shared_ptr<const secret_key> key;
    /// How the writer makes a commit's log durable after its COMMIT (see deferred_wal_sync): 0 or an errno. Unset:
    /// fdatasync. Tests put a slow or failing disk here.
    std::function<int(int fd)> sync_log;
};

enum class access { read_write, read_only };

/// A cached statement borrowed for one use. Resets it when it goes out of scope: a statement left mid-step
/// would keep its read transaction open, and every later read on that connection would see an old snapshot.
class statement_ref {
public:
    explicit statement_ref(SQLite::Statement& s) noexcept : s_(&s) {}
    ~statement_ref() { s_->tryReset(); }
    statement_ref(const statement_ref&) = delete;
    statement_ref& operator=(const statement_ref&) = delete;

    template <class... Args>
    void bind(int index, Args&&... args) {
        s_->bind(index, std::forward<Args>(args)...);
    }
    bool executeStep() { return s_->executeStep(); }
    int exec() { return s_->exec(); }
    SQLite::Column getColumn(int index) { return s_->getColumn(index); }
    int getColumnCount() const { return s_->getColumnCount(); }

private:
    SQLite::Statement* s_;
};

/// A connection and its prepared statements. Not thread-safe: it has one owner at a time (the writer thread, a
/// reader thread, or an export whose pieces are read one after the other on the blocking pool); SQLiteCpp's
/// Database "shall not be shared by multiple threads". It opens in SQLite's multi-thread mode, which asks the same.
class connection {
public:
    connection(const db_options& options, access mode);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    SQLite::Database& db() noexcept { return db_; }

    /// A prepared statement for `sql` with its bindings cleared. Cached by the address of the literal, so pass
    /// string literals only, and do not borrow one statement twice at the same time.
    statement_ref prepare(const char* sql);

    /// The permutation that makes registration codes from row ids, with the key migration 5 stored (read once).
    const code_permutation& codes();
    /// The server's secret key (db_options::key).
    const secret_key& key() const noexcept { return *key_; }

    /// The seminars this connection has read, kept parsed (see find_seminar_by_id): on the writer, parsing a
    /// seminar's questions for every registration took a fifth of its time. Null on a read-only connection, whose
    /// snapshot moves under it. Its own changes reach the cache through SQLite's update hook, other connections'
    /// through PRAGMA data_version, and a rollback forgets everything (the writer calls forget_cached_rows after a
    /// ROLLBACK TO, which SQLite's rollback hook does not see).
    std::unordered_map<std::int64_t, domain::seminar>* seminar_cache();
    void forget_cached_rows() noexcept;
    /// Whether any registration still holds a random code from before schema 5 (asked once: no new ones come).
    bool has_legacy_codes();
    /// The privacy notice version new registrations agree to (settings `consent_version`, kept by
    /// record_consent_version); nullopt before one is recorded. Asked once, forgotten with the cached rows.
    std::optional<std::int64_t> consent_version();

private:
    /// SQLite's process-wide settings (see connection.cpp). The first member, so that they are applied before the
    /// first database opens: SQLite refuses them once it has initialised.
    struct process_settings {
        process_settings();
    };
    process_settings settings_;
    SQLite::Database db_;
    std::shared_ptr<const secret_key> key_;
    std::optional<code_permutation> codes_;
    std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
    bool caches_rows_ = false;
    std::int64_t data_version_ = -1;
    std::unordered_map<std::int64_t, domain::seminar> seminars_;
    std::optional<bool> legacy_codes_;
    std::optional<std::optional<std::int64_t>> consent_version_;
};

/// The highest schema version this build knows.
int latest_schema_version() noexcept;

/// Runs every schema migration not yet applied up to `target` (tests stop early to build an older database), each
/// once and in its own transaction. Returns the schema version afterwards.
int migrate(connection& c, int target = latest_schema_version());

}  // namespace seminard::storage
