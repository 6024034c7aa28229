// Tests of the public answer cache: valid for one commit generation and a second, bounded in entries and bytes.
#include "server/http/response_cache.hpp"

#include <catch2/catch.hpp>

#include <string>

using seminard::server::http_response;
using seminard::server::response_cache;

namespace {

http_response body_of(std::size_t bytes) {
    http_response res;
    res.body = std::string(bytes, 'x');
    return res;
}

}  // namespace

TEST_CASE("a cached answer is valid for its generation only", "[response_cache]") {
    response_cache cache;
    cache.store("k", 7, body_of(10));
    REQUIRE(cache.find("k", 7));
    CHECK(cache.find("k", 7)->body.size() == 10);
    CHECK_FALSE(cache.find("k", 8));
    CHECK_FALSE(cache.find("other", 7));
}

TEST_CASE("the cache never holds more bytes than its bound", "[response_cache]") {
    response_cache cache;
    constexpr std::size_t piece = 1024 * 1024;
    for (int i = 0; i < 100; ++i) {
        cache.store("page" + std::to_string(i), 1, body_of(piece));
        CHECK(cache.bytes() <= response_cache::max_bytes);
    }
    CHECK(cache.size() < 100);
    // Replacing an entry does not count it twice.
    response_cache again;
    for (int i = 0; i < 100; ++i) again.store("same", 1, body_of(piece));
    CHECK(again.size() == 1);
    CHECK(again.bytes() < 2 * piece);
    // An answer larger than the whole bound is not kept at all.
    again.store("huge", 1, body_of(response_cache::max_bytes + 1));
    CHECK_FALSE(again.find("huge", 1));
}
