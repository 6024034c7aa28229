// Command line and environment into a config. Kept apart from main() so that it can be tested.
#pragma once

#include "server/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace seminard::server {

struct parsed_options {
    config cfg;
    bool show_help = false;
    std::string error;  ///< non-empty: tell the user and exit 2
};

/// `args` without the program name; `env_token` is SEMINARD_ADMIN_TOKEN (or empty).
parsed_options parse_options(const std::vector<std::string>& args, const std::string& env_token);

std::string usage_text();

}  // namespace seminard::server
