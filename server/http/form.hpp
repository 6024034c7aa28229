// Percent-decoding and application/x-www-form-urlencoded parsing, strict: bad escapes are an error, not a guess.
// (Encoding is for building URLs: server/web/urls.hpp.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seminard::server {

/// Decodes %XX escapes (and '+' as space when `plus_is_space`). nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

using form_fields = std::vector<std::pair<std::string, std::string>>;

/// "a=1&b=x+y" into pairs, in order. nullopt when any part is malformed.
std::optional<form_fields> parse_urlencoded(std::string_view body);

/// The first value of `name` in a query string; nullopt when absent or malformed.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace seminard::server
