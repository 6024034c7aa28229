// Tests of the MIME building blocks: exact encoded-words, folding within 78 characters without splitting UTF-8,
// quoted-printable and base64 line rules, the RFC 5322 date, multipart boundaries that never occur in a part.
#include "server/mail/mime.hpp"

#include "domain/text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace mime = seminard::server::mime;
namespace domain = seminard::domain;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < s.size()) {
        const auto end = s.find("\r\n", pos);
        REQUIRE(end != std::string::npos);  // every line ends in CRLF
        lines.push_back(s.substr(pos, end - pos));
        pos = end + 2;
    }
    return lines;
}

void check_7bit_crlf(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        REQUIRE(c < 0x80);
        if (c == '\n') REQUIRE((i > 0 && s[i - 1] == '\r'));
        if (c == '\r') REQUIRE((i + 1 < s.size() && s[i + 1] == '\n'));
    }
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

std::string base64_decode(const std::string& s) {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : s) {
        const auto v = alphabet.find(c);
        if (v == std::string::npos) continue;
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xFF);
        }
    }
    return out;
}

/// The text of one encoded-word, decoded (a test's own minimal RFC 2047 reader).
std::string decode_word(const std::string& w) {
    REQUIRE(w.size() >= 12);
    REQUIRE(w.substr(w.size() - 2) == "?=");
    const auto text = w.substr(10, w.size() - 12);
    if (w.rfind("=?UTF-8?B?", 0) == 0) return base64_decode(text);
    REQUIRE(w.rfind("=?UTF-8?Q?", 0) == 0);
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_')
            out += ' ';
        else if (text[i] == '=') {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else
            out += text[i];
    }
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (true) {
        const auto at = s.find(sep, pos);
        parts.push_back(s.substr(pos, at == std::string::npos ? std::string::npos : at - pos));
        if (at == std::string::npos) return parts;
        pos = at + 1;
    }
}

/// The decoded text of an unstructured header: encoded-words decoded, the space between two adjacent ones
/// dropped (RFC 2047 6.2), folds removed.
std::string decode_unstructured(const std::string& field) {
    const auto colon = field.find(": ");
    REQUIRE(colon != std::string::npos);
    std::string unfolded;
    for (const auto& line : lines_of(field)) unfolded += line;
    std::string out;
    bool previous_encoded = false;
    bool first = true;
    for (const auto& w : split(unfolded.substr(colon + 2), ' ')) {
        const bool encoded = w.rfind("=?", 0) == 0;
        if (!first && !(encoded && previous_encoded)) out += ' ';
        out += encoded ? decode_word(w) : w;
        previous_encoded = encoded;
        first = false;
    }
    return out;
}

std::string qp_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '=') {
            out += s[i];
        } else if (s.compare(i + 1, 2, "\r\n") == 0) {
            i += 2;
        } else {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        }
    }
    return out;
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

TEST_CASE("umlauts become one exact Q encoded-word", "[mime]") {
    CHECK(mime::encoded_words("Grüße") == "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=");
    CHECK(mime::encoded_words("Jürgen Müller") == "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=");
    // Only what RFC 2047 allows in a phrase stays as itself: ':', ',', '.', '_' and '?' are escaped.
    CHECK(mime::encoded_words("ä:,._?=") == "=?UTF-8?Q?=C3=A4=3A=2C=2E=5F=3F=3D?=");
}

TEST_CASE("text in another script becomes a shorter B encoded-word", "[mime]") {
    CHECK(mime::encoded_words("Дмитрий") == "=?UTF-8?B?0JTQvNC40YLRgNC40Lk=?=");
}

TEST_CASE("a subject keeps its ASCII words readable and encodes only the words with umlauts", "[mime]") {
    const std::string subject = "Anmeldebestätigung: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027";
    const auto field = mime::unstructured_header("Subject", subject);
    CHECK(field ==
          "Subject: =?UTF-8?Q?Anmeldebest=C3=A4tigung=3A?= LinkedIn Marketing\r\n"
          " =?UTF-8?Q?f=C3=BCr?= Unternehmen, 27./28. Januar 2027\r\n");
    CHECK(decode_unstructured(field) == subject);
    CHECK(mime::unstructured_header("Subject", "Plain ASCII subject") == "Subject: Plain ASCII subject\r\n");
}

