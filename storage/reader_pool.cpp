// Read-only connection pool (see reader_pool.hpp).
#include "reader_pool.hpp"

#include <pthread.h>

#include <cstdio>
#include <exception>
#include <memory>

namespace seminard::storage {

reader_pool::reader_pool(const db_options& options, std::size_t threads) {
    // Opened here, before the threads start: a database that cannot be opened fails the start, and a reader never
    // needs a new descriptor to answer (out of descriptors, a lazy open failed every read).
    std::vector<std::unique_ptr<connection>> conns;
    for (std::size_t i = 0; i < threads; ++i) conns.push_back(std::make_unique<connection>(options, access::read_only));
    for (auto& conn : conns)
        threads_.emplace_back([this, options, c = std::move(conn)]() mutable {
            ::pthread_setname_np(::pthread_self(), "sd-reader");
            loop(options, std::move(c));
        });
}

reader_pool::~reader_pool() { stop(); }

void reader_pool::post(std::function<void(connection&)> task) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void reader_pool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void reader_pool::loop(const db_options& options, std::unique_ptr<connection> conn) {
    for (;;) {
        std::function<void(connection&)> task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            // Reopened after a failure, so a transient error does not kill the thread. A task that cannot run is
            // destroyed unrun: its owner answers for it (services::read answers 503).
            if (!conn) conn = std::make_unique<connection>(options, access::read_only);
            task(*conn);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "level=error msg=\"read task failed\" error=\"%s\"\n", e.what());
            conn.reset();
        }
    }
}

}  // namespace seminard::storage
