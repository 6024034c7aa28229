// Tests of the single writer: group commit, per-command rollback, completion once, run() and stop().
#include "storage/writer.hpp"

#include <catch2/catch.hpp>

#include "storage/store.hpp"
#include "storage/wal_batching_vfs.hpp"
#include "temp_db.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace storage = seminard::storage;
namespace domain = seminard::domain;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

/// A command that stores one setting.
auto put(std::string key) {
    return [key = std::move(key)](storage::connection& c) -> domain::result<domain::done> {
        storage::put_setting(c, key, "v");
        return domain::done{};
    };
}

/// Creates the table the checkpoint tests fill, and adds one row of a fresh 4 KiB value (a page of log each).
domain::result<int> blob_table(storage::connection& c) {
    c.db().exec("CREATE TABLE blobs (b BLOB)");
    return 0;
}
domain::result<int> add_blob(storage::connection& c) {
    c.db().exec("INSERT INTO blobs VALUES (randomblob(4000))");
    return 0;
}

/// Keeps the writer thread busy inside a command until released, so that what is submitted meanwhile
/// queues up and forms the next batch.
class blocker {
public:
    void submit_to(storage::writer& w) {
        w.submit<domain::done>(
            [this](storage::connection&) -> domain::result<domain::done> {
                running_.set_value();
                release_.get_future().wait();
                return domain::done{};
            },
            [](domain::result<domain::done>) {});
        running_.get_future().wait();
    }
    void release() { release_.set_value(); }

private:
    std::promise<void> running_;
    std::promise<void> release_;
};

/// Counts completions and lets the test wait for a number of them.
class completions {
public:
    void add() {
        std::lock_guard lock(m_);
        ++n_;
        cv_.notify_all();
    }
    bool wait_for(int n, std::chrono::seconds timeout = std::chrono::seconds{15}) {
        std::unique_lock lock(m_);
        return cv_.wait_for(lock, timeout, [&] { return n_ >= n; });
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    int n_ = 0;
};

}  // namespace

TEST_CASE("run() returns after the commit: a fresh reader sees the change", "[writer]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    const auto generation_before = w.generation();

    auto r = w.run<domain::done>(put("run-key"));
    REQUIRE(r.ok());
    CHECK(w.generation() == generation_before + 1);
    storage::connection reader(opts, storage::access::read_only);
    CHECK(storage::get_setting(reader, "run-key") == "v");
}

TEST_CASE("the writer migrates the schema on construction", "[writer]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    storage::connection reader(opts, storage::access::read_only);
    SQLite::Statement q(reader.db(), "SELECT MAX(version) FROM schema_version");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getInt() == storage::latest_schema_version());
}

TEST_CASE("a writer refuses a database whose schema is newer than this build", "[writer][migrate]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    {
        storage::connection c(opts, storage::access::read_write);
        storage::migrate(c);
        c.db().exec("INSERT INTO schema_version(version) VALUES (" +
                    std::to_string(storage::latest_schema_version() + 1) + ")");
    }
    CHECK_THROWS_AS(storage::writer(opts), std::runtime_error);
}

