// Where the organiser token comes from: SEMINARD_ADMIN_TOKEN, --admin-token-file, or one generated on first start
// whose hash alone is stored.
#pragma once

#include "storage/crypto.hpp"
#include "storage/writer.hpp"

#include <string>

namespace seminard::server {

struct admin_token_setup {
    storage::digest hash{};
    std::string shown_once;  ///< the plain token when it was just generated (print it once), else empty
    std::string source;      ///< "environment", "file", "database" or "generated"
};

/// `configured`: a token from the environment or a file (wins). Otherwise the stored hash, or a new token whose
/// hash is stored (through the writer; call at start-up only).
admin_token_setup setup_admin_token(storage::writer& w, const std::string& configured);

}  // namespace seminard::server
