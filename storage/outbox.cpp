// The outbox table (see outbox.hpp).
#include "outbox.hpp"

#include "json_columns.hpp"

#include <array>
#include <cstring>

namespace seminard::storage {

namespace {

std::int64_t to_db(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_db(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }

constexpr std::array<std::string_view, 4> state_names = {"pending", "ready", "sent", "failed"};

// A mail is a registration's or, for the booker, a booking's: date, code and language come from whichever it is.
#define SEMINARD_MAIL_FROM                                                                                \
    "FROM outbox o LEFT JOIN registrations r ON r.id = o.registration_id LEFT JOIN bookings b ON b.id = " \
    "o.booking_id "
#define SEMINARD_MAIL_COLUMNS                                                                                 \
    "o.id, o.registration_id, COALESCE(o.moved_to, r.date_id, b.date_id), COALESCE(r.code, b.code), o.kind, " \
    "o.status, "                                                                                              \
    "o.waitlist_position, COALESCE(r.lang, b.lang), o.token_sealed, o.created_at, o.state, o.recipient, "     \
    "o.subject, o.attempts, o.next_attempt_at, o.last_error, o.sent_at, o.sender, o.booking_id, "             \
    "o.person, o.moved_from " SEMINARD_MAIL_FROM

mail_entry read_mail(statement_ref& q) {
    auto text = [&q](int col) { return q.getColumn(col).isNull() ? std::string{} : q.getColumn(col).getString(); };
    mail_entry m;
    m.id = q.getColumn(0).getInt64();
    if (!q.getColumn(1).isNull()) m.registration_id = q.getColumn(1).getInt64();
    if (!q.getColumn(18).isNull()) m.booking_id = q.getColumn(18).getInt64();
    if (!q.getColumn(19).isNull()) m.person = person_from_column(q.getColumn(19).getString());
    m.date_id = q.getColumn(2).getInt64();
    if (!q.getColumn(20).isNull()) m.moved_from = q.getColumn(20).getInt64();
    m.code = text(3);
    m.kind = domain::parse_mail_kind(text(4)).value_or(domain::mail_kind::registered);
    m.status = domain::parse_registration_status(text(5)).value_or(domain::registration_status::cancelled);
    if (!q.getColumn(6).isNull()) m.waitlist_position = q.getColumn(6).getInt();
    m.lang = domain::lang_from_code(text(7));
    if (!q.getColumn(8).isNull()) {
        const auto col = q.getColumn(8);
        m.token_sealed.assign(static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes()));
    }
    m.created_at = from_db(q.getColumn(9).getInt64());
    m.state = parse_mail_state(text(10)).value_or(mail_state::failed);
    m.recipient = text(11);
    m.subject = text(12);
    m.attempts = q.getColumn(13).getInt();
    if (!q.getColumn(14).isNull()) m.next_attempt_at = from_db(q.getColumn(14).getInt64());
    m.last_error = text(15);
    if (!q.getColumn(16).isNull()) m.sent_at = from_db(q.getColumn(16).getInt64());
    m.sender = text(17);
    return m;
}

/// What a sealed token is bound to: it opens only as the token of this registration's mail.
std::string token_context(std::int64_t registration_id) {
    return "seminard outbox token, registration " + std::to_string(registration_id);
}
std::string booking_token_context(std::int64_t booking_id) {
    return "seminard outbox token, booking " + std::to_string(booking_id);
}

std::vector<mail_entry> read_all(statement_ref& q) {
    std::vector<mail_entry> out;
    while (q.executeStep()) out.push_back(read_mail(q));
    return out;
}

}  // namespace

std::string_view to_string(mail_state s) noexcept { return state_names[static_cast<std::size_t>(s)]; }

std::optional<mail_state> parse_mail_state(std::string_view s) noexcept {
    for (std::size_t i = 0; i < state_names.size(); ++i)
        if (state_names[i] == s) return static_cast<mail_state>(i);
    return std::nullopt;
}

void enqueue_mail(
    connection& c, const domain::registration& r, domain::mail_kind kind, domain::instant now, std::string_view token) {
    auto q = c.prepare(
        "INSERT INTO outbox(registration_id, kind, status, waitlist_position, token_sealed, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, r.id);
    q.bind(2, std::string{domain::to_string(kind)});
    q.bind(3, std::string{domain::to_string(r.status)});
    if (r.waitlist_position)
        q.bind(4, *r.waitlist_position);
    else
        q.bind(4);
    if (token.empty()) {
        q.bind(5);
    } else {
        const auto sealed = c.key().seal(token, token_context(r.id));
        q.bind(5, sealed.data(), static_cast<int>(sealed.size()));
    }
    q.bind(6, to_db(now));
    q.exec();
}

void enqueue_substituted_mail(connection& c,
                              const domain::registration& r,
                              const domain::attendee& before,
                              domain::instant now) {
    auto q = c.prepare(
        "INSERT INTO outbox(registration_id, kind, status, person, created_at) VALUES (?, 'substituted', 'cancelled', "
        "?, ?)");
    q.bind(1, r.id);
    q.bind(2, person_column(before));
    q.bind(3, to_db(now));
    q.exec();
}

void enqueue_moved_mail(
    connection& c, const domain::registration& r, std::int64_t from_date, std::int64_t to_date, domain::instant now) {
    auto q = c.prepare(
        "INSERT INTO outbox(registration_id, kind, status, waitlist_position, moved_from, moved_to, created_at) "
        "VALUES (?, 'moved', ?, ?, ?, ?, ?)");
    q.bind(1, r.id);
    q.bind(2, std::string{domain::to_string(r.status)});
    if (r.waitlist_position)
        q.bind(3, *r.waitlist_position);
    else
        q.bind(3);
    q.bind(4, from_date);
    q.bind(5, to_date);
    q.bind(6, to_db(now));
    q.exec();
}

void enqueue_booking_mail(connection& c, const domain::booking& b, domain::instant now, std::string_view token) {
    auto q = c.prepare(
        "INSERT INTO outbox(booking_id, kind, status, token_sealed, created_at) VALUES (?, 'booking', 'confirmed', ?, "
        "?)");
    q.bind(1, b.id);
    const auto sealed = c.key().seal(token, booking_token_context(b.id));
    q.bind(2, sealed.data(), static_cast<int>(sealed.size()));
    q.bind(3, to_db(now));
    q.exec();
}

void enqueue_mail_for_date(connection& c, std::int64_t date_id, domain::mail_kind kind, domain::instant now) {
    // Positions as they are now, counted the same way the registration reads count them (arrival order).
    auto q = c.prepare(
        "INSERT INTO outbox(registration_id, kind, status, waitlist_position, created_at) "
        "SELECT r.id, ?, r.status, CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w "
        "WHERE w.date_id = r.date_id AND w.status = 'waitlisted' AND w.arrival <= r.arrival) END, ? "
        "FROM registrations r WHERE r.date_id = ? AND r.status != 'cancelled' ORDER BY r.id");
    q.bind(1, std::string{domain::to_string(kind)});
    q.bind(2, to_db(now));
    q.bind(3, date_id);
    q.exec();
}

void store_rendered_mail(connection& c,
                         std::int64_t id,
                         std::string_view sender,
                         std::string_view recipient,
                         std::string_view subject,
                         std::string_view message) {
    auto q = c.prepare(
        "UPDATE outbox SET sender = ?, recipient = ?, subject = ?, message = ?, state = 'ready' "
        "WHERE id = ? AND state = 'pending'");
    q.bind(1, std::string{sender});
    q.bind(2, std::string{recipient});
    q.bind(3, std::string{subject});
    q.bind(4, message.data(), static_cast<int>(message.size()));
    q.bind(5, id);
    q.exec();
}

void mark_mail_sent(connection& c, std::int64_t id, domain::instant now) {
    auto q = c.prepare(
        "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, "
        "last_error = NULL, token_sealed = NULL WHERE id = ?");
    q.bind(1, to_db(now));
    q.bind(2, id);
    q.exec();
}

void mark_mail_retry(connection& c, std::int64_t id, domain::instant next_attempt, std::string_view error) {
    auto q = c.prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?");
    q.bind(1, to_db(next_attempt));
    q.bind(2, std::string{error});
    q.bind(3, id);
    q.exec();
}

void mark_mail_failed(connection& c, std::int64_t id, std::string_view error) {
    auto q = c.prepare(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, next_attempt_at = NULL, last_error = ?, "
        "token_sealed = NULL WHERE id = ?");
    q.bind(1, std::string{error});
    q.bind(2, id);
    q.exec();
}

std::optional<std::string> mail_token(connection& c, const mail_entry& m) {
    if (m.token_sealed.empty()) return std::nullopt;
    return c.key().open(m.token_sealed,
                        m.booking_id ? booking_token_context(*m.booking_id) : token_context(m.registration_id));
}

std::vector<mail_entry> pending_mails(connection& c, int limit) {
    auto q = c.prepare("SELECT " SEMINARD_MAIL_COLUMNS "WHERE o.state = 'pending' ORDER BY o.id LIMIT ?");
    q.bind(1, limit);
    return read_all(q);
}

std::vector<mail_entry> due_mails(connection& c, domain::instant now, int limit) {
    auto q = c.prepare("SELECT " SEMINARD_MAIL_COLUMNS
                       "WHERE o.state = 'ready' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?) "
                       "ORDER BY o.id LIMIT ?");
    q.bind(1, to_db(now));
    q.bind(2, limit);
    return read_all(q);
}

std::optional<mail_entry> find_mail(connection& c, std::int64_t id) {
    auto q = c.prepare("SELECT " SEMINARD_MAIL_COLUMNS "WHERE o.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_mail(q);
}

std::optional<std::string> mail_message(connection& c, std::int64_t id) {
    auto q = c.prepare("SELECT message FROM outbox WHERE id = ? AND message IS NOT NULL");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    const auto col = q.getColumn(0);
    return std::string{static_cast<const char*>(col.getBlob()), static_cast<std::size_t>(col.getBytes())};
}

mail_page list_mails(connection& c, const mail_filter& f, int limit, std::int64_t after_id) {
    // One statement for every filter combination: a NULL parameter means "any".
    constexpr const char* where =
        "WHERE (?1 IS NULL OR o.state = ?1) AND (?2 IS NULL OR COALESCE(o.moved_to, r.date_id, b.date_id) = ?2) AND "
        "(?3 IS NULL OR COALESCE(r.code, b.code) = ?3) ";
    auto bind_filter = [&f](statement_ref& q) {
        if (f.state)
            q.bind(1, std::string{to_string(*f.state)});
        else
            q.bind(1);
        if (f.date_id)
            q.bind(2, *f.date_id);
        else
            q.bind(2);
        if (f.code)
            q.bind(3, *f.code);
        else
            q.bind(3);
    };
    mail_page page;
    {
        static const std::string sql =
            std::string{"SELECT " SEMINARD_MAIL_COLUMNS} + where + "AND o.id > ?4 ORDER BY o.id LIMIT ?5";
        auto q = c.prepare(sql.c_str());
        bind_filter(q);
        q.bind(4, after_id);
        q.bind(5, limit + 1);
        page.items = read_all(q);
    }
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.pop_back();
        page.next_cursor = page.items.back().id;
    }
    static const std::string count_sql = std::string{"SELECT COUNT(*) " SEMINARD_MAIL_FROM} + where;
    auto n = c.prepare(count_sql.c_str());
    bind_filter(n);
    if (n.executeStep()) page.total = n.getColumn(0).getInt64();
    return page;
}

namespace {

/// The token in a confirmation message rendered before schema 6: the text after "/registrations/" that the
/// registration's stored hash confirms (quoted-printable soft line breaks removed first).
std::optional<std::string> token_in_message(std::string message, const digest& token_hash) {
    for (auto at = message.find("=\r\n"); at != std::string::npos; at = message.find("=\r\n", at)) message.erase(at, 3);
    constexpr std::string_view marker = "/registrations/";
    auto is_token_char = [](char ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
               ch == '_';
    };
    for (auto at = message.find(marker); at != std::string::npos; at = message.find(marker, at + 1)) {
        auto end = at + marker.size();
        while (end < message.size() && is_token_char(message[end])) ++end;
        const auto candidate = message.substr(at + marker.size(), end - at - marker.size());
        if (!candidate.empty() && same_digest(sha256(candidate), token_hash)) return candidate;
    }
    return std::nullopt;
}

}  // namespace

void seal_outbox_tokens(connection& c) {
    auto& db = c.db();
    {
        SQLite::Statement q(db, "SELECT id, registration_id, token FROM outbox WHERE token IS NOT NULL");
        while (q.executeStep()) {
            const auto id = q.getColumn(0).getInt64();
            const auto sealed = c.key().seal(q.getColumn(2).getString(), token_context(q.getColumn(1).getInt64()));
            SQLite::Statement u(db, "UPDATE outbox SET token_sealed = ?, token = NULL WHERE id = ?");
            u.bind(1, sealed.data(), static_cast<int>(sealed.size()));
            u.bind(2, id);
            u.exec();
        }
    }
    SQLite::Statement q(db,
                        "SELECT o.id, o.registration_id, o.state, o.message, r.token_hash FROM outbox o "
                        "JOIN registrations r ON r.id = o.registration_id "
                        "WHERE o.kind = 'registered' AND o.message IS NOT NULL");
    while (q.executeStep()) {
        const auto id = q.getColumn(0).getInt64();
        const auto registration_id = q.getColumn(1).getInt64();
        const auto state = q.getColumn(2).getString();
        const auto message_col = q.getColumn(3);
        std::string message{static_cast<const char*>(message_col.getBlob()),
                            static_cast<std::size_t>(message_col.getBytes())};
        digest hash{};
        const auto hash_col = q.getColumn(4);
        if (hash_col.getBytes() == static_cast<int>(hash.size()))
            std::memcpy(hash.data(), hash_col.getBlob(), hash.size());
        if (state == "ready") {
            // Not sent yet: keep the link for the mail, sealed, and render the message again without it.
            SQLite::Statement u(db,
                                "UPDATE outbox SET token_sealed = ?, message = NULL, state = 'pending' WHERE id = ?");
            if (auto token = token_in_message(std::move(message), hash)) {
                const auto sealed = c.key().seal(*token, token_context(registration_id));
                u.bind(1, sealed.data(), static_cast<int>(sealed.size()));
            } else {
                u.bind(1);
            }
            u.bind(2, id);
            u.exec();
        } else {
            SQLite::Statement u(db, "UPDATE outbox SET message = NULL WHERE id = ?");
            u.bind(1, id);
            u.exec();
        }
    }
}

}  // namespace seminard::storage