TEST_CASE("a slow completion does not hold up the writer, and completions keep commit order", "[writer]") {
    temp_dir dir;
    storage::writer w(db_in(dir, false));
    std::promise<void> first_completing, release_first, second_ran;
    std::vector<std::string> order;  // written by the completion thread only, read after both completed
    std::thread::id op_thread, completion_thread;
    std::promise<void> both_done;

    w.submit<domain::done>(
        [&](storage::connection& c) {
            op_thread = std::this_thread::get_id();
            return put("first")(c);
        },
        [&](domain::result<domain::done> r) {
            completion_thread = std::this_thread::get_id();
            first_completing.set_value();
            release_first.get_future().wait_for(std::chrono::seconds{10});
            order.push_back(r ? "first" : "first failed");
        });
    REQUIRE(first_completing.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    // The first completion is still running: the writer must take, run and commit the next command meanwhile.
    w.submit<domain::done>(
        [&](storage::connection& c) {
            second_ran.set_value();
            return put("second")(c);
        },
        [&](domain::result<domain::done> r) {
            order.push_back(r ? "second" : "second failed");
            both_done.set_value();
        });
    CHECK(second_ran.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    release_first.set_value();
    REQUIRE(both_done.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    CHECK(order == std::vector<std::string>{"first", "second"});
    CHECK(completion_thread != op_thread);
    CHECK(completion_thread != std::this_thread::get_id());
}

TEST_CASE("many threads submitting at once: every completion runs exactly once and commits are grouped",
          "[writer][concurrency]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    constexpr int threads = 8;
    constexpr int per_thread = 150;
    constexpr int total = threads * per_thread;
    std::vector<std::atomic<int>> called(total);
    std::atomic<int> failed{0};
    completions done;

    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const int n = t * per_thread + i;
                w.submit<domain::done>(put("key-" + std::to_string(n)), [&, n](domain::result<domain::done> r) {
                    if (!r) failed.fetch_add(1);
                    called[static_cast<std::size_t>(n)].fetch_add(1);
                    done.add();
                });
            }
        });
    }
    for (auto& th : pool) th.join();
    REQUIRE(done.wait_for(total));
    // Give a (buggy) second completion the chance to show up.
    std::this_thread::sleep_for(std::chrono::milliseconds{50});

    int not_once = 0;
    for (auto& c : called)
        if (c.load() != 1) ++not_once;
    CHECK(not_once == 0);
    CHECK(failed.load() == 0);
    CHECK(w.commands() == static_cast<std::uint64_t>(total));
    CHECK(w.batches() >= 1);
    CHECK(w.batches() < w.commands());  // group commit happened

    storage::connection reader(opts, storage::access::read_only);
    SQLite::Statement q(reader.db(), "SELECT COUNT(*) FROM settings WHERE key != 'registration_code_key'");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getInt() == total);
}

TEST_CASE("a failing command rolls back only itself while the rest of its batch commits", "[writer]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    blocker b;
    b.submit_to(w);

    std::promise<domain::result<domain::done>> ok1, refused, threw, bad_sql, ok2;
    w.submit<domain::done>(put("ok-1"), [&](domain::result<domain::done> r) { ok1.set_value(std::move(r)); });
    w.submit<domain::done>(
        [](storage::connection& c) -> domain::result<domain::done> {
            storage::put_setting(c, "refused", "v");  // written, then refused: must leave no trace
            return domain::errc::full;
        },
        [&](domain::result<domain::done> r) { refused.set_value(std::move(r)); });
    w.submit<domain::done>(
        [](storage::connection& c) -> domain::result<domain::done> {
            storage::put_setting(c, "threw", "v");
            throw std::runtime_error("boom");
        },
        [&](domain::result<domain::done> r) { threw.set_value(std::move(r)); });
    w.submit<domain::done>(
        [](storage::connection& c) -> domain::result<domain::done> {
            storage::put_setting(c, "bad-sql", "v");
            c.db().exec("INSERT INTO no_such_table VALUES (1)");
            return domain::done{};
        },
        [&](domain::result<domain::done> r) { bad_sql.set_value(std::move(r)); });
    w.submit<domain::done>(put("ok-2"), [&](domain::result<domain::done> r) { ok2.set_value(std::move(r)); });
    const auto batches_before = w.batches();
    b.release();

    auto r_ok1 = ok1.get_future().get();
    auto r_refused = refused.get_future().get();
    auto r_threw = threw.get_future().get();
    auto r_bad_sql = bad_sql.get_future().get();
    auto r_ok2 = ok2.get_future().get();

    CHECK(r_ok1.ok());
    CHECK(r_ok2.ok());
    REQUIRE_FALSE(r_refused.ok());
    CHECK(r_refused.err().code == domain::errc::full);
    REQUIRE_FALSE(r_threw.ok());
    CHECK(r_threw.err().code == domain::errc::internal);
    CHECK(r_threw.err().detail == "boom");
    REQUIRE_FALSE(r_bad_sql.ok());
    CHECK(r_bad_sql.err().code == domain::errc::unavailable);

    // The blocker's batch plus exactly one batch for the five queued commands.
    CHECK(w.batches() == batches_before + 2);
    CHECK(w.commands() == 6);

    storage::connection reader(opts, storage::access::read_only);
    CHECK(storage::get_setting(reader, "ok-1") == "v");
    CHECK(storage::get_setting(reader, "ok-2") == "v");
    CHECK_FALSE(storage::get_setting(reader, "refused").has_value());
    CHECK_FALSE(storage::get_setting(reader, "threw").has_value());
    CHECK_FALSE(storage::get_setting(reader, "bad-sql").has_value());
}

