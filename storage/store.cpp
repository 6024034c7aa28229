// Queries and commands on the seminard schema (see store.hpp).
#include "store.hpp"

#include "json_columns.hpp"
#include "outbox.hpp"

#include "domain/admission.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>
#include <utility>

namespace seminard::storage {

namespace {

using domain::instant;

std::int64_t to_db(instant t) { return t.time_since_epoch().count(); }
instant from_db(std::int64_t s) { return instant{std::chrono::seconds{s}}; }

std::string text(statement_ref& q, int col) { return q.getColumn(col).getString(); }

#define SEMINARD_SEMINAR_COLUMNS                                                                                \
    "id, slug, title, description, location, price_cents, currency, organizer_name, organizer_email, billing, " \
    "questions, cancellation_terms, self_cancel_days, created_at, updated_at"

domain::seminar read_seminar(statement_ref& q) {
    domain::seminar s;
    s.id = q.getColumn(0).getInt64();
    s.slug = text(q, 1);
    s.title = text(q, 2);
    s.description = text(q, 3);
    s.location = text(q, 4);
    if (!q.getColumn(5).isNull()) s.price_cents = q.getColumn(5).getInt64();
    s.currency = text(q, 6);
    s.organizer_name = text(q, 7);
    s.organizer_email = text(q, 8);
    s.billing = domain::parse_billing_mode(text(q, 9)).value_or(domain::billing_mode::none);
    s.questions = questions_from_column(text(q, 10));
    s.cancellation_terms = text(q, 11);
    if (!q.getColumn(12).isNull()) s.self_cancel_days = q.getColumn(12).getInt();
    s.created_at = from_db(q.getColumn(13).getInt64());
    s.updated_at = from_db(q.getColumn(14).getInt64());
    return s;
}

/// Parameters 1..12 of an INSERT or UPDATE of seminars, in the order of SEMINARD_SEMINAR_COLUMNS after id.
void bind_seminar_fields(statement_ref& q, const domain::seminar& s) {
    q.bind(1, s.slug);
    q.bind(2, s.title);
    q.bind(3, s.description);
    q.bind(4, s.location);
    if (s.price_cents)
        q.bind(5, *s.price_cents);
    else
        q.bind(5);
    q.bind(6, s.currency);
    q.bind(7, s.organizer_name);
    q.bind(8, s.organizer_email);
    q.bind(9, std::string{domain::to_string(s.billing)});
    q.bind(10, questions_column(s.questions));
    q.bind(11, s.cancellation_terms);
    if (s.self_cancel_days)
        q.bind(12, *s.self_cancel_days);
    else
        q.bind(12);
}

#define SEMINARD_DATE_COLUMNS                                                                                   \
    "id, seminar_id, uid, timezone, capacity, waitlist, status, registration_closes_at, sequence, created_at, " \
    "updated_at"

domain::seminar_date read_date_row(statement_ref& q) {
    domain::seminar_date d;
    d.id = q.getColumn(0).getInt64();
    d.seminar_id = q.getColumn(1).getInt64();
    d.uid = text(q, 2);
    d.timezone = text(q, 3);
    d.capacity = q.getColumn(4).getInt();
    d.waitlist = q.getColumn(5).getInt() != 0;
    d.status = text(q, 6) == "cancelled" ? domain::date_status::cancelled : domain::date_status::scheduled;
    if (!q.getColumn(7).isNull()) d.registration_closes_at = from_db(q.getColumn(7).getInt64());
    d.sequence = q.getColumn(8).getInt();
    d.created_at = from_db(q.getColumn(9).getInt64());
    d.updated_at = from_db(q.getColumn(10).getInt64());
    return d;
}

void load_days(connection& c, domain::seminar_date& d) {
    auto q = c.prepare("SELECT day, start_min, end_min FROM date_days WHERE date_id = ? ORDER BY day");
    q.bind(1, d.id);
    d.days.clear();
    while (q.executeStep()) {
        auto day = domain::parse_day(q.getColumn(0).getString());
        if (!day) throw std::runtime_error("corrupt day in date_days");
        d.days.push_back(
            {*day, domain::clock_time{q.getColumn(1).getInt()}, domain::clock_time{q.getColumn(2).getInt()}});
    }
}

void save_days(connection& c, const domain::seminar_date& d) {
    auto del = c.prepare("DELETE FROM date_days WHERE date_id = ?");
    del.bind(1, d.id);
    del.exec();
    for (const auto& day : d.days) {
        auto ins = c.prepare("INSERT INTO date_days(date_id, day, start_min, end_min) VALUES (?, ?, ?, ?)");
        ins.bind(1, d.id);
        ins.bind(2, domain::format_day(day.day));
        ins.bind(3, static_cast<int>(day.start.count()));
        ins.bind(4, static_cast<int>(day.end.count()));
        ins.exec();
    }
}

#define SEMINARD_REGISTRATION_COLUMNS                                                                               \
    "r.id, r.date_id, r.code, r.status, r.first_name, r.last_name, r.email, r.company, r.job_title, r.phone, "      \
    "r.consent_at, r.created_at, r.cancelled_at, r.updated_at, r.billing, r.answers, "                              \
    "CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w WHERE w.date_id = r.date_id AND " \
    "w.status = 'waitlisted' AND w.arrival <= r.arrival) END, r.booking_id, r.holder, "                             \
    "(SELECT b.code FROM bookings b WHERE b.id = r.booking_id)"

/// Whether the row's last column holds exactly `expected` (a stored token hash), compared in constant time.
bool last_column_is_digest_of(statement_ref& q, const digest& expected) {
    auto stored = q.getColumn(q.getColumnCount() - 1);
    digest d{};
    if (stored.getBytes() != static_cast<int>(d.size())) return false;
    std::memcpy(d.data(), stored.getBlob(), d.size());
    return same_digest(d, expected);
}

domain::registration read_registration(statement_ref& q) {
    domain::registration r;
    r.id = q.getColumn(0).getInt64();
    r.date_id = q.getColumn(1).getInt64();
    r.code = text(q, 2);
    r.status = domain::parse_registration_status(text(q, 3)).value_or(domain::registration_status::cancelled);
    r.person = {text(q, 4), text(q, 5), text(q, 6), text(q, 7), text(q, 8), text(q, 9)};
    r.consent_at = from_db(q.getColumn(10).getInt64());
    r.created_at = from_db(q.getColumn(11).getInt64());
    if (!q.getColumn(12).isNull()) r.cancelled_at = from_db(q.getColumn(12).getInt64());
    r.updated_at = from_db(q.getColumn(13).getInt64());
    if (!q.getColumn(14).isNull()) r.billing = billing_from_column(text(q, 14));
    if (!q.getColumn(15).isNull()) r.answers = answers_from_column(text(q, 15));
    if (!q.getColumn(16).isNull()) r.waitlist_position = q.getColumn(16).getInt();
    if (!q.getColumn(17).isNull()) r.booking_id = q.getColumn(17).getInt64();
    r.holder = q.getColumn(18).getInt();
    if (!q.getColumn(19).isNull()) r.booking_code = text(q, 19);
    return r;
}

std::optional<domain::registration> find_registration_by_id(connection& c, std::int64_t id) {
    auto q = c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS " FROM registrations r WHERE r.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_registration(q);
}

/// The id and code of the next registration: the code is the permuted id. A code that a registration from before
/// schema 5 already holds (random, 40 bits: rare) is skipped together with its id.
std::pair<std::int64_t, std::string> next_registration_code(connection& c) {
    std::int64_t id = 0;
    {
        // Past the highest id and the highest arrival a rebooking took from the same sequence (move_registration).
        auto q = c.prepare(
            "SELECT MAX(COALESCE((SELECT MAX(id) FROM registrations), 0), COALESCE((SELECT CAST(value AS INTEGER) "
            "FROM settings WHERE key = 'registration_arrival_floor'), 0)) + 1");
        q.executeStep();
        id = q.getColumn(0).getInt64();
    }
    const bool legacy = c.has_legacy_codes();
    for (;; ++id) {
        auto code = domain::make_code(c.codes().forward(static_cast<std::uint64_t>(id)));
        if (!legacy) return {id, std::move(code)};
        auto q = c.prepare("SELECT 1 FROM registrations WHERE code = ? AND legacy = 1");
        q.bind(1, code);
        if (!q.executeStep()) return {id, std::move(code)};
    }
}

/// Moves as many people up from the waiting list as there are free seats, first come first served.
std::vector<domain::registration> promote(connection& c, const domain::seminar_date& d, instant now) {
    std::vector<domain::registration> promoted;
    const int n = domain::promotions(d, availability(c, d.id), now);  // none once the date has begun
    if (n == 0) return promoted;
    std::vector<std::int64_t> ids;
    {
        auto q = c.prepare(
            "SELECT id FROM registrations WHERE date_id = ? AND status = 'waitlisted' ORDER BY arrival LIMIT ?");
        q.bind(1, d.id);
        q.bind(2, n);
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    for (auto id : ids) {
        auto u = c.prepare("UPDATE registrations SET status = 'confirmed', updated_at = ? WHERE id = ?");
        u.bind(1, to_db(now));
        u.bind(2, id);
        u.exec();
        if (auto r = find_registration_by_id(c, id)) {
            enqueue_mail(c, *r, domain::mail_kind::promoted, now);
            promoted.push_back(std::move(*r));
        }
    }
    return promoted;
}

bool is_unique_violation(const SQLite::Exception& e) { return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE; }

}  // namespace

// ---- reads -------------------------------------------------------------------------------------------------

std::vector<domain::seminar> list_seminars(connection& c) {
    auto q = c.prepare("SELECT " SEMINARD_SEMINAR_COLUMNS " FROM seminars ORDER BY title, id");
    std::vector<domain::seminar> out;
    while (q.executeStep()) out.push_back(read_seminar(q));
    return out;
}

std::optional<domain::seminar> find_seminar(connection& c, std::string_view slug) {
    auto q = c.prepare("SELECT " SEMINARD_SEMINAR_COLUMNS " FROM seminars WHERE slug = ?");
    q.bind(1, std::string{slug});
    if (!q.executeStep()) return std::nullopt;
    return read_seminar(q);
}

std::optional<domain::seminar> find_seminar_by_id(connection& c, std::int64_t id) {
    auto* cache = c.seminar_cache();
    if (cache)
        if (auto hit = cache->find(id); hit != cache->end()) return hit->second;
    auto q = c.prepare("SELECT " SEMINARD_SEMINAR_COLUMNS " FROM seminars WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    auto s = read_seminar(q);
    if (cache) cache->emplace(id, s);
    return s;
}

std::optional<domain::seminar_date> find_date(connection& c, std::int64_t id) {
    std::optional<domain::seminar_date> d;
    {
        auto q = c.prepare("SELECT " SEMINARD_DATE_COLUMNS " FROM dates WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep()) return std::nullopt;
        d = read_date_row(q);
    }
    load_days(c, *d);
    return d;
}

std::vector<domain::seminar_date> dates_of(connection& c, std::int64_t seminar_id) {
    std::vector<domain::seminar_date> out;
    {
        auto q = c.prepare("SELECT " SEMINARD_DATE_COLUMNS
                           " FROM dates WHERE seminar_id = ? ORDER BY (SELECT MIN(day) FROM date_days WHERE "
                           "date_id = dates.id), id");
        q.bind(1, seminar_id);
        while (q.executeStep()) out.push_back(read_date_row(q));
    }
    for (auto& d : out) load_days(c, d);
    return out;
}

domain::date_availability availability(connection& c, std::int64_t date_id) {
    // Kept by triggers on registrations (schema migration 2), in the same transaction as every change.
    auto q = c.prepare("SELECT confirmed_count, waitlist_count FROM dates WHERE id = ?");
    q.bind(1, date_id);
    domain::date_availability a;
    if (q.executeStep()) {
        a.confirmed = q.getColumn(0).getInt();
        a.waitlisted = q.getColumn(1).getInt();
    }
    return a;
}

std::optional<domain::registration> find_registration_by_token(connection& c, std::string_view token) {
    const auto hash = sha256(token);
    if (auto value = registration_token_code(token)) {
        const auto id = static_cast<std::int64_t>(c.codes().backward(*value));
        // One read: the row with its stored hash after the usual columns.
        auto q = c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS
                           ", r.token_hash FROM registrations r WHERE r.id = ? AND r.legacy = 0");
        q.bind(1, id);
        if (!q.executeStep()) return std::nullopt;
        if (!last_column_is_digest_of(q, hash)) return std::nullopt;  // the hash, after the registration's columns
        return read_registration(q);
    }
    auto q = c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS
                       " FROM registrations r WHERE r.token_hash = ? AND r.legacy = 1");
    q.bind(1, hash.data(), static_cast<int>(hash.size()));
    if (!q.executeStep()) return std::nullopt;
    return read_registration(q);
}

std::optional<domain::registration> find_registration(connection& c, std::int64_t id) {
    return find_registration_by_id(c, id);
}

namespace {

/// The invite key's secret half: 128 bits of an HMAC over the registration's id, under the server's key.
/// A new holder of the seat (a substitute) gets a new key: the one before cannot fetch the invite any more.
std::array<std::uint8_t, 32> invite_mac(const secret_key& key, std::int64_t registration_id, int holder) {
    auto subject = "seminard invite key, registration " + std::to_string(registration_id);
    if (holder > 0) subject += ", holder " + std::to_string(holder);
    return key.mac(subject);
}

}  // namespace

std::string invite_key(const secret_key& key, const domain::registration& r) {
    const auto value = domain::code_value(r.code);
    if (!value) throw std::runtime_error("registration without a canonical code");
    const auto mac = invite_mac(key, r.id, r.holder);
    return registration_key(*value, std::span<const std::uint8_t>{mac.data(), registration_key_secret_bytes});
}

std::string invite_key(connection& c, const domain::registration& r) { return invite_key(c.key(), r); }

std::optional<domain::registration> find_registration_by_invite_key(connection& c, std::string_view key) {
    const auto value = registration_token_code(key);
    if (!value) return std::nullopt;
    auto reg = find_registration_by_code(c, domain::make_code(*value));
    if (!reg) return std::nullopt;
    // Compared as digests (constant time): the expected key's hash against the given one's.
    if (!same_digest(sha256(invite_key(c, *reg)), sha256(key))) return std::nullopt;
    return reg;
}

std::optional<domain::registration> find_registration_by_code(connection& c, std::string_view code) {
    if (auto value = domain::code_value(code)) {
        auto q = c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS
                           " FROM registrations r WHERE r.id = ? AND r.code = ? AND r.legacy = 0");
        q.bind(1, static_cast<std::int64_t>(c.codes().backward(*value)));
        q.bind(2, std::string{code});
        if (q.executeStep()) return read_registration(q);
    }
    auto q =
        c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS " FROM registrations r WHERE r.code = ? AND r.legacy = 1");
    q.bind(1, std::string{code});
    if (!q.executeStep()) return std::nullopt;
    return read_registration(q);
}

