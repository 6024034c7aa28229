// Everything seminard can be told at start-up, with the defaults a newcomer gets: each part belongs to the
// library that reads it.
#pragma once

#include "server/handlers/settings.hpp"
#include "server/http/config.hpp"

namespace seminard::server {

struct config {
    http_config http;
    app_settings app;
    unsigned reader_threads = 0;  ///< 0: one per core, at least 2
    bool demo = false;
};

}  // namespace seminard::server
