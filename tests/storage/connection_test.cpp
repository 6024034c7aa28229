// Tests of the connection: pragmas, schema migrations, the statement cache and its resetting borrow.
#include "storage/connection.hpp"

#include <catch2/catch.hpp>

#include "storage/store.hpp"
#include "temp_db.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace storage = seminard::storage;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

std::string pragma_text(storage::connection& c, const std::string& name) {
    SQLite::Statement q(c.db(), "PRAGMA " + name);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getString();
}

int pragma_int(storage::connection& c, const std::string& name) {
    SQLite::Statement q(c.db(), "PRAGMA " + name);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt();
}

int count_rows(storage::connection& c, const std::string& sql) {
    SQLite::Statement q(c.db(), sql);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt();
}

}  // namespace

TEST_CASE("a read-write connection uses WAL, foreign keys and the busy timeout", "[connection]") {
    temp_dir dir;
    storage::connection c(db_in(dir), storage::access::read_write);
    CHECK(pragma_text(c, "journal_mode") == "wal");
    CHECK(pragma_int(c, "foreign_keys") == 1);
    CHECK(pragma_int(c, "busy_timeout") == 5000);
}

TEST_CASE("synchronous is FULL (2) or NORMAL (1) as configured", "[connection]") {
    temp_dir dir;
    SECTION("full") {
        storage::connection c(db_in(dir, true), storage::access::read_write);
        CHECK(pragma_int(c, "synchronous") == 2);
    }
    SECTION("normal") {
        storage::connection c(db_in(dir, false), storage::access::read_write);
        CHECK(pragma_int(c, "synchronous") == 1);
    }
    SECTION("a read-only connection gets the same settings") {
        storage::connection rw(db_in(dir, false), storage::access::read_write);
        REQUIRE(storage::migrate(rw) == storage::latest_schema_version());
        storage::connection ro(db_in(dir, false), storage::access::read_only);
        CHECK(pragma_int(ro, "synchronous") == 1);
        CHECK(pragma_int(ro, "foreign_keys") == 1);
        CHECK(pragma_text(ro, "journal_mode") == "wal");
    }
}

TEST_CASE("migrations run once and a second run changes nothing", "[connection][migrate]") {
    temp_dir dir;
    storage::connection c(db_in(dir), storage::access::read_write);
    REQUIRE(storage::latest_schema_version() >= 1);

    CHECK(storage::migrate(c) == storage::latest_schema_version());
    CHECK(count_rows(c, "SELECT COUNT(*) FROM schema_version") == storage::latest_schema_version());
    CHECK(count_rows(c, "SELECT MAX(version) FROM schema_version") == storage::latest_schema_version());
    CHECK(count_rows(c,
                     "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('settings', 'seminars', "
                     "'dates', 'date_days', 'registrations')") == 5);

    CHECK(storage::migrate(c) == storage::latest_schema_version());
    CHECK(count_rows(c, "SELECT COUNT(*) FROM schema_version") == storage::latest_schema_version());

    SECTION("and reopening the file does not migrate again") {
        storage::connection again(db_in(dir), storage::access::read_write);
        CHECK(storage::migrate(again) == storage::latest_schema_version());
        CHECK(count_rows(again, "SELECT COUNT(*) FROM schema_version") == storage::latest_schema_version());
    }
}

TEST_CASE("a database with a newer schema version than this build is refused", "[connection][migrate]") {
    temp_dir dir;
    storage::connection c(db_in(dir), storage::access::read_write);
    REQUIRE(storage::migrate(c) == storage::latest_schema_version());
    SQLite::Statement ins(c.db(), "INSERT INTO schema_version(version) VALUES (?)");
    ins.bind(1, storage::latest_schema_version() + 1);
    ins.exec();

    CHECK_THROWS_AS(storage::migrate(c), std::runtime_error);
    CHECK_THROWS_WITH(storage::migrate(c), Catch::Contains("newer than this build knows"));
    // Nothing was touched by the refused run.
    CHECK(count_rows(c, "SELECT COUNT(*) FROM schema_version") == storage::latest_schema_version() + 1);
}

TEST_CASE("foreign keys are enforced", "[connection]") {
    temp_dir dir;
    storage::connection c(db_in(dir), storage::access::read_write);
    storage::migrate(c);
    CHECK_THROWS_AS(
        c.db().exec("INSERT INTO dates(seminar_id, uid, timezone, capacity, waitlist, status, "
                    "created_at, updated_at) VALUES (999, 'u@x', 'Europe/Berlin', 1, 0, 'scheduled', 0, 0)"),
        SQLite::Exception);
}

TEST_CASE("a read-only connection cannot write", "[connection]") {
    temp_dir dir;
    {
        storage::connection rw(db_in(dir), storage::access::read_write);
        storage::migrate(rw);
    }
    storage::connection ro(db_in(dir), storage::access::read_only);
    CHECK_THROWS_AS(ro.db().exec("INSERT INTO settings(key, value) VALUES ('k', 'v')"), SQLite::Exception);
}

TEST_CASE("prepare returns the cached statement with its bindings cleared", "[connection][statement_ref]") {
    temp_dir dir;
    storage::connection c(db_in(dir), storage::access::read_write);
    static constexpr const char* sql = "SELECT ?";
    {
        auto q = c.prepare(sql);
        q.bind(1, 42);
        REQUIRE(q.executeStep());
        CHECK(q.getColumn(0).getInt() == 42);
    }
    {
        auto q = c.prepare(sql);
        REQUIRE(q.executeStep());
        CHECK(q.getColumn(0).isNull());
    }
}