registration_page list_registrations(connection& c,
                                     std::int64_t date_id,
                                     std::optional<domain::registration_status> status,
                                     int limit,
                                     std::int64_t after_id) {
    registration_page page;
    if (limit < 1) return page;
    const std::string status_text{status ? domain::to_string(*status) : std::string_view{}};
    // The waiting list in its order (someone rebooked onto the date arrived later than their id says), walked by
    // arrival; every other list in order of registration, walked by id. The cursor is the one the list walks by.
    const bool queue = status == domain::registration_status::waitlisted;
    std::int64_t last_key = 0;
    {
        auto q = queue
                     ? c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS
                                 ", r.arrival FROM registrations r WHERE r.date_id = ?1 AND r.status = 'waitlisted' "
                                 "AND r.arrival > ?3 ORDER BY r.arrival LIMIT ?4")
                     : c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS
                                 ", r.id FROM registrations r WHERE r.date_id = ?1 AND (?2 = '' OR r.status = ?2) AND "
                                 "r.id > ?3 ORDER BY r.id LIMIT ?4");
        q.bind(1, date_id);
        q.bind(2, status_text);
        q.bind(3, after_id);
        q.bind(4, limit + 1);  // one more tells whether another page follows
        while (static_cast<int>(page.items.size()) < limit && q.executeStep()) {
            page.items.push_back(read_registration(q));
            last_key = q.getColumn(q.getColumnCount() - 1).getInt64();
        }
        if (static_cast<int>(page.items.size()) == limit && q.executeStep()) page.next_cursor = last_key;
    }
    auto n = c.prepare("SELECT COUNT(*) FROM registrations WHERE date_id = ?1 AND (?2 = '' OR status = ?2)");
    n.bind(1, date_id);
    n.bind(2, status_text);
    if (n.executeStep()) page.total = n.getColumn(0).getInt64();
    return page;
}

