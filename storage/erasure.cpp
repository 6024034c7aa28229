// Erasure by anonymising in place (see erasure.hpp).
#include "erasure.hpp"

#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "json_columns.hpp"
#include "personal_data.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace seminard::storage {

namespace {

std::int64_t to_db(domain::instant t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Mails keep kind, state and times (what happened, for the statistics), never to whom or what. One not sent yet
// is not sent: the mailer's later writes check the state they expect.
// A macro so that each use is one string literal, which the connection's statement cache is keyed by.
#define SEMINARD_BLANK_MAILS                                                                            \
    "UPDATE outbox SET recipient = NULL, subject = NULL, message = NULL, person = NULL, token = NULL, " \
    "token_sealed = NULL, next_attempt_at = NULL, "                                                     \
    "last_error = CASE WHEN state = 'pending' OR state = 'ready' THEN 'erased' ELSE NULL END, "         \
    "state = CASE WHEN state = 'pending' OR state = 'ready' THEN 'failed' ELSE state END "

void blank_registration(connection& c, std::int64_t id, domain::instant now) {
    // A random hash: the private link stops working. The address key stays unique without naming anyone.
    auto r = c.prepare(
        "UPDATE registrations SET first_name = '', last_name = '', email = '', email_norm = 'erased:' || id, "
        "company = '', job_title = '', phone = '', billing = NULL, answers = NULL, token_hash = randomblob(32), "
        "erased_at = ?1, updated_at = ?1 WHERE id = ?2");
    r.bind(1, to_db(now));
    r.bind(2, id);
    r.exec();
    auto m = c.prepare(SEMINARD_BLANK_MAILS "WHERE registration_id = ?");
    m.bind(1, id);
    m.exec();
    auto h = c.prepare("UPDATE history SET detail = '{}' WHERE registration_id = ?");
    h.bind(1, id);
    h.exec();
    auto e = c.prepare(
        "INSERT INTO history(registration_id, booking_id, at, actor, event, detail) "
        "SELECT id, booking_id, ?, 'organiser', 'erased', '{}' FROM registrations WHERE id = ?");
    e.bind(1, to_db(now));
    e.bind(2, id);
    e.exec();
}

void blank_booking(connection& c, std::int64_t id, domain::instant now) {
    auto b = c.prepare(
        "UPDATE bookings SET first_name = '', last_name = '', email = '', company = '', phone = '', billing = NULL, "
        "token_hash = randomblob(32), erased_at = ?1, updated_at = ?1 WHERE id = ?2");
    b.bind(1, to_db(now));
    b.bind(2, id);
    b.exec();
    auto m = c.prepare(SEMINARD_BLANK_MAILS "WHERE booking_id = ? AND registration_id IS NULL");
    m.bind(1, id);
    m.exec();
}

void record(connection& c, std::string_view scope, std::string_view actor, erasure_count n, domain::instant now) {
    auto q = c.prepare("INSERT INTO erasures(at, actor, scope, registrations, bookings) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, to_db(now));
    q.bind(2, std::string{actor});
    q.bind(3, std::string{scope});
    q.bind(4, n.registrations);
    q.bind(5, n.bookings);
    q.exec();
}

std::vector<std::int64_t> ids_of(statement_ref& q) {
    std::vector<std::int64_t> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
    return out;
}

/// The address as a seat's holder before a substitute: the `from` of a substitution and the mail that told them.
void blank_former_holder(connection& c, const std::string& email_norm) {
    std::vector<std::int64_t> entries;
    {
        auto q = c.prepare("SELECT id, detail FROM history WHERE event = 'substituted'");
        while (q.executeStep()) {
            const auto detail = q.getColumn(1).getString();
            if (detail.find('@') == std::string::npos) continue;
            if (domain::normalize_email(substitution_from_email(detail)) == email_norm)
                entries.push_back(q.getColumn(0).getInt64());
        }
    }
    for (const auto id : entries) {
        auto u = c.prepare("UPDATE history SET detail = '{}' WHERE id = ?");
        u.bind(1, id);
        u.exec();
    }
    std::vector<std::int64_t> mails;
    {
        auto q = c.prepare("SELECT id, person FROM outbox WHERE person IS NOT NULL");
        while (q.executeStep())
            if (domain::normalize_email(person_from_column(q.getColumn(1).getString()).email) == email_norm)
                mails.push_back(q.getColumn(0).getInt64());
    }
    for (const auto id : mails) {
        auto u = c.prepare(SEMINARD_BLANK_MAILS "WHERE id = ?");
        u.bind(1, id);
        u.exec();
    }
}

}  // namespace

domain::result<erasure_count> erase_registration(connection& c,
                                                 std::string_view code,
                                                 std::string_view actor,
                                                 domain::instant now) {
    std::int64_t id = 0;
    bool already = false;
    {
        auto q = c.prepare("SELECT id, erased_at IS NOT NULL FROM registrations WHERE code = ?");
        q.bind(1, std::string{code});
        if (!q.executeStep()) return domain::errc::not_found;
        id = q.getColumn(0).getInt64();
        already = q.getColumn(1).getInt() != 0;
    }
    erasure_count n;
    if (already) return n;
    blank_registration(c, id, now);
    n.registrations = 1;
    record(c, "registration", actor, n, now);
    return n;
}

erasure_count erase_address(connection& c, const std::string& email, std::string_view actor, domain::instant now) {
    const auto norm = domain::normalize_email(email);
    erasure_count n;
    if (norm.empty()) return n;
    // An erased row holds no address: what is found is what is left to erase.
    const auto regs = registrations_of_address(c, norm);
    for (const auto id : regs) blank_registration(c, id, now);
    const auto bookings = bookings_of_address(c, norm);
    for (const auto id : bookings) blank_booking(c, id, now);
    blank_former_holder(c, norm);
    n.registrations = static_cast<int>(regs.size());
    n.bookings = static_cast<int>(bookings.size());
    record(c, "address", actor, n, now);
    return n;
}

erasure_count erase_ended_dates(connection& c, date::year_month_day last_day_before, int limit, domain::instant now) {
    std::vector<std::int64_t> dates;
    {
        auto q = c.prepare("SELECT date_id FROM date_days GROUP BY date_id HAVING MAX(day) < ? ORDER BY date_id");
        q.bind(1, domain::format_day(last_day_before));
        while (q.executeStep()) dates.push_back(q.getColumn(0).getInt64());
    }
    erasure_count n;
    for (const auto date_id : dates) {
        if (n.registrations + n.bookings >= limit) break;
        std::vector<std::int64_t> regs;
        {
            auto q =
                c.prepare("SELECT id FROM registrations WHERE date_id = ? AND erased_at IS NULL ORDER BY id LIMIT ?");
            q.bind(1, date_id);
            q.bind(2, limit - n.registrations - n.bookings);
            regs = ids_of(q);
        }
        for (const auto id : regs) blank_registration(c, id, now);
        n.registrations += static_cast<int>(regs.size());
        std::vector<std::int64_t> bookings;
        {
            auto q = c.prepare("SELECT id FROM bookings WHERE date_id = ? AND erased_at IS NULL ORDER BY id LIMIT ?");
            q.bind(1, date_id);
            q.bind(2, std::max(limit - n.registrations - n.bookings, 0));
            bookings = ids_of(q);
        }
        for (const auto id : bookings) blank_booking(c, id, now);
        n.bookings += static_cast<int>(bookings.size());
    }
    if (n.registrations + n.bookings > 0) record(c, "retention", "retention", n, now);
    return n;
}

int drop_sent_mail_bodies(connection& c, domain::instant cutoff, int limit) {
    auto q = c.prepare(
        "UPDATE outbox SET message = NULL WHERE id IN (SELECT id FROM outbox WHERE state = 'sent' AND sent_at < ? "
        "AND message IS NOT NULL ORDER BY id LIMIT ?)");
    q.bind(1, to_db(cutoff));
    q.bind(2, limit);
    return q.exec();
}

std::optional<domain::instant> newest_registration_at(connection& c) {
    auto q = c.prepare("SELECT created_at FROM registrations ORDER BY id DESC LIMIT 1");
    if (!q.executeStep()) return std::nullopt;
    return domain::instant{std::chrono::seconds{q.getColumn(0).getInt64()}};
}

}  // namespace seminard::storage
