// GET /healthz: 200 only when the database answers a query.
#include "server/handlers/json_codec.hpp"
#include "server/handlers/routes.hpp"

namespace seminard::server {

void add_health_routes(router& r, services& svc) {
    r.add("GET", "/healthz", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.read(ex, [](storage::connection& c) {
            auto q = c.prepare("SELECT MAX(version) FROM schema_version");
            int version = q.executeStep() ? q.getColumn(0).getInt() : 0;
            auto res = json_response(200, json{{"status", "ok"}, {"schema_version", version}});
            res.set("Cache-Control", "no-store");
            return res;
        });
    });
}

}  // namespace seminard::server
