// The single writer: one thread owns the only read-write connection and commits queued commands in groups.
#pragma once

#include "connection.hpp"
#include "domain/result.hpp"

#include <SQLiteCpp/Exception.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace seminard::storage {

/// Every change to the database goes through here. Commands queue up from any thread; the writer thread takes
/// all that are waiting, runs each in its own SAVEPOINT inside one `BEGIN IMMEDIATE` transaction, COMMITs once,
/// and only then completes each command (group commit), on a thread of its own. So:
///  - seat checks and inserts are serialised: nobody can oversell, whatever the number of IO threads;
///  - a command's completion means its change is on disk (fsynced with synchronous=FULL);
///  - one fsync serves a whole batch, which is what keeps registrations fast under load.
/// Thread-safe: submit() from any thread. Completions run one after the other in commit order on the writer's
/// completion thread, and must be short (post away).
class writer {
public:
    explicit writer(const db_options& options);
    ~writer();
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;

    /// Queues `op` (domain::result<T>(connection&)); `done(domain::result<T>)` runs after the batch committed,
    /// or with errc::unavailable when it could not be committed. After stop(), `done` gets errc::unavailable.
    template <class T, class Op, class Done>
    void submit(Op op, Done done) {
        auto slot = std::make_shared<std::optional<domain::result<T>>>();
        job j;
        j.run = [op = std::move(op), slot](connection& c) mutable {
            try {
                slot->emplace(op(c));
            } catch (const SQLite::Exception& e) {
                slot->emplace(domain::error{domain::errc::unavailable, e.what()});
                return command_outcome{false, e.what()};
            } catch (const std::exception& e) {
                slot->emplace(domain::error{domain::errc::internal, e.what()});
            } catch (...) {
                slot->emplace(domain::error{domain::errc::internal, "unknown exception"});
            }
            return command_outcome{slot->value().ok(), {}};
        };
        j.finish = [slot, done = std::move(done)](bool committed) mutable {
            if (!slot->has_value()) {
                done(domain::result<T>{domain::errc::unavailable});
            } else if (!committed && slot->value().ok()) {
                done(domain::result<T>{domain::errc::unavailable});
            } else {
                done(std::move(**slot));
            }
        };
        enqueue(std::move(j));
    }

    /// Runs `op` and waits for its commit. For start-up work (seeding, settings), never on an IO thread.
    template <class T, class Op>
    domain::result<T> run(Op op) {
        std::promise<domain::result<T>> p;
        auto f = p.get_future();
        submit<T>(std::move(op), [&p](domain::result<T> r) { p.set_value(std::move(r)); });
        return f.get();
    }

    /// Whether the database takes writes: false from a failed commit attempt (or a command the database refused with
    /// an error: disk full, lock held by another process, …) until a commit succeeds again. Thread-safe.
    struct health_report {
        bool ok = true;
        std::string reason;  ///< SQLite's message of the last failure, when not ok
    };
    health_report health() const;
    /// While unhealthy: queues one small write (at most one at a time), so that recovery shows even when nobody
    /// else writes. Does nothing while healthy.
    void probe();

    /// Housekeeping: runs `chore` on the writer thread every `interval` (the first time one interval from now), in
    /// the next batch's transaction like any command; it returns whether it changed anything. A throw rolls only the
    /// chore back. For bounded work (purging expired rows), so that it never holds a batch up for long. Thread-safe;
    /// whatever `chore` uses must live until stop().
    void every(std::chrono::milliseconds interval, std::function<bool(connection&)> chore);

    /// Rises after every commit; readers use it to know that cached representations are stale.
    std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

    /// Commits what is queued, then ends the thread. Idempotent.
    void stop();

    /// Batches committed and commands run so far (for the benchmark's report).
    std::uint64_t batches() const noexcept { return batches_.load(std::memory_order_relaxed); }
    std::uint64_t commands() const noexcept { return commands_.load(std::memory_order_relaxed); }

    /// WAL checkpoints run on their own thread and connection, so the writer rarely stops to copy pages into the
    /// database file (or waits for that fsync). The checkpoint thread copies once the log holds `wal_soft_limit`
    /// pages, and again each time as many new pages have come in. The log is reused from its start only when a
    /// write transaction begins after a checkpoint copied every frame; under a steady stream of commits the
    /// checkpoint thread rarely catches up, and the log would grow. So past `wal_hard_limit` pages the writer
    /// checkpoints itself after its commit (only the pages since the thread's last checkpoint are left to copy; if
    /// the thread is copying just then, the writer tries again after its next commit), and the next transaction
    /// starts the log over. A reader pinning old pages is
    /// the only thing that can hold it longer.
    static constexpr int wal_soft_limit = 1000;
    static constexpr int wal_hard_limit = 4 * wal_soft_limit;
    /// Past this the writer waits for a checkpoint in progress instead of trying again after its next commit: the
    /// bound of the log even when the checkpoint thread never gets ahead (a machine short of CPU).
    static constexpr int wal_emergency_limit = 2 * wal_hard_limit;
    std::uint64_t checkpoints() const noexcept { return checkpoints_.load(std::memory_order_relaxed); }

