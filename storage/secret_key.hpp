// The server's secret key, kept outside the database (a file next to it, mode 0600): it seals the private links the
// outbox must keep until a mail is sent, and derives the read-only calendar keys. A stolen database or backup
// without the key file yields no working link.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace seminard::storage {

/// 256 random bits. Immutable once made; safe to share between threads.
class secret_key {
public:
    static constexpr std::size_t size = 32;

    /// A fresh random key (tests, and a server's first start).
    static secret_key generate();
    /// The key in `path`, or a new one written there first (created with mode 0600, never overwritten). Throws
    /// std::runtime_error when the file cannot be read or made, holds no key, or others may read it.
    static secret_key load_or_create(const std::filesystem::path& path);

    /// `plain` encrypted and authenticated (AES-256-GCM) for `context`, which must be the same to open it: nonce,
    /// ciphertext and tag, as bytes.
    std::string seal(std::string_view plain, std::string_view context) const;
    /// The plain text of `sealed`, or nullopt when it was sealed with another key or context, or altered.
    std::optional<std::string> open(std::string_view sealed, std::string_view context) const;
    /// HMAC-SHA256 of `data` under this key.
    std::array<std::uint8_t, 32> mac(std::string_view data) const;

private:
    explicit secret_key(const std::array<std::uint8_t, size>& bytes);
    std::array<std::uint8_t, size> bytes_{};
    /// HMAC's inner and outer key blocks (RFC 2104), made once: a MAC is then two SHA-256 runs.
    std::string inner_pad_;
    std::string outer_pad_;
};

/// The key file that belongs to a database: "<database>.key" in the same directory.
std::filesystem::path default_key_path(const std::string& database_path);

}  // namespace seminard::storage
