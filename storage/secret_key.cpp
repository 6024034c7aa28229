// The server's secret key (see secret_key.hpp): AES-256-GCM and HMAC-SHA256 from OpenSSL's libcrypto.
#include "secret_key.hpp"

#include "crypto.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace seminard::storage {

namespace {

constexpr std::size_t nonce_bytes = 12;  // GCM's own size: no hashing of the nonce
constexpr std::size_t tag_bytes = 16;
/// The key file holds the key in hex and a line end.
constexpr std::size_t file_bytes = secret_key::size * 2 + 1;

/// SHA-256's block size, the size of HMAC's key blocks.
constexpr std::size_t hmac_block = 64;

/// AES-256-GCM fetched once, and a context per thread (the writer seals on every registration: fetching the cipher
/// and allocating a context per call cost it measurably, docs/performance.md).
EVP_CIPHER_CTX* thread_cipher_ctx() {
    thread_local const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{EVP_CIPHER_CTX_new(),
                                                                                           &EVP_CIPHER_CTX_free};
    return ctx.get();
}

const EVP_CIPHER* aes_256_gcm() {
    static const std::unique_ptr<EVP_CIPHER, decltype(&EVP_CIPHER_free)> cipher{
        EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), &EVP_CIPHER_free};
    return cipher.get();
}

std::runtime_error io_error(const std::string& what, const std::filesystem::path& path) {
    return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

std::optional<std::array<std::uint8_t, secret_key::size>> from_hex(std::string_view hex) {
    std::array<std::uint8_t, secret_key::size> out{};
    if (hex.size() != out.size() * 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

}  // namespace

secret_key::secret_key(const std::array<std::uint8_t, size>& bytes) : bytes_(bytes) {
    inner_pad_.assign(hmac_block, '\x36');
    outer_pad_.assign(hmac_block, '\x5c');
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
        inner_pad_[i] = static_cast<char>(inner_pad_[i] ^ bytes_[i]);
        outer_pad_[i] = static_cast<char>(outer_pad_[i] ^ bytes_[i]);
    }
}

secret_key secret_key::generate() {
    std::array<std::uint8_t, size> bytes{};
    random_bytes(bytes);
    return secret_key{bytes};
}

secret_key secret_key::load_or_create(const std::filesystem::path& path) {
    // O_EXCL: two servers starting at once never write two keys; the loser reads the winner's.
    if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) {
        auto key = generate();
        const auto text = to_hex(key.bytes_) + "\n";
        const bool written =
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
        ::close(fd);
        if (!written) {
            ::unlink(path.c_str());
            throw io_error("cannot write the key file", path);
        }
        return key;
    } else if (errno != EEXIST) {
        throw io_error("cannot create the key file", path);
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw io_error("cannot open the key file", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw io_error("cannot read the key file", path);
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        ::close(fd);
        throw std::runtime_error("the key file " + path.string() +
                                 " may be read by others; make it private (chmod 600) or remove it");
    }
    std::string text(file_bytes + 1, '\0');
    const auto n = ::read(fd, text.data(), text.size());
    ::close(fd);
    if (n < 0) throw io_error("cannot read the key file", path);
    text.resize(static_cast<std::size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto bytes = from_hex(text);
    if (!bytes) throw std::runtime_error("the key file " + path.string() + " holds no key (64 hex digits)");
    return secret_key{*bytes};
}

std::string secret_key::seal(std::string_view plain, std::string_view context) const {
    std::string out(nonce_bytes + plain.size() + tag_bytes, '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    random_bytes(std::span{bytes, nonce_bytes});
    auto* ctx = thread_cipher_ctx();
    int len = 0;
    if (!ctx || !aes_256_gcm() || EVP_EncryptInit_ex(ctx, aes_256_gcm(), nullptr, bytes_.data(), bytes) != 1 ||
        EVP_EncryptUpdate(ctx,
                          nullptr,
                          &len,
                          reinterpret_cast<const unsigned char*>(context.data()),
                          static_cast<int>(context.size())) != 1 ||
        EVP_EncryptUpdate(ctx,
                          bytes + nonce_bytes,
                          &len,
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx, bytes + nonce_bytes + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, tag_bytes, bytes + nonce_bytes + plain.size()) != 1)
        throw std::runtime_error("sealing failed");
    return out;
}

std::optional<std::string> secret_key::open(std::string_view sealed, std::string_view context) const {
    if (sealed.size() < nonce_bytes + tag_bytes) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
    const auto plain_size = sealed.size() - nonce_bytes - tag_bytes;
    std::string plain(plain_size, '\0');
    std::array<unsigned char, tag_bytes> tag{};
    std::memcpy(tag.data(), bytes + nonce_bytes + plain_size, tag_bytes);
    auto* ctx = thread_cipher_ctx();
    int len = 0;
    if (!ctx || !aes_256_gcm() || EVP_DecryptInit_ex(ctx, aes_256_gcm(), nullptr, bytes_.data(), bytes) != 1 ||
        EVP_DecryptUpdate(ctx,
                          nullptr,
                          &len,
                          reinterpret_cast<const unsigned char*>(context.data()),
                          static_cast<int>(context.size())) != 1 ||
        EVP_DecryptUpdate(ctx,
                          reinterpret_cast<unsigned char*>(plain.data()),
                          &len,
                          bytes + nonce_bytes,
                          static_cast<int>(plain_size)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, tag_bytes, tag.data()) != 1)
        return std::nullopt;
    // The tag is checked here: a wrong key, context or any changed byte fails.
    if (EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1) return std::nullopt;
    return plain;
}

std::array<std::uint8_t, 32> secret_key::mac(std::string_view data) const {
    // HMAC-SHA256 (RFC 2104): H(outer_pad || H(inner_pad || data)).
    std::string inner = inner_pad_;
    inner.append(data);
    const auto inner_hash = sha256(inner);
    std::string outer = outer_pad_;
    outer.append(reinterpret_cast<const char*>(inner_hash.data()), inner_hash.size());
    return sha256(outer);
}

std::filesystem::path default_key_path(const std::string& database_path) { return database_path + ".key"; }

}  // namespace seminard::storage
