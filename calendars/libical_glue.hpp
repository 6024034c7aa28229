// Glue to libical: ownership of the objects it allocates, and our times as its icaltimetype.
#pragma once

#include "domain/model.hpp"

#include <libical/ical.h>

#include <memory>
#include <string>

namespace seminard::calendars {

struct component_deleter {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
/// A component nobody else owns yet; release() it when adding it to a parent, which then frees it.
using component_ptr = std::unique_ptr<icalcomponent, component_deleter>;

/// libical's serialization (icalcomponent_as_ical_string_r) as a std::string; the C buffer is freed.
std::string to_ical_string(icalcomponent* c);

/// A floating DATE-TIME (the caller adds the TZID parameter): local wall time, to the second.
icaltimetype local_ical_time(date::local_seconds t);
/// A UTC DATE-TIME (serialized with Z).
icaltimetype utc_ical_time(domain::instant t);

}  // namespace seminard::calendars
