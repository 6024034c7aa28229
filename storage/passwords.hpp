// Organiser passwords: Argon2id through libsodium (crypto_pwhash_str). The stored string names its algorithm, salt
// and cost, so a hash made with other parameters still verifies and can be renewed at the next login.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace seminard::storage {

/// Argon2id's cost: passes over memory and the memory itself.
struct password_cost {
    unsigned long long passes;
    std::size_t memory_bytes;
    /// libsodium's "interactive" level (2 passes, 64 MiB): about 0.1 s per login on one core.
    static password_cost interactive() noexcept;
    /// The least libsodium allows: for tests that make many accounts, never for real ones.
    static password_cost minimal() noexcept;
};

/// The shortest and longest password accepted (in bytes; long ones only cost hashing time).
inline constexpr std::size_t min_password_size = 10;
inline constexpr std::size_t max_password_size = 1024;

/// The encoded hash of `password` with a fresh salt ("$argon2id$v=19$m=…"). Throws std::runtime_error when
/// libsodium cannot run (out of memory).
std::string hash_password(std::string_view password, password_cost cost = password_cost::interactive());
/// Whether `password` matches `encoded`; false for anything that is not an encoded hash.
bool password_matches(std::string_view encoded, std::string_view password);
/// Whether `encoded` was made with another cost than `cost` (then hash again after a successful login).
bool password_needs_rehash(std::string_view encoded, password_cost cost = password_cost::interactive());
/// Costs about as much as a check against a real hash: a login for an unknown address takes as long as one with a
/// wrong password, so timing does not tell which addresses have accounts.
void password_check_decoy(std::string_view password);

}  // namespace seminard::storage
