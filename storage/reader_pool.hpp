// Read-only connections, one per thread, for the queries that answer GET requests off the IO threads.
#pragma once

#include "connection.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace seminard::storage {

/// A fixed set of threads, each with its own read-only connection (WAL: readers never wait for the writer).
/// Thread-safe: post() from any thread. A task that throws is logged and dropped; callers that must answer
/// someone catch inside their task.
class reader_pool {
public:
    reader_pool(const db_options& options, std::size_t threads);
    ~reader_pool();
    reader_pool(const reader_pool&) = delete;
    reader_pool& operator=(const reader_pool&) = delete;

    void post(std::function<void(connection&)> task);
    /// Runs what is queued, then joins the threads. Idempotent.
    void stop();

private:
    void loop(const db_options& options, std::unique_ptr<connection> conn);

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void(connection&)>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace seminard::storage