std::map<std::int64_t, int> registrations_per_date_since(connection& c, domain::instant since) {
    auto q = c.prepare(
        "SELECT date_id, COUNT(*) FROM registrations WHERE created_at >= ?1 AND id > COALESCE("
        "(SELECT id FROM registrations WHERE created_at < ?1 ORDER BY id DESC LIMIT 1), 0) GROUP BY date_id");
    q.bind(1, to_db(since));
    std::map<std::int64_t, int> out;
    while (q.executeStep()) out[q.getColumn(0).getInt64()] = q.getColumn(1).getInt();
    return out;
}

std::optional<std::string> get_setting(connection& c, std::string_view key) {
    auto q = c.prepare("SELECT value FROM settings WHERE key = ?");
    q.bind(1, std::string{key});
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
}

// ---- commands ----------------------------------------------------------------------------------------------

domain::result<domain::seminar> create_seminar(connection& c, domain::seminar s, instant now) {
    if (find_seminar(c, s.slug)) return domain::errc::slug_taken;
    s.created_at = s.updated_at = now;
    auto q = c.prepare(
        "INSERT INTO seminars(slug, title, description, location, price_cents, currency, organizer_name, "
        "organizer_email, billing, questions, cancellation_terms, self_cancel_days, created_at, updated_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bind_seminar_fields(q, s);
    q.bind(13, to_db(now));
    q.bind(14, to_db(now));
    q.exec();
    s.id = c.db().getLastInsertRowid();
    return s;
}

domain::result<domain::seminar> update_seminar(connection& c,
                                               std::string_view slug,
                                               const domain::seminar_input& patch,
                                               instant now) {
    auto current = find_seminar(c, slug);
    if (!current) return domain::errc::not_found;
    auto change = domain::patch_seminar(*current, patch);
    if (!change) return std::move(change).err();
    auto& s = change->updated;
    if (s.slug != current->slug && find_seminar(c, s.slug)) return domain::errc::slug_taken;
    s.updated_at = now;
    auto q = c.prepare(
        "UPDATE seminars SET slug = ?, title = ?, description = ?, location = ?, price_cents = ?, currency = ?, "
        "organizer_name = ?, organizer_email = ?, billing = ?, questions = ?, cancellation_terms = ?, "
        "self_cancel_days = ?, updated_at = ? WHERE id = ?");
    bind_seminar_fields(q, s);
    q.bind(13, to_db(now));
    q.bind(14, s.id);
    q.exec();
    if (change->calendar_visible) {
        auto b = c.prepare(
            "UPDATE dates SET sequence = sequence + 1, updated_at = ? WHERE seminar_id = ? AND status = 'scheduled'");
        b.bind(1, to_db(now));
        b.bind(2, s.id);
        b.exec();
    }
    return std::move(s);
}

domain::result<domain::seminar_date> create_date(connection& c, domain::seminar_date d, instant now) {
    if (!find_seminar_by_id(c, d.seminar_id)) return domain::errc::not_found;
    std::array<std::uint8_t, 16> raw{};
    random_bytes(raw);
    d.uid = to_hex(raw) + "@seminard";
    d.created_at = d.updated_at = now;
    auto q = c.prepare(
        "INSERT INTO dates(seminar_id, uid, timezone, capacity, waitlist, status, registration_closes_at, sequence, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, d.seminar_id);
    q.bind(2, d.uid);
    q.bind(3, d.timezone);
    q.bind(4, d.capacity);
    q.bind(5, d.waitlist ? 1 : 0);
    q.bind(6, std::string{domain::to_string(d.status)});
    if (d.registration_closes_at) q.bind(7, to_db(*d.registration_closes_at));
    q.bind(8, d.sequence);
    q.bind(9, to_db(now));
    q.bind(10, to_db(now));
    q.exec();
    d.id = c.db().getLastInsertRowid();
    save_days(c, d);
    return d;
}

domain::result<date_update> update_date(connection& c,
                                        std::int64_t date_id,
                                        const domain::date_input& patch,
                                        instant now) {
    auto current = find_date(c, date_id);
    if (!current) return domain::errc::not_found;
    auto counts = availability(c, date_id);
    auto change = domain::patch_date(*current, patch, counts.confirmed);
    if (!change) return std::move(change).err();
    auto& d = change->updated;
    d.updated_at = now;
    auto q = c.prepare(
        "UPDATE dates SET timezone = ?, capacity = ?, waitlist = ?, status = ?, registration_closes_at = ?, "
        "sequence = ?, updated_at = ? WHERE id = ?");
    q.bind(1, d.timezone);
    q.bind(2, d.capacity);
    q.bind(3, d.waitlist ? 1 : 0);
    q.bind(4, std::string{domain::to_string(d.status)});
    if (d.registration_closes_at)
        q.bind(5, to_db(*d.registration_closes_at));
    else
        q.bind(5);
    q.bind(6, d.sequence);
    q.bind(7, to_db(now));
    q.bind(8, d.id);
    q.exec();
    if (d.days != current->days) save_days(c, d);
    if (change->cancelled)
        enqueue_mail_for_date(c, d.id, domain::mail_kind::date_cancelled, now);
    else if (change->visible)
        enqueue_mail_for_date(c, d.id, domain::mail_kind::date_changed, now);
    date_update out{d, {}};
    out.promoted = promote(c, d, now);
    return out;
}

namespace {

/// Inserts one registration (code, token, row) and returns it with its token. already_registered when the unique
/// index on the address finds an active one (the callers check first; the index is the backstop).
domain::result<std::pair<domain::registration, std::string>> insert_registration(
    connection& c,
    std::int64_t date_id,
    const domain::attendee& person,
    std::optional<domain::billing_address> billing,
    std::vector<domain::answer> answers,
    domain::registration_status status,
    instant now,
    domain::lang lang,
    std::optional<std::int64_t> booking_id) {
    domain::registration r;
    r.billing = std::move(billing);
    r.answers = std::move(answers);
    std::tie(r.id, r.code) = next_registration_code(c);
    auto token = new_registration_token(*domain::code_value(r.code));
    const auto hash = sha256(token);
    r.date_id = date_id;
    r.status = status;
    r.person = person;
    r.booking_id = booking_id;
    r.consent_at = r.created_at = r.updated_at = now;
    auto q = c.prepare(
        "INSERT INTO registrations(date_id, code, token_hash, status, first_name, last_name, email, email_norm, "
        "company, job_title, phone, consent_at, created_at, updated_at, lang, id, billing, answers, booking_id, "
        "arrival, consent_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?16, ?20)");
    q.bind(1, date_id);
    q.bind(2, r.code);
    q.bind(3, hash.data(), static_cast<int>(hash.size()));
    q.bind(4, std::string{domain::to_string(r.status)});
    q.bind(5, person.first_name);
    q.bind(6, person.last_name);
    q.bind(7, person.email);
    q.bind(8, domain::normalize_email(person.email));
    q.bind(9, person.company);
    q.bind(10, person.job_title);
    q.bind(11, person.phone);
    q.bind(12, to_db(now));
    q.bind(13, to_db(now));
    q.bind(14, to_db(now));
    q.bind(15, std::string{domain::lang_code(lang)});
    q.bind(16, r.id);
    if (r.billing)
        q.bind(17, billing_column(*r.billing));
    else
        q.bind(17);
    if (!r.answers.empty())
        q.bind(18, answers_column(r.answers));
    else
        q.bind(18);
    if (booking_id)
        q.bind(19, *booking_id);
    else
        q.bind(19);
    if (const auto version = c.consent_version())
        q.bind(20, *version);
    else
        q.bind(20);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) return domain::errc::already_registered;
        throw;
    }
    return std::pair{std::move(r), std::move(token)};
}

bool holds_active_registration(connection& c, std::int64_t date_id, const std::string& email_norm) {
    auto q = c.prepare("SELECT 1 FROM registrations WHERE date_id = ? AND email_norm = ? AND status != 'cancelled'");
    q.bind(1, date_id);
    q.bind(2, email_norm);
    return q.executeStep();
}

}  // namespace

