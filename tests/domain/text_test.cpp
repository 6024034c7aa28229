// Tests for the text helpers: UTF-8, length, control characters, ASCII case, trimming, e-mail addresses, base64.
#include "domain/text.hpp"
#include <catch2/catch.hpp>

#include <optional>
#include <string>

using namespace seminard::domain;

namespace {

/// Bytes as written, embedded NULs included.
std::string_view bytes(const char* s, std::size_t n) { return std::string_view{s, n}; }

}  // namespace

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
