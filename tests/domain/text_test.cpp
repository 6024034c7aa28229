// Tests for the text helpers: the UTF-8 decoder, validity, length and repair, control characters, ASCII case,
// trimming, e-mail addresses, base64.
#include "domain/text.hpp"
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>

using namespace seminard::domain;

namespace {

/// Bytes as written, embedded NULs included.
std::string_view bytes(const char* s, std::size_t n) { return std::string_view{s, n}; }

/// What `lead`, `second` and then continuation bytes 0x80 should measure, found the other way round from
/// utf8_sequence_length: decode the code point, then reject overlongs, surrogates and values beyond U+10FFFF.
std::size_t expected_length(unsigned lead, unsigned second) {
    if (lead < 0x80) return 1;
    const std::size_t n = (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (second & 0xC0) != 0x80) return 0;
    std::uint32_t cp = (lead & (0x7Fu >> n)) << 6 | (second & 0x3F);
    for (std::size_t k = 2; k < n; ++k) cp <<= 6;  // each 0x80 adds six zero bits
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

}  // namespace

TEST_CASE("utf8_sequence_length measures the well-formed sequence at a position") {
    STATIC_REQUIRE(utf8_sequence_length("a", 0) == 1);
    STATIC_REQUIRE(utf8_sequence_length("\xC3\xBC", 0) == 2);
    CHECK(utf8_sequence_length("ü", 0) == 2);
    CHECK(utf8_sequence_length("€", 0) == 3);
    CHECK(utf8_sequence_length("\xF0\x9F\x98\x80", 0) == 4);  // U+1F600
    CHECK(utf8_sequence_length("aü€", 1) == 2);
    CHECK(utf8_sequence_length("aü€", 3) == 3);
    CHECK(utf8_sequence_length("aü€", 2) == 0);  // inside a sequence
    CHECK(utf8_sequence_length("aü€", 6) == 0);  // past the end
    CHECK(utf8_sequence_length(bytes("\0", 1), 0) == 1);
}

TEST_CASE("utf8_sequence_length keeps to the edges of Unicode's table 3-7") {
    CHECK(utf8_sequence_length("\xC2\x80", 0) == 2);          // U+0080
    CHECK(utf8_sequence_length("\xC1\xBF", 0) == 0);          // U+007F, overlong
    CHECK(utf8_sequence_length("\xE0\xA0\x80", 0) == 3);      // U+0800
    CHECK(utf8_sequence_length("\xE0\x9F\xBF", 0) == 0);      // U+07FF, overlong
    CHECK(utf8_sequence_length("\xED\x9F\xBF", 0) == 3);      // U+D7FF
    CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);      // U+D800, a surrogate
    CHECK(utf8_sequence_length("\xEE\x80\x80", 0) == 3);      // U+E000
    CHECK(utf8_sequence_length("\xF0\x90\x80\x80", 0) == 4);  // U+10000
    CHECK(utf8_sequence_length("\xF0\x8F\xBF\xBF", 0) == 0);  // U+FFFF, overlong
    CHECK(utf8_sequence_length("\xF4\x8F\xBF\xBF", 0) == 4);  // U+10FFFF
    CHECK(utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0);  // U+110000
    CHECK(utf8_sequence_length("\xF5\x80\x80\x80", 0) == 0);
    CHECK(utf8_sequence_length("\x80", 0) == 0);
    CHECK(utf8_sequence_length("\xFF", 0) == 0);
    CHECK(utf8_sequence_length("\xE2\x82", 0) == 0);          // cut short
    CHECK(utf8_sequence_length("\xE2\x82\x41", 0) == 0);      // broken in the middle
    CHECK(utf8_sequence_length("\xF0\x9F\x98\x41", 0) == 0);  // broken at the end
}

TEST_CASE("utf8_sequence_length agrees with decoding and checking the code point, for every first two bytes") {
    for (unsigned lead = 0; lead < 0x100; ++lead) {
        for (unsigned second = 0; second < 0x100; ++second) {
            const char text[] = {static_cast<char>(lead), static_cast<char>(second), '\x80', '\x80'};
            const std::string_view s{text, sizeof text};
            const auto got = utf8_sequence_length(s, 0);
            const auto want = expected_length(lead, second);
            if (got != want) FAIL_CHECK("lead " << lead << ", second " << second << ": " << got << " != " << want);
            // A sequence is never taken as longer than the text that is there.
            for (std::size_t size = 1; size < got; ++size) CHECK(utf8_sequence_length(s.substr(0, size), 0) == 0);
        }
    }
}

