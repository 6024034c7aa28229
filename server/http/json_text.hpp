// JSON text for responses: the same bytes as nlohmann's dump(), which checks every byte through a UTF-8 state
// machine, written in one pass that steps over eight plain bytes at a time and copies the runs that need no escaping
// whole (docs/performance.md).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace seminard::server {

/// Compact JSON, byte for byte what `j.dump(-1, ' ', false, error_handler_t::replace)` gives: UTF-8 kept as it
/// is, control characters escaped, object keys in the json's order. A string that is not valid UTF-8 (never
/// stored, since input is checked) is left to nlohmann, which writes U+FFFD for the bad bytes.
std::string json_text(const nlohmann::json& j);

/// The same, appended to `out`.
void append_json_text(std::string& out, const nlohmann::json& j);

}  // namespace seminard::server
