// One request and its answer (see exchange.hpp).
#include "server/http/exchange.hpp"

#include "server/http/responses.hpp"

#include <cstdio>

namespace seminard::server {

exchange::exchange(http_request request, reply_fn reply, runner_fn runner)
    : request_(std::move(request)), reply_(std::move(reply)), runner_(std::move(runner)) {}

exchange::~exchange() {
    if (!answered_.load()) {
        std::fprintf(stderr, "level=error msg=\"request dropped without an answer\" route=\"%s\"\n", route.c_str());
        respond(error_response(domain::errc::internal, lang));
    }
}

const std::string& exchange::param(const std::string& name) const {
    static const std::string none;
    auto it = params.find(name);
    return it == params.end() ? none : it->second;
}

void exchange::respond_with(std::function<http_response()> make) {
    auto build = [self = shared_from_this(), make = std::move(make)] {
        try {
            self->respond(make());
        } catch (const std::exception& e) {
            std::fprintf(stderr,
                         "level=error msg=\"rendering failed\" route=\"%s\" error=\"%s\"\n",
                         self->route.c_str(),
                         e.what());
            self->respond(error_response(domain::errc::internal, self->lang));
        }
    };
    if (runner_)
        runner_(std::move(build));
    else
        build();
}

void exchange::post(std::function<void()> work) {
    if (runner_)
        runner_(std::move(work));
    else
        work();
}

void exchange::respond(http_response response) {
    if (answered_.exchange(true)) return;
    if (observer_) {
        try {
            observer_(response);
        } catch (const std::exception& e) {
            // The answer still goes out; only its copy for repeats is lost.
            std::fprintf(stderr,
                         "level=error msg=\"answer observer failed\" route=\"%s\" error=\"%s\"\n",
                         route.c_str(),
                         e.what());
        }
    }
    if (reply_) reply_(std::move(response));
}

}  // namespace seminard::server
