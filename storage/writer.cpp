// The single writer with group commit (see writer.hpp).
#include "writer.hpp"

#include <pthread.h>

#include "wal_batching_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace seminard::storage {

namespace {
/// Upper bound of one batch, so that one huge burst does not delay its first answers for long.
constexpr std::size_t max_batch = 1024;
}  // namespace

writer::writer(const db_options& options)
    : conn_(std::make_unique<connection>(options, access::read_write)),
      sync_log_(options.sync_log ? options.sync_log : [](int fd) { return sync_owed_wal(fd); }) {
    migrate(*conn_);
    checkpoint_conn_ = std::make_unique<connection>(options, access::read_write);
    // Replaces SQLite's automatic checkpoint (which would run inside our COMMIT) with the hook below.
    sqlite3_wal_hook(conn_->db().getHandle(), &writer::on_wal_commit, this);
    checkpoint_thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "sd-checkpoint");
        checkpoint_loop();
    });
    completion_thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "sd-completion");
        completion_loop();
    });
    running_ = true;
    thread_ = std::thread([this] {
        ::pthread_setname_np(::pthread_self(), "sd-writer");
        loop();
    });
}

int writer::on_wal_commit(void* self, sqlite3* db, const char* name, int pages) {
    auto* w = static_cast<writer*>(self);
    if (pages < w->wal_pages_.exchange(pages, std::memory_order_relaxed))
        w->wal_restarts_.fetch_add(1, std::memory_order_relaxed);
    if (pages >= wal_hard_limit) {
        // While the checkpoint thread copies, the writer goes on (waiting for it would hold every registration up
        // for the length of a checkpoint); only a log past the emergency limit makes it wait its turn.
        std::unique_lock run{w->checkpoint_run_mutex_, std::defer_lock};
        if (pages >= wal_emergency_limit)
            run.lock();
        else if (!run.try_lock())
            return SQLITE_OK;
        const real_wal_syncs real;  // inside the writer's COMMIT, whose own sync is deferred
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        w->checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } else if (pages >= wal_soft_limit) {
        w->checkpoint_wake_.notify_one();
    }
    return SQLITE_OK;
}

void writer::checkpoint_loop() {
    // The log's size after the last checkpoint. Under a steady stream of commits a checkpoint never catches up fully
    // (new frames arrive while it copies), so the log does not start over and stays past the soft limit. Waking for
    // every commit then meant a checkpoint for a few new frames each time, with two fsyncs that the writer's fsync
    // queued behind; now each one waits until wal_soft_limit new pages have come in.
    int log_at_last = 0;
    std::uint64_t restarts_seen = 0;
    auto due = [this, &log_at_last, &restarts_seen] {
        if (const auto restarts = wal_restarts_.load(std::memory_order_relaxed); restarts != restarts_seen) {
            restarts_seen = restarts;  // the log started over since: its pages are all new
            log_at_last = 0;
        }
        if (truncate_wanted_.load(std::memory_order_acquire)) return true;
        const int pages = wal_pages_.load(std::memory_order_relaxed);
        return pages >= wal_soft_limit && pages - log_at_last >= wal_soft_limit;
    };
    for (;;) {
        {
            std::unique_lock lock(checkpoint_mutex_);
            checkpoint_wake_.wait_for(
                lock, std::chrono::seconds{1}, [this, &due] { return checkpoint_stopping_ || due(); });
            if (checkpoint_stopping_) return;
            if (!due()) continue;
        }
        // PASSIVE: copies what no reader still needs, never blocks the writer or readers. TRUNCATE (asked for after
        // an erasure) waits for both, copies everything and leaves a log of zero bytes.
        const bool truncate = truncate_wanted_.exchange(false, std::memory_order_acq_rel);
        int log_frames = 0;
        int rc = 0;
        {
            std::lock_guard run{checkpoint_run_mutex_};
            rc = sqlite3_wal_checkpoint_v2(checkpoint_conn_->db().getHandle(),
                                           nullptr,
                                           truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
                                           &log_frames,
                                           nullptr);
        }
        if (truncate) {
            if (rc == SQLITE_OK)
                log_truncations_.fetch_add(1, std::memory_order_relaxed);
            else {
                truncate_wanted_.store(true, std::memory_order_release);  // again in a second
                std::unique_lock lock(checkpoint_mutex_);
                checkpoint_wake_.wait_for(lock, std::chrono::seconds{1}, [this] { return checkpoint_stopping_; });
            }
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            std::fprintf(stderr, "level=warn msg=\"checkpoint failed\" error=\"%s\"\n", sqlite3_errstr(rc));
        checkpoints_.fetch_add(1, std::memory_order_relaxed);
        log_at_last = std::max(log_frames, 0);
    }
}

void writer::truncate_log_soon() {
    truncate_wanted_.store(true, std::memory_order_release);
    checkpoint_wake_.notify_one();
}

writer::~writer() { stop(); }

void writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(completion_mutex_);
        completion_stopping_ = true;  // after the last batch: what was handed over is completed, then it ends
    }
    completion_wake_.notify_all();
    if (completion_thread_.joinable()) completion_thread_.join();
    {
        std::lock_guard lock(checkpoint_mutex_);
        checkpoint_stopping_ = true;
    }
    checkpoint_wake_.notify_all();
    if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
    // Whatever arrived after the thread ended is answered, never dropped silently.
    std::deque<job> rest;
    {
        std::lock_guard lock(mutex_);
        running_ = false;
        rest.swap(queue_);
    }
    for (auto& j : rest) j.finish(false);
}