TEST_CASE("adjacent words with umlauts share one encoded-word, so their space survives decoding", "[mime]") {
    const auto field = mime::unstructured_header("Subject", "Grüße für Sie");
    CHECK(field == "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_f=C3=BCr?= Sie\r\n");
    // Two spaces between encoded words would vanish between two encoded-words: they go inside the encoding.
    CHECK(mime::unstructured_header("Subject", "Grüße  für") == "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe__f=C3=BCr?=\r\n");
}

TEST_CASE("a long subject is split into encoded-words of whole UTF-8 characters on lines of at most 78", "[mime]") {
    for (const std::string piece : {"Größenänderung ", "ÄÖÜäöüß", "€", "日本語のセミナー", "a🙂"}) {
        const auto subject = "Terminänderung: " + repeat(piece, 25) + " Ende";
        INFO(subject);
        const auto field = mime::unstructured_header("Subject", subject);
        check_7bit_crlf(field);
        const auto lines = lines_of(field);
        CHECK(lines.size() > 2);
        for (const auto& line : lines) {
            CHECK(line.size() <= mime::max_header_line);
            CHECK(line.find_first_not_of(' ') != std::string::npos);
        }
        for (std::size_t i = 1; i < lines.size(); ++i) CHECK(lines[i][0] == ' ');
        std::string unfolded;
        for (const auto& line : lines) unfolded += line;
        for (const auto& w : split(unfolded, ' ')) {
            if (w.rfind("=?", 0) != 0) continue;
            CHECK(w.size() <= mime::max_encoded_word);
            CHECK(domain::valid_utf8(decode_word(w)));  // no UTF-8 sequence split across two words
        }
        CHECK(decode_unstructured(field) == domain::trim(subject));
    }
}

TEST_CASE("a header value cannot add a header line", "[mime]") {
    const auto field = mime::unstructured_header("Subject", "Hallo\r\nBcc: evil@example.com");
    CHECK(field == "Subject: Hallo  Bcc: evil@example.com\r\n");
    CHECK(mime::structured_header("To", "a@example.org\nBcc: b@example.org") ==
          "To: a@example.org Bcc: b@example.org\r\n");
}

TEST_CASE("text that looks like an encoded-word is encoded itself", "[mime]") {
    const auto field = mime::unstructured_header("Subject", "Test =?UTF-8?Q?x?=");
    CHECK(field == "Subject: Test =?UTF-8?Q?=3D=3FUTF-8=3FQ=3Fx=3F=3D?=\r\n");
}

TEST_CASE("mailboxes: plain, quoted, encoded", "[mime]") {
    CHECK(mime::mailbox("", "max@example.org") == "max@example.org");
    CHECK(mime::mailbox("Max Mustermann", "max@example.org") == "Max Mustermann <max@example.org>");
    CHECK(mime::mailbox("Mustermann, Max", "max@example.org") == "\"Mustermann, Max\" <max@example.org>");
    CHECK(mime::mailbox("Dr. Max \"Maxi\" Muster\\mann", "m@example.org") ==
          "\"Dr. Max \\\"Maxi\\\" Muster\\\\mann\" <m@example.org>");
    CHECK(mime::mailbox("<script>\"&", "m@example.org") == "\"<script>\\\"&\" <m@example.org>");
    CHECK(mime::mailbox("Jürgen Müller", "j@example.org") == "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <j@example.org>");
    CHECK(mime::mailbox("Max\r\nBcc: x@example.org", "m@example.org") == "\"Max  Bcc: x@example.org\" <m@example.org>");
}

