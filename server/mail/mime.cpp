// MIME and RFC 5322 building blocks for the confirmation e-mails (see mime.hpp).
#include "server/mail/mime.hpp"

#include "domain/text.hpp"

#include <date/date.h>
#include <idn2.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace seminard::server::mime {
namespace {

constexpr std::string_view hex_digits = "0123456789ABCDEF";
constexpr std::string_view q_prefix = "=?UTF-8?Q?";
constexpr std::string_view b_prefix = "=?UTF-8?B?";
constexpr std::string_view word_suffix = "?=";
/// "=?UTF-8?Q?" and "?=": what an encoded-word costs besides its text.
constexpr std::size_t word_overhead = 12;

void append_hex(std::string& out, unsigned char c) {
    out += '=';
    out += hex_digits[c >> 4];
    out += hex_digits[c & 0x0F];
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// The code points of UTF-8 text as byte ranges. A byte that does not start a well-formed sequence
/// (domain::utf8_sequence_length) is one unit on its own, so malformed input still gets encoded (and never split
/// further).
std::vector<std::string_view> utf8_units(std::string_view s) {
    std::vector<std::string_view> units;
    for (std::size_t i = 0; i < s.size();) {
        const auto len = std::max<std::size_t>(1, domain::utf8_sequence_length(s, i));
        units.push_back(s.substr(i, len));
        i += len;
    }
    return units;
}

/// RFC 2047 5(3): the only characters a "Q" word may carry as themselves in a phrase, hence everywhere.
bool q_literal(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' || c == '*' ||
           c == '+' || c == '-' || c == '/';
}

std::string q_encode(std::string_view unit) {
    std::string out;
    for (char ch : unit) {
        const auto c = static_cast<unsigned char>(ch);
        if (q_literal(c))
            out += ch;
        else if (c == ' ')
            out += '_';
        else
            append_hex(out, c);
    }
    return out;
}

std::size_t base64_length(std::size_t bytes) { return (bytes + 2) / 3 * 4; }

/// Splits UTF-8 text into encoded-words: the first at most `first_max` characters long, the others at most
/// `max_word`. Q, which a person can still half read, while at least half the characters are ASCII (German and
/// other Latin text); B, which is shorter, for text mostly in other scripts.
std::vector<std::string> encode_run(std::string_view text, std::size_t first_max, std::size_t max_word) {
    const auto units = utf8_units(text);
    std::vector<std::string> q_units;
    std::size_t non_ascii = 0;
    for (auto u : units) {
        q_units.push_back(q_encode(u));
        if (!is_ascii(u)) ++non_ascii;
    }
    const bool use_b = non_ascii * 2 > units.size();

    std::vector<std::string> words;
    std::string chunk;  // Q: encoded text; B: raw bytes
    auto limit = [&] { return words.empty() ? first_max : max_word; };
    auto fits = [&](std::size_t extra_q, std::size_t extra_bytes) {
        const auto len = use_b ? base64_length(chunk.size() + extra_bytes) : chunk.size() + extra_q;
        return word_overhead + len <= limit();
    };
    auto flush = [&] {
        words.push_back(use_b ? std::string{b_prefix} + domain::base64_encode(chunk) + std::string{word_suffix}
                              : std::string{q_prefix} + chunk + std::string{word_suffix});
        chunk.clear();
    };
    for (std::size_t i = 0; i < units.size(); ++i) {
        if (!chunk.empty() && !fits(q_units[i].size(), units[i].size())) flush();
        chunk += use_b ? std::string{units[i]} : q_units[i];
    }
    if (!chunk.empty() || words.empty()) flush();
    return words;
}

std::string without_controls(std::string_view s) {
    std::string out{s};
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    return out;
}

std::string_view trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (true) {
        const auto sp = s.find(' ', pos);
        words.push_back(s.substr(pos, sp == std::string_view::npos ? std::string_view::npos : sp - pos));
        if (sp == std::string_view::npos) return words;
        pos = sp + 1;
    }
}

/// Builds one header field word by word, each word after one space, folding before the space when the line
/// would exceed max_header_line (RFC 5322 2.2.3); a word longer than a line gets a line of its own. An empty word
/// (a second space) never starts a line, so no line is white space only.
class header_folder {
public:
    explicit header_folder(std::string_view name) : out_{name}, line_{name.size() + 1} { out_ += ':'; }

