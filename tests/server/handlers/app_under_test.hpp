// The handlers without a process: router and services on a temporary database, requests in, answers out. What a
// route does can be tested here in milliseconds; tests that need sockets, signals or kill -9 stay in integration/.
#pragma once

#include "server/handlers/services.hpp"
#include "server/http/router.hpp"
#include "storage/passwords.hpp"
#include "storage/reader_pool.hpp"
#include "storage/writer.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace seminard::testing {

/// A message's quoted-printable parts decoded (soft breaks joined, =XX bytes back), the rest as it is: the text of
/// a mail from the outbox's .eml.
std::string quoted_printable_text(const std::string& message);

/// Bearer token of the organiser in every app_under_test.
inline constexpr const char* organiser_token = "handlers-test-organiser-token-0123";

/// One answer as the client would see it, with the streamed body (if any) read to its end.
struct answer {
    int status = 0;
    server::header_list headers;
    std::string body;

    std::string_view header(std::string_view name) const noexcept;
    nlohmann::json json() const;
};

class app_under_test;
/// The private token in the `registered` mail to `email`: only the mail that goes out carries it (the outbox's copy
/// names it without giving it), so the test renders that one as the mailer would. Empty when there is none.
std::string token_mailed_to(app_under_test& app, const std::string& email);

/// The value of the idempotency_key field of a page's registration form, or "" when it has none.
std::string form_key_of(std::string_view page);

/// Owns a temporary directory with a fresh database, the writer, two readers, the services and every route. Not
/// thread-safe: one test thread drives it. The clock is the test's (set_now).
class app_under_test {
public:
    app_under_test();
    ~app_under_test();
    app_under_test(const app_under_test&) = delete;
    app_under_test& operator=(const app_under_test&) = delete;

    /// Dispatches one request through the router and waits for its answer (at most a few seconds).
    answer request(std::string method,
                   std::string target,
                   server::header_list headers = {},
                   std::string body = {},
                   std::string remote_address = "192.0.2.10");
    answer get(std::string target, server::header_list headers = {});
    answer post_json(std::string target, const nlohmann::json& body, server::header_list headers = {});
    answer post_form(std::string target, std::string body, server::header_list headers = {});
    answer patch_json(std::string target, const nlohmann::json& body, server::header_list headers = {});

    /// The Authorization header of the organiser.
    static server::header_list organiser();

    /// A seminar (slug) with one two-day date in January 2027 of `capacity` seats; returns the date's id.
    std::int64_t seminar_with_date(const std::string& slug, int capacity, bool waitlist);

    /// An organiser account, its password hashed at `cost` (by default the least: tests make many).
    void add_user(const std::string& email,
                  const std::string& role,
                  const std::string& password,
                  storage::password_cost cost = storage::password_cost::minimal());
    /// Logs in through the login form; returns the Cookie header value of the new session ("" when refused).
    std::string login(const std::string& email, const std::string& password, const std::string& cookie = {});

    void set_now(domain::instant t) { now_ = t; }
    domain::instant now() const { return now_; }
    const server::services& services() const { return *svc_; }
    const server::router& routes() const { return router_; }
    const std::filesystem::path& db_path() const { return db_; }

private:
    std::filesystem::path dir_;
    std::filesystem::path db_;
    server::app_settings settings_;
    std::unique_ptr<storage::writer> writer_;
    std::unique_ptr<storage::reader_pool> readers_;
    std::unique_ptr<server::services> svc_;
    server::router router_;
    domain::instant now_;
};

}  // namespace seminard::testing
