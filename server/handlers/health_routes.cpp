// GET /healthz: 200 only when the database answers a query and takes writes.
#include "server/handlers/json_codec.hpp"
#include "server/handlers/routes.hpp"

namespace seminard::server {

void add_health_routes(router& r, services& svc) {
    r.add("GET", "/healthz", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        // A failed write (disk full, a lock held by another process) leaves reads working: say so until a commit
        // succeeds again. The probe lets recovery show even when nobody else writes.
        if (auto writes = svc.writer.health(); !writes.ok) {
            svc.writer.probe();
            auto res = json_response(503,
                                     json{{"status", "unavailable"},
                                          {"error", "unavailable"},
                                          {"message", domain::message(domain::errc::unavailable, ex->lang)},
                                          {"reason", "the database takes no writes: " + writes.reason}});
            res.set("Cache-Control", "no-store");
            res.set("Retry-After", "5");
            return ex->respond(std::move(res));
        }
        svc.read(ex, [](storage::connection& c) {
            auto q = c.prepare("SELECT MAX(version) FROM schema_version");
            int version = q.executeStep() ? q.getColumn(0).getInt() : 0;
            auto res = json_response(200, json{{"status", "ok"}, {"schema_version", version}, {"writes", "ok"}});
            res.set("Cache-Control", "no-store");
            return res;
        });
    });
}

}  // namespace seminard::server