domain::result<registration_change> register_attendee(
    connection& c, std::int64_t date_id, const domain::attendee& person, instant now, domain::lang lang) {
    return register_attendee(c, date_id, person, domain::registration_input{}, now, lang);
}

domain::result<registration_change> register_attendee(connection& c,
                                                      std::int64_t date_id,
                                                      const domain::attendee& person,
                                                      const domain::registration_input& input,
                                                      instant now,
                                                      domain::lang lang,
                                                      std::string_view seminar_slug) {
    auto d = find_date(c, date_id);
    if (!d) return domain::errc::not_found;
    auto s = find_seminar_by_id(c, d->seminar_id);
    if (!s || (!seminar_slug.empty() && s->slug != seminar_slug)) return domain::errc::not_found;
    if (!domain::registration_open(*d, now)) return domain::errc::registration_closed;
    auto details = domain::make_registration_details(input, *s);
    if (!details) return std::move(details).err();
    // Seats before duplicates: on a full date without a waiting list everybody hears "full", so nobody can test
    // whether an address is booked there.
    auto counts = availability(c, date_id);
    auto decision = domain::admit(d->capacity, counts.confirmed, counts.waitlisted, d->waitlist);
    if (decision == domain::admission::full) return domain::errc::full;
    // An active registration of the same address is found by the unique index when inserting (already_registered):
    // asking first would cost every registration a second lookup.

    registration_change out;
    out.date = *d;
    const auto status = decision == domain::admission::confirmed ? domain::registration_status::confirmed
                                                                 : domain::registration_status::waitlisted;
    auto inserted = insert_registration(
        c, date_id, person, std::move(details->billing), std::move(details->answers), status, now, lang, std::nullopt);
    if (!inserted) return std::move(inserted).err();
    std::tie(out.registration, out.token) = std::move(*inserted);
    auto& r = out.registration;
    if (r.status == domain::registration_status::waitlisted) r.waitlist_position = counts.waitlisted + 1;
    enqueue_mail(c, r, domain::mail_kind::registered, now, out.token);
    out.seminar = std::move(*s);
    return out;
}

