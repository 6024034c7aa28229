// The own-data export's reads (see personal_data.hpp).
#include "personal_data.hpp"

#include "domain/text.hpp"
#include "json_columns.hpp"
#include "store.hpp"

#include <chrono>

namespace seminard::storage {

namespace {

domain::instant from_db(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }
std::string text_or_empty(statement_ref& q, int column) {
    return q.getColumn(column).isNull() ? std::string{} : q.getColumn(column).getString();
}

enum class owner { registration, booking };

/// The mails of one registration to whoever holds the seat now, or of one booking to its booker. A seat's mails
/// up to the last `substituted` one (the mail to the person before, the only one with `person` set) were theirs.
std::vector<mail_summary> mails_of(connection& c, owner of, std::int64_t id) {
    auto q = c.prepare(of == owner::registration
                           ? "SELECT kind, state, subject, created_at, sent_at FROM outbox WHERE registration_id = ?1 "
                             "AND id > COALESCE((SELECT MAX(id) FROM outbox WHERE registration_id = ?1 AND person IS "
                             "NOT NULL), 0) ORDER BY id"
                           : "SELECT kind, state, subject, created_at, sent_at FROM outbox WHERE booking_id = ?1 "
                             "AND registration_id IS NULL ORDER BY id");
    q.bind(1, id);
    std::vector<mail_summary> out;
    while (q.executeStep()) {
        mail_summary m;
        m.kind = q.getColumn(0).getString();
        m.state = q.getColumn(1).getString();
        m.subject = text_or_empty(q, 2);
        m.created_at = from_db(q.getColumn(3).getInt64());
        if (!q.getColumn(4).isNull()) m.sent_at = from_db(q.getColumn(4).getInt64());
        out.push_back(std::move(m));
    }
    return out;
}

/// The registration's history from the time this person took the seat: a substitution is where the seat came to
/// them (named with them only); everything before it is the previous holder's.
std::vector<own_history_entry> own_history(connection& c, const domain::registration& r) {
    auto all = history_of(c, r.id);
    std::size_t first = 0;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].event == "substituted") first = i;
    std::vector<own_history_entry> out;
    for (std::size_t i = first; i < all.size(); ++i) {
        auto& h = all[i];
        auto detail = h.event == "substituted" ? substitution_detail_to(h.detail) : std::move(h.detail);
        out.push_back({h.at, std::move(h.actor), std::move(h.event), std::move(detail)});
    }
    return out;
}

}  // namespace

std::vector<std::int64_t> registrations_of_address(connection& c, const std::string& email_norm) {
    auto q = c.prepare("SELECT id FROM registrations WHERE email_norm = ? ORDER BY id");
    q.bind(1, email_norm);
    std::vector<std::int64_t> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
    return out;
}

std::vector<std::int64_t> bookings_of_address(connection& c, const std::string& email_norm) {
    std::vector<std::int64_t> out;
    if (email_norm.empty()) return out;  // erased bookings hold an empty address
    auto q = c.prepare("SELECT id, email FROM bookings ORDER BY id");
    while (q.executeStep())
        if (domain::normalize_email(q.getColumn(1).getString()) == email_norm) out.push_back(q.getColumn(0).getInt64());
    return out;
}

personal_data personal_data_of(connection& c, const std::string& email) {
    personal_data out;
    out.email = domain::normalize_email(email);
    const auto ids = registrations_of_address(c, out.email);
    for (const auto id : ids) {
        auto r = find_registration(c, id);
        auto d = r ? find_date(c, r->date_id) : std::nullopt;
        auto s = d ? find_seminar_by_id(c, d->seminar_id) : std::nullopt;
        if (!s) continue;
        own_registration own{std::move(*s), std::move(*d), std::move(*r), {}, {}, {}};
        if (auto v = consent_version_of_registration(c, id)) own.consent = find_consent_version(c, *v);
        own.history = own_history(c, own.registration);
        own.mails = mails_of(c, owner::registration, id);
        out.registrations.push_back(std::move(own));
    }
    const auto booking_ids = bookings_of_address(c, out.email);
    for (const auto id : booking_ids) {
        auto b = find_booking(c, id);
        auto d = b ? find_date(c, b->date_id) : std::nullopt;
        auto s = d ? find_seminar_by_id(c, d->seminar_id) : std::nullopt;
        if (!s) continue;
        own_booking own{std::move(*s), std::move(*d), std::move(*b), {}, {}, {}};
        if (auto v = consent_version_of_booking(c, id)) own.consent = find_consent_version(c, *v);
        for (const auto& r : registrations_of_booking(c, id)) own.attendee_codes.push_back(r.code);
        own.mails = mails_of(c, owner::booking, id);
        out.bookings.push_back(std::move(own));
    }
    return out;
}

}  // namespace seminard::storage