    /// Asks the checkpoint thread to copy the whole log into the database file and truncate it to zero bytes, so
    /// that old page versions (erased personal data) leave the files. Tried every second until it succeeds (it
    /// waits for readers on older snapshots); the writer waits meanwhile, so only for rare commands.
    void truncate_log_soon();
    /// Truncations done so far (tests wait for one).
    std::uint64_t log_truncations() const noexcept { return log_truncations_.load(std::memory_order_relaxed); }

private:
    /// What running a command did: changed the database, or not; `storage_error` says the database itself failed
    /// (as opposed to a refusal such as "full").
    struct command_outcome {
        bool changed = false;
        std::string storage_error;
    };
    struct job {
        std::function<command_outcome(connection&)> run;
        std::function<void(bool committed)> finish;
    };

    /// A committed (or failed) batch whose commands have not heard so yet.
    struct finished_batch {
        std::deque<job> jobs;
        bool committed;
        int owed_sync = -1;  ///< the WAL to fsync before anyone hears of the commit (see deferred_wal_sync)
    };

    struct chore {
        std::chrono::milliseconds interval;
        std::chrono::steady_clock::time_point due;
        std::function<bool(connection&)> run;
    };

    void enqueue(job j);
    /// Moves the chores that are due into `batch` and returns when the next one is due. Under mutex_.
    std::chrono::steady_clock::time_point take_due_chores(std::deque<job>& batch);
    void loop();
    void completion_loop();
    void set_health(bool ok, std::string reason);
    /// Runs and commits the batch; true when it committed. `owed_sync` is the WAL that still needs its fsync.
    bool commit_batch(std::deque<job>& batch, int& owed_sync);
    /// Tells the jobs of `ready` how their batches ended, after the one fsync that makes them all durable.
    void complete(std::deque<finished_batch>& ready);
    void checkpoint_loop();
    static int on_wal_commit(void* self, struct sqlite3* db, const char* name, int pages);

    std::unique_ptr<connection> conn_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> queue_;
    std::vector<chore> chores_;  ///< guarded by mutex_
    bool stopping_ = false;
    bool running_ = false;  ///< the thread takes jobs; guarded by mutex_
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::uint64_t> batches_{0};
    std::atomic<std::uint64_t> commands_{0};
    mutable std::mutex health_mutex_;
    health_report health_;
    std::atomic<bool> probing_{false};
    std::thread thread_;

    /// Completions run on a thread of their own, in commit order: handing answers to the IO threads takes the
    /// scheduler's lock and often a wake-up per command, which on the writer's thread held up the next batch. The
    /// writer hands each batch over once and begins the next.
    std::mutex completion_mutex_;
    std::condition_variable completion_wake_;
    std::deque<finished_batch> completions_;
    bool completion_stopping_ = false;
    /// A deferred fsync failed: what was committed since may be lost, so nothing more is acknowledged or written
    /// until a restart recovers the log (the kernel may drop the pages of a failed fsync, and a later one succeed).
    std::atomic<bool> sync_failed_{false};
    std::function<int(int fd)> sync_log_;
    std::thread completion_thread_;

    std::unique_ptr<connection> checkpoint_conn_;
    std::mutex checkpoint_mutex_;
    std::condition_variable checkpoint_wake_;
    /// Held while a checkpoint copies: past the emergency limit the writer waits for the thread's run to end instead
    /// of finding the checkpoint lock taken and copying nothing (the log then grew without bound under CPU pressure).
    std::mutex checkpoint_run_mutex_;
    bool checkpoint_stopping_ = false;
    std::atomic<int> wal_pages_{0};               ///< the log's size after the last commit
    std::atomic<std::uint64_t> wal_restarts_{0};  ///< times the log started over (its size went down)
    std::atomic<std::uint64_t> checkpoints_{0};
    std::atomic<bool> truncate_wanted_{false};
    std::atomic<std::uint64_t> log_truncations_{0};
    std::thread checkpoint_thread_;
};

}  // namespace seminard::storage