    /// Characters left on the current line for a word after its space.
    std::size_t room() const { return line_ + 1 >= max_header_line ? 0 : max_header_line - line_ - 1; }

    void word(std::string_view w) {
        if (!w.empty() && line_ + 1 + w.size() > max_header_line) {
            out_ += crlf;
            line_ = 0;
        }
        out_ += ' ';
        out_ += w;
        line_ += 1 + w.size();
    }

    std::string finish() && {
        out_ += crlf;
        return std::move(out_);
    }

private:
    std::string out_;
    std::size_t line_;
};

/// Unstructured words that must not appear as themselves: non-ASCII, text a decoder could take for an
/// encoded-word, or a word too long for a line of its own.
bool needs_encoding(std::string_view w) {
    return !is_ascii(w) || w.find("=?") != std::string_view::npos || w.size() + 1 > max_header_line;
}

bool atext(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view{"!#$%&'*+-/=?^_`{|}~"}.find(static_cast<char>(c)) != std::string_view::npos;
}

/// One line of text (without its break) in quoted-printable. `hard_end`: a real line break follows; otherwise
/// the line ends in a soft break, so the text comes back without a break it never had.
void qp_line(std::string_view line, bool hard_end, std::string& out) {
    const auto units = utf8_units(line);
    std::size_t len = 0;
    std::size_t offset = 0;
    for (std::size_t i = 0; i < units.size(); ++i) {
        const auto unit = units[i];
        const bool last = i + 1 == units.size();
        std::string enc;
        for (char ch : unit) {
            const auto c = static_cast<unsigned char>(ch);
            const bool trailing_blank = last && (c == ' ' || c == '\t');
            if (((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') && !trailing_blank)
                enc += ch;
            else
                append_hex(enc, c);
        }
        // A soft break needs its "=" on the line; the last unit before a hard break does not.
        const std::size_t limit = last && hard_end ? max_body_line : max_body_line - 1;
        if (len > 0 && len + enc.size() > limit) {
            out += "=\r\n";
            len = 0;
        }
        if (len == 0 && (enc == "." || (enc == "F" && line.substr(offset, 5) == "From "))) {
            enc.clear();
            append_hex(enc, static_cast<unsigned char>(unit[0]));
        }
        out += enc;
        len += enc.size();
        offset += unit.size();
    }
    out += hard_end ? "\r\n" : "=\r\n";
}

/// A non-ASCII display name as encoded-words. Decoders disagree about the space between two encoded-words in a
/// phrase: RFC 2047 6.2 drops it, Python's email package before the fix of CPython gh-128110 keeps it. So a name
/// is one word whenever it fits; a longer one is split after its spaces (each space inside the word before), and
/// only a single name part longer than a word is split inside.
std::string phrase_words(std::string_view name) {
    std::vector<std::string_view> pieces;  // "Hans-Jürgen ", "Müller"
    for (std::size_t pos = 0; pos < name.size();) {
        const auto sp = name.find(' ', pos);
        const auto end = sp == std::string_view::npos ? name.size() : sp + 1;
        pieces.push_back(name.substr(pos, end - pos));
        pos = end;
    }
    std::string out;
    auto flush = [&](std::string_view chunk) {
        if (chunk.empty()) return;
        if (!out.empty()) out += ' ';
        out += encoded_words(chunk);
    };
    std::size_t begin = 0;
    std::size_t end = 0;
    for (auto piece : pieces) {
        const auto next = static_cast<std::size_t>(piece.data() + piece.size() - name.data());
        if (end > begin &&
            encode_run(name.substr(begin, next - begin), max_encoded_word, max_encoded_word).size() > 1) {
            flush(name.substr(begin, end - begin));
            begin = end;
        }
        end = next;
    }
    flush(name.substr(begin, end - begin));
    return out;
}

/// A host name SMTP takes (RFC 5321 4.1.2): dot-separated labels of ASCII letters, digits and hyphens, none empty.
bool ldh_labels(std::string_view s) {
    std::size_t label = 0;
    for (char c : s) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
            ++label;
        } else {
            return false;
        }
    }
    return label > 0;
}

/// One non-ASCII label as its A-label, or several (UTS #46 maps the ideographic full stop and its kin to '.');
/// nullopt when libidn2 refuses it. Non-transitional processing first (IDNA2008: "ß" stays ß, as browsers do now);
/// when that refuses the label, transitional processing (IDNA2003's rules, which allowed symbols such as emoji),
/// the fallback curl and wget use.
std::optional<std::string> a_labels(std::string_view label) {
    if (label.find('\0') != std::string_view::npos) return std::nullopt;  // libidn2 would stop reading there
    const std::string input{label};
    for (const int flags : {IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL, IDN2_NFC_INPUT | IDN2_TRANSITIONAL}) {
        char* raw = nullptr;
        const int rc = idn2_to_ascii_8z(input.c_str(), &raw, flags);
        const std::unique_ptr<char, decltype(&idn2_free)> out{raw, &idn2_free};
        // Not IDN2_USE_STD3_ASCII_RULES: libidn2 2.3 then drops a character those rules forbid instead of refusing
        // the label ("ü_x" becomes "xn--x-dha", another domain), so the result is checked here. That also refuses
        // a label that maps to nothing (a lone soft hyphen) and one with a space (from U+00A0).
        if (rc == IDN2_OK && out && ldh_labels(out.get())) return std::string{out.get()};
    }
    return std::nullopt;
}

}  // namespace

std::string ascii_address(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos || is_ascii(address.substr(at + 1))) return std::string{address};
    std::string out{address.substr(0, at + 1)};
    const auto host = address.substr(at + 1);
    for (std::size_t pos = 0; pos <= host.size();) {
        const auto dot = std::min(host.find('.', pos), host.size());
        const auto label = host.substr(pos, dot - pos);
        if (is_ascii(label)) {
            out += label;
        } else if (const auto converted = a_labels(label)) {
            out += *converted;
        } else {
            return std::string{address};  // see mime.hpp: left as given, for SMTP to refuse
        }
        if (dot < host.size()) out += '.';
        pos = dot + 1;
    }
    return out;
}