namespace {

/// Booking codes are the permuted ids above this offset: never a registration's code (registration ids stay far
/// below it), and a booking's token decodes to its id the way a registration's does.
constexpr std::uint64_t booking_code_offset = std::uint64_t{1} << 39;

#define SEMINARD_BOOKING_COLUMNS                                                                                 \
    "b.id, b.date_id, b.code, b.first_name, b.last_name, b.email, b.company, b.phone, b.billing, b.consent_at, " \
    "b.created_at"

domain::booking read_booking(statement_ref& q) {
    domain::booking b;
    b.id = q.getColumn(0).getInt64();
    b.date_id = q.getColumn(1).getInt64();
    b.code = text(q, 2);
    b.booker = {text(q, 3), text(q, 4), text(q, 5), text(q, 6), {}, text(q, 7)};
    if (!q.getColumn(8).isNull()) b.billing = billing_from_column(text(q, 8));
    b.consent_at = from_db(q.getColumn(9).getInt64());
    b.created_at = from_db(q.getColumn(10).getInt64());
    return b;
}

}  // namespace

std::optional<domain::booking> find_booking(connection& c, std::int64_t id) {
    auto q = c.prepare("SELECT " SEMINARD_BOOKING_COLUMNS " FROM bookings b WHERE b.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_booking(q);
}

std::optional<domain::booking> find_booking_by_token(connection& c, std::string_view token) {
    const auto value = registration_token_code(token);
    if (!value) return std::nullopt;
    const auto n = c.codes().backward(*value);
    if (n <= booking_code_offset) return std::nullopt;
    auto q = c.prepare("SELECT " SEMINARD_BOOKING_COLUMNS ", b.token_hash FROM bookings b WHERE b.id = ?");
    q.bind(1, static_cast<std::int64_t>(n - booking_code_offset));
    if (!q.executeStep()) return std::nullopt;
    if (!last_column_is_digest_of(q, sha256(token))) return std::nullopt;
    return read_booking(q);
}

std::optional<domain::booking> find_booking_by_code(connection& c, std::string_view code) {
    const auto canonical = domain::canonical_code(code);
    const auto value = canonical.empty() ? std::nullopt : domain::code_value(canonical);
    if (!value) return std::nullopt;
    const auto n = c.codes().backward(*value);
    if (n <= booking_code_offset) return std::nullopt;
    return find_booking(c, static_cast<std::int64_t>(n - booking_code_offset));
}

std::vector<domain::registration> registrations_of_booking(connection& c, std::int64_t booking_id) {
    auto q =
        c.prepare("SELECT " SEMINARD_REGISTRATION_COLUMNS " FROM registrations r WHERE r.booking_id = ? ORDER BY r.id");
    q.bind(1, booking_id);
    std::vector<domain::registration> out;
    while (q.executeStep()) out.push_back(read_registration(q));
    return out;
}

domain::result<booking_change> register_booking(connection& c,
                                                std::int64_t date_id,
                                                const domain::booking_input& input,
                                                instant now,
                                                domain::lang lang,
                                                std::string_view seminar_slug) {
    auto d = find_date(c, date_id);
    if (!d) return domain::errc::not_found;
    auto s = find_seminar_by_id(c, d->seminar_id);
    if (!s || (!seminar_slug.empty() && s->slug != seminar_slug)) return domain::errc::not_found;
    if (!domain::registration_open(*d, now)) return domain::errc::registration_closed;
    auto request = domain::make_booking(input, *s);
    if (!request) return std::move(request).err();
    // Seats before duplicates, as for one registration: a refusal for want of seats says nothing about anyone.
    const auto counts = availability(c, date_id);
    auto placed = domain::place_booking(d->capacity,
                                        counts.confirmed,
                                        counts.waitlisted,
                                        d->waitlist,
                                        static_cast<int>(request->attendees.size()),
                                        request->policy);
    if (!placed) return std::move(placed).err();
    {
        domain::error taken{domain::errc::already_registered};
        for (std::size_t i = 0; i < request->attendees.size(); ++i)
            if (holds_active_registration(c, date_id, domain::normalize_email(request->attendees[i].person.email)))
                taken.fields.emplace("attendees[" + std::to_string(i) + "].email",
                                     domain::field_problem::invalid_value);
        if (!taken.fields.empty()) return taken;
    }

    booking_change out;
    out.date = *d;
    auto& b = out.booking;
    b.date_id = date_id;
    b.booker = request->booker;
    b.billing = request->billing;
    b.consent_at = b.created_at = now;
    {
        auto q = c.prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM bookings");
        q.executeStep();
        b.id = q.getColumn(0).getInt64();
    }
    const auto value = c.codes().forward(booking_code_offset + static_cast<std::uint64_t>(b.id));
    b.code = domain::make_code(value);
    out.token = new_registration_token(value);
    const auto hash = sha256(out.token);
    auto q = c.prepare(
        "INSERT INTO bookings(id, date_id, code, token_hash, first_name, last_name, email, company, phone, billing, "
        "lang, consent_at, created_at, updated_at, consent_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?)");
    q.bind(1, b.id);
    q.bind(2, date_id);
    q.bind(3, b.code);
    q.bind(4, hash.data(), static_cast<int>(hash.size()));
    q.bind(5, b.booker.first_name);
    q.bind(6, b.booker.last_name);
    q.bind(7, b.booker.email);
    q.bind(8, b.booker.company);
    q.bind(9, b.booker.phone);
    if (b.billing)
        q.bind(10, billing_column(*b.billing));
    else
        q.bind(10);
    q.bind(11, std::string{domain::lang_code(lang)});
    q.bind(12, to_db(now));
    q.bind(13, to_db(now));
    q.bind(14, to_db(now));
    if (const auto version = c.consent_version())
        q.bind(15, *version);
    else
        q.bind(15);
    q.exec();

    int waiting = counts.waitlisted;
    for (std::size_t i = 0; i < request->attendees.size(); ++i) {
        auto& a = request->attendees[i];
        const auto status = static_cast<int>(i) < placed->confirmed ? domain::registration_status::confirmed
                                                                    : domain::registration_status::waitlisted;
        // Each attendee's registration carries the booking's billing address, so that their rows, mails and the
        // CSV show where the invoice goes.
        auto inserted =
            insert_registration(c, date_id, a.person, b.billing, std::move(a.answers), status, now, lang, b.id);
        if (!inserted) return std::move(inserted).err();
        auto [r, token] = std::move(*inserted);
        if (r.status == domain::registration_status::waitlisted) r.waitlist_position = ++waiting;
        enqueue_mail(c, r, domain::mail_kind::registered, now, token);
        out.registrations.push_back(std::move(r));
        out.tokens.push_back(std::move(token));
    }
    enqueue_booking_mail(c, b, now, out.token);
    out.seminar = std::move(*s);
    return out;
}

domain::result<registration_change> cancel_registration(connection& c,
                                                        std::int64_t registration_id,
                                                        canceller who,
                                                        instant now) {
    auto r = find_registration_by_id(c, registration_id);
    if (!r) return domain::errc::not_found;
    if (r->status == domain::registration_status::cancelled) return domain::errc::already_cancelled;
    auto d = find_date(c, r->date_id);
    if (!d) return domain::errc::not_found;
    auto s = find_seminar_by_id(c, d->seminar_id);
    if (!s) return domain::errc::not_found;
    if (!domain::may_cancel(who, *s, *d, now)) return domain::errc::cancellation_closed;
    auto q = c.prepare("UPDATE registrations SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ?");
    q.bind(1, to_db(now));
    q.bind(2, to_db(now));
    q.bind(3, registration_id);
    q.exec();
    registration_change out;
    out.date = *d;
    out.registration = *find_registration_by_id(c, registration_id);
    enqueue_mail(c, out.registration, domain::mail_kind::cancelled, now);
    out.promoted = promote(c, *d, now);
    out.seminar = std::move(*s);
    return out;
}

domain::result<std::vector<registration_change>> cancel_booking(connection& c,
                                                                std::int64_t booking_id,
                                                                canceller who,
                                                                instant now) {
    auto people = registrations_of_booking(c, booking_id);
    // Those waiting go first: a seat freed by a colleague must not promote someone who is cancelled a moment later.
    std::stable_partition(people.begin(), people.end(), [](const domain::registration& r) {
        return r.status == domain::registration_status::waitlisted;
    });
    std::vector<registration_change> out;
    for (const auto& r : people) {
        if (r.status == domain::registration_status::cancelled) continue;
        auto change = cancel_registration(c, r.id, who, now);
        if (!change) return std::move(change).err();
        out.push_back(std::move(*change));
    }
    if (out.empty()) return domain::errc::already_cancelled;
    return out;
}

namespace {

/// One history entry of registration `r` (and its booking), in the transaction of the change it tells of.
void add_history(connection& c,
                 const domain::registration& r,
                 instant now,
                 std::string_view actor,
                 std::string_view event,
                 const std::string& detail) {
    auto h = c.prepare(
        "INSERT INTO history(registration_id, booking_id, at, actor, event, detail) VALUES (?, ?, ?, ?, "
        "?, ?)");
    h.bind(1, r.id);
    if (r.booking_id)
        h.bind(2, *r.booking_id);
    else
        h.bind(2);
    h.bind(3, to_db(now));
    h.bind(4, std::string{actor});
    h.bind(5, std::string{event});
    h.bind(6, detail);
    h.exec();
}

}  // namespace

domain::result<registration_change> substitute_registration(connection& c,
                                                            std::int64_t registration_id,
                                                            const domain::attendee& substitute,
                                                            std::string_view actor,
                                                            instant now) {
    auto r = find_registration_by_id(c, registration_id);
    if (!r) return domain::errc::not_found;
    if (r->status == domain::registration_status::cancelled) return domain::errc::already_cancelled;
    auto d = find_date(c, r->date_id);
    if (!d) return domain::errc::not_found;
    if (!domain::may_substitute(*d, now)) return domain::errc::registration_closed;
    const auto email_norm = domain::normalize_email(substitute.email);
    if (email_norm == domain::normalize_email(r->person.email)) {
        domain::error e{domain::errc::invalid_fields};
        e.fields.emplace("email", domain::field_problem::invalid_value);  // the same person is no substitute
        return e;
    }
    if (holds_active_registration(c, r->date_id, email_norm)) return domain::errc::already_registered;

    const auto before = r->person;
    auto person = substitute;
    if (person.company.empty()) person.company = before.company;  // a colleague: the same company unless told
    registration_change out;
    out.date = *d;
    // A registration from before schema 5 keeps a token of its own kind: its code is not its permuted id.
    const auto value = domain::code_value(r->code);
    const bool permuted = value && c.codes().backward(*value) == static_cast<std::uint64_t>(r->id);
    out.token = permuted ? new_registration_token(*value) : new_token();
    const auto hash = sha256(out.token);
    auto q = c.prepare(
        "UPDATE registrations SET first_name = ?, last_name = ?, email = ?, email_norm = ?, company = ?, job_title = "
        "?, "
        "phone = ?, token_hash = ?, holder = holder + 1, updated_at = ? WHERE id = ?");
    q.bind(1, person.first_name);
    q.bind(2, person.last_name);
    q.bind(3, person.email);
    q.bind(4, email_norm);
    q.bind(5, person.company);
    q.bind(6, person.job_title);
    q.bind(7, person.phone);
    q.bind(8, hash.data(), static_cast<int>(hash.size()));
    q.bind(9, to_db(now));
    q.bind(10, registration_id);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) return domain::errc::already_registered;
        throw;
    }
    add_history(c, *r, now, actor, "substituted", substitution_detail(before, person));
    // Mails to the person before that are not out yet would carry a dead link or go to the substitute: they end
    // here; the `substituted` mail tells that person what happened.
    auto superseded = c.prepare(
        "UPDATE outbox SET state = 'failed', token_sealed = NULL, next_attempt_at = NULL, "
        "last_error = 'superseded: a substitute took the seat' WHERE registration_id = ? AND state IN ('pending', "
        "'ready') AND person IS NULL");
    superseded.bind(1, registration_id);
    superseded.exec();
    out.registration = *find_registration_by_id(c, registration_id);
    enqueue_substituted_mail(c, out.registration, before, now);
    enqueue_mail(c, out.registration, domain::mail_kind::registered, now, out.token);
    return out;
}

