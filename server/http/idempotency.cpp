// Idempotent writes (see idempotency.hpp).
#include "server/http/idempotency.hpp"

#include "server/http/form.hpp"
#include "server/http/responses.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace seminard::server {

namespace {

constexpr std::string_view key_header = "Idempotency-Key";
constexpr std::string_view pretix_key_header = "X-Idempotency-Key";
constexpr std::string_view content_type = "Content-Type";
constexpr std::string_view form_type = "application/x-www-form-urlencoded";

/// Fields an answer is kept and replayed without: the connection writes them for each answer itself.
constexpr std::array<std::string_view, 6> unkept_fields = {
    "Date", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Server"};

bool is_write(std::string_view method) noexcept {
    return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

/// The table's key: a scope never holds a newline (an address, or a principal's name).
std::string slot_of(const std::string& scope, const std::string& key) { return scope + '\n' + key; }

http_response in_progress(domain::lang lang) {
    auto res = error_response(domain::errc::request_in_progress, lang);
    res.set("Retry-After", std::to_string(in_progress_retry_after_seconds));
    return res;
}

void put_length(std::string& out, std::size_t n) {
    const auto v = static_cast<std::uint32_t>(n);
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

bool take_length(std::string_view& in, std::size_t& n) {
    if (in.size() < 4) return false;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(4);
    n = v;
    return n <= in.size();
}

bool take_text(std::string_view& in, std::string& out) {
    std::size_t n = 0;
    if (!take_length(in, n)) return false;
    out.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
}

struct digest_context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~digest_context() { EVP_MD_CTX_free(ctx); }
    /// A part with its length first, so that no two different requests hash the same parts.
    void part(std::string_view s) {
        std::string length;
        put_length(length, s.size());
        if (EVP_DigestUpdate(ctx, length.data(), length.size()) != 1 || EVP_DigestUpdate(ctx, s.data(), s.size()) != 1)
            throw std::runtime_error("SHA-256 failed");
    }
};

}  // namespace

std::optional<idempotency_key> idempotency_key_of(const http_request& req) {
    if (!is_write(req.method)) return std::nullopt;
    // One walk over the headers for both names and the content type; the standard name wins over pretix's.
    const std::string* pretix = nullptr;
    const std::string* type = nullptr;
    for (const auto& [name, value] : req.headers) {
        if (name.size() == key_header.size() && iequals(name, key_header)) return idempotency_key{value, false};
        if (!pretix && name.size() == pretix_key_header.size() && iequals(name, pretix_key_header)) pretix = &value;
        if (!type && name.size() == content_type.size() && iequals(name, content_type)) type = &value;
    }
    if (pretix) return idempotency_key{*pretix, false};
    // A form: only a body that names the field is decoded (forms come from browsers, scripts send JSON).
    if (req.method != "POST" || !type || !iequals(std::string_view{*type}.substr(0, form_type.size()), form_type) ||
        req.body.find(idempotency_form_field) == std::string::npos)
        return std::nullopt;
    auto field = query_param(req.body, idempotency_form_field);
    if (!field) return std::nullopt;
    return idempotency_key{std::move(*field), true};
}

bool valid_idempotency_key(std::string_view key) noexcept {
    if (key.empty() || key.size() > max_idempotency_key_length) return false;
    for (char c : key)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

std::string request_fingerprint(const http_request& req) {
    digest_context d;
    if (!d.ctx || EVP_DigestInit_ex(d.ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
    d.part(req.method);
    d.part(req.target);
    d.part(req.header("Content-Type"));
    d.part(req.body);
    std::string out(EVP_MAX_MD_SIZE, '\0');
    unsigned size = 0;
    if (EVP_DigestFinal_ex(d.ctx, reinterpret_cast<unsigned char*>(out.data()), &size) != 1)
        throw std::runtime_error("SHA-256 failed");
    out.resize(size);
    return out;
}

bool worth_keeping(const http_response& res) noexcept {
    return !res.stream && res.status >= 200 && res.status < 500 && res.status != 429;
}

http_response answer_to_keep(const http_response& res) {
    http_response kept;
    kept.status = res.status;
    kept.body = res.body;
    for (const auto& field : res.headers) {
        bool unkept = false;
        for (auto name : unkept_fields) unkept = unkept || iequals(field.first, name);
        if (!unkept) kept.headers.push_back(field);
    }
    return kept;
}

std::string pack_answer(const http_response& res) {
    std::string out;
    put_length(out, res.headers.size());
    for (const auto& [name, value] : res.headers) {
        put_length(out, name.size());
        out += name;
        put_length(out, value.size());
        out += value;
    }
    out += res.body;
    return out;
}

std::optional<http_response> unpack_answer(int status, std::string_view bytes) {
    http_response res;
    res.status = status;
    std::size_t count = 0;
    if (!take_length(bytes, count)) return std::nullopt;
    for (std::size_t i = 0; i < count; ++i) {
        std::string name, value;
        if (!take_text(bytes, name) || !take_text(bytes, value)) return std::nullopt;
        res.headers.emplace_back(std::move(name), std::move(value));
    }
    res.body.assign(bytes);
    return res;
}

void idempotency::run(const std::shared_ptr<exchange>& ex,
                      const std::string& scope,
                      idempotency_key key,
                      std::function<void()> handler) {
    if (!valid_idempotency_key(key.value))
        return ex->respond(error_response(domain::errc::invalid_idempotency_key, ex->lang));
    const auto fingerprint = request_fingerprint(ex->request());
    const auto slot = slot_of(scope, key.value);
    enum class step { claimed, replay, reused, in_progress, waiting, unkeyed } next = step::claimed;
    std::optional<http_response> replay;
    {
        std::lock_guard lock(mutex_);
        auto [it, inserted] = in_hand_.try_emplace(slot);
        auto& e = it->second;
        if (inserted) {
            e.fingerprint = fingerprint;
        } else if (e.fingerprint != fingerprint) {
            next = key.from_form ? step::unkeyed : step::reused;
        } else if (e.answer) {
            replay = *e.answer;
            next = step::replay;
        } else if (key.from_form && e.waiting.size() < max_waiting_repeats) {
            e.waiting.push_back(ex);
            next = step::waiting;
        } else {
            next = step::in_progress;
        }
    }
    switch (next) {
        case step::waiting:
            return;
        case step::unkeyed:
            return handler();
        case step::reused:
            return ex->respond(error_response(domain::errc::idempotency_key_reused, ex->lang));
        case step::in_progress:
            return ex->respond(in_progress(ex->lang));
        case step::replay:
            return ex->respond(std::move(*replay));
        case step::claimed:
            break;
    }
    auto found = [self = shared_from_this(), ex, scope, key, slot, fingerprint, handler = std::move(handler)](
                     idempotency_store::lookup l) mutable {
        if (l.failed) {
            auto res = error_response(domain::errc::unavailable, ex->lang);
            self->release(slot, res);
            return ex->respond(std::move(res));
        }
        if (l.found && l.found->fingerprint == fingerprint) {
            self->release(slot, l.found->answer);
            return ex->respond(std::move(l.found->answer));
        }
        if (l.found && !key.from_form) {
            auto res = error_response(domain::errc::idempotency_key_reused, ex->lang);
            self->release(slot, res);
            return ex->respond(std::move(res));
        }
        // New, or a form's key sent again with other fields (then nothing is kept: the first answer stays).
        const bool keep = !l.found;
        ex->observe_answer([self, scope, key = key.value, slot, fingerprint, keep](const http_response& res) {
            self->answered(scope, key, slot, fingerprint, res, keep);
        });
        ex->post(std::move(handler));
    };
    try {
        store_->find(scope, key.value, std::move(found));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "level=error msg=\"idempotency lookup failed\" error=\"%s\"\n", e.what());
        auto res = error_response(domain::errc::unavailable, ex->lang);
        release(slot, res);
        ex->respond(std::move(res));
    }
}

void idempotency::answered(const std::string& scope,
                           const std::string& key,
                           const std::string& slot,
                           const std::string& fingerprint,
                           const http_response& res,
                           bool keep) {
    if (!keep || !worth_keeping(res)) return release(slot, res);
    std::vector<std::shared_ptr<exchange>> waiting;
    try {
        auto kept = answer_to_keep(res);
        {
            std::lock_guard lock(mutex_);
            auto& e = in_hand_[slot];
            e.answer = kept;
            waiting.swap(e.waiting);
        }
        for (const auto& w : waiting) w->respond(kept);
        // The key stays in hand (repeats are answered from memory) until the store has the answer.
        store_->keep(scope, key, fingerprint, kept, [self = shared_from_this(), slot](bool stored) {
            if (!stored) std::fprintf(stderr, "level=warn msg=\"an idempotent answer could not be kept\"\n");
            std::lock_guard lock(self->mutex_);
            self->in_hand_.erase(slot);
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "level=error msg=\"keeping an idempotent answer failed\" error=\"%s\"\n", e.what());
        release(slot, res);
    }
}

void idempotency::release(const std::string& slot, const http_response& res) {
    std::vector<std::shared_ptr<exchange>> waiting;
    {
        std::lock_guard lock(mutex_);
        auto it = in_hand_.find(slot);
        if (it == in_hand_.end()) return;
        waiting.swap(it->second.waiting);
        in_hand_.erase(it);
    }
    for (const auto& w : waiting) w->respond(res);
}

std::size_t idempotency::in_hand() const {
    std::lock_guard lock(mutex_);
    return in_hand_.size();
}

}  // namespace seminard::server
