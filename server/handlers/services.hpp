// What handlers work with: the settings and the site's URLs, the writer, the readers, the clock, the access check,
// and the helpers that move work off the IO threads and always answer the exchange.
#pragma once

#include "domain/model.hpp"
#include "server/handlers/settings.hpp"
#include "server/http/exchange.hpp"
#include "server/http/rate_limiter.hpp"
#include "server/http/response_cache.hpp"
#include "server/http/responses.hpp"
#include "server/http/router.hpp"
#include "server/web/urls.hpp"
#include "storage/crypto.hpp"
#include "storage/reader_pool.hpp"
#include "storage/writer.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>

namespace seminard::server {

/// Long-lived and shared by all handlers; thread-safe (each member is).
struct services {
    /// `c.site.public_url` must be final: every link is built from it; `c.db.key` must be set (the key file's).
    services(const app_settings& c, storage::writer& w, storage::reader_pool& r)
        : cfg(c),
          urls(c.site.public_url),
          writer(w),
          readers(r),
          submissions(c.rate_limit),
          failed_logins(organiser_guessing_limit()),
          failed_account_logins(organiser_guessing_limit()) {}

    const app_settings& cfg;
    const site_urls urls;
    storage::writer& writer;
    storage::reader_pool& readers;
    storage::digest admin_token_hash{};
    response_cache cache;
    rate_limiter submissions;            ///< public registration POSTs per client address
    rate_limiter failed_logins;          ///< wrong organiser credentials per client address (loopback too)
    rate_limiter failed_account_logins;  ///< wrong passwords per workspace account (keyed "account <address>")

    /// How many wrong organiser credentials one client address may present: ten at once, then one a minute. Per
    /// address, so that somebody guessing from one address cannot lock the organiser out of another.
    static rate_limit_config organiser_guessing_limit() {
        rate_limit_config c;
        c.per_window = 10;
        c.window = std::chrono::minutes{10};
        c.burst = 10;
        c.limit_loopback = true;
        return c;
    }
    std::function<domain::instant()> clock = [] {
        return date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    };

    domain::instant now() const { return clock(); }

    /// The router's access check (see access_check): an organiser route needs the bootstrap organiser token or a
    /// personal API token as Bearer (401 without one, 403 for a wrong one); a workspace route a login session (303 to
    /// the login without one; 403 for a form without the session's CSRF token or from a foreign origin, and for
    /// staff on an owner's route); an attendee route's {token} must have a token's shape (a 404 otherwise, as JSON
    /// for the API and as a page for pages, without a database lookup).
    void allow(access level, const std::shared_ptr<exchange>& ex, access_granted grant);

    /// The server's secret key (the same the connections use).
    const storage::secret_key& key() const {
        if (!cfg.db.key) throw std::logic_error("services without the server's key");
        return *cfg.db.key;
    }

    /// Runs `f(connection&)` on a reader thread; `f` answers the exchange or hands it on. A throw, or a task the
    /// pool cannot run, answers 503 (storage) or 500.
    template <class F>
    void on_reader(const std::shared_ptr<exchange>& ex, F f) {
        // A task the pool cannot run (its connection cannot be reopened) is destroyed unrun: then 503. One that ran
        // may have handed the exchange on (to the writer), so only an unrun task answers.
        auto ran = std::make_shared<bool>(false);
        auto unrun = std::shared_ptr<void>(nullptr, [ex, ran](void*) {
            if (!*ran && !ex->answered()) ex->respond(error_response(domain::errc::unavailable, ex->lang));
        });
        readers.post([ex, f = std::move(f), ran, unrun](storage::connection& c) mutable {
            *ran = true;
            try {
                f(c);
            } catch (const SQLite::Exception&) {
                ex->respond(error_response(domain::errc::unavailable, ex->lang));
            } catch (const std::exception&) {
                ex->respond(error_response(domain::errc::internal, ex->lang));
            }
        });
    }

    /// Runs `f(connection&) -> http_response` on a reader thread and answers with its result. A throw becomes a
    /// 503 (storage) or 500, never a hung request.
    template <class F>
    void read(const std::shared_ptr<exchange>& ex, F f) {
        on_reader(ex, [ex, f = std::move(f)](storage::connection& c) mutable { ex->respond(f(c)); });
    }

    /// Runs `op(connection&)` on the writer for its effect alone (a session's last use): nobody waits for it, and
    /// a refusal changes no answer.
    template <class Op>
    void write_later(Op op) {
        writer.submit<domain::done>(
            [op = std::move(op)](storage::connection& c) -> domain::result<domain::done> {
                op(c);
                return domain::done{};
            },
            [](const domain::result<domain::done>&) {});
    }

    /// Like read(), for public answers that are the same for everyone: served from the cache while nothing was
    /// committed since they were rendered (and for at most a second). `finish(request, response)` adapts a cached
    /// or fresh answer to this request (e.g. If-None-Match → 304) and runs on the thread that answers.
    template <class F, class Finish>
    void cached_read(const std::shared_ptr<exchange>& ex, std::string key, F f, Finish finish) {
        const auto generation = writer.generation();  // read before the query: a later commit makes it stale
        if (auto hit = cache.find(key, generation)) return ex->respond(finish(ex->request(), std::move(*hit)));
        read(ex,
             [this, key = std::move(key), generation, f = std::move(f), finish = std::move(finish), ex](
                 storage::connection& c) mutable {
                 auto res = f(c);
                 if (res.status == 200) cache.store(key, generation, res);
                 return finish(ex->request(), std::move(res));
             });
    }

    template <class F>
    void cached_read(const std::shared_ptr<exchange>& ex, std::string key, F f) {
        cached_read(ex, std::move(key), std::move(f), [](const http_request&, http_response res) { return res; });
    }

    /// Runs `op(connection&) -> domain::result<T>` on the writer; `render(T&)` builds the answer after COMMIT, on the
    /// connection's IO thread.
    /// Domain errors become their documented status.
    template <class T, class Op, class Render>
    void write(const std::shared_ptr<exchange>& ex, Op op, Render render) {
        writer.submit<T>(std::move(op), [ex, render = std::move(render)](domain::result<T> r) mutable {
            if (!r) return ex->respond(error_response(r.err(), ex->lang));
            // The writer's threads only commit and complete: the answer is rendered on the connection's IO thread.
            auto value = std::make_shared<T>(std::move(r).value());
            ex->respond_with([value, render]() mutable { return render(*value); });
        });
    }
};

}  // namespace seminard::server
