// Everything seminard can be told at start-up, with the defaults a newcomer gets: each part belongs to the
// library that reads it.
#pragma once

#include "domain/model.hpp"
#include "server/handlers/settings.hpp"
#include "server/http/config.hpp"

#include <optional>

namespace seminard::server {

struct config {
    http_config http;
    app_settings app;
    unsigned reader_threads = 0;  ///< 0: one per core, at least 2
    bool demo = false;
    /// The server's clock starts here and runs on (a rehearsal of a later day, and tests); none: the real time.
    std::optional<domain::instant> clock_start;
    /// The secret key's file (storage/secret_key.hpp); empty: "<database>.key".
    std::string key_file;
};

}  // namespace seminard::server
