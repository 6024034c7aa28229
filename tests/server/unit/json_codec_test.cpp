// Tests of request bodies into domain inputs: content types, JSON shape, type errors as exact field problems.
#include "server/handlers/json_codec.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

namespace server = seminard::server;
namespace domain = seminard::domain;
using domain::errc;
using domain::field_problem;
using server::json;
using problems = std::map<std::string, field_problem>;

namespace {

server::http_request post(std::string content_type, std::string body) {
    server::http_request req;
    req.method = "POST";
    req.target = req.path = "/api/v1/dates/1/registrations";
    if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
    req.body = std::move(body);
    return req;
}

errc error_of(const domain::result<json>& r) {
    REQUIRE_FALSE(r.ok());
    return r.err().code;
}

template <class T>
problems fields_of(const domain::result<T>& r) {
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.err().code == errc::invalid_fields);
    return r.err().fields;
}

json valid_date() {
    return json::parse(R"({"timezone": "Europe/Berlin",
                           "days": [{"date": "2027-01-27", "start": "09:00", "end": "17:00"},
                                    {"date": "2027-01-28", "start": "09:00", "end": "17:00"}],
                           "capacity": 12, "waitlist": true})");
}

}  // namespace

// ---- body_object -------------------------------------------------------------------------------------------------

TEST_CASE("a JSON object body is read", "[json_codec][body]") {
    for (const char* type : {"application/json", "application/json; charset=utf-8", "Application/JSON"}) {
        INFO(type);
        auto r = server::body_object(post(type, R"({"first_name": "Jürgen", "n": 1})"), false);
        REQUIRE(r.ok());
        CHECK(*r == json{{"first_name", "Jürgen"}, {"n", 1}});
    }
    SECTION("without a content type, a body that starts with '{' is taken as JSON") {
        auto r = server::body_object(post("", R"({"a": true})"), false);
        REQUIRE(r.ok());
        CHECK(*r == json{{"a", true}});
    }
    SECTION("no content type and no body is an empty object") {
        auto r = server::body_object(post("", ""), false);
        REQUIRE(r.ok());
        CHECK(*r == json::object());
    }
}

TEST_CASE("a JSON body is read as json::parse reads it", "[json_codec][body]") {
    const std::string doc =
        R"({"a": [1, -2, 18446744073709551615, 1.5e3, -0.0, true, false, null, "x\u00fc\n", [], {}, [[{"b": [{}]}]]],)"
        R"( "c": {"d": {"e": [{"f": 1}, {"f": 2}]}, "g": ""}, "h": {}, "i": [{"a": 1}, {"a": 2}]})";
    auto r = server::body_object(post("application/json", doc), false);
    REQUIRE(r.ok());
    CHECK(*r == json::parse(doc));
    CHECK(r->dump() == json::parse(doc).dump());  // the number kinds too: unsigned, signed, float
}

TEST_CASE("a duplicate key at any depth is 400, the same key in sibling objects is not", "[json_codec][body]") {
    for (const char* body : {R"({"a": 1, "a": 1})",
                             R"({"a": {"b": 1, "c": 2, "b": 3}})",
                             R"({"a": [{"b": 1}, {"b": 1, "b": 2}]})",
                             R"({"a": [[{"x": {"y": [], "y": {}}}]]})",
                             R"({"a": {}, "b": [], "a": 2})"}) {
        INFO(body);
        CHECK(error_of(server::body_object(post("application/json", body), false)) == errc::bad_request);
    }
    auto r = server::body_object(post("application/json", R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}]})"), false);
    CHECK(r.ok());
}

TEST_CASE("a deeply nested JSON body is read without recursion", "[json_codec][body]") {
    const int depth = 100000;
    const std::string body = "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
    auto r = server::body_object(post("application/json", body), false);
    REQUIRE(r.ok());
    CHECK(r->at("a").is_array());
}

TEST_CASE("a JSON body that is not an object, or not JSON, is 400", "[json_codec][body]") {
    for (const char* body :
         {"[1, 2]", "\"text\"", "42", "null", "{", "{\"a\": }", "", "{\"a\": 1} trailing", "{'a': 1}"}) {
        INFO(body);
        CHECK(error_of(server::body_object(post("application/json", body), true)) == errc::bad_request);
    }
}

TEST_CASE("invalid UTF-8 inside a JSON string is 400", "[json_codec][body]") {
    for (const char* body : {"{\"name\": \"J\xfcrgen\"}",     // Latin-1 ü
                             "{\"name\": \"\xc3\"}",          // truncated sequence
                             "{\"name\": \"\xed\xa0\x80\"}",  // encoded surrogate
                             "{\"name\": \"\xc0\xaf\"}",      // overlong '/'
                             "{\"n\xff\": 1}"}) {             // in a key
        INFO(body);
        CHECK(error_of(server::body_object(post("application/json", body), false)) == errc::bad_request);
    }
}

