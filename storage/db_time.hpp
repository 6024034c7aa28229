// How instants are stored: whole seconds since the Unix epoch in an INTEGER column.
#pragma once

#include "domain/model.hpp"

#include <chrono>
#include <cstdint>

namespace seminard::storage {

inline std::int64_t to_db(domain::instant t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline domain::instant from_db(std::int64_t seconds) { return domain::instant{std::chrono::seconds{seconds}}; }

}  // namespace seminard::storage
