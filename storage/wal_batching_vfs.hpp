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

}  // namespace seminard::storage