domain::result<move_change> move_registration(
    connection& c, std::int64_t registration_id, std::int64_t target_date_id, when_full rule, instant now) {
    auto r = find_registration_by_id(c, registration_id);
    if (!r) return domain::errc::not_found;
    if (r->status == domain::registration_status::cancelled) return domain::errc::already_cancelled;
    auto from = find_date(c, r->date_id);
    if (!from) return domain::errc::not_found;
    auto to = find_date(c, target_date_id);
    if (!to || to->id == from->id || to->seminar_id != from->seminar_id) {
        domain::error e{domain::errc::invalid_fields};
        e.fields.emplace("date_id", domain::field_problem::invalid_value);
        return e;
    }
    if (to->status == domain::date_status::cancelled || now >= domain::first_start(*to))
        return domain::errc::registration_closed;
    auto s = find_seminar_by_id(c, from->seminar_id);
    if (!s) return domain::errc::not_found;
    const auto counts = availability(c, to->id);
    const auto decision = domain::admit(to->capacity, counts.confirmed, counts.waitlisted, to->waitlist);
    if (decision == domain::admission::full || (decision == domain::admission::waitlisted && rule == when_full::refuse))
        return domain::errc::full;
    const auto status = decision == domain::admission::confirmed ? domain::registration_status::confirmed
                                                                 : domain::registration_status::waitlisted;
    // The waiting list there is in order of arrival: the moved one arrives now, with the next value of the sequence
    // new registrations take their ids from (next_registration_code skips past it).
    const auto arrival = next_registration_code(c).first;
    put_setting(c, "registration_arrival_floor", std::to_string(arrival));
    auto q = c.prepare(
        "UPDATE registrations SET date_id = ?, status = ?, arrival = ?, updated_at = ? WHERE id = ? AND status != "
        "'cancelled'");
    q.bind(1, to->id);
    q.bind(2, std::string{domain::to_string(status)});
    q.bind(3, arrival);
    q.bind(4, to_db(now));
    q.bind(5, registration_id);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) return domain::errc::already_registered;  // the address is active there
        throw;
    }
    add_history(c,
                *r,
                now,
                "organiser",
                "moved",
                moved_detail(from->id, to->id, domain::to_string(r->status), domain::to_string(status)));
    move_change out;
    out.registration = *find_registration_by_id(c, registration_id);
    enqueue_moved_mail(c, out.registration, from->id, to->id, now);
    out.promoted = promote(c, *from, now);
    out.from = std::move(*from);
    out.date = std::move(*to);
    out.seminar = std::move(*s);
    return out;
}

std::vector<history_entry> history_of(connection& c, std::int64_t registration_id) {
    auto q = c.prepare("SELECT at, actor, event, detail FROM history WHERE registration_id = ? ORDER BY id");
    q.bind(1, registration_id);
    std::vector<history_entry> out;
    while (q.executeStep()) out.push_back({from_db(q.getColumn(0).getInt64()), text(q, 1), text(q, 2), text(q, 3)});
    return out;
}

void put_setting(connection& c, std::string_view key, std::string_view value) {
    auto q = c.prepare(
        "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    q.bind(1, std::string{key});
    q.bind(2, std::string{value});
    q.exec();
}

}  // namespace seminard::storage
