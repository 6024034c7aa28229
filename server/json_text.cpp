#include "json_text.hpp"

#include "domain/text.hpp"

#include <charconv>
#include <string_view>

namespace seminard::server {

namespace {

using json = nlohmann::json;

std::string nlohmann_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void append_string(std::string& out, std::string_view s) {
    if (!domain::valid_utf8(s)) {
        out += nlohmann_text(json(s));
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t copied = 0;  // s[copied, i) needs no escaping and is not yet in out
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + copied, i - copied);
        copied = i + 1;
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
            out += nlohmann_text(j);
            return;  // floats (shortest round-trip form), binary, discarded
    }
}

std::string json_text(const json& j) {
    std::string out;
    out.reserve(256);
    append_json_text(out, j);
    return out;
}

}  // namespace seminard::server
