// A thin SQLite VFS over the default one that writes a transaction's WAL frames in a few large writes instead of two
// per page (SQLite appends each frame as a 24-byte header, then the page): a group commit makes a few system calls
// instead of hundreds (docs/performance.md).
#pragma once

namespace seminard::storage {

/// Registers the VFS (once; thread-safe) and returns its name, for sqlite3_open_v2. Only writes to WAL files are
/// changed: contiguous appends are held in memory and written, in pieces of 124 KiB, before anything that could
/// observe or must order them: xSync (so a COMMIT under synchronous=FULL is on disk exactly as before), any read, size
/// query, truncate, file control, close, a write elsewhere in the file, or once 4 MiB are held. Everything else is the
/// default VFS. Use it only where the WAL is synced at every COMMIT (synchronous=FULL): other connections learn of new
/// frames through the wal-index, which SQLite updates after that sync.
const char* wal_batching_vfs_name();

/// While one is alive on a thread, a WAL commit sync that SQLite asks for on that thread is owed instead of done: the
/// frames are written (other connections may read them) but not yet fsynced, and `owed()` names the descriptor to
/// sync with `sync_owed_wal` before anyone is told that the commit happened. So the writer can begin its next
/// transaction while another thread waits for the disk. The sync of a new log's header is never deferred. Only for
/// files of this VFS; nests, restoring the previous state.
class deferred_wal_sync {
public:
    deferred_wal_sync() noexcept;
    ~deferred_wal_sync();
    deferred_wal_sync(const deferred_wal_sync&) = delete;
    deferred_wal_sync& operator=(const deferred_wal_sync&) = delete;

    /// The WAL descriptor to sync, or -1 when no sync is owed.
    int owed() const noexcept { return owed_fd_; }
    void owe(int fd) noexcept { owed_fd_ = fd; }

private:
    deferred_wal_sync* previous_;
    int owed_fd_ = -1;
};

/// Lifts a deferral for a scope: a checkpoint run inside a COMMIT must sync the log for real before it copies pages.
class real_wal_syncs {
public:
    real_wal_syncs() noexcept;
    ~real_wal_syncs();
    real_wal_syncs(const real_wal_syncs&) = delete;
    real_wal_syncs& operator=(const real_wal_syncs&) = delete;

private:
    deferred_wal_sync* previous_;
};

/// fdatasync of an owed WAL: 0, or the errno of the failure.
int sync_owed_wal(int fd) noexcept;

}  // namespace seminard::storage
