// Secrets: random bytes from the operating system's CSPRNG, SHA-256, and token encoding (OpenSSL's libcrypto).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace seminard::storage {

/// Fills `out` with cryptographically secure random bytes; throws std::runtime_error if the CSPRNG fails.
void random_bytes(std::span<std::uint8_t> out);

using digest = std::array<std::uint8_t, 32>;
digest sha256(std::string_view data);

/// A fresh secret: 128 random bits, base64url without padding (22 characters).
std::string new_token();

/// A registration's private token: its code's 40-bit value, then 128 random bits, base64url without padding
/// (28 characters). The value leads the way to the row (see code_permutation); the random bits are the secret,
/// checked against the stored SHA-256 of the whole token.
inline constexpr std::size_t registration_token_size = 28;
std::string new_registration_token(std::uint64_t code_value);
/// The code value a registration token starts with; nullopt unless `token` has that shape. Invite keys have it too.
std::optional<std::uint64_t> registration_token_code(std::string_view token);

/// How many bytes of secret follow the code's value in a registration token or invite key.
inline constexpr std::size_t registration_key_secret_bytes = 16;
/// A code value and `secret_bytes` of secret, as a token is written (base64url, 28 characters).
std::string registration_key(std::uint64_t code_value, std::span<const std::uint8_t> secret);

/// A keyed permutation of the 40-bit numbers (a four-round Feistel network with SHA-256 as round function): a
/// registration's code is the permuted row id. Codes stay unique without an index on random keys, and they do
/// not tell how many registrations there are. Not a secret: codes are looked up by the organiser only.
class code_permutation {
public:
    static constexpr std::uint64_t domain_size = std::uint64_t{1} << 40;
    explicit code_permutation(std::span<const std::uint8_t> key);
    std::uint64_t forward(std::uint64_t id) const;
    std::uint64_t backward(std::uint64_t value) const;

private:
    std::uint32_t round(int i, std::uint32_t half) const;
    std::array<std::uint8_t, 32> key_{};
};

/// Compares two digests in constant time.
bool same_digest(const digest& a, const digest& b) noexcept;

std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace seminard::storage
