// Export cursor (see export_cursor.hpp).
#include "export_cursor.hpp"

#include "json_columns.hpp"

#include <algorithm>

namespace seminard::storage {

namespace {
domain::instant from_db(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }
}  // namespace

export_cursor::export_cursor(const db_options& options,
                             std::vector<std::int64_t> date_ids,
                             std::optional<domain::registration_status> status)
    : conn_(options, access::read_only), date_ids_(std::move(date_ids)), status_(status) {
    // One snapshot for the whole export, across all of its dates.
    conn_.db().exec("BEGIN");
}

export_cursor::~export_cursor() {
    query_.reset();
    try {
        conn_.db().exec("COMMIT");
    } catch (...) {
    }
}

domain::csv_extras export_cursor::columns(const domain::seminar& s) {
    domain::csv_extras extras;
    std::string dates;
    for (auto id : date_ids_) dates += (dates.empty() ? "" : ",") + std::to_string(id);
    if (dates.empty()) dates = "NULL";
    extras.billing = s.billing != domain::billing_mode::none;
    if (!extras.billing) {
        SQLite::Statement q(
            conn_.db(), "SELECT 1 FROM registrations WHERE billing IS NOT NULL AND date_id IN (" + dates + ") LIMIT 1");
        extras.billing = q.executeStep();
    }
    {
        SQLite::Statement q(
            conn_.db(),
            "SELECT 1 FROM registrations WHERE booking_id IS NOT NULL AND date_id IN (" + dates + ") LIMIT 1");
        extras.booking = q.executeStep();
    }
    for (const auto& question : s.questions) extras.questions.push_back({question.key, question.label});
    // The bare columns come from the row with the smallest id (SQLite's rule for MIN in an aggregate); a row's
    // answers keep the order they were asked in.
    SQLite::Statement q(conn_.db(),
                        "SELECT a.value ->> '$.key', a.value ->> '$.question.de', a.value ->> '$.question.en', "
                        "MIN(r.id), a.key FROM registrations r, json_each(r.answers) a WHERE r.answers IS NOT NULL "
                        "AND r.date_id IN (" +
                            dates + ") GROUP BY 1 ORDER BY 4, 5");
    while (q.executeStep()) {
        const auto key = q.getColumn(0).getString();
        const bool asked =
            std::any_of(extras.questions.begin(), extras.questions.end(), [&](const auto& c) { return c.key == key; });
        if (!asked) extras.questions.push_back({key, {q.getColumn(1).getString(), q.getColumn(2).getString()}});
    }
    return extras;
}

bool export_cursor::open_next_date() {
    if (date_index_ >= date_ids_.size()) return false;
    // Positions only matter for waitlisted rows, and every filter that shows them walks all of them in order.
    query_ = std::make_unique<SQLite::Statement>(
        conn_.db(),
        "SELECT id, date_id, code, status, first_name, last_name, email, company, job_title, phone, consent_at, "
        "created_at, cancelled_at, updated_at, billing, answers, arrival, (SELECT code FROM bookings WHERE id = "
        "booking_id) FROM registrations WHERE date_id = ?1 AND "
        "(?2 = '' OR status = ?2) ORDER BY id");
    date_id_ = date_ids_[date_index_++];
    query_->bind(1, date_id_);
    query_->bind(2, status_ ? std::string{domain::to_string(*status_)} : std::string{});
    waitlisted_seen_ = 0;
    moved_arrivals_.clear();
    SQLite::Statement moved(conn_.db(),
                            "SELECT arrival FROM registrations WHERE date_id = ? AND status = 'waitlisted' AND arrival "
                            "!= id ORDER BY arrival");
    moved.bind(1, date_id_);
    while (moved.executeStep()) moved_arrivals_.push_back(moved.getColumn(0).getInt64());
    return true;
}

std::optional<domain::registration> export_cursor::next() {
    for (;;) {
        if (!query_ && !open_next_date()) return std::nullopt;
        if (query_->executeStep()) break;
        query_.reset();
    }
    auto& q = *query_;
    domain::registration r;
    r.id = q.getColumn(0).getInt64();
    r.date_id = q.getColumn(1).getInt64();
    r.code = q.getColumn(2).getString();
    r.status =
        domain::parse_registration_status(q.getColumn(3).getString()).value_or(domain::registration_status::cancelled);
    r.person = {q.getColumn(4).getString(),
                q.getColumn(5).getString(),
                q.getColumn(6).getString(),
                q.getColumn(7).getString(),
                q.getColumn(8).getString(),
                q.getColumn(9).getString()};
    r.consent_at = from_db(q.getColumn(10).getInt64());
    r.created_at = from_db(q.getColumn(11).getInt64());
    if (!q.getColumn(12).isNull()) r.cancelled_at = from_db(q.getColumn(12).getInt64());
    r.updated_at = from_db(q.getColumn(13).getInt64());
    if (!q.getColumn(14).isNull()) r.billing = billing_from_column(q.getColumn(14).getString());
    if (!q.getColumn(15).isNull()) r.answers = answers_from_column(q.getColumn(15).getString());
    if (!q.getColumn(17).isNull()) r.booking_code = q.getColumn(17).getString();
    if (r.status == domain::registration_status::waitlisted) {
        const auto arrival = q.getColumn(16).getInt64();
        if (arrival == r.id) {
            const auto earlier_moved =
                std::lower_bound(moved_arrivals_.begin(), moved_arrivals_.end(), arrival) - moved_arrivals_.begin();
            r.waitlist_position = ++waitlisted_seen_ + static_cast<int>(earlier_moved);
        } else {
            SQLite::Statement rank(conn_.db(),
                                   "SELECT COUNT(*) FROM registrations WHERE date_id = ? AND status = 'waitlisted' AND "
                                   "arrival <= ?");
            rank.bind(1, date_id_);
            rank.bind(2, arrival);
            rank.executeStep();
            r.waitlist_position = rank.getColumn(0).getInt();
        }
    }
    return r;
}

}  // namespace seminard::storage