void writer::enqueue(job j) {
    {
        std::lock_guard lock(mutex_);
        if (running_) {
            queue_.push_back(std::move(j));
            wake_.notify_one();
            return;
        }
    }
    j.finish(false);
}

void writer::every(std::chrono::milliseconds interval, std::function<bool(connection&)> chore_fn) {
    {
        std::lock_guard lock(mutex_);
        chores_.push_back(chore{interval, std::chrono::steady_clock::now() + interval, std::move(chore_fn)});
    }
    wake_.notify_one();  // the thread may be asleep without a deadline
}

std::chrono::steady_clock::time_point writer::take_due_chores(std::deque<job>& batch) {
    const auto now = std::chrono::steady_clock::now();
    auto next = std::chrono::steady_clock::time_point::max();
    for (auto& c : chores_) {
        if (c.due <= now) {
            c.due = now + c.interval;
            job j;
            j.run = [run = c.run](connection& conn) {
                try {
                    return command_outcome{run(conn), {}};
                } catch (const SQLite::Exception& e) {
                    std::fprintf(stderr, "level=warn msg=\"writer chore failed\" error=\"%s\"\n", e.what());
                    return command_outcome{false, e.what()};
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "level=warn msg=\"writer chore failed\" error=\"%s\"\n", e.what());
                    return command_outcome{false, {}};
                }
            };
            j.finish = [](bool) {};
            batch.push_back(std::move(j));
        }
        next = std::min(next, c.due);
    }
    return next;
}

void writer::loop() {
    std::deque<job> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            auto work = [this] { return stopping_ || !queue_.empty(); };
            // Without chores the thread sleeps until work comes; with them, at most until the next one is due.
            for (auto due = take_due_chores(batch); batch.empty() && !work(); due = take_due_chores(batch)) {
                if (due == std::chrono::steady_clock::time_point::max())
                    wake_.wait(lock);
                else
                    wake_.wait_until(lock, due);
            }
            if (batch.empty() && queue_.empty()) return;  // stopping and drained
            while (!queue_.empty() && batch.size() < max_batch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        int owed_sync = -1;
        // After a failed fsync nothing more is written: the log must be recovered first.
        const bool committed = !sync_failed_.load(std::memory_order_acquire) && commit_batch(batch, owed_sync);
        {
            std::lock_guard lock(completion_mutex_);
            completions_.push_back(finished_batch{std::move(batch), committed, owed_sync});
        }
        completion_wake_.notify_one();
        batch.clear();  // moved from: a valid empty deque again
    }
}

void writer::completion_loop() {
    std::deque<finished_batch> ready;
    for (;;) {
        {
            std::unique_lock lock(completion_mutex_);
            completion_wake_.wait(lock, [this] { return completion_stopping_ || !completions_.empty(); });
            if (completions_.empty()) return;  // stopping and drained
            ready.swap(completions_);
        }
        complete(ready);
        ready.clear();
    }
}

