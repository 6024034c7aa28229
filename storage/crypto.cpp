// Secrets (see crypto.hpp).
#include "crypto.hpp"

#include "domain/text.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <pthread.h>
#include <sys/random.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace seminard::storage {

namespace {

/// A token's secret: 128 random bits.
constexpr std::size_t secret_bytes = registration_key_secret_bytes;
/// A registration token starts with its code's value: 40 bits.
constexpr std::size_t code_value_bytes = 5;

/// Tokens go into URLs and paths: base64url without padding.
std::string to_base64url(std::span<const std::uint8_t> raw) {
    return domain::base64_encode(std::string_view{reinterpret_cast<const char*>(raw.data()), raw.size()},
                                 domain::base64_alphabet::url,
                                 domain::base64_padding::unpadded);
}

/// Bumped in a forked child, so that it never hands out the bytes its parent already buffered.
std::atomic<unsigned> fork_generation{0};

void fill_from_kernel(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        auto n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string{"getrandom failed: "} + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

void random_bytes(std::span<std::uint8_t> out) {
    // The kernel's CSPRNG, read 4 KiB at a time: one system call serves many registrations, where OpenSSL's
    // RAND_bytes takes a lock and a getpid() per call (docs/performance.md).
    struct pool {
        std::array<std::uint8_t, 4096> bytes;
        std::size_t used = bytes.size();
        unsigned generation = 0;
    };
    thread_local pool p;
    static std::once_flag registered;
    std::call_once(registered, [] {
        ::pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
    });
    if (out.size() > p.bytes.size()) return fill_from_kernel(out);
    const unsigned generation = fork_generation.load(std::memory_order_relaxed);
    if (p.generation != generation || p.bytes.size() - p.used < out.size()) {
        fill_from_kernel(p.bytes);
        p.used = 0;
        p.generation = generation;
    }
    std::memcpy(out.data(), p.bytes.data() + p.used, out.size());
    // Bytes handed out are wiped, so that a later memory disclosure cannot replay them.
    std::memset(p.bytes.data() + p.used, 0, out.size());
    p.used += out.size();
}

digest sha256(std::string_view data) {
    // The algorithm is fetched once and each thread keeps its context: EVP_Digest fetches the implementation and
    // allocates a context on every call, and the writer hashes several times per registration (tokens, codes).
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                    &EVP_MD_free};
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    digest d{};
    unsigned int len = 0;
    if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), d.data(), &len) != 1 || len != d.size())
        throw std::runtime_error("SHA-256 failed");
    return d;
}

std::string new_token() {
    std::array<std::uint8_t, secret_bytes> raw{};
    random_bytes(raw);
    return to_base64url(raw);
}

std::string registration_key(std::uint64_t code_value, std::span<const std::uint8_t> secret) {
    if (secret.size() != secret_bytes) throw std::invalid_argument("a registration key's secret has 16 bytes");
    std::array<std::uint8_t, code_value_bytes + secret_bytes> raw{};
    for (std::size_t i = 0; i < code_value_bytes; ++i)
        raw[i] = static_cast<std::uint8_t>(code_value >> (8 * (code_value_bytes - 1 - i)));
    std::copy(secret.begin(), secret.end(), raw.begin() + code_value_bytes);
    return to_base64url(raw);
}

std::string new_registration_token(std::uint64_t code_value) {
    std::array<std::uint8_t, secret_bytes> secret{};
    random_bytes(secret);
    return registration_key(code_value, secret);
}

std::optional<std::uint64_t> registration_token_code(std::string_view token) {
    if (token.size() != registration_token_size) return std::nullopt;
    // 28 characters are 21 bytes without bits to spare: any 28 of the alphabet decode.
    const auto raw = domain::base64_decode(token, domain::base64_alphabet::url, domain::base64_padding::unpadded);
    if (!raw) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < code_value_bytes; ++i) value = value << 8 | static_cast<unsigned char>((*raw)[i]);
    return value;
}

code_permutation::code_permutation(std::span<const std::uint8_t> key) {
    if (key.size() < 16) throw std::invalid_argument("code key too short");
    key_ = sha256(std::string_view{reinterpret_cast<const char*>(key.data()), key.size()});
}

std::uint32_t code_permutation::round(int i, std::uint32_t half) const {
    std::array<std::uint8_t, 36> in{};
    std::memcpy(in.data(), key_.data(), key_.size());
    in[32] = static_cast<std::uint8_t>(i);
    in[33] = static_cast<std::uint8_t>(half >> 16);
    in[34] = static_cast<std::uint8_t>(half >> 8);
    in[35] = static_cast<std::uint8_t>(half);
    auto d = sha256(std::string_view{reinterpret_cast<const char*>(in.data()), in.size()});
    return ((std::uint32_t{d[0]} << 16) | (std::uint32_t{d[1]} << 8) | d[2]) & 0xFFFFF;
}

std::uint64_t code_permutation::forward(std::uint64_t id) const {
    if (id >= domain_size) throw std::out_of_range("registration id beyond the code space");
    auto left = static_cast<std::uint32_t>(id >> 20), right = static_cast<std::uint32_t>(id & 0xFFFFF);
    for (int i = 0; i < 4; ++i) {
        auto next = left ^ round(i, right);
        left = right;
        right = next;
    }
    return (std::uint64_t{left} << 20) | right;
}

std::uint64_t code_permutation::backward(std::uint64_t value) const {
    if (value >= domain_size) throw std::out_of_range("code value beyond 40 bits");
    auto left = static_cast<std::uint32_t>(value >> 20), right = static_cast<std::uint32_t>(value & 0xFFFFF);
    for (int i = 3; i >= 0; --i) {
        auto prev = right ^ round(i, left);
        right = left;
        left = prev;
    }
    return (std::uint64_t{left} << 20) | right;
}

bool same_digest(const digest& a, const digest& b) noexcept { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 0xF]);
    }
    return out;
}

}  // namespace seminard::storage
