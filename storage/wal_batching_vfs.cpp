// The WAL-batching VFS (see wal_batching_vfs.hpp). A shim in the usual SQLite way: our sqlite3_file header first,
// the default VFS's file right behind it, every method forwarded, and only WAL writes held back.
#include "wal_batching_vfs.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <mutex>
#include <new>
#include <string>

namespace seminard::storage {

namespace {

constexpr const char* vfs_name = "seminard-wal-batching";
/// Held frames are written once this much has gathered, so that a huge transaction does not grow memory without
/// bound.
constexpr std::size_t max_pending_bytes = 4 << 20;
/// A WAL begins with a 32-byte header whose salts make older frames invalid: SQLite syncs it before the first frame
/// after the log starts over, and that sync is never deferred (a frame durable before its header could bring back
/// pages already checkpointed).
constexpr sqlite3_int64 wal_header_size = 32;

sqlite3_vfs* base_vfs = nullptr;  ///< the default VFS, set once at registration

struct batching_file {
    sqlite3_file header;         ///< pMethods points to `methods` below
    sqlite3_io_methods methods;  ///< a forwarding table with the real file's iVersion
    sqlite3_file* real;          ///< the default VFS's file, allocated right behind this struct
    bool is_wal;                 ///< only WAL files are batched
    std::string* pending;        ///< held bytes of one contiguous run (owned; nullptr when not a WAL)
    sqlite3_int64 pending_offset;
    int sync_fd;           ///< the WAL opened once more, for a sync owed to another thread; -1 when none
    bool header_unsynced;  ///< the WAL header was written since the last real sync (or the file never synced)
};

/// The deferral in force on this thread, if any.
thread_local deferred_wal_sync* current_deferral = nullptr;

constexpr std::size_t header_size =
    (sizeof(batching_file) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);

batching_file* self(sqlite3_file* f) { return reinterpret_cast<batching_file*>(f); }
const sqlite3_io_methods* real_methods(batching_file* b) { return b->real->pMethods; }

/// Writes the held run, if any, in as few calls as the default VFS takes: its unix write handles less than 128 KiB per
/// call (it masks the length with 0x1ffff), so the run goes in pieces of 124 KiB.
int flush(batching_file* b) {
    constexpr std::size_t max_piece = 124 * 1024;
    if (!b->pending || b->pending->empty()) return SQLITE_OK;
    const auto& run = *b->pending;
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < run.size() && rc == SQLITE_OK; done += max_piece) {
        const auto n = std::min(max_piece, run.size() - done);
        rc = real_methods(b)->xWrite(
            b->real, run.data() + done, static_cast<int>(n), b->pending_offset + static_cast<sqlite3_int64>(done));
    }
    b->pending->clear();
    return rc;
}

int x_close(sqlite3_file* f) {
    auto* b = self(f);
    int rc = flush(b);
    const int close_rc = real_methods(b)->xClose(b->real);
    delete b->pending;
    b->pending = nullptr;
    if (b->sync_fd >= 0) ::close(b->sync_fd);
    b->sync_fd = -1;
    return rc != SQLITE_OK ? rc : close_rc;
}

int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    auto* b = self(f);
    if (int rc = flush(b); rc != SQLITE_OK) return rc;
    return real_methods(b)->xRead(b->real, buf, n, off);
}

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    auto* b = self(f);
    if (!b->is_wal) return real_methods(b)->xWrite(b->real, buf, n, off);
    auto& run = *b->pending;
    if (!run.empty() && off != b->pending_offset + static_cast<sqlite3_int64>(run.size())) {
        if (int rc = flush(b); rc != SQLITE_OK) return rc;
    }
    if (off < wal_header_size) b->header_unsynced = true;
    if (run.empty()) b->pending_offset = off;
    run.append(static_cast<const char*>(buf), static_cast<std::size_t>(n));
    return run.size() >= max_pending_bytes ? flush(b) : SQLITE_OK;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    auto* b = self(f);
    if (int rc = flush(b); rc != SQLITE_OK) return rc;
    return real_methods(b)->xTruncate(b->real, size);
}

int x_sync(sqlite3_file* f, int flags) {
    auto* b = self(f);
    if (int rc = flush(b); rc != SQLITE_OK) return rc;
    if (b->is_wal && current_deferral && b->sync_fd >= 0 && !b->header_unsynced) {
        current_deferral->owe(b->sync_fd);
        return SQLITE_OK;
    }
    const int rc = real_methods(b)->xSync(b->real, flags);
    if (rc == SQLITE_OK) b->header_unsynced = false;
    return rc;
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    auto* b = self(f);
    if (int rc = flush(b); rc != SQLITE_OK) return rc;
    return real_methods(b)->xFileSize(b->real, size);
}

int x_lock(sqlite3_file* f, int level) { return real_methods(self(f))->xLock(self(f)->real, level); }
int x_unlock(sqlite3_file* f, int level) { return real_methods(self(f))->xUnlock(self(f)->real, level); }
int x_check_reserved_lock(sqlite3_file* f, int* out) {
    return real_methods(self(f))->xCheckReservedLock(self(f)->real, out);
}

int x_file_control(sqlite3_file* f, int op, void* arg) {
    auto* b = self(f);
    if (int rc = flush(b); rc != SQLITE_OK) return rc;
    return real_methods(b)->xFileControl(b->real, op, arg);
}