TEST_CASE("a borrowed statement is reset, so the next read sees a commit made after it",
          "[connection][statement_ref]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::connection writer_conn(opts, storage::access::read_write);
    storage::migrate(writer_conn);
    storage::connection reader(opts, storage::access::read_only);
    static constexpr const char* count_sql = "SELECT COUNT(*) FROM settings WHERE key LIKE 'k%'";

    {
        auto q = reader.prepare(count_sql);
        REQUIRE(q.executeStep());  // one row read, the statement not stepped to its end: still active
        CHECK(q.getColumn(0).getInt() == 0);
    }
    storage::put_setting(writer_conn, "k1", "v1");  // autocommit: committed at once
    {
        auto q = reader.prepare(count_sql);
        REQUIRE(q.executeStep());
        CHECK(q.getColumn(0).getInt() == 1);
    }
    CHECK(storage::get_setting(reader, "k1") == "v1");

    SECTION("whereas a statement left mid-step pins the old snapshot (the bug statement_ref prevents)") {
        SQLite::Statement pinned(reader.db(), count_sql);
        REQUIRE(pinned.executeStep());
        CHECK(pinned.getColumn(0).getInt() == 1);
        storage::put_setting(writer_conn, "k2", "v2");
        CHECK_FALSE(storage::get_setting(reader, "k2").has_value());  // stale: read transaction still open
        pinned.reset();
        CHECK(storage::get_setting(reader, "k2") == "v2");
    }
}

namespace {

/// Another process migrating while we wait for the write lock: on our first busy wait, the lock holder lets go
/// and a second connection runs the whole migration before we get the lock.
struct concurrent_migration {
    SQLite::Database* holder;
    storage::connection* other;
    int calls = 0;
    static int on_busy(void* self, int) {
        auto& s = *static_cast<concurrent_migration*>(self);
        if (s.calls++ == 0) {
            s.holder->exec("ROLLBACK");
            storage::migrate(*s.other);
        }
        return s.calls < 100;  // retry
    }
};

}  // namespace

TEST_CASE("two processes migrating a fresh database at once both succeed, migrating once", "[connection][migrate]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::connection first(opts, storage::access::read_write);
    storage::connection second(opts, storage::access::read_write);
    first.db().exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    SQLite::Database lock_holder(opts.path, SQLite::OPEN_READWRITE);
    lock_holder.exec("BEGIN IMMEDIATE");

    concurrent_migration race{&lock_holder, &second};
    sqlite3_busy_handler(first.db().getHandle(), &concurrent_migration::on_busy, &race);
    int version = 0;
    CHECK_NOTHROW(version = storage::migrate(first));
    CHECK(race.calls >= 1);  // the race did happen
    CHECK(version == storage::latest_schema_version());
    CHECK(count_rows(first, "SELECT COUNT(*) FROM schema_version") == storage::latest_schema_version());
}

TEST_CASE("the writer's parsed seminars follow every change: its own, another connection's, a rollback",
          "[connection][cache]") {
    temp_dir dir;
    auto opts = db_in(dir, false);
    storage::connection c{opts, storage::access::read_write};
    storage::migrate(c);
    seminard::domain::seminar s;
    s.slug = "cache";
    s.title = "Vorher";
    s.organizer_name = "Muster GmbH";
    s.organizer_email = "seminare@example.org";
    const auto now = seminard::domain::instant{std::chrono::seconds{1'800'000'000}};
    auto created = storage::create_seminar(c, s, now);
    REQUIRE(created.ok());
    const auto id = created->id;
    auto title = [&] { return storage::find_seminar_by_id(c, id).value().title; };
    REQUIRE(c.seminar_cache() != nullptr);
    CHECK(title() == "Vorher");
    CHECK(c.seminar_cache()->count(id) == 1);  // kept parsed

    SECTION("its own change, even in plain SQL, reaches it through the update hook") {
        c.db().exec("UPDATE seminars SET title = 'Nachher' WHERE id = " + std::to_string(id));
        CHECK(title() == "Nachher");
    }
    SECTION("another connection's commit reaches it through data_version") {
        storage::connection other{opts, storage::access::read_write};
        other.db().exec("UPDATE seminars SET title = 'Von nebenan' WHERE id = " + std::to_string(id));
        CHECK(title() == "Von nebenan");
    }
    SECTION("a rolled-back change read inside its transaction is forgotten") {
        c.db().exec("BEGIN");
        c.db().exec("UPDATE seminars SET title = 'Gleich zurück' WHERE id = " + std::to_string(id));
        CHECK(title() == "Gleich zurück");
        c.db().exec("ROLLBACK");
        CHECK(title() == "Vorher");
    }
    SECTION("a change undone by ROLLBACK TO is forgotten when the writer says so") {
        c.db().exec("BEGIN");
        c.db().exec("SAVEPOINT command");
        c.db().exec("UPDATE seminars SET title = 'Nur kurz' WHERE id = " + std::to_string(id));
        CHECK(title() == "Nur kurz");
        c.db().exec("ROLLBACK TO command");
        c.forget_cached_rows();
        c.db().exec("RELEASE command");
        CHECK(title() == "Vorher");
        c.db().exec("COMMIT");
    }
    SECTION("a deleted seminar is not found any more") {
        c.db().exec("DELETE FROM seminars WHERE id = " + std::to_string(id));
        CHECK_FALSE(storage::find_seminar_by_id(c, id));
    }
    SECTION("a read-only connection keeps nothing: its snapshot moves") {
        storage::connection rd{opts, storage::access::read_only};
        CHECK(rd.seminar_cache() == nullptr);
        CHECK(storage::find_seminar_by_id(rd, id).value().title == "Vorher");
    }
}
