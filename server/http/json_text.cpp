#include "server/http/json_text.hpp"

#include "domain/text.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace seminard::server {

namespace {

using json = nlohmann::json;

/// True when one of the eight bytes in `w` is below 0x20, a quote or a backslash, or has its high bit set.
constexpr bool needs_a_look(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
    auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    return ((w - ones * 0x20) | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\')) | w) & highs;
}

void append_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto start = out.size();
    out += '"';
    std::size_t copied = 0;  // s[copied, i) needs no escaping and is not yet in out
    std::size_t i = 0;
    while (i < s.size()) {
        if (s.size() - i >= 8) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (!needs_a_look(w)) {
                i += 8;
                continue;
            }
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const auto n = domain::utf8_sequence_length(s, i);
            if (n == 0) {
                // Not UTF-8 (input is checked, so never stored): nlohmann's replacement characters, as before.
                out.resize(start);
                out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
                return;
            }
            i += n;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        out.append(s.data() + copied, i - copied);
        copied = ++i;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
        }
    }
    out.append(s.data() + copied, s.size() - copied);
    out += '"';
}

template <class Integer>
void append_integer(std::string& out, Integer v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

}  // namespace

void append_json_text(std::string& out, const json& j) {
    switch (j.type()) {
        case json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += ',';
                first = false;
                append_string(out, it.key());
                out += ':';
                append_json_text(out, it.value());
            }
            out += '}';
            return;
        }
        case json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& value : j) {
                if (!first) out += ',';
                first = false;
                append_json_text(out, value);
            }
            out += ']';
            return;
        }
        case json::value_t::string:
            append_string(out, j.get_ref<const std::string&>());
            return;
        case json::value_t::boolean:
            out += j.get<bool>() ? "true" : "false";
            return;
        case json::value_t::null:
            out += "null";
            return;
        case json::value_t::number_integer:
            append_integer(out, j.get<std::int64_t>());
            return;
        case json::value_t::number_unsigned:
            append_integer(out, j.get<std::uint64_t>());
            return;
        default:
            out += j.dump(-1, ' ', false, json::error_handler_t::replace);
            return;  // floats (shortest round-trip form), binary, discarded
    }
}

std::string json_text(const json& j) {
    std::string out;
    out.reserve(2048);  // a 201 with its confirmation mail fits
    append_json_text(out, j);
    return out;
}

}  // namespace seminard::server
