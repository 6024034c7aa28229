// The demo seminar "LinkedIn Marketing für Unternehmen", seeded by --demo into an empty database.
#pragma once

#include "domain/model.hpp"
#include "storage/writer.hpp"

namespace seminard::server {

/// Seeds the demo seminar and its dates when there is no seminar yet: the next 27./28. January still ahead of
/// `now` (in Berlin), and the one a year before it, past. Returns true when it seeded. Runs on the writer and waits
/// for the commit; call at start-up only.
bool seed_demo(storage::writer& w, domain::instant now);

/// The year of the demo's next date: this year until 28 January is over, then the next.
int next_demo_year(domain::instant now);

}  // namespace seminard::server
