// Secrets: random bytes from the operating system's CSPRNG, SHA-256, and token encoding (OpenSSL's libcrypto).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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

/// Compares two digests in constant time.
bool same_digest(const digest& a, const digest& b) noexcept;

std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace seminard::storage
