// Our own request and response values: what handlers see instead of Beast types, so that routing and handlers
// compile without Beast and can be tested without a network (the seam of Asio's request_handler).
#pragma once

#include "domain/text.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seminard::server {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive ASCII comparison for header names and tokens: the one in domain/text.hpp.
using domain::iequals;

/// Whether a response header field can be written as it is: a token for a name, and no CR, LF or NUL in the value
/// (either would end the field early or start another).
bool valid_header_field(std::string_view name, std::string_view value) noexcept;

struct http_request {
    std::string method;  ///< "GET", "POST", … as sent
    std::string target;  ///< raw request target, e.g. "/api/v1/seminars?lang=en"
    std::string path;    ///< target before '?', still percent-encoded
    std::string query;   ///< target after '?', without it
    header_list headers;
    std::string body;
    std::string remote_address;
    unsigned version = 11;  ///< 10 or 11

    /// First header with this name (case-insensitive), or empty.
    std::string_view header(std::string_view name) const noexcept;
};

/// A body produced piece by piece and sent with chunked transfer encoding (large exports), so that memory does not
/// grow with its size. next() runs on a blocking thread, never an IO thread, one call at a time; it appends the next
/// piece to `out` and returns false after the last. A throw cuts the transfer short (the connection closes without
/// the last chunk, so the client sees an incomplete download, never a silently short file).
class body_source {
public:
    virtual ~body_source() = default;
    virtual bool next(std::string& out) = 0;
};

struct http_response {
    int status = 200;
    header_list headers;
    std::string body;
    std::shared_ptr<body_source> stream;  ///< when set, the body comes from here instead of `body`

    http_response& set(std::string name, std::string value);
    std::string_view header(std::string_view name) const noexcept;
};

}  // namespace seminard::server
