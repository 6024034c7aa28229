// Idempotent answers in the database (see kept_answer_store.hpp).
#include "server/handlers/kept_answer_store.hpp"

#include "server/log/log.hpp"
#include "storage/kept_answers.hpp"

namespace seminard::server {

void kept_answer_store::find(const std::string& scope, const std::string& key, std::function<void(lookup)> done) {
    // A task the pool cannot run is destroyed unrun: then the lookup failed, and the caller hears so.
    auto once = std::make_shared<std::function<void(lookup)>>(std::move(done));
    auto unrun = std::shared_ptr<void>(nullptr, [once](void*) {
        if (*once) (*once)(lookup{true, std::nullopt});
    });
    svc_.readers.post([this, scope, key, once, unrun](storage::connection& c) {
        auto reply = std::exchange(*once, nullptr);
        lookup l;
        try {
            if (auto row = storage::find_kept_answer(c, scope, key, svc_.now() - idempotency_retention)) {
                auto plain = storage::open_answer(svc_.key(), scope, key, row->answer);
                auto answer = plain ? unpack_answer(row->status, *plain) : std::nullopt;
                if (answer)
                    l.found = kept{std::move(row->fingerprint), std::move(*answer)};
                else  // sealed under a replaced key file: as good as gone, the request runs again
                    log_event("warn", "a kept idempotent answer could not be opened");
            }
        } catch (const std::exception& e) {
            log_event("error", std::string{"idempotency lookup failed: "} + e.what());
            l = lookup{true, std::nullopt};
        }
        reply(std::move(l));
    });
}

void kept_answer_store::keep(const std::string& scope,
                             const std::string& key,
                             std::string fingerprint,
                             const http_response& answer,
                             std::function<void(bool stored)> done) {
    storage::kept_answer row;
    row.fingerprint = std::move(fingerprint);
    row.status = answer.status;
    // Sealed here, not on the writer: its thread is the one every registration waits for.
    row.answer = storage::seal_answer(svc_.key(), scope, key, pack_answer(answer));
    row.created_at = svc_.now();
    svc_.writer.submit<bool>(
        [scope, key, row = std::move(row)](storage::connection& c) -> domain::result<bool> {
            storage::keep_answer(c, scope, key, row);
            return true;
        },
        [done = std::move(done)](const domain::result<bool>& r) { done(r.ok()); });
}

void enable_idempotency(router& r, services& svc) {
    r.set_idempotency(std::make_shared<kept_answer_store>(svc));
    svc.writer.every(kept_answer_store::purge_interval, [clock = svc.clock](storage::connection& c) {
        return storage::purge_kept_answers(c, clock() - idempotency_retention, kept_answer_store::purge_batch) > 0;
    });
}

}  // namespace seminard::server