TEST_CASE("when the COMMIT fails, every command of the batch hears unavailable and nothing is stored", "[writer]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    blocker b;
    b.submit_to(w);

    // A deferred foreign-key violation passes the command and its savepoint, and fails only at COMMIT.
    std::promise<domain::result<domain::done>> good, poison, refused;
    w.submit<domain::done>(put("good"), [&](domain::result<domain::done> r) { good.set_value(std::move(r)); });
    w.submit<domain::done>(
        [](storage::connection& c) -> domain::result<domain::done> {
            c.db().exec("PRAGMA defer_foreign_keys = ON");
            c.db().exec(
                "INSERT INTO dates(seminar_id, uid, timezone, capacity, waitlist, status, created_at, updated_at) "
                "VALUES (999, 'orphan@x', 'Europe/Berlin', 1, 0, 'scheduled', 0, 0)");
            return domain::done{};
        },
        [&](domain::result<domain::done> r) { poison.set_value(std::move(r)); });
    w.submit<domain::done>([](storage::connection&) -> domain::result<domain::done> { return domain::errc::full; },
                           [&](domain::result<domain::done> r) { refused.set_value(std::move(r)); });
    b.release();

    auto r_good = good.get_future().get();
    auto r_poison = poison.get_future().get();
    auto r_refused = refused.get_future().get();
    REQUIRE_FALSE(r_good.ok());
    CHECK(r_good.err().code == domain::errc::unavailable);
    REQUIRE_FALSE(r_poison.ok());
    CHECK(r_poison.err().code == domain::errc::unavailable);
    REQUIRE_FALSE(r_refused.ok());
    CHECK(r_refused.err().code == domain::errc::full);  // its own answer stands

    storage::connection reader(opts, storage::access::read_only);
    CHECK_FALSE(storage::get_setting(reader, "good").has_value());

    SECTION("and the writer goes on with the next batch") {
        CHECK(w.run<domain::done>(put("next")).ok());
        CHECK(storage::get_setting(reader, "next") == "v");
    }
}

TEST_CASE("a batch of only refused commands does not raise the generation", "[writer]") {
    temp_dir dir;
    storage::writer w(db_in(dir));
    const auto before = w.generation();
    auto r = w.run<domain::done>(
        [](storage::connection&) -> domain::result<domain::done> { return domain::errc::already_registered; });
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == domain::errc::already_registered);
    CHECK(w.generation() == before);
}

TEST_CASE("stop() commits what is queued and later submits get unavailable", "[writer]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    blocker b;
    b.submit_to(w);

    constexpr int queued = 20;
    std::vector<std::optional<domain::result<domain::done>>> results(queued);
    std::mutex m;
    for (int i = 0; i < queued; ++i) {
        w.submit<domain::done>(put("queued-" + std::to_string(i)), [&, i](domain::result<domain::done> r) {
            std::lock_guard lock(m);
            results[static_cast<std::size_t>(i)].emplace(std::move(r));
        });
    }
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
        b.release();
    });
    w.stop();  // returns once the queue is drained and the thread has ended
    releaser.join();

    for (int i = 0; i < queued; ++i) {
        INFO("job " << i);
        REQUIRE(results[static_cast<std::size_t>(i)].has_value());
        CHECK(results[static_cast<std::size_t>(i)]->ok());
    }
    storage::connection reader(opts, storage::access::read_only);
    CHECK(storage::get_setting(reader, "queued-0") == "v");
    CHECK(storage::get_setting(reader, "queued-19") == "v");

    SECTION("submit after stop completes at once with unavailable and runs nothing") {
        bool ran = false;
        std::optional<domain::result<domain::done>> late;
        w.submit<domain::done>(
            [&](storage::connection&) -> domain::result<domain::done> {
                ran = true;
                return domain::done{};
            },
            [&](domain::result<domain::done> r) { late.emplace(std::move(r)); });
        REQUIRE(late.has_value());
        REQUIRE_FALSE(late->ok());
        CHECK(late->err().code == domain::errc::unavailable);
        CHECK_FALSE(ran);
    }
    SECTION("run after stop returns unavailable instead of hanging") {
        auto r = w.run<domain::done>(put("too-late"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == domain::errc::unavailable);
        CHECK_FALSE(storage::get_setting(reader, "too-late").has_value());
    }
    SECTION("stop is idempotent") {
        w.stop();
        w.stop();
        CHECK(w.commands() == queued + 1);
    }
}