TEST_CASE("a long non-ASCII name is one encoded-word while it fits, else split after its spaces", "[mime]") {
    // 72 characters: one word; after a longer header name the header folds before it.
    const auto one = mime::mailbox("Prof. Dr. Hans-Jürgen Müller-Lüdenscheidt", "m@example.org");
    CHECK(one == "=?UTF-8?Q?Prof=2E_Dr=2E_Hans-J=C3=BCrgen_M=C3=BCller-L=C3=BCdenscheidt?= <m@example.org>");
    CHECK(mime::structured_header("Reply-To", one) ==
          "Reply-To:\r\n =?UTF-8?Q?Prof=2E_Dr=2E_Hans-J=C3=BCrgen_M=C3=BCller-L=C3=BCdenscheidt?=\r\n"
          " <m@example.org>\r\n");
    // Longer: the space stays inside the word before the split, so RFC 2047 decoders get the name back exactly.
    CHECK(mime::mailbox("Hans-Jürgen Müller-Lüdenscheidt von Überlingen-Großkötzenbach", "m@example.org") ==
          "=?UTF-8?Q?Hans-J=C3=BCrgen_M=C3=BCller-L=C3=BCdenscheidt_von_?= "
          "=?UTF-8?Q?=C3=9Cberlingen-Gro=C3=9Fk=C3=B6tzenbach?= <m@example.org>");
}

TEST_CASE("a To header with a long non-ASCII name folds within 78 characters", "[mime]") {
    const auto field =
        mime::structured_header("Reply-To", mime::mailbox(repeat("Müller-Lüdenscheidt ", 8), "m@example.org"));
    check_7bit_crlf(field);
    for (const auto& line : lines_of(field)) CHECK(line.size() <= mime::max_header_line);
}

TEST_CASE("structured headers fold at spaces and unfold to the value", "[mime]") {
    std::string value;
    for (int i = 0; i < 30; ++i) value += (i ? " " : "") + std::string{"word"} + std::to_string(i);
    const auto field = mime::structured_header("Content-Type", value);
    std::string unfolded;
    for (const auto& line : lines_of(field)) {
        CHECK(line.size() <= mime::max_header_line);
        unfolded += line;
    }
    CHECK(unfolded == "Content-Type: " + value);
}

TEST_CASE("an internationalised domain becomes its ASCII A-labels", "[mime]") {
    CHECK(mime::ascii_address("max@example.org") == "max@example.org");
    CHECK(mime::ascii_address("max@müller.de") == "max@xn--mller-kva.de");
    CHECK(mime::ascii_address("max@MÜLLER.Example.DE") == "max@xn--mller-kva.Example.DE");
    CHECK(mime::ascii_address("x@münchen-straße.de") == "x@xn--mnchen-strae-v9a90b.de");
    CHECK(mime::ascii_address("x@日本語.jp") == "x@xn--wgv71a119e.jp");
    // A non-ASCII local part has no ASCII form.
    CHECK(mime::ascii_address("jürgen@example.org") == "jürgen@example.org");
}

TEST_CASE("domains take the UTS 46 mapping and IDNA2008 rules, emoji those of IDNA2003", "[mime]") {
    // Full-width letters, a decomposed umlaut and the ideographic full stop are mapped first.
    CHECK(mime::ascii_address("x@\uFF4Düller.de") == "x@xn--mller-kva.de");
    CHECK(mime::ascii_address("x@mu\u0308ller.de") == "x@xn--mller-kva.de");
    CHECK(mime::ascii_address("x@bücher\u3002example") == "x@xn--bcher-kva.example");
    // Non-transitional: ß is a letter of its own, not "ss" (IDNA2003 made faß.de and fass.de one domain).
    CHECK(mime::ascii_address("x@faß.de") == "x@xn--fa-hia.de");
    // IDNA2008 disallows symbols; such a label is converted as IDNA2003 did, as browsers and curl still do.
    CHECK(mime::ascii_address("x@\U0001F600.de") == "x@xn--e28h.de");
    CHECK(mime::ascii_address("x@i\u2764.ws") == "x@xn--i-7iq.ws");
    // IDNA does not look for look-alikes: a Cyrillic "а" among Latin letters is converted like any other letter.
    CHECK(mime::ascii_address("x@p\u0430ypal.com") == "x@xn--pypal-4ve.com");
}

