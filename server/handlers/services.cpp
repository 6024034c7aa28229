// The access check (see services.hpp).
#include "server/handlers/services.hpp"

#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"
#include "server/handlers/workspace_access.hpp"

namespace seminard::server {

namespace {
constexpr std::string_view api_prefix = "/api/";
}  // namespace

void services::allow(access level, const std::shared_ptr<exchange>& ex, access_granted grant) {
    switch (level) {
        case access::anyone:
            return grant();
        case access::organiser:
            return check_organiser(*this, ex, std::move(grant));
        case access::workspace:
        case access::workspace_owner:
            return check_workspace(*this, level, ex, std::move(grant));
        case access::invite_key:
            if (plausible_token(without_ics(ex->param("key")))) return grant();
            return ex->respond(error_response(domain::errc::not_found, ex->lang));
        case access::attendee:
            if (plausible_token(ex->param("token"))) return grant();
            if (ex->route.rfind(api_prefix, 0) == 0)
                return ex->respond(error_response(domain::errc::not_found, ex->lang));
            return ex->respond(not_found_page(*this, ex->lang));
    }
    ex->respond(error_response(domain::errc::forbidden, ex->lang));
}

}  // namespace seminard::server
