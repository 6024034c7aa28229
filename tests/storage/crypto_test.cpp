// Tests of the secrets helpers: SHA-256, tokens, constant-time comparison, hex.
#include "storage/crypto.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
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

TEST_CASE("a registration token carries its code value, then 128 random bits", "[crypto][token]") {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (std::uint64_t value : {std::uint64_t{0},
                                std::uint64_t{1},
                                std::uint64_t{0x123456789A},
                                storage::code_permutation::domain_size - 1}) {
        const auto t = storage::new_registration_token(value);
        INFO(t);
        REQUIRE(t.size() == storage::registration_token_size);
        CHECK(t.find_first_not_of(alphabet) == std::string::npos);
        CHECK(storage::registration_token_code(t) == value);
        CHECK(storage::new_registration_token(value) != t);  // the secret part differs every time
    }
    CHECK_FALSE(storage::registration_token_code(storage::new_token()));  // 22 characters: from before schema 5
    CHECK_FALSE(storage::registration_token_code(std::string(28, '.')));
    CHECK_FALSE(storage::registration_token_code(std::string(27, 'A') + '\0'));
}

TEST_CASE("the code permutation is a bijection of the 40-bit numbers that depends on its key", "[crypto][code]") {
    std::array<std::uint8_t, 32> key{};
    key[0] = 1;
    const storage::code_permutation p{key};
    std::set<std::uint64_t> seen;
    for (std::uint64_t id = 1; id <= 5000; ++id) {
        const auto v = p.forward(id);
        REQUIRE(v < storage::code_permutation::domain_size);
        REQUIRE(p.backward(v) == id);
        seen.insert(v);
    }
    CHECK(seen.size() == 5000);
    // Consecutive ids land far apart: no code tells its neighbour.
    CHECK(std::llabs(static_cast<long long>(p.forward(2)) - static_cast<long long>(p.forward(1))) > 1000);
    for (std::uint64_t v : {std::uint64_t{0}, storage::code_permutation::domain_size - 1})
        CHECK(p.forward(p.backward(v)) == v);
    CHECK_THROWS(p.forward(storage::code_permutation::domain_size));

    key[0] = 2;
    const storage::code_permutation q{key};
    CHECK(q.forward(1) != p.forward(1));
    CHECK_THROWS(storage::code_permutation{std::span<const std::uint8_t>{key}.first(8)});
}

TEST_CASE("a forked child never repeats the random bytes its parent had buffered", "[crypto]") {
    std::array<std::uint8_t, 16> warm{};
    storage::random_bytes(warm);  // the parent's pool now holds unused bytes
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::array<std::uint8_t, 16> mine{};
        storage::random_bytes(mine);
        [[maybe_unused]] auto n = ::write(fds[1], mine.data(), mine.size());
        ::_exit(0);
    }
    std::array<std::uint8_t, 16> theirs{}, ours{};
    REQUIRE(::read(fds[0], theirs.data(), theirs.size()) == static_cast<ssize_t>(theirs.size()));
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(fds[0]);
    ::close(fds[1]);
    storage::random_bytes(ours);
    CHECK(theirs != ours);
}
