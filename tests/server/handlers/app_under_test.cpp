// Router and services on a temporary database (see app_under_test.hpp).
#include "app_under_test.hpp"

#include <cctype>

#include "domain/schedule.hpp"
#include "server/handlers/routes.hpp"
#include "server/mail/mailer.hpp"
#include "server/web/urls.hpp"
#include "storage/accounts.hpp"
#include "storage/crypto.hpp"
#include "storage/outbox.hpp"
#include "storage/passwords.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <future>
#include <stdexcept>

namespace seminard::testing {

namespace {

/// Long enough for a sanitizer build on a busy machine; an answer that takes longer is a hang.
constexpr std::chrono::seconds answer_timeout{20};

std::filesystem::path fresh_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "seminard-handlers-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

}  // namespace

std::string form_key_of(std::string_view page) {
    constexpr std::string_view field = "name=\"idempotency_key\" value=\"";
    const auto at = page.find(field);
    if (at == std::string_view::npos) return {};
    const auto start = at + field.size();
    return std::string{page.substr(start, page.find('"', start) - start)};
}

std::string_view answer::header(std::string_view name) const noexcept {
    for (const auto& [k, v] : headers)
        if (server::iequals(k, name)) return v;
    return {};
}

nlohmann::json answer::json() const { return nlohmann::json::parse(body); }

app_under_test::app_under_test()
    : dir_(fresh_dir()), db_(dir_ / "seminard.db"), now_(*domain::parse_iso8601("2026-12-02T10:00:00+01:00")) {
    settings_.site.public_url = "http://seminard.test";
    settings_.db.path = db_.string();
    settings_.db.synchronous_full = false;  // a crash of the test loses nothing anybody needs
    settings_.db.busy_timeout_ms = 200;     // a lock held elsewhere fails a write quickly
    settings_.db.key = std::make_shared<const storage::secret_key>(storage::secret_key::generate());
    settings_.password_cost = storage::password_cost::minimal();
    writer_ = std::make_unique<storage::writer>(settings_.db);
    readers_ = std::make_unique<storage::reader_pool>(settings_.db, 2);
    svc_ = std::make_unique<server::services>(settings_, *writer_, *readers_);
    svc_->clock = [this] { return now_; };
    svc_->admin_token_hash = storage::sha256(organiser_token);
    server::add_routes(router_, *svc_);
}

app_under_test::~app_under_test() {
    readers_->stop();
    writer_->stop();
    svc_.reset();
    readers_.reset();
    writer_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

answer app_under_test::request(
    std::string method, std::string target, server::header_list headers, std::string body, std::string remote_address) {
    server::http_request req;
    req.method = std::move(method);
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.remote_address = std::move(remote_address);

    auto promise = std::make_shared<std::promise<server::http_response>>();
    auto future = promise->get_future();
    auto ex = std::make_shared<server::exchange>(
        std::move(req), [promise](server::http_response res) { promise->set_value(std::move(res)); });
    router_.dispatch(ex);
    ex.reset();  // the handler's copies keep it alive as long as work is pending
    if (future.wait_for(answer_timeout) != std::future_status::ready) FAIL("no answer within the timeout");
    auto res = future.get();
    answer a{res.status, res.headers, std::move(res.body)};
    if (res.stream) {
        std::string piece;
        while (res.stream->next(piece)) {
        }
        a.body += piece;
    }
    return a;
}

answer app_under_test::get(std::string target, server::header_list headers) {
    return request("GET", std::move(target), std::move(headers));
}

answer app_under_test::post_json(std::string target, const nlohmann::json& body, server::header_list headers) {
    headers.emplace_back("Content-Type", "application/json");
    return request("POST", std::move(target), std::move(headers), body.dump());
}

answer app_under_test::post_form(std::string target, std::string body, server::header_list headers) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return request("POST", std::move(target), std::move(headers), std::move(body));
}

answer app_under_test::patch_json(std::string target, const nlohmann::json& body, server::header_list headers) {
    headers.emplace_back("Content-Type", "application/json");
    return request("PATCH", std::move(target), std::move(headers), body.dump());
}

void app_under_test::add_user(const std::string& email,
                              const std::string& role,
                              const std::string& password,
                              storage::password_cost cost) {
    auto r = writer_->run<storage::user>([&](storage::connection& c) {
        return storage::add_user(c, email, *storage::parse_role(role), storage::hash_password(password, cost), now_);
    });
    REQUIRE(r);
}

std::string app_under_test::login(const std::string& email, const std::string& password, const std::string& cookie) {
    server::header_list headers{{"Origin", "http://seminard.test"}};
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    auto res = post_form("/admin/login",
                         "email=" + server::percent_encode(email) + "&password=" + server::percent_encode(password),
                         headers);
    if (res.status != 303) return {};
    auto set = std::string{res.header("Set-Cookie")};
    return set.substr(0, set.find(';'));
}

server::header_list app_under_test::organiser() {
    return {{"Authorization", std::string{"Bearer "} + organiser_token}};
}

std::int64_t app_under_test::seminar_with_date(const std::string& slug, int capacity, bool waitlist) {
    auto s = post_json("/api/v1/seminars",
                       {{"slug", slug},
                        {"title", "Seminar " + slug},
                        {"organizer_name", "Muster GmbH"},
                        {"organizer_email", "seminare@example.org"}},
                       organiser());
    REQUIRE(s.status == 201);
    auto d = post_json("/api/v1/seminars/" + slug + "/dates",
                       {{"timezone", "Europe/Berlin"},
                        {"days",
                         {{{"date", "2027-01-27"}, {"start", "09:00"}, {"end", "17:00"}},
                          {{"date", "2027-01-28"}, {"start", "09:00"}, {"end", "17:00"}}}},
                        {"capacity", capacity},
                        {"waitlist", waitlist}},
                       organiser());
    REQUIRE(d.status == 201);
    return d.json().at("id").get<std::int64_t>();
}

std::string quoted_printable_text(const std::string& message) {
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] != '=' || i + 2 >= message.size()) {
            out += message[i];
        } else if (message[i + 1] == '\r' && message[i + 2] == '\n') {
            i += 2;
        } else if (std::isxdigit(static_cast<unsigned char>(message[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(message[i + 2]))) {
            out += static_cast<char>(std::stoi(message.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += message[i];
        }
    }
    return out;
}

std::string token_mailed_to(app_under_test& app, const std::string& email) {
    const auto& cfg = app.services().cfg;
    storage::connection c(cfg.db, storage::access::read_only);
    const auto outbox = app.get("/api/v1/outbox", app_under_test::organiser()).json();  // kept: the loop walks it
    for (const auto& m : outbox.at("items")) {
        if (m.at("kind") != "registered") continue;
        auto entry = storage::find_mail(c, m.at("id").get<std::int64_t>());
        if (!entry) continue;
        auto mail = server::render_outbox_mail(c, *entry, cfg.site, cfg.mail, server::private_link::included);
        if (!mail || mail->to != email) continue;
        const std::string_view path = "/registrations/";
        const auto at = mail->text.find(path);
        if (at == std::string::npos) continue;
        const auto start = at + path.size();
        const auto end =
            mail->text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", start);
        return mail->text.substr(start, end - start);
    }
    return {};
}

}  // namespace seminard::testing