std::string encoded_words(std::string_view utf8, std::size_t max_word) {
    max_word = std::clamp(max_word, word_overhead + 12, max_encoded_word);
    std::string out;
    for (const auto& w : encode_run(utf8, max_word, max_word)) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::string unstructured_header(std::string_view name, std::string_view utf8) {
    const auto clean = without_controls(utf8);
    const auto all = trimmed(clean);
    header_folder h{name};
    if (all.empty()) return std::move(h).finish();
    const auto words = split_spaces(all);
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (!needs_encoding(words[i])) {
            h.word(words[i]);
            continue;
        }
        // Adjacent encoded-words lose the white space between them when decoded, so a run of words to encode
        // (with any extra spaces between them) becomes one text with its spaces inside the encoding.
        std::size_t j = i;
        for (std::size_t k = i + 1; k < words.size(); ++k) {
            if (words[k].empty()) continue;
            if (!needs_encoding(words[k])) break;
            j = k;
        }
        const auto begin = static_cast<std::size_t>(words[i].data() - all.data());
        const auto end = static_cast<std::size_t>(words[j].data() - all.data()) + words[j].size();
        const auto text = all.substr(begin, end - begin);
        // Fill the current line when a word with at least one character fits there, else start on the next.
        const auto room = h.room() >= word_overhead + 12 ? std::min(h.room(), max_encoded_word) : max_encoded_word;
        for (const auto& w : encode_run(text, room, max_encoded_word)) h.word(w);
        i = j;
    }
    return std::move(h).finish();
}