TEST_CASE("a form body is read only where forms are allowed", "[json_codec][body]") {
    const auto req = post("application/x-www-form-urlencoded",
                          "first_name=J%C3%BCrgen&email=j%40example.org&privacy_consent=on&first_name=Second");
    SECTION("allowed: an object of strings, the first of repeated fields counts") {
        auto r = server::body_object(req, true);
        REQUIRE(r.ok());
        CHECK(*r == json{{"first_name", "Jürgen"}, {"email", "j@example.org"}, {"privacy_consent", "on"}});
    }
    SECTION("not allowed: 415") { CHECK(error_of(server::body_object(req, false)) == errc::unsupported_media_type); }
    SECTION("the form's idempotency key is the router's, no handler sees it") {
        auto r = server::body_object(
            post("application/x-www-form-urlencoded", "a=1&idempotency_key=k-1&idempotency_key=k-2"), true);
        REQUIRE(r.ok());
        CHECK(*r == json{{"a", "1"}});
        // In JSON it stays a field like any other (and handlers refuse it: the header is the way there).
        auto j = server::body_object(post("application/json", R"({"idempotency_key":"k"})"), false);
        REQUIRE(j.ok());
        CHECK(j->contains("idempotency_key"));
    }
    SECTION("with a charset parameter") {
        auto r = server::body_object(post("application/x-www-form-urlencoded; charset=UTF-8", "a=1"), true);
        REQUIRE(r.ok());
        CHECK(*r == json{{"a", "1"}});
    }
    SECTION("a malformed escape is 400") {
        CHECK(error_of(server::body_object(post("application/x-www-form-urlencoded", "a=%zz"), true)) ==
              errc::bad_request);
    }
    SECTION("a value that is not UTF-8 is 400") {
        CHECK(error_of(server::body_object(post("application/x-www-form-urlencoded", "first_name=J%FCrgen"), true)) ==
              errc::bad_request);
    }
}

TEST_CASE("other content types are 415", "[json_codec][body]") {
    for (const char* type : {"text/plain", "text/html", "multipart/form-data; boundary=x", "application/xml"}) {
        INFO(type);
        CHECK(error_of(server::body_object(post(type, R"({"a": 1})"), true)) == errc::unsupported_media_type);
    }
    CHECK(error_of(server::body_object(post("", "a=1"), true)) == errc::unsupported_media_type);
}

TEST_CASE("deeply nested JSON is answered, not a crash", "[json_codec][body]") {
    const int depth = 30000;  // about what fits in the default 64 KiB body limit
    const std::string nested = std::string(depth, '[') + std::string(depth, ']');
    auto r = server::body_object(post("application/json", "{\"a\": " + nested + "}"), false);
    REQUIRE(r.ok());
    CHECK(r->at("a").is_array());
    CHECK(error_of(server::body_object(post("application/json", "{\"a\": " + std::string(depth, '[')), false)) ==
          errc::bad_request);
}

// ---- seminar_input_from ------------------------------------------------------------------------------------------

TEST_CASE("seminar input reads every field", "[json_codec][seminar]") {
    auto r = server::seminar_input_from(json::parse(R"({"slug": "linkedin-marketing",
        "title": "LinkedIn Marketing für Unternehmen", "description": "Zwei Tage", "location": "München",
        "price_cents": 149000, "currency": "EUR", "organizer_name": "Beispiel", "organizer_email": "a@example.org"})"));
    REQUIRE(r.ok());
    CHECK(r->slug == "linkedin-marketing");
    CHECK(r->title == "LinkedIn Marketing für Unternehmen");
    CHECK(r->description == "Zwei Tage");
    CHECK(r->location == "München");
    REQUIRE(r->price_cents.has_value());
    CHECK(*r->price_cents == 149000);
    CHECK(r->currency == "EUR");
    CHECK(r->organizer_name == "Beispiel");
    CHECK(r->organizer_email == "a@example.org");
}

