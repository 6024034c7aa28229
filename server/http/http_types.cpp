// Request and response helpers (see http_types.hpp).
#include "server/http/http_types.hpp"

namespace seminard::server {

bool valid_header_field(std::string_view name, std::string_view value) noexcept {
    // RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" /
    // "~" / DIGIT / ALPHA
    constexpr std::string_view punctuation = "!#$%&'*+-.^_`|~";
    if (name.empty()) return false;
    for (char c : name) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && punctuation.find(c) == std::string_view::npos) return false;
    }
    return value.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

std::string_view http_request::header(std::string_view name) const noexcept {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

http_response& http_response::set(std::string name, std::string value) {
    for (auto& [k, v] : headers) {
        if (iequals(k, name)) {
            v = std::move(value);
            return *this;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::string_view http_response::header(std::string_view name) const noexcept {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

}  // namespace seminard::server