void writer::complete(std::deque<finished_batch>& ready) {
    // One fsync covers every batch written before it: the batches that piled up while the last one ran share it.
    int owed = -1;
    for (const auto& b : ready)
        if (b.owed_sync >= 0) owed = b.owed_sync;
    if (owed >= 0 && !sync_failed_.load(std::memory_order_acquire)) {
        if (const int err = sync_log_(owed); err != 0) {
            std::fprintf(stderr,
                         "level=error msg=\"the database log could not be synced: no write is acknowledged until "
                         "seminard is restarted\" error=\"%s\"\n",
                         std::strerror(err));
            sync_failed_.store(true, std::memory_order_release);
            set_health(false, std::string{"fsync of the database log failed: "} + std::strerror(err));
        }
    }
    const bool lost = sync_failed_.load(std::memory_order_acquire);
    for (auto& b : ready)
        for (auto& j : b.jobs) j.finish(b.committed && !lost);
}

bool writer::commit_batch(std::deque<job>& batch, int& owed_sync) {
    auto& db = conn_->db();
    try {
        conn_->prepare("BEGIN IMMEDIATE").exec();
    } catch (const SQLite::Exception& e) {
        std::fprintf(stderr, "level=error msg=\"cannot begin write transaction\" error=\"%s\"\n", e.what());
        set_health(false, e.what());
        return false;
    }
    bool changed = false;
    std::string storage_error;
    try {
        for (auto& j : batch) {
            conn_->prepare("SAVEPOINT command").exec();
            auto outcome = j.run(*conn_);
            if (outcome.changed) {
                changed = true;
            } else {
                // A refused or failed command leaves no trace; the rest of the batch goes on.
                conn_->prepare("ROLLBACK TO command").exec();
                conn_->forget_cached_rows();  // what the command read may be undone now
                if (!outcome.storage_error.empty()) storage_error = std::move(outcome.storage_error);
            }
            conn_->prepare("RELEASE command").exec();
        }
        // The COMMIT writes the log; its fsync is left to the completion thread, so the next batch can begin.
        deferred_wal_sync deferral;
        conn_->prepare("COMMIT").exec();
        owed_sync = deferral.owed();
    } catch (const SQLite::Exception& e) {
        std::fprintf(stderr, "level=error msg=\"write batch failed\" error=\"%s\"\n", e.what());
        if (db.getHandle() && !sqlite3_get_autocommit(db.getHandle())) {
            try {
                db.exec("ROLLBACK");
            } catch (const SQLite::Exception&) {
            }
        }
        set_health(false, e.what());
        return false;
    }
    batches_.fetch_add(1, std::memory_order_relaxed);
    commands_.fetch_add(batch.size(), std::memory_order_relaxed);
    if (changed) {
        generation_.fetch_add(1, std::memory_order_acq_rel);
        set_health(true, {});
    } else if (!storage_error.empty()) {
        set_health(false, storage_error);
    }
    return true;
}

void writer::set_health(bool ok, std::string reason) {
    std::lock_guard lock(health_mutex_);
    if (ok && sync_failed_.load(std::memory_order_acquire)) return;  // only a restart heals that
    if (ok == health_.ok && (ok || reason == health_.reason)) return;
    if (ok) std::fprintf(stderr, "level=info msg=\"the database takes writes again\"\n");
    health_ = {ok, std::move(reason)};
}

writer::health_report writer::health() const {
    std::lock_guard lock(health_mutex_);
    return health_;
}

void writer::probe() {
    if (health().ok || probing_.exchange(true)) return;
    submit<bool>(
        [](connection& c) -> domain::result<bool> {
            // A real write, so that a full disk shows too (an empty transaction commits without writing).
            auto q = c.prepare(
                "INSERT INTO settings(key, value) VALUES ('writer_probe', strftime('%s', 'now')) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            q.exec();
            return true;
        },
        [this](const domain::result<bool>&) { probing_ = false; });
}

}  // namespace seminard::storage
