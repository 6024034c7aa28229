// Building answers: JSON bodies, the one error format, and the client's language.
#pragma once

#include "domain/messages.hpp"
#include "domain/result.hpp"
#include "server/http/http_types.hpp"

#include <nlohmann/json_fwd.hpp>

namespace seminard::server {

/// A JSON answer with the right content type; invalid UTF-8 in strings is replaced, never thrown.
http_response json_response(int status, const nlohmann::json& body);

/// `{"error": code, "message": text, "fields": {name: {"code", "message"}}?}` with the errc's status.
http_response error_response(const domain::error& e, domain::lang lang);

/// German unless the client asks for English: `?lang=en` wins, then the best of de/en in Accept-Language.
domain::lang negotiate_language(const http_request& req);

}  // namespace seminard::server
