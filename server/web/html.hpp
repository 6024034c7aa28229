// HTML escaping and the few string helpers the pages need. Pure functions on UTF-8 text; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace seminard::server::html {

/// Appends `s` as HTML element content: `&`, `<` and `>` become character references, NUL becomes U+FFFD.
/// Everything else (quotes included, and all non-ASCII UTF-8) passes through unchanged.
void append_text(std::string& out, std::string_view s);
/// Appends `s` as the value of a double- or single-quoted attribute: like append_text, and `"` and `'` too.
void append_attr(std::string& out, std::string_view s);

/// `s` escaped for element content ("a < b & c" → "a &lt; b &amp; c").
std::string text(std::string_view s);
/// `s` escaped for a quoted attribute value (`"&'` → `&quot;&amp;&#39;`).
std::string attr(std::string_view s);

/// Plain text as paragraphs: a blank line (only white space between two line breaks) starts a new `<p>`,
/// a single line break inside a paragraph becomes `<br>`. CRLF and CR count as line breaks. Text is escaped;
/// empty or blank input gives an empty string. Example: "a\nb\n\nc" → "<p>a<br>b</p><p>c</p>".
std::string paragraphs(std::string_view s);

/// `url` with the query parameter `param` ("name=value") set: any parameter of the same name is dropped, the
/// others are kept in order, and `param` is appended with `?` or `&` (before a `#fragment`):
/// ("/x", "lang=en") → "/x?lang=en", ("/x?a=1&lang=en", "lang=de") → "/x?a=1&lang=de". The result is a raw URL:
/// escape it with attr() for markup.
std::string with_query(std::string_view url, std::string_view param);

}  // namespace seminard::server::html
