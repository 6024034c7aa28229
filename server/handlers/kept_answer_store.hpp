// The answers of idempotent requests, kept in the database: the router's idempotency_store over the reader pool and
// the writer, every answer sealed with the server's key (a registration's answer holds its private link).
#pragma once

#include "server/handlers/services.hpp"
#include "server/http/idempotency.hpp"
#include "server/http/router.hpp"

#include <chrono>

namespace seminard::server {

/// Lookups run on a reader, answers are sealed on the calling thread and stored through the writer. Thread-safe.
/// Holds on to `svc`, which must outlive every lookup and keep in flight (the pools drain before services go).
class kept_answer_store final : public idempotency_store {
public:
    explicit kept_answer_store(services& svc) : svc_(svc) {}

    void find(const std::string& scope, const std::string& key, std::function<void(lookup)> done) override;
    void keep(const std::string& scope,
              const std::string& key,
              std::string fingerprint,
              const http_response& answer,
              std::function<void(bool stored)> done) override;

    /// How often the writer deletes expired answers, and at most how many at a time (a purge stays short; a backlog
    /// goes in several). Together the bound of keyed writes a day that the table keeps up with: 1000 a minute.
    static constexpr std::chrono::minutes purge_interval{1};
    static constexpr int purge_batch = 1000;

private:
    services& svc_;
};

/// Makes the write routes of `r` idempotent with answers kept in the database, and has the writer purge expired ones
/// every purge_interval. After services' clock is final.
void enable_idempotency(router& r, services& svc);

}  // namespace seminard::server
