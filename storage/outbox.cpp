// The outbox table (see outbox.hpp).
#include "outbox.hpp"

#include <array>

namespace seminard::storage {

namespace {

std::int64_t to_db(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_db(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }

constexpr std::array<std::string_view, 4> state_names = {"pending", "ready", "sent", "failed"};

#define SEMINARD_MAIL_COLUMNS                                                                                 \
    "o.id, o.registration_id, r.date_id, r.code, o.kind, o.status, o.waitlist_position, r.lang, o.token, "    \
    "o.created_at, o.state, o.recipient, o.subject, o.attempts, o.next_attempt_at, o.last_error, o.sent_at, " \
    "o.sender "                                                                                               \
    "FROM outbox o JOIN registrations r ON r.id = o.registration_id "

mail_entry read_mail(statement_ref& q) {
    auto text = [&q](int col) { return q.getColumn(col).isNull() ? std::string{} : q.getColumn(col).getString(); };
    mail_entry m;
    m.id = q.getColumn(0).getInt64();
    m.registration_id = q.getColumn(1).getInt64();
    m.date_id = q.getColumn(2).getInt64();
    m.code = text(3);
    m.kind = domain::parse_mail_kind(text(4)).value_or(domain::mail_kind::registered);
    m.status = domain::parse_registration_status(text(5)).value_or(domain::registration_status::cancelled);
    if (!q.getColumn(6).isNull()) m.waitlist_position = q.getColumn(6).getInt();
    m.lang = domain::lang_from_code(text(7));
    m.token = text(8);
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
        "INSERT INTO outbox(registration_id, kind, status, waitlist_position, token, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, r.id);
    q.bind(2, std::string{domain::to_string(kind)});
    q.bind(3, std::string{domain::to_string(r.status)});
    if (r.waitlist_position)
        q.bind(4, *r.waitlist_position);
    else
        q.bind(4);
    if (token.empty())
        q.bind(5);
    else
        q.bind(5, std::string{token});
    q.bind(6, to_db(now));
    q.exec();
}

void enqueue_mail_for_date(connection& c, std::int64_t date_id, domain::mail_kind kind, domain::instant now) {
    // Positions as they are now, counted the same way the registration reads count them (arrival order).
    auto q = c.prepare(
        "INSERT INTO outbox(registration_id, kind, status, waitlist_position, created_at) "
        "SELECT r.id, ?, r.status, CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w "
        "WHERE w.date_id = r.date_id AND w.status = 'waitlisted' AND w.id <= r.id) END, ? "
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
        "UPDATE outbox SET sender = ?, recipient = ?, subject = ?, message = ?, token = NULL, state = 'ready' "
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
        "last_error = NULL WHERE id = ?");
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
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, next_attempt_at = NULL, last_error = ? "
        "WHERE id = ?");
    q.bind(1, std::string{error});
    q.bind(2, id);
    q.exec();
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
        "WHERE (?1 IS NULL OR o.state = ?1) AND (?2 IS NULL OR r.date_id = ?2) AND (?3 IS NULL OR r.code = ?3) ";
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
    static const std::string count_sql =
        std::string{"SELECT COUNT(*) FROM outbox o JOIN registrations r ON r.id = o.registration_id "} + where;
    auto n = c.prepare(count_sql.c_str());
    bind_filter(n);
    if (n.executeStep()) page.total = n.getColumn(0).getInt64();
    return page;
}

}  // namespace seminard::storage
