// Consent versions (see consent.hpp).
#include "consent.hpp"

#include "crypto.hpp"

#include <chrono>

namespace seminard::storage {

namespace {

std::int64_t to_db(domain::instant t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

consent_version read_version(statement_ref& q) {
    return {q.getColumn(0).getInt64(),
            q.getColumn(1).getString(),
            q.getColumn(2).getString(),
            q.getColumn(3).getString(),
            domain::instant{std::chrono::seconds{q.getColumn(4).getInt64()}}};
}

std::optional<std::int64_t> version_in(statement_ref& q) {
    if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
    return q.getColumn(0).getInt64();
}

}  // namespace

std::int64_t record_consent_version(connection& c,
                                    std::string_view notice,
                                    std::string_view wording,
                                    domain::instant now) {
    std::string hashed = std::to_string(notice.size()) + ":";
    hashed += notice;
    hashed += std::to_string(wording.size()) + ":";
    hashed += wording;
    const auto digest = sha256(hashed);
    const auto hex = to_hex(digest);
    auto insert = c.prepare(
        "INSERT INTO consent_versions(sha256, notice, wording, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(sha256) DO NOTHING");
    insert.bind(1, hex);
    insert.bind(2, std::string{notice});
    insert.bind(3, std::string{wording});
    insert.bind(4, to_db(now));
    insert.exec();
    std::int64_t id = 0;
    {
        auto q = c.prepare("SELECT id FROM consent_versions WHERE sha256 = ?");
        q.bind(1, hex);
        if (q.executeStep()) id = q.getColumn(0).getInt64();
    }
    auto current = c.prepare(
        "INSERT INTO settings(key, value) VALUES ('consent_version', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    current.bind(1, std::to_string(id));
    current.exec();
    c.forget_cached_rows();  // the connection's current version is read again
    return id;
}

std::optional<consent_version> find_consent_version(connection& c, std::int64_t id) {
    auto q = c.prepare("SELECT id, sha256, notice, wording, created_at FROM consent_versions WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_version(q);
}

std::vector<consent_version> list_consent_versions(connection& c) {
    auto q = c.prepare("SELECT id, sha256, notice, wording, created_at FROM consent_versions ORDER BY id");
    std::vector<consent_version> out;
    while (q.executeStep()) out.push_back(read_version(q));
    return out;
}

std::optional<std::int64_t> consent_version_of_registration(connection& c, std::int64_t registration_id) {
    auto q = c.prepare("SELECT consent_version FROM registrations WHERE id = ?");
    q.bind(1, registration_id);
    return version_in(q);
}

std::optional<std::int64_t> consent_version_of_booking(connection& c, std::int64_t booking_id) {
    auto q = c.prepare("SELECT consent_version FROM bookings WHERE id = ?");
    q.bind(1, booking_id);
    return version_in(q);
}

}  // namespace seminard::storage
