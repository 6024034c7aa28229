// Tests of HTML escaping (element content and attribute values), paragraphs from plain text, query joining.
#include "server/web/html.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace html = seminard::server::html;

TEST_CASE("text escapes the characters that start markup and leaves the rest", "[html]") {
    CHECK(html::text("") == "");
    CHECK(html::text("plain") == "plain");
    CHECK(html::text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(html::text("Müller & Söhne") == "Müller &amp; Söhne");
    CHECK(html::text("&amp;") == "&amp;amp;");
    CHECK(html::text(R"("&')") == R"("&amp;')");
    CHECK(html::text("27./28. Januar 2027, 09:00–17:00 Uhr") == "27./28. Januar 2027, 09:00–17:00 Uhr");
}

TEST_CASE("attr escapes quotes too, so a value cannot leave its attribute", "[html]") {
    CHECK(html::attr("") == "");
    CHECK(html::attr(R"("&')") == "&quot;&amp;&#39;");
    CHECK(html::attr(R"(" onmouseover="alert(1))") == "&quot; onmouseover=&quot;alert(1)");
    CHECK(html::attr("<b>") == "&lt;b&gt;");
    CHECK(html::attr("https://example.org/a?x=1&lang=en") == "https://example.org/a?x=1&amp;lang=en");
    CHECK(html::attr("Zoë") == "Zoë");
}

TEST_CASE("a NUL byte becomes the replacement character", "[html]") {
    CHECK(html::text(std::string("a\0b", 3)) ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(html::attr(std::string("\0", 1)) == "\xEF\xBF\xBD");
}

TEST_CASE("append_text and append_attr add to what is there", "[html]") {
    std::string out = "<p>";
    html::append_text(out, "a<b");
    CHECK(out == "<p>a&lt;b");
    out = "x=\"";
    html::append_attr(out, "'");
    CHECK(out == "x=\"&#39;");
}

TEST_CASE("paragraphs: blank lines separate paragraphs, single line breaks are kept", "[html]") {
    CHECK(html::paragraphs("") == "");
    CHECK(html::paragraphs(" \n\t\n") == "");
    CHECK(html::paragraphs("one") == "<p>one</p>");
    CHECK(html::paragraphs("a\nb\n\nc") == "<p>a<br>b</p><p>c</p>");
    CHECK(html::paragraphs("a\r\nb\r\n\r\nc\rd") == "<p>a<br>b</p><p>c<br>d</p>");
    CHECK(html::paragraphs("\n\na\n \n\n\nb\n") == "<p>a</p><p>b</p>");
    CHECK(html::paragraphs("x < y & \"z\"") == "<p>x &lt; y &amp; \"z\"</p>");
    CHECK(html::paragraphs("<script>\n\n</script>") == "<p>&lt;script&gt;</p><p>&lt;/script&gt;</p>");
}

TEST_CASE("with_query sets a parameter, replacing one of the same name", "[html]") {
    CHECK(html::with_query("/x", "lang=en") == "/x?lang=en");
    CHECK(html::with_query("https://example.org/privacy?a=1", "lang=de") == "https://example.org/privacy?a=1&lang=de");
    CHECK(html::with_query("https://example.org/datenschutz?lang=en", "lang=de") ==
          "https://example.org/datenschutz?lang=de");
    CHECK(html::with_query("/p?lang=en&a=1&lang=fr&langx=2", "lang=de") == "/p?a=1&langx=2&lang=de");
    CHECK(html::with_query("/p?lang&a=1", "lang=de") == "/p?a=1&lang=de");
    CHECK(html::with_query("/p?a=1#top", "lang=en") == "/p?a=1&lang=en#top");
    CHECK(html::with_query("/p?", "lang=en") == "/p?lang=en");
    CHECK(html::with_query("", "lang=en") == "?lang=en");
}