std::string structured_header(std::string_view name, std::string_view value) {
    const auto clean = without_controls(value);
    const auto all = trimmed(clean);
    header_folder h{name};
    if (!all.empty())
        for (auto w : split_spaces(all)) h.word(w);
    return std::move(h).finish();
}

std::string mailbox(std::string_view name, std::string_view address) {
    const auto clean = without_controls(name);
    const auto n = trimmed(clean);
    const auto addr = "<" + std::string{address} + ">";
    if (n.empty()) return std::string{address};
    if (!is_ascii(n)) return phrase_words(n) + " " + addr;
    const bool plain = n.find("=?") == std::string_view::npos && n.find("  ") == std::string_view::npos &&
                       std::all_of(n.begin(), n.end(), [](char c) { return c == ' ' || atext(c); });
    if (plain) return std::string{n} + " " + addr;
    std::string quoted = "\"";
    for (char c : n) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" " + addr;
}

std::string quoted_printable(std::string_view utf8) {
    std::string out;
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        const auto nl = utf8.find('\n', pos);
        if (nl == std::string_view::npos) {
            qp_line(utf8.substr(pos), false, out);
            break;
        }
        auto line = utf8.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        qp_line(line, true, out);
        pos = nl + 1;
    }
    return out;
}

std::string base64(std::string_view data) {
    const auto plain = domain::base64_encode(data);
    std::string out;
    for (std::size_t i = 0; i < plain.size(); i += max_body_line) {
        out += plain.substr(i, max_body_line);
        out += crlf;
    }
    return out;
}

std::string date_time(domain::instant t) {
    static constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = date::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss time{t - day};
    auto two = [](long v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
    return std::string{weekdays[date::weekday{day}.c_encoding()]} + ", " + two(unsigned{ymd.day()}) + " " +
           std::string{months[unsigned{ymd.month()} - 1]} + " " + std::to_string(int{ymd.year()}) + " " +
           two(time.hours().count()) + ":" + two(time.minutes().count()) + ":" + two(time.seconds().count()) + " +0000";
}

entity text_part(std::string_view subtype, std::string_view utf8, std::string_view params) {
    auto type = "text/" + std::string{subtype} + "; charset=UTF-8";
    if (!params.empty()) type += "; " + std::string{params};
    return {
        structured_header("Content-Type", type) + structured_header("Content-Transfer-Encoding", "quoted-printable"),
        quoted_printable(utf8)};
}

entity base64_part(std::string_view content_type, std::string_view data, std::string_view filename) {
    auto headers =
        structured_header("Content-Type", content_type) + structured_header("Content-Transfer-Encoding", "base64");
    if (!filename.empty())
        headers += structured_header("Content-Disposition", "attachment; filename=\"" + std::string{filename} + "\"");
    return {std::move(headers), base64(data)};
}

entity multipart(std::string_view subtype, const std::vector<entity>& parts) {
    std::string boundary;
    for (int n = 0;; ++n) {
        boundary = "=_seminard_" + std::string{subtype} + "_" + std::to_string(n);
        const auto delimiter = "--" + boundary;
        if (std::none_of(parts.begin(), parts.end(), [&](const entity& p) {
                return p.headers.find(delimiter) != std::string::npos || p.body.find(delimiter) != std::string::npos;
            }))
            break;
    }
    std::string body;
    for (const auto& p : parts) {
        // The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1): the extra one keeps the part's
        // own final line break.
        body += "--" + boundary + "\r\n" + p.headers + "\r\n" + p.body + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return {structured_header("Content-Type", "multipart/" + std::string{subtype} + "; boundary=\"" + boundary + "\""),
            std::move(body)};
}

std::string render(const entity& e) { return e.headers + "\r\n" + e.body; }

}  // namespace seminard::server::mime
