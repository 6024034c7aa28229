// How the site presents itself to the outside: the base of every link, the privacy notice, the address its
// calendars name as organiser. Set at start-up; pages, mails, calendars and the API all read it.
#pragma once

#include <string>

namespace seminard::server {

struct site_config {
    std::string public_url;   ///< base of links in confirmations and invites, no trailing slash; set by main
    std::string privacy_url;  ///< the privacy notice the form's consent links to; empty: our own /datenschutz page
    std::string calendar_organizer_email;  ///< ORGANIZER of invites instead of the seminar's (e.g. no-reply)
};

}  // namespace seminard::server
