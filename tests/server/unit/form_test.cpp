// Tests of percent-decoding, form parsing, query parameters and percent-encoding.
#include "server/http/form.hpp"
#include "server/web/urls.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace server = seminard::server;
using fields = server::form_fields;

TEST_CASE("percent_decode decodes escapes in either case", "[form]") {
    CHECK(server::percent_decode("", false) == std::string{});
    CHECK(server::percent_decode("plain", false) == "plain");
    CHECK(server::percent_decode("a%20b", false) == "a b");
    CHECK(server::percent_decode("%41%42c", false) == "ABc");
    CHECK(server::percent_decode("J%C3%BCrgen", false) == "Jürgen");
    CHECK(server::percent_decode("J%c3%bcrgen", false) == "Jürgen");
    CHECK(server::percent_decode("100%25", false) == "100%");
    CHECK(server::percent_decode("%00", false) == std::string(1, '\0'));
}

TEST_CASE("percent_decode turns '+' into a space only when asked", "[form]") {
    CHECK(server::percent_decode("a+b", true) == "a b");
    CHECK(server::percent_decode("a+b", false) == "a+b");
    CHECK(server::percent_decode("a%2Bb", true) == "a+b");
}

TEST_CASE("percent_decode refuses malformed escapes", "[form]") {
    for (const char* bad : {"%", "%4", "%zz", "%g0", "%0g", "abc%", "abc%4", "%%", "%%41", "a%-1"}) {
        INFO(bad);
        CHECK_FALSE(server::percent_decode(bad, false).has_value());
        CHECK_FALSE(server::percent_decode(bad, true).has_value());
    }
}

TEST_CASE("parse_urlencoded splits a form body into decoded pairs in order", "[form]") {
    CHECK(server::parse_urlencoded("a=1&b=x+y") == fields{{"a", "1"}, {"b", "x y"}});
    CHECK(server::parse_urlencoded("first_name=J%C3%BCrgen&email=j%40example.org&privacy_consent=on") ==
          fields{{"first_name", "Jürgen"}, {"email", "j@example.org"}, {"privacy_consent", "on"}});
    CHECK(server::parse_urlencoded("") == fields{});
    CHECK(server::parse_urlencoded("a=1&&b=2&") == fields{{"a", "1"}, {"b", "2"}});
    CHECK(server::parse_urlencoded("flag") == fields{{"flag", ""}});
    CHECK(server::parse_urlencoded("a=") == fields{{"a", ""}});
    CHECK(server::parse_urlencoded("=v") == fields{{"", "v"}});
    CHECK(server::parse_urlencoded("a=1=2") == fields{{"a", "1=2"}});
    CHECK(server::parse_urlencoded("a=1&a=2") == fields{{"a", "1"}, {"a", "2"}});
    CHECK(server::parse_urlencoded("na%6De=v%26w") == fields{{"name", "v&w"}});
}

TEST_CASE("parse_urlencoded refuses a body with any malformed part", "[form]") {
    CHECK_FALSE(server::parse_urlencoded("a=%zz").has_value());
    CHECK_FALSE(server::parse_urlencoded("ok=1&bad%=2").has_value());
    CHECK_FALSE(server::parse_urlencoded("a=1&b=%4").has_value());
}

TEST_CASE("query_param finds the first value of a name", "[form]") {
    CHECK(server::query_param("lang=en", "lang") == "en");
    CHECK(server::query_param("status=waitlisted&limit=20", "limit") == "20");
    CHECK(server::query_param("lang=en&lang=de", "lang") == "en");
    CHECK(server::query_param("q=a+b%21", "q") == "a b!");
    CHECK(server::query_param("l%61ng=en", "lang") == "en");
    CHECK(server::query_param("lang", "lang") == "");
    CHECK_FALSE(server::query_param("", "lang").has_value());
    CHECK_FALSE(server::query_param("language=en", "lang").has_value());
    CHECK_FALSE(server::query_param("LANG=en", "lang").has_value());
    // A malformed query yields nothing rather than a guess.
    CHECK_FALSE(server::query_param("lang=en&x=%zz", "lang").has_value());
}

TEST_CASE("percent_encode keeps unreserved characters and escapes everything else", "[form]") {
    CHECK(server::percent_encode("") == "");
    CHECK(server::percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(server::percent_encode("a b") == "a%20b");
    CHECK(server::percent_encode("ü") == "%C3%BC");
    CHECK(server::percent_encode("/?#&=+%") == "%2F%3F%23%26%3D%2B%25");
    CHECK(server::percent_encode(std::string(1, '\0')) == "%00");
    CHECK(server::percent_encode("\xff") == "%FF");
}

TEST_CASE("percent_decode undoes percent_encode for every byte", "[form]") {
    std::string all;
    for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
    const auto encoded = server::percent_encode(all);
    CHECK(server::percent_decode(encoded, false) == all);
    CHECK(server::percent_decode(encoded, true) == all);  // '+' is always encoded, so this holds too
}
