// Tests for RFC 5545 content-line mechanics: folding on octets and UTF-8 boundaries, values that cannot break out.
#include "calendars/content_line.hpp"

#include "domain/text.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace seminard::calendars;

namespace {

std::vector<std::string> lines_of(const std::string& folded) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < folded.size()) {
        auto end = folded.find("\r\n", pos);
        REQUIRE(end != std::string::npos);
        out.push_back(folded.substr(pos, end - pos));
        pos = end + 2;
    }
    return out;
}

}  // namespace

TEST_CASE("folding keeps every line within 75 octets and never splits a UTF-8 sequence") {
    std::string value;
    for (int i = 0; i < 40; ++i) value += "äöü👩‍💻€x";
    const std::string line = "DESCRIPTION:" + value;
    const auto folded = fold_lines(line + "\n");
    const auto lines = lines_of(folded);
    REQUIRE(lines.size() > 5);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(lines[i]);
        CHECK(lines[i].size() <= max_line_octets);
        CHECK(seminard::domain::valid_utf8(lines[i]));
        if (i > 0) CHECK(lines[i][0] == ' ');
    }
    CHECK(unfold_lines(folded) == line + "\r\n");
}

TEST_CASE("folding fills lines to exactly 75 octets with ASCII") {
    const std::string line(200, 'a');
    const auto lines = lines_of(fold_lines(line));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].size() == 75);
    CHECK(lines[1].size() == 75);
    CHECK(lines[1][0] == ' ');
    CHECK(lines[2] == " " + std::string(200 - 75 - 74, 'a'));
}

TEST_CASE("folding ends every line in CRLF and leaves short lines alone") {
    CHECK(fold_lines("BEGIN:VCALENDAR\nVERSION:2.0\r\nEND:VCALENDAR") ==
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
}

TEST_CASE("unfolding removes CRLF followed by a space or a tab, nothing else") {
    CHECK(unfold_lines("SUMMARY:ab\r\n c\r\n\td\r\nX:y\r\n") == "SUMMARY:abcd\r\nX:y\r\n");
}

TEST_CASE("text keeps line breaks as LF and turns other control characters into spaces") {
    CHECK(clean_text("a\r\nb\rc\nd\te\x01"
                     "f\x7Fg") == "a\nb\nc\nd e f g");
}

TEST_CASE("text with invalid UTF-8 becomes valid with U+FFFD") {
    const auto cleaned = clean_text("ok \xC3( \xED\xA0\x80 \xF0\x9F\x91\xA9");
    CHECK(seminard::domain::valid_utf8(cleaned));
    CHECK(cleaned == "ok \xEF\xBF\xBD( \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x91\xA9");
}

TEST_CASE("a parameter value holds no quote, no line break and no RFC 6868 escape") {
    const auto cn = clean_param("  Dr. Müller, \"Hans\"; CEO:\r\nATTENDEE:mailto:evil@x ^n  ");
    CHECK(cn == "Dr. Müller, 'Hans'; CEO: ATTENDEE:mailto:evil@x \xCB\x86n");
    CHECK(cn.find('"') == std::string::npos);
    CHECK(!seminard::domain::has_control_chars(cn, false));
}

TEST_CASE("a mailto address cannot leave its URI") {
    CHECK(mailto("erika@example.com") == "mailto:erika@example.com");
    CHECK(mailto("a b\"c;d,e:f\r\n%@x") == "mailto:a%20b%22c%3Bd%2Ce%3Af%0D%0A%25@x");
    CHECK(mailto("jürgen@example.de") == "mailto:j%C3%BCrgen@example.de");
}

TEST_CASE("a URI from configuration keeps its structure but no spaces or control characters") {
    CHECK(clean_uri("http://127.0.0.1:8080/seminars/a-b") == "http://127.0.0.1:8080/seminars/a-b");
    CHECK(clean_uri("x y\r\n\"") == "x%20y%0D%0A%22");
}
