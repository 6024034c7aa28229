// Text checks (see text.hpp).
#include "text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace seminard::domain {

namespace {

constexpr std::string_view standard_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// In a table of digit values: the byte is no digit of the alphabet.
constexpr std::int8_t not_a_digit = -1;

constexpr std::array<std::int8_t, 256> digit_values(std::string_view digits) {
    std::array<std::int8_t, 256> values{};
    values.fill(not_a_digit);
    for (std::size_t i = 0; i < digits.size(); ++i)
        values[static_cast<unsigned char>(digits[i])] = static_cast<std::int8_t>(i);
    return values;
}

constexpr auto standard_values = digit_values(standard_digits);
constexpr auto url_values = digit_values(url_digits);

}  // namespace

bool valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        const auto n = utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::size_t utf8_length(std::string_view s) noexcept {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++count) i += std::max<std::size_t>(1, utf8_sequence_length(s, i));
    return count;
}

std::string replace_invalid_utf8(std::string_view s) {
    constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD
    std::string out;
    out.reserve(s.size());
    std::size_t copied = 0;  // s[copied, i) is well-formed and not yet in out
    for (std::size_t i = 0; i < s.size();) {
        if (const auto n = utf8_sequence_length(s, i); n > 0) {
            i += n;
            continue;
        }
        out.append(s.substr(copied, i - copied));
        out.append(replacement_character);
        copied = ++i;
    }
    out.append(s.substr(copied));
    return out;
}

bool has_control_chars(std::string_view s, bool allow_newlines) noexcept {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
        if (c < 0x20 || c == 0x7F) return true;
    }
    return false;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string trim(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string{s};
}

bool plausible_email(std::string_view s) noexcept {
    if (s.size() < 3 || s.size() > 254) return false;
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != std::string_view::npos)
        return false;
    auto local = s.substr(0, at);
    auto domain = s.substr(at + 1);
    for (char ch : local) {
        auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7F || ch == '"' || ch == '(' || ch == ')' || ch == ',' || ch == ':' || ch == ';' ||
            ch == '<' || ch == '>' || ch == '[' || ch == ']' || ch == '\\')
            return false;
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= domain.size(); ++i) {
        if (i == domain.size() || domain[i] == '.') {
            auto label = domain.substr(label_start, i - label_start);
            if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
            label_start = i + 1;
            continue;
        }
        auto c = static_cast<unsigned char>(domain[i]);
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
        if (!ok) return false;
    }
    return true;
}

std::string normalize_email(std::string_view s) {
    auto out = trim(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

std::string base64_encode(std::string_view bytes, base64_alphabet alphabet, base64_padding padding) {
    const auto digits = alphabet == base64_alphabet::url ? url_digits : standard_digits;
    const auto byte = [&](std::size_t i) { return std::uint32_t{static_cast<unsigned char>(bytes[i])}; };
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const auto n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += digits[n >> 18 & 0x3F];
        out += digits[n >> 12 & 0x3F];
        out += digits[n >> 6 & 0x3F];
        out += digits[n & 0x3F];
    }
    if (const auto rest = bytes.size() - i; rest > 0) {
        auto n = byte(i) << 16;
        if (rest == 2) n |= byte(i + 1) << 8;
        out += digits[n >> 18 & 0x3F];
        out += digits[n >> 12 & 0x3F];
        if (rest == 2) out += digits[n >> 6 & 0x3F];
        if (padding == base64_padding::padded) out.append(3 - rest, '=');
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text, base64_alphabet alphabet, base64_padding padding) {
    if (padding == base64_padding::padded) {
        if (text.size() % 4 != 0) return std::nullopt;
        for (int pad = 0; pad < 2 && !text.empty() && text.back() == '='; ++pad) text.remove_suffix(1);
    }
    // One character left over carries six bits, less than a byte: no encoder writes that.
    if (text.size() % 4 == 1) return std::nullopt;
    const auto& values = alphabet == base64_alphabet::url ? url_values : standard_values;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t bits = 0;
    int pending = 0;  // bits in `bits` not yet written out
    for (char c : text) {
        const auto v = values[static_cast<unsigned char>(c)];
        if (v == not_a_digit) return std::nullopt;
        bits = bits << 6 | static_cast<std::uint32_t>(v);
        pending += 6;
        if (pending >= 8) {
            pending -= 8;
            out += static_cast<char>(bits >> pending & 0xFF);
        }
    }
    if ((bits & ((1u << pending) - 1)) != 0) return std::nullopt;
    return out;
}

std::vector<std::string> split_lines(std::string_view s) {
    std::vector<std::string> out;
    for (;;) {
        const auto nl = s.find('\n');
        auto line = s.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.emplace_back(line);
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
    return out;
}

}  // namespace seminard::domain
