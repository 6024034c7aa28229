// HTML escaping and string helpers (see html.hpp).
#include "server/web/html.hpp"

#include <vector>

namespace seminard::server::html {

namespace {

/// U+FFFD REPLACEMENT CHARACTER: what an HTML parser makes of a NUL anyway, written out so no parser has to.
constexpr std::string_view replacement_char = "\xEF\xBF\xBD";

void append_escaped(std::string& out, std::string_view s, bool quotes) {
    out.reserve(out.size() + s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                if (quotes)
                    out += "&quot;";
                else
                    out += c;
                break;
            case '\'':
                if (quotes)
                    out += "&#39;";
                else
                    out += c;
                break;
            case '\0':
                out += replacement_char;
                break;
            default:
                out += c;
        }
    }
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

}  // namespace

void append_text(std::string& out, std::string_view s) { append_escaped(out, s, false); }

void append_attr(std::string& out, std::string_view s) { append_escaped(out, s, true); }

std::string text(std::string_view s) {
    std::string out;
    append_text(out, s);
    return out;
}

std::string attr(std::string_view s) {
    std::string out;
    append_attr(out, s);
    return out;
}

std::string paragraphs(std::string_view s) {
    // Split into lines on LF, CRLF or a lone CR.
    std::vector<std::string_view> lines;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\n' && s[i] != '\r') continue;
        lines.push_back(s.substr(begin, i - begin));
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        begin = i + 1;
    }
    lines.push_back(s.substr(begin));

    std::string out;
    bool open = false;  // inside a <p> that already holds a line
    for (auto line : lines) {
        if (blank(line)) {
            if (open) out += "</p>";
            open = false;
            continue;
        }
        out += open ? "<br>" : "<p>";
        append_text(out, line);
        open = true;
    }
    if (open) out += "</p>";
    return out;
}

std::string with_query(std::string_view url, std::string_view param) {
    const auto key = param.substr(0, param.find('='));
    const auto fragment = url.find('#');
    const auto tail = fragment == std::string_view::npos ? std::string_view{} : url.substr(fragment);
    url = url.substr(0, fragment);
    const auto q = url.find('?');
    std::string out{url.substr(0, q)};
    char sep = '?';
    // Keep every other parameter in order; drop those with the same name, so the new value is the only one.
    for (auto query = q == std::string_view::npos ? std::string_view{} : url.substr(q + 1); !query.empty();) {
        const auto amp = query.find('&');
        const auto part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty() || part.substr(0, part.find('=')) == key) continue;
        out += sep;
        out += part;
        sep = '&';
    }
    out += sep;
    out += param;
    out += tail;
    return out;
}

}  // namespace seminard::server::html
