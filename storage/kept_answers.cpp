// The answers of idempotent requests (see kept_answers.hpp).
#include "kept_answers.hpp"

#include <SQLiteCpp/Column.h>

namespace seminard::storage {

namespace {

std::int64_t to_db(domain::instant t) { return t.time_since_epoch().count(); }

/// Binds a sealed answer to its row: the scope and the key, each with its length, so that no two rows share one.
std::string context_of(std::string_view scope, std::string_view key) {
    std::string context = "kept answer ";
    context += std::to_string(scope.size());
    context += ':';
    context += scope;
    context += std::to_string(key.size());
    context += ':';
    context += key;
    return context;
}

}  // namespace

std::optional<kept_answer> find_kept_answer(connection& c,
                                            std::string_view scope,
                                            std::string_view key,
                                            domain::instant not_before) {
    auto q = c.prepare(
        "SELECT fingerprint, status, answer, created_at FROM kept_answers "
        "WHERE scope = ? AND key = ? AND created_at >= ?");
    q.bind(1, std::string{scope});
    q.bind(2, std::string{key});
    q.bind(3, to_db(not_before));
    if (!q.executeStep()) return std::nullopt;
    kept_answer a;
    const auto fingerprint = q.getColumn(0);
    a.fingerprint.assign(static_cast<const char*>(fingerprint.getBlob()), static_cast<std::size_t>(fingerprint.size()));
    a.status = q.getColumn(1).getInt();
    const auto answer = q.getColumn(2);
    a.answer.assign(static_cast<const char*>(answer.getBlob()), static_cast<std::size_t>(answer.size()));
    a.created_at = domain::instant{std::chrono::seconds{q.getColumn(3).getInt64()}};
    return a;
}

void keep_answer(connection& c, std::string_view scope, std::string_view key, const kept_answer& a) {
    auto q = c.prepare(
        "INSERT INTO kept_answers(scope, key, fingerprint, status, answer, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status, "
        "answer = excluded.answer, created_at = excluded.created_at");
    q.bind(1, std::string{scope});
    q.bind(2, std::string{key});
    q.bind(3, a.fingerprint.data(), static_cast<int>(a.fingerprint.size()));
    q.bind(4, a.status);
    q.bind(5, a.answer.data(), static_cast<int>(a.answer.size()));
    q.bind(6, to_db(a.created_at));
    q.exec();
}

int purge_kept_answers(connection& c, domain::instant before, int limit) {
    auto q = c.prepare(
        "DELETE FROM kept_answers WHERE rowid IN "
        "(SELECT rowid FROM kept_answers WHERE created_at < ? ORDER BY created_at LIMIT ?)");
    q.bind(1, to_db(before));
    q.bind(2, limit);
    return q.exec();
}

std::string seal_answer(const secret_key& k, std::string_view scope, std::string_view key, std::string_view plain) {
    return k.seal(plain, context_of(scope, key));
}

std::optional<std::string> open_answer(const secret_key& k,
                                       std::string_view scope,
                                       std::string_view key,
                                       std::string_view sealed) {
    return k.open(sealed, context_of(scope, key));
}

}  // namespace seminard::storage
