// Tests of the JSON kept in columns: the hand-written billing and answers columns say byte for byte what
// nlohmann's dump() says, read back to the same values, and refuse invalid UTF-8 as dump() does.
#include "storage/json_columns.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace storage = seminard::storage;
namespace domain = seminard::domain;
using nlohmann::json;

namespace {

/// Strings that need every kind of escape, and multi-byte UTF-8 of each length.
const std::vector<std::string> tricky = {
    "",
    "Müller & Söhne \"Die Besten\"",
    "Zeile 1\nZeile 2\r\n\tEingerückt\\Ende",
    std::string{"\x01\x1f\x7f\b\f", 5},
    "€ 1.490 – 𝄞 \xe2\x80\xa8 ß",
    "<script>alert(1)</script>",
};

json text_json(const domain::localized_text& t) { return json{{"de", t.de}, {"en", t.en}}; }

json options_json(const std::vector<domain::question_option>& options) {
    json out = json::array();
    for (const auto& o : options) out.push_back({{"key", o.key}, {"label", text_json(o.label)}});
    return out;
}

}  // namespace

TEST_CASE("the billing column is what dump() writes, and reads back") {
    for (const auto& s : tricky) {
        domain::billing_address b{s, "Hauptstraße 1" + s, "80331", s, "DE", "DE123456789", s, "rechnung@example.org"};
        const auto column = storage::billing_column(b);
        const json expected{{"company", b.company},
                            {"street", b.street},
                            {"postal_code", b.postal_code},
                            {"city", b.city},
                            {"country", b.country},
                            {"vat_id", b.vat_id},
                            {"po_number", b.po_number},
                            {"email", b.email}};
        CHECK(column == expected.dump());
        CHECK(storage::billing_from_column(column) == b);
    }
}

TEST_CASE("the answers column is what dump() writes, for every question type, and reads back") {
    for (const auto& s : tricky) {
        std::vector<domain::answer> answers;
        answers.push_back(
            {"notes", domain::question_type::textarea, {"Ihre Fragen" + s, "Your questions"}, s, {}, false});
        answers.push_back(
            {"level", domain::question_type::choice, {"Erfahrung", ""}, {}, {{"pro", {"Profi" + s, "Pro"}}}, false});
        answers.push_back({"topics",
                           domain::question_type::multi,
                           {"Themen", ""},
                           {},
                           {{"sales", {"Vertrieb", ""}}, {"hiring", {s, s}}},
                           false});
        answers.push_back({"agb", domain::question_type::checkbox, {"AGB " + s, ""}, {}, {}, true});
        answers.push_back({"news", domain::question_type::checkbox, {"Newsletter", ""}, {}, {}, false});
        answers.push_back({"none", domain::question_type::multi, {"Nichts gewählt", ""}, {}, {}, false});
        answers.push_back({"short", domain::question_type::text, {"Kurz", ""}, s, {}, false});

        json expected = json::array();
        for (const auto& a : answers) {
            json item{{"key", a.key}, {"type", domain::to_string(a.type)}, {"question", text_json(a.question)}};
            if (a.type == domain::question_type::text || a.type == domain::question_type::textarea)
                item["text"] = a.text;
            if (a.type == domain::question_type::choice || a.type == domain::question_type::multi)
                item["chosen"] = options_json(a.chosen);
            if (a.type == domain::question_type::checkbox) item["checked"] = a.checked;
            expected.push_back(std::move(item));
        }
        const auto column = storage::answers_column(answers);
        CHECK(column == expected.dump());
        CHECK(storage::answers_from_column(column) == answers);
    }
    CHECK(storage::answers_column({}) == "[]");
}

TEST_CASE("invalid UTF-8 never reaches a column: refused like dump() refuses it") {
    const std::vector<std::string> invalid = {
        "\x80",              // a continuation byte alone
        "\xc0\x80",          // overlong NUL
        "\xc3",              // cut off
        "ab\xe2\x82",        // cut off after two of three
        "\xed\xa0\x80",      // a UTF-16 surrogate
        "\xf4\x90\x80\x80",  // above U+10FFFF
        "\xf5\x80\x80\x80",  // no such lead byte
        "\xe2\x28\xa1",      // a bad second byte
        "\xf0\x9f\x98\x28",  // a bad last byte
    };
    for (const auto& s : invalid) {
        CHECK_THROWS(json(s).dump());  // the reference refuses it too
        domain::billing_address b;
        b.company = s;
        CHECK_THROWS(storage::billing_column(b));
        domain::answer a{"x", domain::question_type::text, {"Frage", ""}, s, {}, false};
        CHECK_THROWS(storage::answers_column({a}));
    }
}
