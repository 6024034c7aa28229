// Export cursor (see export_cursor.hpp).
#include "export_cursor.hpp"

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

bool export_cursor::open_next_date() {
    if (date_index_ >= date_ids_.size()) return false;
    // Positions only matter for waitlisted rows, and every filter that shows them walks all of them in order.
    query_ = std::make_unique<SQLite::Statement>(
        conn_.db(),
        "SELECT id, date_id, code, status, first_name, last_name, email, company, job_title, phone, consent_at, "
        "created_at, cancelled_at, updated_at FROM registrations WHERE date_id = ?1 AND (?2 = '' OR status = ?2) "
        "ORDER BY id");
    query_->bind(1, date_ids_[date_index_++]);
    query_->bind(2, status_ ? std::string{domain::to_string(*status_)} : std::string{});
    waitlisted_seen_ = 0;
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
    if (r.status == domain::registration_status::waitlisted) r.waitlist_position = ++waitlisted_seen_;
    return r;
}

}  // namespace seminard::storage
