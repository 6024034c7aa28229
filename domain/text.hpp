// Text helpers shared by every layer: UTF-8 validity, code point length, control characters, ASCII case, e-mail,
// base64.
#pragma once

#include <cstddef>
#include <optional>
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
/// A pragmatic address check: one '@', a plausible local part, a dotted domain, at most 254 octets. A non-ASCII
/// domain label is taken as it is: IDNA's rules are applied when a mail is addressed (mime::ascii_address).
bool plausible_email(std::string_view s) noexcept;
/// The form used to compare addresses: trimmed and ASCII-lowercased.
std::string normalize_email(std::string_view s);

/// RFC 4648's two base64 alphabets: `standard` (section 4, with + and /) for MIME, `url` (section 5, with - and _)
/// for tokens in URLs and paths.
enum class base64_alphabet { standard, url };
/// Whether base64 text is padded with '=' to a multiple of four characters.
enum class base64_padding { padded, unpadded };

/// `bytes` in base64, on one line.
std::string base64_encode(std::string_view bytes,
                          base64_alphabet alphabet = base64_alphabet::standard,
                          base64_padding padding = base64_padding::padded);
/// The bytes of base64 `text`, or nullopt unless `text` is exactly what base64_encode gives for some bytes with the
/// same alphabet and padding: nothing outside the alphabet (no line breaks, no spaces), '=' only as the padding
/// asked for, and the unused bits of the last character zero (RFC 4648 3.5), so every text has one meaning.
std::optional<std::string> base64_decode(std::string_view text,
                                         base64_alphabet alphabet = base64_alphabet::standard,
                                         base64_padding padding = base64_padding::padded);

}  // namespace seminard::domain