TEST_CASE("price_cents: null means on request, absent means unchanged", "[json_codec][seminar]") {
    auto null_price = server::seminar_input_from(json{{"price_cents", nullptr}});
    REQUIRE(null_price.ok());
    REQUIRE(null_price->price_cents.has_value());
    CHECK_FALSE(null_price->price_cents->has_value());

    auto absent = server::seminar_input_from(json{{"title", "T"}});
    REQUIRE(absent.ok());
    CHECK_FALSE(absent->price_cents.has_value());
    CHECK_FALSE(absent->slug.has_value());

    auto zero = server::seminar_input_from(json{{"price_cents", 0}});
    REQUIRE(zero.ok());
    CHECK(zero->price_cents == std::optional<std::int64_t>{0});
}

TEST_CASE("seminar fields of the wrong type or range are named exactly", "[json_codec][seminar]") {
    CHECK(fields_of(server::seminar_input_from(json{{"price_cents", "1500"}})) ==
          problems{{"price_cents", field_problem::invalid_value}});
    CHECK(fields_of(server::seminar_input_from(json{{"price_cents", 15.5}})) ==
          problems{{"price_cents", field_problem::invalid_value}});
    CHECK(fields_of(server::seminar_input_from(json{{"price_cents", -1}})) ==
          problems{{"price_cents", field_problem::invalid_value}});
    CHECK(fields_of(server::seminar_input_from(json{{"price_cents", 18446744073709551615ULL}})) ==
          problems{{"price_cents", field_problem::invalid_value}});
    CHECK(fields_of(server::seminar_input_from(json{{"title", 5}, {"slug", json::array()}, {"location", true}})) ==
          problems{{"title", field_problem::invalid_value},
                   {"slug", field_problem::invalid_value},
                   {"location", field_problem::invalid_value}});
}

TEST_CASE("unknown seminar keys are not_allowed", "[json_codec][seminar]") {
    CHECK(fields_of(server::seminar_input_from(json{{"title", "T"}, {"id", 3}, {"Title", "x"}})) ==
          problems{{"id", field_problem::not_allowed}, {"Title", field_problem::not_allowed}});
}

// ---- date_input_from ---------------------------------------------------------------------------------------------

TEST_CASE("date input reads every field", "[json_codec][date]") {
    auto body = valid_date();
    body["registration_closes_at"] = "2027-01-20T12:00:00+01:00";
    body["status"] = "scheduled";
    auto r = server::date_input_from(body);
    REQUIRE(r.ok());
    CHECK(r->timezone == "Europe/Berlin");
    REQUIRE(r->days.has_value());
    REQUIRE(r->days->size() == 2);
    CHECK((*r->days)[0].day == "2027-01-27");
    CHECK((*r->days)[0].start == "09:00");
    CHECK((*r->days)[1].end == "17:00");
    CHECK(r->capacity == 12);
    CHECK(r->waitlist == true);
    REQUIRE(r->registration_closes_at.has_value());
    CHECK(*r->registration_closes_at == std::optional<std::string>{"2027-01-20T12:00:00+01:00"});
    CHECK(r->status == "scheduled");
}

TEST_CASE("registration_closes_at: null resets to the default, absent leaves it", "[json_codec][date]") {
    auto null_deadline = server::date_input_from(json{{"registration_closes_at", nullptr}});
    REQUIRE(null_deadline.ok());
    REQUIRE(null_deadline->registration_closes_at.has_value());
    CHECK_FALSE(null_deadline->registration_closes_at->has_value());

    auto absent = server::date_input_from(json{{"capacity", 3}});
    REQUIRE(absent.ok());
    CHECK_FALSE(absent->registration_closes_at.has_value());
    CHECK_FALSE(absent->days.has_value());
    CHECK_FALSE(absent->waitlist.has_value());

    CHECK(fields_of(server::date_input_from(json{{"registration_closes_at", 1700000000}})) ==
          problems{{"registration_closes_at", field_problem::invalid_value}});
}

