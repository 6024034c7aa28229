// The WAL-batching VFS: transactions written through it read back the same from the writer's own connection, from
// other connections while it runs, and after the file is opened again; a process killed right after COMMIT returned
// keeps every committed row.
#include "storage/wal_batching_vfs.hpp"

#include <catch2/catch.hpp>

#include "storage/connection.hpp"
#include "temp_db.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

namespace storage = seminard::storage;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

int count_rows(const storage::db_options& opts) {
    storage::connection c{opts, storage::access::read_only};
    auto q = c.prepare("SELECT COUNT(*) FROM t");
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt();
}

}  // namespace

TEST_CASE("transactions through the WAL-batching VFS are read back by every connection", "[vfs]") {
    temp_dir dir;
    auto opts = db_in(dir, true);          // synchronous=FULL: the writer connection uses the VFS
    const std::string payload(3000, 'x');  // rows that span pages: a transaction appends hundreds of KiB of frames
    {
        storage::connection w{opts, storage::access::read_write};
        storage::connection r{opts, storage::access::read_only};
        w.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)");
        for (int batch = 0; batch < 50; ++batch) {
            w.db().exec("BEGIN IMMEDIATE");
            for (int i = 0; i < 40; ++i) {
                const int id = batch * 40 + i;
                auto q = w.prepare("INSERT INTO t(id, k, v) VALUES (?, ?, ?)");
                q.bind(1, id);
                q.bind(2, std::to_string(id * 7919 % 10007));  // keys in random order: many index pages per commit
                q.bind(3, payload);
                q.exec();
            }
            auto mine = w.prepare("SELECT COUNT(*), SUM(LENGTH(v)) FROM t");
            REQUIRE(mine.executeStep());
            REQUIRE(mine.getColumn(0).getInt() == (batch + 1) * 40);
            w.db().exec("COMMIT");
            auto seen = r.prepare("SELECT COUNT(*) FROM t");
            REQUIRE(seen.executeStep());
            REQUIRE(seen.getColumn(0).getInt() == (batch + 1) * 40);
        }
        w.db().exec("PRAGMA wal_checkpoint(PASSIVE)");
        w.db().exec("DELETE FROM t WHERE id % 2 = 0");
        w.db().exec("BEGIN IMMEDIATE");
        w.db().exec("DELETE FROM t");
        w.db().exec("ROLLBACK");
        w.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");  // the WAL starts over: a write at offset 0 again
        w.db().exec("INSERT INTO t(id, k, v) VALUES (100000, 'after-restart', 'y')");
    }
    CHECK(count_rows(opts) == 1001);
    storage::connection again{opts, storage::access::read_only};
    auto check = again.prepare("PRAGMA integrity_check");
    REQUIRE(check.executeStep());
    CHECK(check.getColumn(0).getString() == "ok");
}

TEST_CASE("a process killed right after COMMIT through the WAL-batching VFS loses no committed row", "[vfs]") {
    temp_dir dir;
    auto opts = db_in(dir, true);
    const int committed = 500;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The child commits, then dies without closing anything: no destructor, no flush at close.
        try {
            storage::connection w{opts, storage::access::read_write};
            w.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 0; i < committed; ++i) {
                w.db().exec("BEGIN IMMEDIATE");
                auto q = w.prepare("INSERT INTO t(id, v) VALUES (?, ?)");
                q.bind(1, i);
                q.bind(2, std::string(1000, 'z'));
                q.exec();
                w.db().exec("COMMIT");
            }
            // One more transaction left open with frames written but not committed.
            w.db().exec("BEGIN IMMEDIATE");
            w.db().exec("INSERT INTO t(id, v) VALUES (-1, 'uncommitted')");
        } catch (...) {
            ::_exit(3);
        }
        ::kill(::getpid(), SIGKILL);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(count_rows(opts) == committed);
}

TEST_CASE("under a deferral a COMMIT owes its log sync, and other connections read the commit at once", "[vfs]") {
    temp_dir dir;
    const auto opts = db_in(dir, true);
    storage::connection w{opts, storage::access::read_write};
    storage::connection r{opts, storage::access::read_only};
    w.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");  // the log's first sync: SQLite's own
    auto commit_one = [&](int id) {
        w.db().exec("BEGIN IMMEDIATE");
        w.db().exec("INSERT INTO t(id, v) VALUES (" + std::to_string(id) + ", 'x')");
        w.db().exec("COMMIT");
    };
    {
        storage::deferred_wal_sync deferral;
        commit_one(1);
        REQUIRE(deferral.owed() >= 0);
        CHECK(count_rows(opts) == 1);
        CHECK(storage::sync_owed_wal(deferral.owed()) == 0);
    }
    {
        storage::deferred_wal_sync deferral;
        {
            const storage::real_wal_syncs real;  // e.g. a checkpoint inside the COMMIT
            commit_one(2);
        }
        CHECK(deferral.owed() == -1);
        // A log started over: its header's sync is SQLite's own, the commit's own sync is owed again.
        w.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
        commit_one(3);
        CHECK(deferral.owed() >= 0);
    }
    {
        storage::deferred_wal_sync outer;
        commit_one(4);
        CHECK(outer.owed() >= 0);
    }
    commit_one(5);  // no deferral: nothing owed anywhere, SQLite syncs as always
    auto seen = r.prepare("SELECT COUNT(*) FROM t");
    REQUIRE(seen.executeStep());
    CHECK(seen.getColumn(0).getInt() == 5);
}
