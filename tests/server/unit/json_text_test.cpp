// json_text must write exactly what nlohmann's dump() writes (compact, UTF-8 kept, bad bytes replaced), so that
// answers are unchanged wherever it is used: every type, every byte that needs escaping, valid and invalid UTF-8.
#include "server/http/json_text.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace server = seminard::server;
using nlohmann::json;

namespace {

std::string reference(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void check_same(const json& j) {
    INFO(reference(j));
    CHECK(server::json_text(j) == reference(j));
}

}  // namespace

TEST_CASE("json_text writes what dump() writes for every kind of value") {
    check_same(json(nullptr));
    check_same(json(true));
    check_same(json(false));
    check_same(json::object());
    check_same(json::array());
    check_same(json(""));
    check_same(json(0));
    check_same(json(-1));
    check_same(json(std::numeric_limits<std::int64_t>::min()));
    check_same(json(std::numeric_limits<std::int64_t>::max()));
    check_same(json(std::numeric_limits<std::uint64_t>::max()));
    for (double d : {0.0,
                     -0.0,
                     1.5,
                     1e300,
                     -2.5e-300,
                     0.1,
                     149000.0,
                     std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity()})
        check_same(json(d));
    check_same(json::binary({1, 2, 3}));
    check_same(json{{"code", "1KD7-ASW3"},
                    {"waitlist_position", nullptr},
                    {"links", {{"self", "https://x.example/a?b=c&d"}, {"empty", json::object()}}},
                    {"days", json::array({json{{"date", "2030-01-27"}}, json::array(), 3, "x"})},
                    {"Anmeldebestätigung", "27./28. Januar 2027, 09:00–17:00 Uhr, 1.490,00 €"}});
}

TEST_CASE("json_text escapes quotes, backslashes and every control character like dump()") {
    std::string all;
    for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
    check_same(json(all));
    check_same(json{{all, all}});  // keys are escaped the same way
    check_same(json("Zeile 1\nZeile 2\r\n\t\"zitiert\" \\ / \x7f \x1f"));
    check_same(json(std::string("nul \0 inside", 12)));
}

TEST_CASE("json_text keeps valid UTF-8 and replaces invalid bytes like dump()") {
    for (const char* s : {"ä ö ü ß € – 🙂 𝄞 中文",
                          "\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"})
        check_same(json(s));
    for (const char* s : {"\xff",
                          "a\x80z",
                          "\xc0\xaf",
                          "\xe0\x80\xaf",
                          "\xed\xa0\x80",
                          "\xf4\x90\x80\x80",
                          "\xf5\x80",
                          "trunc \xe2\x82",
                          "trunc \xf0\x9f\x99",
                          "\xc3",
                          "ok \xc3\xa4 bad \xc3 end"}) {
        check_same(json(s));
        check_same(json{{s, s}});
    }
}

TEST_CASE("json_text matches dump() on random strings and nested documents") {
    std::mt19937 rng{20261127};
    // Bytes weighted towards the interesting ones: controls, quote, backslash, UTF-8 lead and continuation bytes.
    const std::string pool = std::string("\x00\x01\x08\x09\x0a\x0c\x0d\x1f\x20\"\\/\x7f", 13) +
                             "aZ09 \xc2\xc3\xdf\xe0\xe2\xed\xef\xf0\xf4\xf5\xff\x80\x8f\x90\x9f\xa0\xbf";
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1), len(0, 24);
    auto random_string = [&] {
        std::string s;
        for (auto n = len(rng); n > 0; --n) s += pool[pick(rng)];
        return s;
    };
    for (int round = 0; round < 2000; ++round) {
        json doc = json::object();
        for (int i = 0; i < 4; ++i) doc[random_string()] = random_string();
        doc["nested"] = json::array({random_string(), json{{random_string(), std::int64_t(rng()) - (1ll << 31)}}});
        check_same(doc);
    }
}
