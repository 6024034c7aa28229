// RFC 5545 content-line mechanics: folding at 75 octets on UTF-8 boundaries, and values built from what people
// typed that cannot break out of their property or parameter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace seminard::calendars {

/// The longest physical line RFC 5545 (3.1) allows, in octets, CRLF not counted.
inline constexpr std::size_t max_line_octets = 75;

/// Folds every content line of `text` (lines end in LF or CRLF; nothing folded yet) to at most max_line_octets
/// octets, continuation lines starting with one space, never inside a UTF-8 sequence. Every line ends in CRLF.
std::string fold_lines(std::string_view text);

/// Undoes folding: every CRLF (or LF) followed by a space or tab is removed.
std::string unfold_lines(std::string_view text);

/// Text for a TEXT value (SUMMARY, DESCRIPTION, …): valid UTF-8 (each invalid byte becomes U+FFFD), CRLF and CR
/// become LF, every other control character becomes a space. The serializer escapes \ ; , and LF afterwards.
std::string clean_text(std::string_view s);

/// Text for a parameter value (CN): clean_text on one line, DQUOTE replaced by an apostrophe (a quoted parameter
/// value cannot hold it), the RFC 6868 escape character ^ replaced by U+02C6 (so no parser decodes it), runs of
/// white space collapsed, trimmed. The serializer adds the quotes when the value holds ; : or ,.
std::string clean_param(std::string_view s);

/// "mailto:" + address, every octet outside a conservative set percent-encoded: one URI, whatever the address holds.
std::string mailto(std::string_view address);

/// A URI from configuration or a slug: control characters, spaces, DQUOTE and <> percent-encoded.
std::string clean_uri(std::string_view s);

}  // namespace seminard::calendars