TEST_CASE("a domain that cannot be converted leaves the whole address as given", "[mime]") {
    CHECK(mime::ascii_address("x@-müller.de") == "x@-müller.de");  // a hyphen at either end of a label
    CHECK(mime::ascii_address("x@müller-.de") == "x@müller-.de");
    CHECK(mime::ascii_address("x@m\uFFFDller.de") == "x@m\uFFFDller.de");  // disallowed in both IDNA2008 and 2003
    CHECK(mime::ascii_address("x@m\xFCller.de") == "x@m\xFCller.de");      // Latin-1, not UTF-8
    // Mapped to something that is no host name: NO-BREAK SPACE to a space, a soft hyphen to nothing.
    CHECK(mime::ascii_address("x@a\u00A0b.de") == "x@a\u00A0b.de");
    CHECK(mime::ascii_address("x@\u00AD.de") == "x@\u00AD.de");
    const std::string with_nul{"x@m\xC3\xBC\0ller.de", 13};
    CHECK(mime::ascii_address(with_nul) == with_nul);
    // No half-converted address: one bad label keeps the good ones as they were too.
    CHECK(mime::ascii_address("x@müller.-ü.de") == "x@müller.-ü.de");
}

TEST_CASE("quoted-printable of umlauts, line ends and special characters", "[mime]") {
    CHECK(mime::quoted_printable("Grüße\n") == "Gr=C3=BC=C3=9Fe\r\n");
    CHECK(mime::quoted_printable("Grüße\r\nHallo\r\n") == "Gr=C3=BC=C3=9Fe\r\nHallo\r\n");
    // Without a final line break the text ends in a soft break: it decodes without one.
    CHECK(mime::quoted_printable("Grüße") == "Gr=C3=BC=C3=9Fe=\r\n");
    CHECK(mime::quoted_printable("") == "");
    CHECK(mime::quoted_printable("a=b\n") == "a=3Db\r\n");
    CHECK(mime::quoted_printable("=\n") == "=3D\r\n");
    CHECK(mime::quoted_printable("\n\n") == "\r\n\r\n");
}

TEST_CASE("quoted-printable escapes trailing white space, dots and From at the start of a line", "[mime]") {
    CHECK(mime::quoted_printable("a  \nb\t\n") == "a =20\r\nb=09\r\n");
    CHECK(mime::quoted_printable("a b\n") == "a b\r\n");
    CHECK(mime::quoted_printable(".\n..x\n") == "=2E\r\n=2E.x\r\n");
    CHECK(mime::quoted_printable("From here\nFrom\n") == "=46rom here\r\nFrom\r\n");
    CHECK(mime::quoted_printable("a\rb\n") == "a=0Db\r\n");
}

TEST_CASE("quoted-printable breaks long lines softly at 76 characters", "[mime]") {
    CHECK(mime::quoted_printable(std::string(76, 'a') + "\n") == std::string(76, 'a') + "\r\n");
    CHECK(mime::quoted_printable(std::string(77, 'a') + "\n") ==
          std::string(75, 'a') + "=\r\n" + std::string(2, 'a') + "\r\n");
    CHECK(mime::quoted_printable(std::string(100, 'a')) ==
          std::string(75, 'a') + "=\r\n" + std::string(25, 'a') + "=\r\n");
    // A dot that lands at the start of a continuation line is escaped as well.
    CHECK(mime::quoted_printable(std::string(75, 'a') + ".b\n") == std::string(75, 'a') + "=\r\n=2Eb\r\n");
    // Never inside an escape or a UTF-8 sequence: 12 "ü" (72 characters) fit before the soft break.
    CHECK(mime::quoted_printable(repeat("ü", 20) + "\n") ==
          repeat("=C3=BC", 12) + "=\r\n" + repeat("=C3=BC", 8) + "\r\n");
}

TEST_CASE("quoted-printable round-trips any text within the line rules", "[mime]") {
    const std::string text = "Guten Tag Jürgen Müller,\n\nvielen Dank für Ihre Anmeldung. " +
                             repeat("Größe & Maße = 100 % ", 12) + "\n. \nFrom me\n\t\n" + repeat("€", 40) +
                             "   \nEnde";
    const auto qp = mime::quoted_printable(text);
    check_7bit_crlf(qp);
    for (const auto& line : lines_of(qp)) {
        CHECK(line.size() <= mime::max_body_line);
        CHECK(line.back() != ' ');
        CHECK(line.back() != '\t');
        CHECK(line[0] != '.');
    }
    std::string lf_only;
    for (char c : qp_decode(qp))
        if (c != '\r') lf_only += c;
    CHECK(lf_only == text);
}

