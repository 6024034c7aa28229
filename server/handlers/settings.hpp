// What the handlers are told at start-up: the site, the database (exports open their own cursor), the mail
// settings (the organiser's .eml view renders like the mailer), the public rate limit, CORS and the organiser token.
#pragma once

#include "server/http/config.hpp"
#include "server/mail/mail_config.hpp"
#include "server/web/site.hpp"
#include "storage/connection.hpp"
#include "storage/passwords.hpp"

#include <chrono>

#include <string>
#include <vector>

namespace seminard::server {

struct app_settings {
    site_config site;
    storage::db_options db;
    mail_config mail;
    rate_limit_config rate_limit;
    std::vector<std::string> cors_origins;   ///< exact origins (normalised "scheme://host[:port]") allowed by CORS
    std::vector<std::string> frame_origins;  ///< origins whose pages may show ours in a frame; none: nobody may
    /// Days after a date's last day until its registrations are anonymised, and after sending until a mail's body
    /// is deleted; 0: never (--retention-days, --mail-retention-days).
    int retention_days = 365;
    int mail_retention_days = 30;
    std::string admin_token;  ///< from SEMINARD_ADMIN_TOKEN or --admin-token-file; empty: the stored hash
    /// A workspace login ends after this long without a request, and this long after it began, whatever happens
    /// (--session-idle, --session-lifetime).
    std::chrono::minutes session_idle{60};
    std::chrono::minutes session_lifetime{12 * 60};
    /// The cost of password hashes made by the workspace (tests lower it; passwords set with the CLI use the default).
    storage::password_cost password_cost = storage::password_cost::interactive();
};

}  // namespace seminard::server
