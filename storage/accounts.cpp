// Organiser accounts, sessions and API tokens (see accounts.hpp).
#include "accounts.hpp"

#include "db_time.hpp"
#include "domain/text.hpp"

namespace seminard::storage {

namespace {

constexpr std::size_t max_token_name = 100;

/// Columns of a user in the order read_user takes them.
#define SEMINARD_USER_COLUMNS "id, email, role, password_hash, created_at, password_changed_at"

user read_user(statement_ref& q) {
    user u;
    u.id = q.getColumn(0).getInt64();
    u.email = q.getColumn(1).getString();
    u.role = parse_role(q.getColumn(2).getString()).value_or(role::staff);
    u.password_hash = q.getColumn(3).getString();
    u.created_at = from_db(q.getColumn(4).getInt64());
    u.password_changed_at = from_db(q.getColumn(5).getInt64());
    return u;
}

void bind_digest(statement_ref& q, int index, const digest& d) {
    q.bind(index, static_cast<const void*>(d.data()), static_cast<int>(d.size()));
}

std::optional<domain::instant> optional_time(statement_ref& q, int column) {
    if (q.getColumn(column).isNull()) return std::nullopt;
    return from_db(q.getColumn(column).getInt64());
}

/// A token from its first five columns: id, user_id, name, created_at, last_used_at.
api_token read_token(statement_ref& q) {
    return {q.getColumn(0).getInt64(),
            q.getColumn(1).getInt64(),
            q.getColumn(2).getString(),
            from_db(q.getColumn(3).getInt64()),
            optional_time(q, 4)};
}

}  // namespace

std::string_view role_name(role r) noexcept { return r == role::owner ? "owner" : "staff"; }

std::optional<role> parse_role(std::string_view s) noexcept {
    if (s == "owner") return role::owner;
    if (s == "staff") return role::staff;
    return std::nullopt;
}

domain::result<user> add_user(
    connection& c, std::string_view email, storage::role role, std::string_view password_hash, domain::instant now) {
    const auto address = domain::normalize_email(email);
    domain::error problems{domain::errc::invalid_fields};
    if (address.empty())
        problems.fields.emplace("email", domain::field_problem::required);
    else if (!domain::plausible_email(address))
        problems.fields.emplace("email", domain::field_problem::invalid_email);
    if (!problems.fields.empty()) return problems;
    if (find_user(c, address)) return domain::errc::account_exists;
    auto q = c.prepare(
        "INSERT INTO users(email, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, address);
    q.bind(2, std::string{role_name(role)});
    q.bind(3, std::string{password_hash});
    q.bind(4, to_db(now));
    q.bind(5, to_db(now));
    q.exec();
    return *find_user(c, address);
}

std::optional<user> find_user(connection& c, std::string_view email) {
    auto q = c.prepare("SELECT " SEMINARD_USER_COLUMNS " FROM users WHERE email = ?");
    q.bind(1, domain::normalize_email(email));
    if (!q.executeStep()) return std::nullopt;
    return read_user(q);
}

std::optional<user> find_user(connection& c, std::int64_t id) {
    auto q = c.prepare("SELECT " SEMINARD_USER_COLUMNS " FROM users WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_user(q);
}

std::vector<user> list_users(connection& c) {
    auto q = c.prepare("SELECT " SEMINARD_USER_COLUMNS " FROM users ORDER BY role = 'staff', email");
    std::vector<user> out;
    while (q.executeStep()) out.push_back(read_user(q));
    return out;
}

removal remove_user(connection& c, std::string_view email) {
    auto u = find_user(c, email);
    if (!u) return removal::not_found;
    if (u->role == role::owner) {
        auto owners = c.prepare("SELECT COUNT(*) FROM users WHERE role = 'owner'");
        if (owners.executeStep() && owners.getColumn(0).getInt64() <= 1) return removal::last_owner;
    }
    // Sessions and tokens go with the account (ON DELETE CASCADE).
    auto q = c.prepare("DELETE FROM users WHERE id = ?");
    q.bind(1, u->id);
    q.exec();
    return removal::removed;
}

bool set_password(connection& c, std::int64_t user_id, std::string_view password_hash, domain::instant now) {
    auto q = c.prepare("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    q.bind(1, std::string{password_hash});
    q.bind(2, to_db(now));
    q.bind(3, user_id);
    if (q.exec() == 0) return false;
    auto sessions = c.prepare("DELETE FROM sessions WHERE user_id = ?");
    sessions.bind(1, user_id);
    sessions.exec();
    return true;
}

void renew_password_hash(connection& c, std::int64_t user_id, std::string_view old_hash, std::string_view new_hash) {
    auto q = c.prepare("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?");
    q.bind(1, std::string{new_hash});
    q.bind(2, user_id);
    q.bind(3, std::string{old_hash});
    q.exec();
}

void create_session(connection& c, const digest& id_hash, std::int64_t user_id, domain::instant now) {
    auto q = c.prepare("INSERT INTO sessions(id_hash, user_id, created_at, seen_at) VALUES (?, ?, ?, ?)");
    bind_digest(q, 1, id_hash);
    q.bind(2, user_id);
    q.bind(3, to_db(now));
    q.bind(4, to_db(now));
    q.exec();
}

std::optional<session> find_session(connection& c, const digest& id_hash) {
    auto q = c.prepare(
        "SELECT s.user_id, u.email, u.role, s.created_at, s.seen_at FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.id_hash = ?");
    bind_digest(q, 1, id_hash);
    if (!q.executeStep()) return std::nullopt;
    session s;
    s.user_id = q.getColumn(0).getInt64();
    s.email = q.getColumn(1).getString();
    s.role = parse_role(q.getColumn(2).getString()).value_or(role::staff);
    s.created_at = from_db(q.getColumn(3).getInt64());
    s.seen_at = from_db(q.getColumn(4).getInt64());
    return s;
}

void touch_session(connection& c, const digest& id_hash, domain::instant now) {
    auto q = c.prepare("UPDATE sessions SET seen_at = MAX(seen_at, ?) WHERE id_hash = ?");
    q.bind(1, to_db(now));
    bind_digest(q, 2, id_hash);
    q.exec();
}

void end_session(connection& c, const digest& id_hash) {
    auto q = c.prepare("DELETE FROM sessions WHERE id_hash = ?");
    bind_digest(q, 1, id_hash);
    q.exec();
}

int end_expired_sessions(connection& c, domain::instant idle_before, domain::instant made_before) {
    auto q = c.prepare("DELETE FROM sessions WHERE seen_at < ? OR created_at < ?");
    q.bind(1, to_db(idle_before));
    q.bind(2, to_db(made_before));
    return q.exec();
}

domain::result<api_token> add_api_token(
    connection& c, std::int64_t user_id, std::string_view name, const digest& token_hash, domain::instant now) {
    const auto trimmed = domain::trim(name);
    domain::error problems{domain::errc::invalid_fields};
    if (trimmed.empty())
        problems.fields.emplace("name", domain::field_problem::required);
    else if (trimmed.size() > max_token_name)
        problems.fields.emplace("name", domain::field_problem::too_long);
    if (!problems.fields.empty()) return problems;
    if (!find_user(c, user_id)) return domain::errc::not_found;
    auto q = c.prepare("INSERT INTO api_tokens(user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)");
    q.bind(1, user_id);
    q.bind(2, trimmed);
    bind_digest(q, 3, token_hash);
    q.bind(4, to_db(now));
    q.exec();
    return api_token{c.db().getLastInsertRowid(), user_id, trimmed, now, std::nullopt};
}

std::optional<token_holder> find_api_token(connection& c, const digest& token_hash) {
    auto q = c.prepare(
        "SELECT t.id, t.user_id, t.name, t.created_at, t.last_used_at, u.email, u.role "
        "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?");
    bind_digest(q, 1, token_hash);
    if (!q.executeStep()) return std::nullopt;
    token_holder h;
    h.token = read_token(q);
    h.email = q.getColumn(5).getString();
    h.role = parse_role(q.getColumn(6).getString()).value_or(role::staff);
    return h;
}

void touch_api_token(connection& c, std::int64_t token_id, domain::instant now) {
    auto q = c.prepare("UPDATE api_tokens SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ?");
    q.bind(1, to_db(now));
    q.bind(2, token_id);
    q.exec();
}

std::vector<api_token> list_api_tokens(connection& c, std::int64_t user_id) {
    auto q = c.prepare(
        "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC");
    q.bind(1, user_id);
    std::vector<api_token> out;
    while (q.executeStep()) out.push_back(read_token(q));
    return out;
}

bool revoke_api_token(connection& c, std::int64_t user_id, std::int64_t token_id) {
    auto q = c.prepare("DELETE FROM api_tokens WHERE id = ? AND user_id = ?");
    q.bind(1, token_id);
    q.bind(2, user_id);
    return q.exec() > 0;
}

}  // namespace seminard::storage
