// What handlers work with: the writer, the readers, the clock, the organiser check, and the two helpers that
// move work off the IO threads and always answer the exchange.
#pragma once

#include "config.hpp"
#include "domain/model.hpp"
#include "exchange.hpp"
#include "rate_limiter.hpp"
#include "response_cache.hpp"
#include "responses.hpp"
#include "storage/crypto.hpp"
#include "storage/reader_pool.hpp"
#include "storage/writer.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>

namespace seminard::server {

/// Long-lived and shared by all handlers; thread-safe (each member is).
struct services {
    services(const config& c, storage::writer& w, storage::reader_pool& r)
        : cfg(c), writer(w), readers(r), submissions(c.rate_limit) {}

    const config& cfg;
    storage::writer& writer;
    storage::reader_pool& readers;
    storage::digest admin_token_hash{};
    response_cache cache;
    rate_limiter submissions;  ///< public registration POSTs per client address
    std::function<domain::instant()> clock = [] {
        return date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    };

    domain::instant now() const { return clock(); }

    /// True when the request carries the organiser's bearer token; answers 401/403 itself otherwise.
    bool authorize(const std::shared_ptr<exchange>& ex) const;

    /// Runs `f(connection&) -> http_response` on a reader thread and answers with its result. A throw becomes a
    /// 503 (storage) or 500, never a hung request.
    template <class F>
    void read(const std::shared_ptr<exchange>& ex, F f) {
        readers.post([ex, f = std::move(f)](storage::connection& c) mutable {
            try {
                ex->respond(f(c));
            } catch (const SQLite::Exception&) {
                ex->respond(error_response(domain::errc::unavailable, ex->lang));
            } catch (const std::exception&) {
                ex->respond(error_response(domain::errc::internal, ex->lang));
            }
        });
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