int x_sector_size(sqlite3_file* f) { return real_methods(self(f))->xSectorSize(self(f)->real); }
int x_device_characteristics(sqlite3_file* f) { return real_methods(self(f))->xDeviceCharacteristics(self(f)->real); }

int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return real_methods(self(f))->xShmMap(self(f)->real, region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real_methods(self(f))->xShmLock(self(f)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_methods(self(f))->xShmBarrier(self(f)->real); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
    return real_methods(self(f))->xShmUnmap(self(f)->real, delete_flag);
}

int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    auto* b = self(f);
    if (int rc = flush(b); rc != SQLITE_OK) return rc;
    return real_methods(b)->xFetch(b->real, off, n, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    return real_methods(self(f))->xUnfetch(self(f)->real, off, p);
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    auto* b = self(f);
    b->header.pMethods = nullptr;  // SQLite must not call xClose when the open fails
    b->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + header_size);
    b->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
    b->pending = nullptr;
    b->pending_offset = 0;
    b->sync_fd = -1;
    b->header_unsynced = true;  // the first sync is SQLite's own: it also syncs the directory of a new log
    const int rc = base_vfs->xOpen(base_vfs, name, b->real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    if (b->is_wal) {
        b->pending = new (std::nothrow) std::string;
        if (!b->pending) {
            b->real->pMethods->xClose(b->real);
            return SQLITE_NOMEM;
        }
        // Without it a deferral cannot be kept, and this file's syncs stay SQLite's own.
        b->sync_fd = ::open(name, O_RDONLY | O_CLOEXEC);
    }
    const int version = b->real->pMethods->iVersion;
    b->methods = sqlite3_io_methods{version,
                                    x_close,
                                    x_read,
                                    x_write,
                                    x_truncate,
                                    x_sync,
                                    x_file_size,
                                    x_lock,
                                    x_unlock,
                                    x_check_reserved_lock,
                                    x_file_control,
                                    x_sector_size,
                                    x_device_characteristics,
                                    version >= 2 ? x_shm_map : nullptr,
                                    version >= 2 ? x_shm_lock : nullptr,
                                    version >= 2 ? x_shm_barrier : nullptr,
                                    version >= 2 ? x_shm_unmap : nullptr,
                                    version >= 3 ? x_fetch : nullptr,
                                    version >= 3 ? x_unfetch : nullptr};
    b->header.pMethods = &b->methods;
    return SQLITE_OK;
}

// The rest of the VFS is the default one's, called with the default VFS itself (its functions may use pAppData).
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return base_vfs->xDelete(base_vfs, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return base_vfs->xAccess(base_vfs, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return base_vfs->xFullPathname(base_vfs, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return base_vfs->xDlOpen(base_vfs, name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { base_vfs->xDlError(base_vfs, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return base_vfs->xDlSym(base_vfs, handle, symbol);
}
void x_dl_close(sqlite3_vfs*, void* handle) { base_vfs->xDlClose(base_vfs, handle); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return base_vfs->xRandomness(base_vfs, n, out); }
int x_sleep(sqlite3_vfs*, int micros) { return base_vfs->xSleep(base_vfs, micros); }
int x_current_time(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
    return base_vfs->xGetLastError ? base_vfs->xGetLastError(base_vfs, n, out) : 0;
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return base_vfs->xCurrentTimeInt64(base_vfs, out); }

sqlite3_vfs batching_vfs{};

}  // namespace

deferred_wal_sync::deferred_wal_sync() noexcept : previous_(current_deferral) { current_deferral = this; }

deferred_wal_sync::~deferred_wal_sync() { current_deferral = previous_; }

real_wal_syncs::real_wal_syncs() noexcept : previous_(current_deferral) { current_deferral = nullptr; }

real_wal_syncs::~real_wal_syncs() { current_deferral = previous_; }

int sync_owed_wal(int fd) noexcept {
    while (::fdatasync(fd) != 0)
        if (errno != EINTR) return errno;
    return 0;
}

const char* wal_batching_vfs_name() {
    static std::once_flag once;
    std::call_once(once, [] {
        base_vfs = sqlite3_vfs_find(nullptr);
        batching_vfs.iVersion = 2;
        batching_vfs.szOsFile = static_cast<int>(header_size) + base_vfs->szOsFile;
        batching_vfs.mxPathname = base_vfs->mxPathname;
        batching_vfs.zName = vfs_name;
        batching_vfs.xOpen = x_open;
        batching_vfs.xDelete = x_delete;
        batching_vfs.xAccess = x_access;
        batching_vfs.xFullPathname = x_full_pathname;
        batching_vfs.xDlOpen = x_dl_open;
        batching_vfs.xDlError = x_dl_error;
        batching_vfs.xDlSym = x_dl_sym;
        batching_vfs.xDlClose = x_dl_close;
        batching_vfs.xRandomness = x_randomness;
        batching_vfs.xSleep = x_sleep;
        batching_vfs.xCurrentTime = x_current_time;
        batching_vfs.xGetLastError = x_get_last_error;
        batching_vfs.xCurrentTimeInt64 = x_current_time_int64;
        sqlite3_vfs_register(&batching_vfs, 0);  // not the default: only connections that ask for it
    });
    return vfs_name;
}

}  // namespace seminard::storage
