// Secrets (see crypto.hpp).
#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace seminard::storage {

void random_bytes(std::span<std::uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) throw std::runtime_error("RAND_bytes failed");
}

digest sha256(std::string_view data) {
    digest d{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) != 1 || len != d.size())
        throw std::runtime_error("SHA-256 failed");
    return d;
}

std::string new_token() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::array<std::uint8_t, 16> raw{};
    random_bytes(raw);
    std::string out;
    out.reserve(22);
    std::uint32_t acc = 0;
    int bits = 0;
    for (auto b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(alphabet[(acc >> bits) & 0x3F]);
        }
    }
    if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3F]);
    return out;
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
