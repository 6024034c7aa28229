// RFC 5545 content-line mechanics (see content_line.hpp).
#include "content_line.hpp"

#include "domain/text.hpp"

namespace seminard::calendars {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view replacement_char = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view circumflex_modifier = "\xCB\x86";   // U+02C6

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

bool is_space(char c) { return c == ' ' || c == '\n'; }

}  // namespace

std::string fold_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 64 * 3 + 2);
    while (!text.empty()) {
        auto eol = text.find('\n');
        auto line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        bool first = true;
        while (!line.empty()) {
            // A continuation line spends one octet on its leading space.
            std::size_t cut = first ? max_line_octets : max_line_octets - 1;
            if (cut < line.size()) {
                while (cut > 0 && is_continuation(static_cast<unsigned char>(line[cut]))) --cut;
                // Only continuation bytes up to the cut (never from valid UTF-8): cut hard rather than loop forever.
                if (cut == 0) cut = first ? max_line_octets : max_line_octets - 1;
            } else {
                cut = line.size();
            }
            if (!first) out += ' ';
            out.append(line.substr(0, cut));
            out.append(crlf);
            line.remove_prefix(cut);
            first = false;
        }
    }
    return out;
}

std::string unfold_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 2 < text.size() && text[i + 1] == '\n' &&
            (text[i + 2] == ' ' || text[i + 2] == '\t')) {
            i += 2;
        } else if (text[i] == '\n' && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
            i += 1;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string clean_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        const auto c = static_cast<unsigned char>(s[0]);
        if (c == '\r') {
            out += '\n';
            s.remove_prefix(s.size() > 1 && s[1] == '\n' ? 2 : 1);
            continue;
        }
        if (c == '\n') {
            out += '\n';
        } else if (c < 0x20 || c == 0x7F) {
            out += ' ';
        } else if (auto len = domain::utf8_sequence_length(s, 0); len == 0) {
            out.append(replacement_char);
        } else {
            out.append(s.substr(0, len));
            s.remove_prefix(len);
            continue;
        }
        s.remove_prefix(1);
    }
    return out;
}

std::string clean_param(std::string_view s) {
    const std::string text = clean_text(s);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (is_space(c)) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else if (c == '"') {
            out += '\'';
        } else if (c == '^') {
            out.append(circumflex_modifier);
        } else if (c == '\\') {
            // Parameter values have no escapes in RFC 5545, but libical (and others) read a backslash as one and
            // would swallow the next parameter or the closing quote: a look-alike keeps the name readable.
            out.append("\xEF\xBC\xBC");  // U+FF3C FULLWIDTH REVERSE SOLIDUS
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

namespace {

void percent_encode(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789ABCDEF";
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 0x0F];
}

bool alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string mailto(std::string_view address) {
    constexpr std::string_view allowed = "-._~!$&'*+=^`{|}@";
    std::string out = "mailto:";
    for (char ch : address) {
        auto c = static_cast<unsigned char>(ch);
        if (alnum(c) || allowed.find(ch) != std::string_view::npos) {
            out += ch;
        } else {
            percent_encode(out, c);
        }
    }
    return out;
}

std::string clean_uri(std::string_view s) {
    constexpr std::string_view forbidden = " \"<>\\^`{|}";
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7F || forbidden.find(ch) != std::string_view::npos) {
            percent_encode(out, c);
        } else {
            out += ch;
        }
    }
    return out;
}

}  // namespace seminard::calendars
