// Idempotent writes: a POST, PATCH or DELETE that carries an Idempotency-Key (or X-Idempotency-Key, or in a form the
// field idempotency_key) runs once per caller and key, and a repeat gets the first answer again. The router applies
// it to every write route; an idempotency_store keeps the answers (the database's, in server/handlers).
#pragma once

#include "server/http/exchange.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seminard::server {

inline constexpr std::size_t max_idempotency_key_length = 255;
/// How long an answer is kept and honoured; an older key counts as new.
inline constexpr std::chrono::hours idempotency_retention{24};
/// The Retry-After of a repeat that arrives while its first request is still being handled.
inline constexpr int in_progress_retry_after_seconds = 1;
/// A form's repeats of a key still in progress (a double click) wait for its answer, at most this many; further ones
/// get the API's 409.
inline constexpr std::size_t max_waiting_repeats = 8;
/// The field that carries a form's key: a plain HTML form cannot set headers.
inline constexpr std::string_view idempotency_form_field = "idempotency_key";

/// A request's key and where it came from.
struct idempotency_key {
    std::string value;
    bool from_form = false;  ///< the form field, not a header
};

/// The key of a POST, PATCH, PUT or DELETE: Idempotency-Key, else X-Idempotency-Key, else (a form body) the field
/// idempotency_key. nullopt for other methods and for requests without one. A key that is present but malformed is
/// returned as it is (valid_idempotency_key() refuses it). Costs one walk over the headers when there is none.
std::optional<idempotency_key> idempotency_key_of(const http_request& req);

/// 1 to 255 printable ASCII characters (space to tilde).
bool valid_idempotency_key(std::string_view key) noexcept;

/// SHA-256 (32 raw bytes) over method, target, Content-Type and body, each with its length: two requests with the
/// same fingerprint ask for the same thing.
std::string request_fingerprint(const http_request& req);

/// Whether an answer is kept for repeats: 2xx, 3xx and 4xx other than 429, and not streamed. After a 5xx or a 429 a
/// repeat runs again.
bool worth_keeping(const http_response& res) noexcept;

/// The answer as it is kept and replayed: without Date and the hop-by-hop fields (the connection writes its own).
http_response answer_to_keep(const http_response& res);
/// An answer's headers and body as bytes (the status is kept beside them), and back; nullopt when `bytes` is not
/// one.
std::string pack_answer(const http_response& res);
std::optional<http_response> unpack_answer(int status, std::string_view bytes);

/// Where answers are kept between repeats. Implementations are thread-safe and call each `done` exactly once, from
/// any thread.
class idempotency_store {
public:
    struct kept {
        std::string fingerprint;
        http_response answer;
    };
    /// What find() found: nothing (never kept, or expired), a kept answer, or `failed` (the store did not answer).
    struct lookup {
        bool failed = false;
        std::optional<kept> found;
    };

    virtual ~idempotency_store() = default;
    /// Looks for the answer kept for `key` in `scope` within idempotency_retention, off the calling thread.
    virtual void find(const std::string& scope, const std::string& key, std::function<void(lookup)> done) = 0;
    /// Keeps `answer` (worth_keeping) for `key` in `scope`; `done(stored)` once it is stored, or could not be.
    virtual void keep(const std::string& scope,
                      const std::string& key,
                      std::string fingerprint,
                      const http_response& answer,
                      std::function<void(bool stored)> done) = 0;
};

/// The keys in hand in this process (requests being handled, and answers not stored yet) and how a keyed request
/// runs. Thread-safe (one mutex around the table); owned through std::shared_ptr, since callbacks keep it alive.
class idempotency : public std::enable_shared_from_this<idempotency> {
public:
    explicit idempotency(std::shared_ptr<idempotency_store> store) : store_(std::move(store)) {}

    /// Answers `ex` for `key` of `scope`, or runs `handler` (on the connection's thread) to answer it:
    ///  - a malformed key: 400 invalid_idempotency_key;
    ///  - the key in hand with another fingerprint: 422 idempotency_key_reused; with the same, its answer once there,
    ///    else 409 request_in_progress with Retry-After (a form's repeat waits for the answer instead);
    ///  - otherwise the key is taken, the store asked: a kept answer with the same fingerprint is replayed, one with
    ///    another is 422; none, and the handler runs, its answer is kept (worth_keeping) and the key let go once the
    ///    store has it (or at once, when it is not kept, or when the exchange is dropped unanswered).
    /// A form's key with another fingerprint (the person changed the fields and sent the page again) runs the
    /// handler as if there were no key: a person cannot do anything about a 422.
    void run(const std::shared_ptr<exchange>& ex,
             const std::string& scope,
             idempotency_key key,
             std::function<void()> handler);

    /// Keys in hand now (for tests).
    std::size_t in_hand() const;

private:
    struct entry {
        std::string fingerprint;
        std::optional<http_response> answer;             ///< once answered: replayed from here until the store has it
        std::vector<std::shared_ptr<exchange>> waiting;  ///< a form's repeats, answered with the answer
    };

    /// The first request's answer is here: keep it (`keep`) or let the key go.
    void answered(const std::string& scope,
                  const std::string& key,
                  const std::string& slot,
                  const std::string& fingerprint,
                  const http_response& res,
                  bool keep);
    /// Lets the key go; the repeats waiting for it get `res`.
    void release(const std::string& slot, const http_response& res);

    std::shared_ptr<idempotency_store> store_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> in_hand_;  ///< by scope and key
};

}  // namespace seminard::server
