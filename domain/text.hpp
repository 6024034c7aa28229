// Text helpers shared by every layer: UTF-8 validity, code point length, control characters, ASCII case, e-mail.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace seminard::domain {

/// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;
/// Number of code points; only meaningful for valid UTF-8.
std::size_t utf8_length(std::string_view s) noexcept;
/// True when s holds a C0 control character or DEL; `allow_newlines` admits LF, CR and TAB.
bool has_control_chars(std::string_view s, bool allow_newlines) noexcept;
/// The ASCII letter in lower case; every other byte (UTF-8 included) as it is.
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// Equal but for the case of ASCII letters (header names, tokens, SMTP keywords, URI schemes): every other byte
/// must match exactly.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Leading and trailing ASCII white space removed.
std::string trim(std::string_view s);
/// A pragmatic address check: one '@', a plausible local part, a dotted domain, at most 254 octets.
bool plausible_email(std::string_view s) noexcept;
/// The form used to compare addresses: trimmed and ASCII-lowercased.
std::string normalize_email(std::string_view s);

}  // namespace seminard::domain