TEST_CASE("submits racing with stop() are each answered exactly once", "[writer][concurrency]") {
    temp_dir dir;
    const auto opts = db_in(dir, false);
    storage::writer w(opts);
    constexpr int threads = 4;
    constexpr int max_per_thread = 5000;
    std::atomic<int> committed{0}, unavailable{0}, other{0}, submitted{0};
    std::atomic<bool> go{false}, stopped{false};
    // One counter per job, per thread; each thread submits until stop() has returned, then ten more.
    std::vector<std::vector<std::shared_ptr<std::atomic<int>>>> calls(threads);

    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            while (!go.load()) std::this_thread::yield();
            auto submit_one = [&](int i) {
                auto counter = std::make_shared<std::atomic<int>>(0);
                calls[static_cast<std::size_t>(t)].push_back(counter);
                w.submit<domain::done>(put("race-" + std::to_string(t) + "-" + std::to_string(i)),
                                       [&, counter](domain::result<domain::done> r) {
                                           if (r.ok())
                                               committed.fetch_add(1);
                                           else if (r.err().code == domain::errc::unavailable)
                                               unavailable.fetch_add(1);
                                           else
                                               other.fetch_add(1);
                                           counter->fetch_add(1);
                                       });
                submitted.fetch_add(1);
            };
            int i = 0;
            while (i < max_per_thread && !stopped.load()) submit_one(i++);  // before and during stop()
            while (!stopped.load()) std::this_thread::yield();
            for (int k = 0; k < 10; ++k) submit_one(i++);  // after stop()
        });
    }
    go.store(true);
    // Submits under way before stop(), however slowly a loaded machine starts the threads: what is queued by then
    // must commit (under load this once failed with nothing submitted yet after 5 ms).
    while (submitted.load() < threads * 10) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
    w.stop();
    stopped.store(true);
    for (auto& th : pool) th.join();

    // stop() has returned and nobody submits any more: every completion must have run by now.
    std::size_t total = 0;
    int not_once = 0;
    for (const auto& per_thread : calls) {
        total += per_thread.size();
        for (const auto& c : per_thread)
            if (c->load() != 1) ++not_once;
    }
    CHECK(not_once == 0);
    CHECK(other.load() == 0);
    CHECK(static_cast<std::size_t>(committed.load() + unavailable.load()) == total);
    CHECK(unavailable.load() >= threads * 10);  // the submits after stop() at least
    CHECK(committed.load() > 0);
    // What was acknowledged is on disk; what was refused is not.
    storage::connection reader(opts, storage::access::read_only);
    SQLite::Statement q(reader.db(), "SELECT COUNT(*) FROM settings WHERE key != 'registration_code_key'");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getInt() == committed.load());
}

