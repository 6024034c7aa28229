// Tests of the reader pool: read-only connections, tasks run off the caller's thread, failures contained, stop().
#include "storage/reader_pool.hpp"

#include <catch2/catch.hpp>

#include "storage/store.hpp"
#include "storage/writer.hpp"
#include "temp_db.hpp"

#include <SQLiteCpp/Exception.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <string>

namespace storage = seminard::storage;
namespace domain = seminard::domain;
using seminard::test::db_in;
using seminard::test::temp_dir;

TEST_CASE("reader tasks see committed data and cannot write", "[reader_pool]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    REQUIRE(w.run<domain::done>([](storage::connection& c) -> domain::result<domain::done> {
                 storage::put_setting(c, "k", "v");
                 return domain::done{};
             }).ok());
    storage::reader_pool pool(opts, 2);

    std::promise<std::optional<std::string>> read;
    pool.post([&](storage::connection& c) { read.set_value(storage::get_setting(c, "k")); });
    CHECK(read.get_future().get() == "v");

    std::promise<bool> write_refused;
    pool.post([&](storage::connection& c) {
        try {
            storage::put_setting(c, "k2", "v");
            write_refused.set_value(false);
        } catch (const SQLite::Exception&) {
            write_refused.set_value(true);
        }
    });
    CHECK(write_refused.get_future().get());
}

TEST_CASE("a throwing read task is dropped and the pool keeps working", "[reader_pool]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    storage::reader_pool pool(opts, 1);
    pool.post([](storage::connection&) { throw std::runtime_error("read bug"); });
    std::promise<std::optional<std::string>> after;
    pool.post([&](storage::connection& c) { after.set_value(storage::get_setting(c, "missing")); });
    CHECK(after.get_future().get() == std::nullopt);
}

TEST_CASE("stop() runs the queued read tasks before joining", "[reader_pool]") {
    temp_dir dir;
    const auto opts = db_in(dir);
    storage::writer w(opts);
    storage::reader_pool pool(opts, 2);
    std::atomic<int> ran{0};
    for (int i = 0; i < 100; ++i) pool.post([&](storage::connection&) { ran.fetch_add(1); });
    pool.stop();
    CHECK(ran.load() == 100);
    pool.stop();  // idempotent
    CHECK(ran.load() == 100);
}
