// Argon2id password hashes (see passwords.hpp).
#include "passwords.hpp"

#include <sodium.h>

#include <stdexcept>

namespace seminard::storage {

namespace {

void ensure_sodium() {
    static const int ready = sodium_init();  // thread-safe, idempotent; -1 only when no randomness is available
    if (ready < 0) throw std::runtime_error("libsodium cannot start");
}

}  // namespace

password_cost password_cost::interactive() noexcept {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

password_cost password_cost::minimal() noexcept { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string hash_password(std::string_view password, password_cost cost) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            out, password.data(), password.size(), cost.passes, cost.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("cannot hash the password (out of memory)");
    return out;
}

bool password_matches(std::string_view encoded, std::string_view password) {
    ensure_sodium();
    // libsodium reads a NUL-terminated string of at most crypto_pwhash_STRBYTES - 1 characters.
    if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
    std::string terminated{encoded};
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view encoded, password_cost cost) {
    ensure_sodium();
    if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return true;
    std::string terminated{encoded};
    return crypto_pwhash_str_needs_rehash(terminated.c_str(), cost.passes, cost.memory_bytes) != 0;
}

void password_check_decoy(std::string_view password) {
    static const std::string decoy = hash_password("a password nobody has", password_cost::interactive());
    (void)password_matches(decoy, password);
}

}  // namespace seminard::storage