TEST_CASE("checkpoints run off the writer thread and keep the write-ahead log bounded", "[writer][checkpoint]") {
    temp_dir dir;
    auto opts = db_in(dir, false);
    storage::writer w{opts};
    // Each command writes a fresh 4 KiB value, so the log grows by at least a page per commit.
    REQUIRE(w.run<int>(blob_table).ok());
    for (int i = 0; i < 3 * storage::writer::wal_soft_limit / 2; ++i) {
        REQUIRE(w.run<int>(add_blob).ok());
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (w.checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    CHECK(w.checkpoints() > 0);
    // The pages reached the database file itself, not only the log: the checkpoints copied them there.
    const auto data_bytes = std::uintmax_t{3} * storage::writer::wal_soft_limit / 2 * 4000;
    const auto deadline2 = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (std::filesystem::file_size(opts.path) < data_bytes / 2 && std::chrono::steady_clock::now() < deadline2)
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    CHECK(std::filesystem::file_size(opts.path) >= data_bytes / 2);
}

TEST_CASE("under sustained load the write-ahead log stays bounded well below the data written",
          "[writer][checkpoint]") {
    temp_dir dir;
    auto opts = db_in(dir, false);
    storage::writer w{opts};
    REQUIRE(w.run<int>(blob_table).ok());
    // Waves of commands as a rush sends them: each adds a 4 KiB page; 30 times the checkpoint threshold in all, more
    // than twice the emergency limit.
    constexpr int waves = 150;
    constexpr int per_wave = storage::writer::wal_soft_limit / 5;
    const auto wal = std::filesystem::path{opts.path + "-wal"};
    std::uintmax_t largest_wal = 0;
    for (int wave = 0; wave < waves; ++wave) {
        std::vector<std::future<bool>> done;
        for (int i = 0; i < per_wave; ++i) {
            auto p = std::make_shared<std::promise<bool>>();
            done.push_back(p->get_future());
            w.submit<int>(add_blob, [p](domain::result<int> r) { p->set_value(r.ok()); });
        }
        for (auto& f : done) REQUIRE(f.get());
        largest_wal = std::max(largest_wal, std::filesystem::file_size(wal));
    }
    const std::uintmax_t written = std::uintmax_t{waves} * per_wave * 4096;
    INFO("largest WAL " << largest_wal << " bytes for " << written << " bytes written, " << w.checkpoints()
                        << " checkpoints");
    CHECK(w.checkpoints() >= 5);
    // Nor one per commit: the checkpoint thread waits for a soft limit's worth of new pages, and the writer's own
    // checkpoint runs once per hard limit. (Waking for every commit past the soft limit made well over a hundred.)
    constexpr int pages = waves * per_wave;
    CHECK(w.checkpoints() <= 2 * (pages / storage::writer::wal_soft_limit + pages / storage::writer::wal_hard_limit));
    // Without checkpoints the log would hold every page written (a frame is a 4 KiB page and a 24-byte header).
    // With them it is reused from its start, usually once it passes the hard limit, at the latest at the emergency
    // limit (the checkpoint thread copying whenever the writer tries): never more than that plus the batch that
    // crossed it (a wave, and a few interior pages of the table).
    constexpr std::uintmax_t frame = 4096 + 24;
    CHECK(largest_wal <= (storage::writer::wal_emergency_limit + per_wave + 100) * frame);
    CHECK(largest_wal < written / 2);
}

TEST_CASE("a chore runs on the writer every interval, in a transaction, and a failing one rolls back alone") {
    temp_dir dir;
    storage::writer w{db_in(dir, false)};
    std::atomic<int> runs{0};
    std::atomic<int> failures{0};
    w.every(std::chrono::milliseconds{20}, [&runs](storage::connection& c) {
        storage::put_setting(c, "chore_runs", std::to_string(++runs));
        return true;
    });
    w.every(std::chrono::milliseconds{20}, [&failures](storage::connection& c) -> bool {
        ++failures;
        storage::put_setting(c, "chore_failed", "written before the throw");
        throw std::runtime_error("chore failed");
    });
    for (int i = 0; i < 500 && (runs < 3 || failures < 3); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    CHECK(runs >= 3);
    CHECK(failures >= 3);
    // Commands still go through while chores are due, and see the chores' work.
    auto seen =
        w.run<std::optional<std::string>>([](storage::connection& c) -> domain::result<std::optional<std::string>> {
            return storage::get_setting(c, "chore_runs");
        });
    REQUIRE(seen);
    CHECK_FALSE(seen->value_or("").empty());
    auto failed =
        w.run<std::optional<std::string>>([](storage::connection& c) -> domain::result<std::optional<std::string>> {
            return storage::get_setting(c, "chore_failed");
        });
    REQUIRE(failed);
    CHECK_FALSE(failed->has_value());
    w.stop();
    const int after_stop = runs;
    std::this_thread::sleep_for(std::chrono::milliseconds{60});
    CHECK(runs == after_stop);
}

TEST_CASE("a commit is acknowledged only after its log sync, which the next batch does not wait for",
          "[writer][durability]") {
    temp_dir dir;
    auto opts = db_in(dir);
    // A slow disk: the first sync that matters blocks until the test releases it.
    std::promise<void> syncing, release_sync;
    auto release = release_sync.get_future().share();
    std::atomic<int> syncs{0};
    std::atomic<bool> blocking{false};
    opts.sync_log = [&](int fd) {
        ++syncs;
        if (blocking.exchange(false)) {
            syncing.set_value();
            release.wait();
        }
        return storage::sync_owed_wal(fd);
    };
    storage::writer w(opts);
    REQUIRE(w.run<domain::done>(put("warm-up")).ok());  // the log's first sync is SQLite's own
    const int syncs_before = syncs.load();

    blocking = true;
    std::promise<bool> first_done;
    w.submit<domain::done>(put("first"), [&](domain::result<domain::done> r) { first_done.set_value(r.ok()); });
    REQUIRE(syncing.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    auto first = first_done.get_future();
    // Committed and readable by others, but not yet on disk: nobody has been told.
    {
        storage::connection reader(opts, storage::access::read_only);
        CHECK(storage::get_setting(reader, "first") == "v");
    }
    CHECK(first.wait_for(std::chrono::milliseconds{200}) == std::future_status::timeout);
    // The writer goes on meanwhile: the next command runs while the first batch's sync is still under way.
    std::promise<void> second_ran;
    std::promise<bool> second_done;
    w.submit<domain::done>(
        [&](storage::connection& c) {
            second_ran.set_value();
            return put("second")(c);
        },
        [&](domain::result<domain::done> r) { second_done.set_value(r.ok()); });
    CHECK(second_ran.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    auto second = second_done.get_future();
    CHECK(second.wait_for(std::chrono::milliseconds{100}) == std::future_status::timeout);

    release_sync.set_value();
    REQUIRE(first.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    CHECK(first.get());
    REQUIRE(second.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
    CHECK(second.get());
    CHECK(syncs.load() > syncs_before);
}

TEST_CASE("a failed log sync: its commands hear unavailable, nothing more is written, health says why",
          "[writer][durability]") {
    temp_dir dir;
    auto opts = db_in(dir);
    std::atomic<bool> fail{false};
    opts.sync_log = [&](int fd) { return fail ? EIO : storage::sync_owed_wal(fd); };
    storage::writer w(opts);
    REQUIRE(w.run<domain::done>(put("before")).ok());
    REQUIRE(w.health().ok);

    fail = true;
    auto lost = w.run<domain::done>(put("lost"));
    REQUIRE_FALSE(lost.ok());
    CHECK(lost.err().code == domain::errc::unavailable);
    CHECK_FALSE(w.health().ok);
    CHECK(w.health().reason.find("fsync") != std::string::npos);

    // Even with the disk well again, nothing is run or acknowledged until a restart recovers the log.
    fail = false;
    std::atomic<bool> ran{false};
    auto after = w.run<domain::done>([&](storage::connection& c) {
        ran = true;
        return put("after")(c);
    });
    CHECK_FALSE(after.ok());
    CHECK_FALSE(ran.load());
    w.probe();
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    CHECK_FALSE(w.health().ok);
    w.stop();
    storage::connection reader(opts, storage::access::read_only);
    CHECK(storage::get_setting(reader, "before") == "v");
    CHECK_FALSE(storage::get_setting(reader, "after").has_value());
}
