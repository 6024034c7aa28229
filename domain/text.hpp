// Text helpers shared by every layer: the UTF-8 decoder and what is built on it, control characters, ASCII case,
// e-mail, base64.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::domain {

/// The length (1 to 4) of the well-formed UTF-8 sequence that starts at s[at], or 0 when none does: a
/// continuation byte, a byte UTF-8 never uses (C0, C1, F5..FF), a sequence cut short, an overlong form, a surrogate
/// or a code point above U+10FFFF (the ranges of Unicode's table 3-7, which RFC 3629 gives too). The one UTF-8
/// decoder: every check, length, repair and split of UTF-8 text is built on it. Inline because JSON output asks it
/// about every non-ASCII byte of a response.
constexpr std::size_t utf8_sequence_length(std::string_view s, std::size_t at) noexcept {
    if (at >= s.size()) return 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte; the others are always 80..BF
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        if (lead == 0xE0) lo = 0xA0;  // below: overlong
        if (lead == 0xED) hi = 0x9F;  // above: surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        if (lead == 0xF0) lo = 0x90;  // below: overlong
        if (lead == 0xF4) hi = 0x8F;  // above: beyond U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - at < n || byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(k) & 0xC0) != 0x80) return 0;
    return n;
}

/// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;
/// Number of code points. A byte that starts no well-formed sequence counts as one, as it does once
/// replace_invalid_utf8 has made it U+FFFD.
std::size_t utf8_length(std::string_view s) noexcept;
/// `s` with each byte that starts no well-formed sequence replaced by U+FFFD (one per byte, so nothing vanishes
/// unseen); well-formed text comes back as it is.
std::string replace_invalid_utf8(std::string_view s);
/// True when s holds a C0 control character or DEL; `allow_newlines` admits LF, CR and TAB.
bool has_control_chars(std::string_view s, bool allow_newlines) noexcept;
/// The ASCII letter in lower case; every other byte (UTF-8 included) as it is.
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// Equal but for the case of ASCII letters (header names, tokens, SMTP keywords, URI schemes): every other byte
/// must match exactly.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Leading and trailing ASCII white space removed.
std::string trim(std::string_view s);
/// The lines of `s`, split at LF (a CR before it dropped); "" gives one empty line.
std::vector<std::string> split_lines(std::string_view s);
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