TEST_CASE("date fields of the wrong type are named exactly", "[json_codec][date]") {
    SECTION("capacity as a string") {
        auto body = valid_date();
        body["capacity"] = "12";
        CHECK(fields_of(server::date_input_from(body)) == problems{{"capacity", field_problem::invalid_value}});
    }
    SECTION("capacity out of range") {
        for (const json& v : {json(-1), json(100001), json(2.5), json(18446744073709551615ULL), json(true)}) {
            INFO(v.dump());
            auto body = valid_date();
            body["capacity"] = v;
            CHECK(fields_of(server::date_input_from(body)) == problems{{"capacity", field_problem::invalid_value}});
        }
    }
    SECTION("a missing start of the first day") {
        auto body = valid_date();
        body["days"][0].erase("start");
        CHECK(fields_of(server::date_input_from(body)) == problems{{"days[0].start", field_problem::required}});
    }
    SECTION("a day's end as a number and the second day not an object") {
        auto body = valid_date();
        body["days"][0]["end"] = 1700;
        body["days"][1] = "2027-01-28";
        CHECK(fields_of(server::date_input_from(body)) ==
              problems{{"days[0].end", field_problem::invalid_value}, {"days[1]", field_problem::invalid_value}});
    }
    SECTION("days not an array") {
        auto body = valid_date();
        body["days"] = json{{"date", "2027-01-27"}};
        CHECK(fields_of(server::date_input_from(body)) == problems{{"days", field_problem::invalid_value}});
    }
    SECTION("waitlist neither a boolean nor a checkbox value") {
        auto body = valid_date();
        body["waitlist"] = 1;
        CHECK(fields_of(server::date_input_from(body)) == problems{{"waitlist", field_problem::invalid_value}});
        body["waitlist"] = "vielleicht";
        CHECK(fields_of(server::date_input_from(body)) == problems{{"waitlist", field_problem::invalid_value}});
    }
    SECTION("timezone and status as numbers") {
        auto body = valid_date();
        body["timezone"] = 1;
        body["status"] = 0;
        CHECK(fields_of(server::date_input_from(body)) ==
              problems{{"timezone", field_problem::invalid_value}, {"status", field_problem::invalid_value}});
    }
}

TEST_CASE("unknown date keys are not_allowed", "[json_codec][date]") {
    auto body = valid_date();
    body["seats"] = 12;
    CHECK(fields_of(server::date_input_from(body)) == problems{{"seats", field_problem::not_allowed}});
}

// ---- registration_input_from -------------------------------------------------------------------------------------

TEST_CASE("registration input reads the attendee fields", "[json_codec][registration]") {
    auto r = server::registration_input_from(json{{"first_name", "Anna"},
                                                  {"last_name", "Muster"},
                                                  {"email", "anna@example.org"},
                                                  {"company", "Beispiel GmbH"},
                                                  {"job_title", "Marketing"},
                                                  {"phone", "+49 89 1"},
                                                  {"privacy_consent", true},
                                                  {"website", ""},
                                                  {"date_id", "3"},
                                                  {"lang", "en"}});
    REQUIRE(r.ok());
    CHECK(r->first_name == "Anna");
    CHECK(r->last_name == "Muster");
    CHECK(r->email == "anna@example.org");
    CHECK(r->company == "Beispiel GmbH");
    CHECK(r->job_title == "Marketing");
    CHECK(r->phone == "+49 89 1");
    CHECK(r->privacy_consent);

    auto empty = server::registration_input_from(json::object());
    REQUIRE(empty.ok());
    CHECK(empty->first_name.empty());
    CHECK_FALSE(empty->privacy_consent);
}

TEST_CASE("privacy consent accepts true, \"on\" and \"true\"", "[json_codec][registration]") {
    for (const json& yes : {json(true), json("on"), json("true")}) {
        INFO(yes.dump());
        auto r = server::registration_input_from(json{{"privacy_consent", yes}});
        REQUIRE(r.ok());
        CHECK(r->privacy_consent);
    }
    for (const json& no : {json(false), json("off"), json("false"), json(""), json(nullptr)}) {
        INFO(no.dump());
        auto r = server::registration_input_from(json{{"privacy_consent", no}});
        REQUIRE(r.ok());
        CHECK_FALSE(r->privacy_consent);
    }
    for (const json& bad : {json(1), json("ja"), json::array()}) {
        INFO(bad.dump());
        CHECK(fields_of(server::registration_input_from(json{{"privacy_consent", bad}})) ==
              problems{{"privacy_consent", field_problem::invalid_value}});
    }
}

TEST_CASE("registration fields of the wrong type and unknown keys are named exactly", "[json_codec][registration]") {
    CHECK(fields_of(server::registration_input_from(
              json{{"first_name", 42}, {"email", json::array({"a@example.org"})}, {"password", "x"}})) ==
          problems{{"first_name", field_problem::invalid_value},
                   {"email", field_problem::invalid_value},
                   {"password", field_problem::not_allowed}});
}

TEST_CASE("a form post becomes a registration input", "[json_codec][registration]") {
    auto body = server::body_object(post("application/x-www-form-urlencoded",
                                         "first_name=Anna&last_name=Muster&email=anna%40example.org&company=&"
                                         "privacy_consent=on&website="),
                                    true);
    REQUIRE(body.ok());
    auto r = server::registration_input_from(*body);
    REQUIRE(r.ok());
    CHECK(r->first_name == "Anna");
    CHECK(r->email == "anna@example.org");
    CHECK(r->company.empty());
    CHECK(r->privacy_consent);
}