TEST_CASE("base64 in lines of 76 characters", "[mime]") {
    CHECK(mime::base64("") == "");
    CHECK(mime::base64("f") == "Zg==\r\n");
    CHECK(mime::base64("fo") == "Zm8=\r\n");
    CHECK(mime::base64("foobar") == "Zm9vYmFy\r\n");
    std::string bytes;
    for (int i = 0; i < 100; ++i) bytes += static_cast<char>(i);
    const std::string encoded =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9Q"
        "UVJTVFVWV1hZWltcXV5fYGFiYw==";
    CHECK(mime::base64(bytes) == encoded.substr(0, 76) + "\r\n" + encoded.substr(76) + "\r\n");
    std::string big(3000, '\xFF');
    const auto lines = lines_of(mime::base64(big));
    CHECK(lines.size() == 53);  // 4000 characters
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].size() == 76);
    CHECK(base64_decode(mime::base64(big)) == big);
}

TEST_CASE("RFC 5322 dates in UTC", "[mime]") {
    using namespace std::chrono_literals;
    const auto t = [](int y, unsigned m, unsigned d) {
        return domain::instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}};
    };
    CHECK(mime::date_time(t(2027, 1, 27) + 8h + 5min + 9s) == "Wed, 27 Jan 2027 08:05:09 +0000");
    CHECK(mime::date_time(t(2026, 3, 1)) == "Sun, 01 Mar 2026 00:00:00 +0000");
    CHECK(mime::date_time(t(2024, 2, 29) + 23h + 59min + 59s) == "Thu, 29 Feb 2024 23:59:59 +0000");
}

TEST_CASE("text and base64 parts carry their headers", "[mime]") {
    const auto text = mime::text_part("calendar", "x\n", "method=REQUEST");
    CHECK(text.headers ==
          "Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n");
    const auto file = mime::base64_part("application/ics; name=\"einladung.ics\"", "abc", "einladung.ics");
    CHECK(file.headers ==
          "Content-Type: application/ics; name=\"einladung.ics\"\r\n"
          "Content-Transfer-Encoding: base64\r\n"
          "Content-Disposition: attachment; filename=\"einladung.ics\"\r\n");
    CHECK(file.body == "YWJj\r\n");
}

TEST_CASE("a multipart body delimits each part and keeps its boundary out of the parts", "[mime]") {
    const auto alt =
        mime::multipart("alternative", {mime::text_part("plain", "Grüße\n"), mime::text_part("html", "<p>x</p>\n")});
    CHECK(alt.headers == "Content-Type: multipart/alternative; boundary=\"=_seminard_alternative_0\"\r\n");
    CHECK(alt.body ==
          "--=_seminard_alternative_0\r\n"
          "Content-Type: text/plain; charset=UTF-8\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n"
          "\r\n"
          "Gr=C3=BC=C3=9Fe\r\n"
          "\r\n"
          "--=_seminard_alternative_0\r\n"
          "Content-Type: text/html; charset=UTF-8\r\n"
          "Content-Transfer-Encoding: quoted-printable\r\n"
          "\r\n"
          "<p>x</p>\r\n"
          "\r\n"
          "--=_seminard_alternative_0--\r\n");
    // A nested multipart of the same subtype holds the first boundary: the outer one takes the next.
    const auto outer = mime::multipart("alternative", {alt});
    CHECK(outer.headers == "Content-Type: multipart/alternative; boundary=\"=_seminard_alternative_1\"\r\n");
    const auto rendered = mime::render(mime::multipart("mixed", {alt}));
    check_7bit_crlf(rendered);
    CHECK(rendered.rfind(
              "Content-Type: multipart/mixed; boundary=\"=_seminard_mixed_0\"\r\n\r\n--=_seminard_mixed_0\r\n", 0) ==
          0);
}