TEST_CASE("well-formed UTF-8 of every length is valid") {
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("plain ASCII"));
    CHECK(valid_utf8("Müller-Lüdenscheidt, Straße"));  // 2-byte
    CHECK(valid_utf8("09:00–17:00 €"));                // 3-byte
    CHECK(valid_utf8("\xF0\x9F\x98\x80"));             // U+1F600, 4-byte emoji
    CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));             // U+10FFFF, the last code point
    CHECK(valid_utf8("\xEF\xBF\xBD"));                 // U+FFFD
    CHECK(valid_utf8(bytes("a\0b", 3)));               // NUL is valid UTF-8 (control checks catch it)
}

TEST_CASE("overlong encodings are invalid UTF-8") {
    CHECK_FALSE(valid_utf8("\xC0\x80"));          // NUL in two bytes
    CHECK_FALSE(valid_utf8("\xC1\xBF"));          // U+007F in two bytes
    CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
    CHECK_FALSE(valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
    CHECK_FALSE(valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST_CASE("surrogates and code points above U+10FFFF are invalid UTF-8") {
    CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800
    CHECK_FALSE(valid_utf8("\xED\xBF\xBF"));      // U+DFFF
    CHECK(valid_utf8("\xED\x9F\xBF"));            // U+D7FF, just below
    CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // U+110000
    CHECK_FALSE(valid_utf8("\xF5\x80\x80\x80"));
    CHECK_FALSE(valid_utf8("\xFF"));
    CHECK_FALSE(valid_utf8("\xFE"));
}

TEST_CASE("truncated or broken sequences are invalid UTF-8") {
    CHECK_FALSE(valid_utf8("\xC3"));                  // lone lead byte at the end
    CHECK_FALSE(valid_utf8("abc\xE2\x82"));           // 3-byte sequence cut short
    CHECK_FALSE(valid_utf8("\xF0\x9F\x98"));          // emoji cut short
    CHECK_FALSE(valid_utf8("\x80"));                  // lone continuation byte
    CHECK_FALSE(valid_utf8("\xC3\x28"));              // lead byte followed by ASCII
    CHECK_FALSE(valid_utf8("\xE2\x28\xA1"));          // broken in the middle
    CHECK_FALSE(valid_utf8("\xF0\x9F\x98\x80\x80"));  // extra continuation byte
}

TEST_CASE("length counts code points, not bytes") {
    CHECK(utf8_length("") == 0);
    CHECK(utf8_length("abc") == 3);
    CHECK(utf8_length("Müller") == 6);
    CHECK(utf8_length("–€") == 2);
    CHECK(utf8_length("\xF0\x9F\x98\x80!") == 2);
}

TEST_CASE("length counts each byte that starts no well-formed sequence as one") {
    CHECK(utf8_length("\xFF") == 1);
    CHECK(utf8_length("a\xE2\x82") == 3);     // a cut-short sequence: two bytes, two units
    CHECK(utf8_length("\xED\xA0\x80") == 3);  // a surrogate
    for (std::string_view s : {"\xFF", "a\xE2\x82", "\xC0\x80x", "ü\x80€"})
        CHECK(utf8_length(s) == utf8_length(replace_invalid_utf8(s)));
}

TEST_CASE("replace_invalid_utf8 puts U+FFFD for each bad byte and keeps the rest") {
    CHECK(replace_invalid_utf8("") == "");
    CHECK(replace_invalid_utf8("Müller €") == "Müller €");
    CHECK(replace_invalid_utf8(bytes("a\0b", 3)) == bytes("a\0b", 3));
    CHECK(replace_invalid_utf8("a\xFF"
                               "b") == "a\uFFFDb");
    CHECK(replace_invalid_utf8("M\xFCller") == "M\uFFFDller");              // Latin-1
    CHECK(replace_invalid_utf8("\xE2\x82") == "\uFFFD\uFFFD");              // cut short at the end
    CHECK(replace_invalid_utf8("\xC0\x80") == "\uFFFD\uFFFD");              // overlong
    CHECK(replace_invalid_utf8("\xED\xA0\x80ü") == "\uFFFD\uFFFD\uFFFDü");  // surrogate
    CHECK(replace_invalid_utf8("ü\x80€") == "ü\uFFFD€");
    CHECK(valid_utf8(replace_invalid_utf8("\xF4\x90\x80\x80\xF0\x9F\x98")));
}

TEST_CASE("control characters are found, line breaks only when not allowed") {
    CHECK_FALSE(has_control_chars("Anna Müller", false));
    CHECK(has_control_chars("Anna\nMüller", false));
    CHECK(has_control_chars("Anna\tMüller", false));
    CHECK(has_control_chars("Anna\rMüller", false));
    CHECK_FALSE(has_control_chars("line one\r\nline two\tend", true));
    CHECK(has_control_chars(bytes("a\0b", 3), true));
    CHECK(has_control_chars("a\x1b[31mred", true));  // ESC
    CHECK(has_control_chars("a\x7F", true));         // DEL
    CHECK(has_control_chars("\x01", false));
    CHECK_FALSE(has_control_chars("", false));
}

TEST_CASE("ascii_lower lowers the 26 ASCII letters and nothing else") {
    STATIC_REQUIRE(ascii_lower('A') == 'a');
    CHECK(ascii_lower('Z') == 'z');
    CHECK(ascii_lower('a') == 'a');
    CHECK(ascii_lower('@') == '@');  // just below 'A'
    CHECK(ascii_lower('[') == '[');  // just above 'Z'
    CHECK(ascii_lower('0') == '0');
    CHECK(ascii_lower('\xC3') == '\xC3');  // a UTF-8 lead byte (of Ä) stays as it is
}

TEST_CASE("iequals ignores the case of ASCII letters only") {
    CHECK(iequals("", ""));
    CHECK(iequals("Content-Type", "content-type"));
    CHECK(iequals("8BITMIME", "8bitmime"));
    CHECK(iequals("HTTPS://", "https://"));
    CHECK_FALSE(iequals("Content-Type", "Content-Typ"));
    CHECK_FALSE(iequals("abc", "abd"));
    CHECK_FALSE(iequals("@", "`"));  // 0x40 and 0x60 differ by the case bit but are no letters
    CHECK_FALSE(iequals("[", "{"));
    CHECK_FALSE(iequals("Ä", "ä"));  // UTF-8: compared byte for byte
    CHECK(iequals(bytes("a\0B", 3), bytes("A\0b", 3)));
}

TEST_CASE("trim removes ASCII white space at both ends only") {
    CHECK(trim("  Anna  ") == "Anna");
    CHECK(trim("\t\r\n Anna Müller \f\v") == "Anna Müller");
    CHECK(trim("Anna  Müller") == "Anna  Müller");
    CHECK(trim("   ") == "");
    CHECK(trim("") == "");
    CHECK(trim("\xC2\xA0"
               "Anna") ==
          "\xC2\xA0"
          "Anna");  // NO-BREAK SPACE is not ASCII white space
}

TEST_CASE("ordinary e-mail addresses are plausible") {
    CHECK(plausible_email("anna@example.org"));
    CHECK(plausible_email("anna.mueller+seminar@mail.example.co.uk"));
    CHECK(plausible_email("a@b.de"));
    CHECK(plausible_email("ANNA@EXAMPLE.ORG"));
    CHECK(plausible_email("o'brien@example.org"));
    CHECK(plausible_email("info@müller-gmbh.de"));  // internationalised domain
    CHECK(plausible_email("x@sub-domain.example.org"));
    CHECK(plausible_email(std::string(64, 'a') + "@example.org"));
}

TEST_CASE("implausible e-mail addresses are rejected") {
    CHECK_FALSE(plausible_email(""));
    CHECK_FALSE(plausible_email("anna"));
    CHECK_FALSE(plausible_email("anna@"));
    CHECK_FALSE(plausible_email("@example.org"));
    CHECK_FALSE(plausible_email("anna@localhost"));  // no dot in the domain
    CHECK_FALSE(plausible_email("anna@@example.org"));
    CHECK_FALSE(plausible_email("anna@mail@example.org"));
    CHECK_FALSE(plausible_email("anna mueller@example.org"));
    CHECK_FALSE(plausible_email("anna@example .org"));
    CHECK_FALSE(plausible_email(".anna@example.org"));
    CHECK_FALSE(plausible_email("anna.@example.org"));
    CHECK_FALSE(plausible_email("an..na@example.org"));
    CHECK_FALSE(plausible_email("anna@example..org"));
    CHECK_FALSE(plausible_email("anna@.example.org"));
    CHECK_FALSE(plausible_email("anna@example.org."));
    CHECK_FALSE(plausible_email("anna@-example.org"));
    CHECK_FALSE(plausible_email("anna@example-.org"));
    CHECK_FALSE(plausible_email("anna@exa_mple.org"));
    CHECK_FALSE(plausible_email("<anna@example.org>"));
    CHECK_FALSE(plausible_email("anna@example.org\r\nBcc: x@example.org"));  // header injection
    CHECK_FALSE(plausible_email("\"anna\"@example.org"));
    CHECK_FALSE(plausible_email(std::string(65, 'a') + "@example.org"));  // local part over 64
    CHECK_FALSE(plausible_email("a@" + std::string(64, 'b') + ".org"));   // label over 63
    CHECK_FALSE(plausible_email("a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(63, 'd') +
                                "." + std::string(63, 'e') + ".org"));  // over 254
}

TEST_CASE("e-mail addresses are compared trimmed and in ASCII lowercase") {
    CHECK(normalize_email("  Anna.Mueller@Example.ORG ") == "anna.mueller@example.org");
    CHECK(normalize_email("anna@example.org") == "anna@example.org");
    CHECK(normalize_email("ÄNNA@example.org") == "Änna@example.org");  // only ASCII letters change
    CHECK(normalize_email("") == "");
}

TEST_CASE("base64 encodes the RFC 4648 test vectors, padded or not") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("f", base64_alphabet::standard, base64_padding::unpadded) == "Zg");
    CHECK(base64_encode("fo", base64_alphabet::url, base64_padding::unpadded) == "Zm8");
    CHECK(base64_encode("foobar", base64_alphabet::url, base64_padding::unpadded) == "Zm9vYmFy");
}

TEST_CASE("the two base64 alphabets differ only in the last two digits") {
    const std::string all_ones(3, '\xFF');
    const auto last_two = bytes("\xFB\xEF\xBF", 3);  // digits 62, 62, 62, 63
    CHECK(base64_encode(all_ones) == "////");
    CHECK(base64_encode(all_ones, base64_alphabet::url) == "____");
    CHECK(base64_encode(last_two) == "+++/");
    CHECK(base64_encode(last_two, base64_alphabet::url) == "---_");
    CHECK(base64_encode(bytes("\0\0\0", 3)) == "AAAA");
}

TEST_CASE("base64 decodes what it encodes, every byte value in every position") {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t n = 0; n <= 4; ++n) {
        const auto part = all.substr(0, all.size() - n);
        for (auto alphabet : {base64_alphabet::standard, base64_alphabet::url})
            for (auto padding : {base64_padding::padded, base64_padding::unpadded})
                CHECK(base64_decode(base64_encode(part, alphabet, padding), alphabet, padding) == part);
    }
    CHECK(base64_decode("") == std::string{});
    CHECK(base64_decode("Zm9vYg==") == "foob");
    CHECK(base64_decode("Zm9vYmE", base64_alphabet::url, base64_padding::unpadded) == "fooba");
}

