// Organiser accounts: users with a role and an Argon2id password hash, their login sessions and their personal API
// tokens. Sessions and tokens are stored as SHA-256 hashes only: a copy of the database logs nobody in.
#pragma once

#include "connection.hpp"
#include "crypto.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::storage {

/// owner: everything, users and settings included; staff: seminars, dates, registrations and exports.
enum class role { owner, staff };
std::string_view role_name(role r) noexcept;
std::optional<role> parse_role(std::string_view s) noexcept;

struct user {
    std::int64_t id = 0;
    std::string email;  ///< normalised (trimmed, lower case)
    storage::role role = role::staff;
    std::string password_hash;
    domain::instant created_at{};
    domain::instant password_changed_at{};
};

// ---- users ---------------------------------------------------------------------------------------------------
/// Writer only. invalid_fields (email: required or invalid_email) or account_exists.
domain::result<user> add_user(
    connection& c, std::string_view email, storage::role role, std::string_view password_hash, domain::instant now);
std::optional<user> find_user(connection& c, std::string_view email);
std::optional<user> find_user(connection& c, std::int64_t id);
/// Every account, owners first, then by address.
std::vector<user> list_users(connection& c);

enum class removal { removed, not_found, last_owner };
/// Writer only: the account with its sessions and tokens. The last owner stays (nobody could administer users).
removal remove_user(connection& c, std::string_view email);
/// Writer only: a new password hash; every session of the user ends ("log out everywhere"). False: no such user.
bool set_password(connection& c, std::int64_t user_id, std::string_view password_hash, domain::instant now);

/// Writer only: the same password hashed anew (another cost), unless the hash changed meanwhile. Sessions stay.
void renew_password_hash(connection& c, std::int64_t user_id, std::string_view old_hash, std::string_view new_hash);

// ---- sessions ------------------------------------------------------------------------------------------------
struct session {
    std::int64_t user_id = 0;
    std::string email;
    storage::role role = role::staff;
    domain::instant created_at{};
    domain::instant seen_at{};
};
/// Writer only: a session whose id hashes to `id_hash`.
void create_session(connection& c, const digest& id_hash, std::int64_t user_id, domain::instant now);
std::optional<session> find_session(connection& c, const digest& id_hash);
/// Writer only: the session was used at `now` (its idle time starts again).
void touch_session(connection& c, const digest& id_hash, domain::instant now);
/// Writer only: logout.
void end_session(connection& c, const digest& id_hash);
/// Writer only: sessions idle since before `idle_before` or made before `made_before`; how many.
int end_expired_sessions(connection& c, domain::instant idle_before, domain::instant made_before);

// ---- personal API tokens -------------------------------------------------------------------------------------
struct api_token {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string name;
    domain::instant created_at{};
    std::optional<domain::instant> last_used_at;
};
/// Whose token a hash is.
struct token_holder {
    api_token token;
    std::string email;
    storage::role role = role::staff;
};
/// Writer only: a token named `name` (required, at most 100 characters: invalid_fields) for the user.
domain::result<api_token> add_api_token(
    connection& c, std::int64_t user_id, std::string_view name, const digest& token_hash, domain::instant now);
std::optional<token_holder> find_api_token(connection& c, const digest& token_hash);
/// Writer only: the token was used at `now`.
void touch_api_token(connection& c, std::int64_t token_id, domain::instant now);
/// The user's tokens, newest first (never their secrets: only hashes are stored).
std::vector<api_token> list_api_tokens(connection& c, std::int64_t user_id);
/// Writer only: false when the user has no such token.
bool revoke_api_token(connection& c, std::int64_t user_id, std::int64_t token_id);

}  // namespace seminard::storage
