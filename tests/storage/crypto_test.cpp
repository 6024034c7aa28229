// Tests of the secrets helpers: SHA-256, tokens, constant-time comparison, hex.
#include "storage/crypto.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <string>

namespace storage = seminard::storage;

TEST_CASE("sha256 matches the FIPS 180-2 test vectors", "[crypto]") {
    CHECK(storage::to_hex(storage::sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(storage::to_hex(storage::sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(storage::to_hex(storage::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("to_hex writes two lowercase digits per byte", "[crypto]") {
    const std::array<std::uint8_t, 4> bytes{0x00, 0x0f, 0xa0, 0xff};
    CHECK(storage::to_hex(bytes) == "000fa0ff");
    CHECK(storage::to_hex(std::span<const std::uint8_t>{}).empty());
}

TEST_CASE("a new token is 22 characters of base64url without padding", "[crypto]") {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 200; ++i) {
        const auto t = storage::new_token();
        REQUIRE(t.size() == 22);
        CHECK(t.find_first_not_of(alphabet) == std::string::npos);
        // 128 bits = 21 * 6 + 2: the last symbol carries 2 bits and 4 zero bits, so it is one of A, Q, g, w.
        CHECK(std::string{"AQgw"}.find(t.back()) != std::string::npos);
    }
}

TEST_CASE("new tokens do not repeat", "[crypto]") {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) seen.insert(storage::new_token());
    CHECK(seen.size() == 10000);
}

TEST_CASE("random_bytes fills the whole buffer with fresh bytes each call", "[crypto]") {
    std::array<std::uint8_t, 32> a{}, b{};
    storage::random_bytes(a);
    storage::random_bytes(b);
    CHECK(a != b);
    CHECK(std::any_of(a.begin(), a.end(), [](auto x) { return x != 0; }));
    // The last bytes are written too (a 32-byte all-zero tail by chance has probability 2^-64).
    CHECK(std::any_of(a.begin() + 24, a.end(), [](auto x) { return x != 0; }));
}

TEST_CASE("same_digest is true only for identical digests", "[crypto]") {
    const auto a = storage::sha256("token-a");
    auto b = a;
    CHECK(storage::same_digest(a, b));
    b.back() ^= 0x01;
    CHECK_FALSE(storage::same_digest(a, b));
    b = a;
    b.front() ^= 0x80;
    CHECK_FALSE(storage::same_digest(a, b));
    CHECK_FALSE(storage::same_digest(a, storage::sha256("token-b")));
}