TEST_CASE("base64 text that no encoder writes does not decode") {
    // Padding missing, or there when none is asked for.
    CHECK(base64_decode("Zg") == std::nullopt);
    CHECK(base64_decode("Zg==", base64_alphabet::url, base64_padding::unpadded) == std::nullopt);
    CHECK(base64_decode("Z===") == std::nullopt);  // one digit cannot make a byte
    CHECK(base64_decode("Z", base64_alphabet::url, base64_padding::unpadded) == std::nullopt);
    CHECK(base64_decode("====") == std::nullopt);
    CHECK(base64_decode("Zg=a") == std::nullopt);          // '=' inside
    CHECK(base64_decode("Zh==") == std::nullopt);          // unused bits not zero: "Zg==" is the one spelling of "f"
    CHECK(base64_decode("Zm9=") == std::nullopt);          // "Zm8=" is that of "fo"
    CHECK(base64_decode("Zm9v\r\nYmFy") == std::nullopt);  // no line breaks
    CHECK(base64_decode("Zm9v YmFy") == std::nullopt);
    CHECK(base64_decode(bytes("Zm9\0", 4)) == std::nullopt);
    CHECK(base64_decode("-_-_") == std::nullopt);  // the URL alphabet's digits are not standard ones
    CHECK(base64_decode("+/+/", base64_alphabet::url) == std::nullopt);
    CHECK(base64_decode("-_-_", base64_alphabet::url) == std::string{"\xFB\xFF\xBF"});
}
