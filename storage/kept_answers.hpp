// The answers of idempotent requests (an Idempotency-Key), kept for a day: per caller and key, the request's
// fingerprint and the answer sealed with the server's key, so that a repeat gets the same answer without a second
// change. The rules (who is a caller, what is kept, for how long) are the server's (server/http/idempotency.hpp).
#pragma once

#include "connection.hpp"
#include "domain/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace seminard::storage {

/// One kept answer. `answer` holds the answer's headers and body sealed (seal_answer()): a registration's answer
/// carries its private link, which the database never holds in the clear.
struct kept_answer {
    std::string fingerprint;  ///< of the request that got the answer (raw bytes)
    int status = 0;
    std::string answer;
    domain::instant created_at{};
};

/// The answer kept for `key` of `scope` if it was kept at `not_before` or later (older ones count as gone). Any
/// connection.
std::optional<kept_answer> find_kept_answer(connection& c,
                                            std::string_view scope,
                                            std::string_view key,
                                            domain::instant not_before);

/// Keeps `a` for `key` of `scope`, replacing what was kept there before (an expired answer, or one that could not be
/// opened any more). Writer only.
void keep_answer(connection& c, std::string_view scope, std::string_view key, const kept_answer& a);

/// Deletes at most `limit` answers kept before `before`, the oldest first; returns how many. Writer only. Bounded, so
/// that a purge never holds the writer up for long.
int purge_kept_answers(connection& c, domain::instant before, int limit);

/// `plain` sealed for the row of `key` in `scope` (AES-256-GCM with the key file's key): a sealed answer opens only
/// for its own row.
std::string seal_answer(const secret_key& k, std::string_view scope, std::string_view key, std::string_view plain);
/// The plain text of a sealed answer, or nullopt when it belongs to another row or the key file was replaced.
std::optional<std::string> open_answer(const secret_key& k,
                                       std::string_view scope,
                                       std::string_view key,
                                       std::string_view sealed);

}  // namespace seminard::storage
