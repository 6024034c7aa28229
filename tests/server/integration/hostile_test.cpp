// Issue 4, hostile input end to end: every case gets a clear 4xx JSON error with the exact status and error code,
// changes nothing (the public seminar list and the organiser's registration list are compared before and after), and
// the server keeps serving (a /healthz after each batch). Then slowloris at scale: hundreds of connections trickling
// their headers cannot starve a normal client and are all cut off after the header timeout.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace seminard::testing;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

const std::string slug = "hostile-input";
const std::string public_url = "https://seminare.example.org";
const header_list as_json{{"Content-Type", "application/json"}};
const header_list as_form{{"Content-Type", "application/x-www-form-urlencoded"}};

/// Field length limits in code points, as in domain/validation.hpp `limits` and docs/api.md.
constexpr std::size_t person_name_limit = 100;
constexpr std::size_t email_limit = 254;
constexpr std::size_t company_limit = 200;
constexpr std::size_t job_title_limit = 150;
constexpr std::size_t phone_limit = 40;
/// The default request body limit (docs/api.md, "Connection-level behaviour").
constexpr std::size_t body_limit = 65536;

header_list with(header_list a, const header_list& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// The server must still answer normally after whatever a batch did to it.
void require_serving(std::uint16_t port) {
    http_client c{port};
    auto r = c.get("/healthz");
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("status") == "ok");
}

/// An error answer with exactly this status and machine code, as JSON.
void require_error(const http_reply& r, int status, const std::string& code) {
    INFO("answer: " << r.status << " " << r.body);
    REQUIRE(r.status == status);
    REQUIRE(r.header("Content-Type").rfind("application/json", 0) == 0);
    auto j = r.json();
    REQUIRE(j.at("error") == code);
    REQUIRE(j.at("message").is_string());
}

/// A 422 that names exactly one field, with this problem code.
void require_field(const http_reply& r, const std::string& field, const std::string& code) {
    require_error(r, 422, "invalid_fields");
    const auto answer = r.json();
    const auto& fields = answer.at("fields");
    INFO("fields: " << fields.dump());
    REQUIRE(fields.size() == 1);
    REQUIRE(fields.contains(field));
    REQUIRE(fields.at(field).at("code") == code);
}

/// Everything a hostile request could change: every seminar with its dates and seat counts (public list) and every
/// registration of the date (organiser list).
json snapshot(http_client& c, std::int64_t date_id) {
    auto seminars = c.get("/api/v1/seminars");
    REQUIRE(seminars.status == 200);
    json registrations = json::array();
    for (auto& item : list_registrations(c, date_id)) registrations.push_back(item);
    return {{"seminars", seminars.json()}, {"registrations", registrations}};
}

/// A server with one seminar, one open date and one confirmed registration, and the state to compare against.
struct fixture {
    explicit fixture(std::vector<std::string> args = {}) : server{with_args(std::move(args))}, c{server.port()} {
        date_id = seminar_with_date(c, slug, 10, true);
        auto r = register_json(c, date_id, person("existing@example.org"));
        REQUIRE(r.status == 201);
        before = snapshot(c, date_id);
    }
    std::uint16_t port() const { return server.port(); }
    std::string registrations() const { return registrations_path(date_id); }
    /// Nothing changed and the server still answers.
    void require_unchanged() {
        REQUIRE(snapshot(c, date_id) == before);
        require_serving(server.port());
    }

    server_process server;
    http_client c;
    std::int64_t date_id = 0;
    json before;
};

/// What came back on a raw connection: the responses in it (if any) and whether the server then closed.
struct raw_outcome {
    int status = 0;  ///< of the first response; 0: no answer at all
    json body;       ///< of the first response
    int responses = 0;
    bool closed = false;
    std::string bytes;
};

/// Splits raw bytes into responses (each framed by Content-Length, as all of ours are).
void parse_responses(raw_outcome& out) {
    std::size_t pos = 0;
    while (out.bytes.compare(pos, 9, "HTTP/1.1 ") == 0 && out.bytes.size() >= pos + 12) {
        const auto end = out.bytes.find("\r\n\r\n", pos);
        if (end == std::string::npos) return;
        const auto head = out.bytes.substr(pos, end - pos);
        std::size_t length = 0;
        if (auto cl = head.find("\r\nContent-Length: "); cl != std::string::npos)
            length = std::stoul(head.substr(cl + 18));
        if (++out.responses == 1) {
            out.status = std::stoi(out.bytes.substr(pos + 9, 3));
            out.body = json::parse(out.bytes.substr(end + 4, length), nullptr, false);
        }
        pos = end + 4 + length;
    }
}

/// Sends raw bytes on a fresh connection, optionally half-closes, and reads until the server closes (or 5 s).
raw_outcome exchange_raw(std::uint16_t port, std::string_view bytes, bool shutdown_write = false) {
    tcp_connection conn{port};
    conn.send(bytes);
    if (shutdown_write) conn.shutdown_write();
    raw_outcome out;
    out.bytes = conn.read_until_closed(5s, &out.closed);
    parse_responses(out);
    return out;
}

/// A registration body that would be accepted, so that a refused request provably stored nothing.
std::string valid_registration(const std::string& email) { return person(email).dump(); }

std::string hex(std::size_t n) {
    std::ostringstream s;
    s << std::hex << n;
    return s.str();
}

/// Raw request head for a POST with these extra header lines (each ending in CRLF) and no framing of its own.
std::string post_head(std::uint16_t port, const std::string& target, const std::string& extra) {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nContent-Type: application/json\r\n" + extra + "\r\n";
}

/// A registration form that would be accepted, with one field set (replaced or added).
std::string form_with(const std::string& field, const std::string& value) {
    header_list form{
        {"first_name", "Erika"}, {"last_name", "Mustermann"}, {"email", "form@example.org"}, {"privacy_consent", "on"}};
    auto it = std::find_if(form.begin(), form.end(), [&](const auto& kv) { return kv.first == field; });
    if (it != form.end())
        it->second = value;
    else
        form.emplace_back(field, value);
    return form_encode(form);
}

/// n copies of a two-byte code point.
std::string umlauts(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "ä";
    return s;
}

/// The soft limit on open files, raised to the hard limit (the server, forked later, inherits it).
rlim_t raise_fd_limit() {
    rlimit lim{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &lim) == 0);
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lim) == 0);
    }
    return lim.rlim_cur;
}

/// The soft "Max open files" of a running process, from /proc.
long open_files_limit(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Max open files", 0) != 0) continue;
        std::istringstream fields(line.substr(std::string{"Max open files"}.size()));
        std::string soft;
        fields >> soft;
        return soft == "unlimited" ? std::numeric_limits<long>::max() : std::stol(soft);
    }
    return -1;
}

}  // namespace

TEST_CASE("malformed JSON is a 400 bad_request on every JSON route and changes nothing") {
    fixture f;
    const header_list auth_json = with(organiser(), as_json);
    const std::string patch_date = "/api/v1/dates/" + std::to_string(f.date_id);
    const std::vector<std::string> bodies = {
        "",                                                 // empty with a JSON content type
        "{\"first_name\": \"Erika\", \"last_name\": \"M",   // truncated inside a string
        "{\"first_name\": \"Erika\",",                      // truncated after a comma
        valid_registration("trailing@example.org") + " }",  // trailing garbage
        valid_registration("twice@example.org") + "{}",     // two documents
        "{\"capacity\": NaN}",                              // NaN is not JSON
        "{\"capacity\": Infinity}",                         // nor is Infinity
        "{\"capacity\": -}",                                // a sign without digits
        "{\"capacity\": 012}",                              // leading zero
        "{\"capacity\": 1e400}",                            // a number no double can hold
        "{'first_name': 'Erika'}",                          // single quotes
        "{\"first_name\": \"Erika\",}",                     // trailing comma
        "{\"first_name\": \"Erika\" /* comment */}",        // comments
        "{\"first_name\": \"Er\nika\"}",                    // raw control character in a string
        "{\"first_name\": \"\\x41\"}",                      // unknown escape
        std::string(1000, '[') + std::string(1000, ']'),    // deep nesting, and not an object
        "{\"a\":" + std::string(20000, '['),                // deep nesting, never closed
    };
    for (const auto& body : bodies) {
        CAPTURE(body.substr(0, 80));
        require_error(f.c.request("POST", f.registrations(), body, as_json), 400, "bad_request");
        require_error(f.c.request("POST", "/api/v1/seminars", body, auth_json), 400, "bad_request");
        require_error(f.c.request("POST", "/api/v1/seminars/" + slug + "/dates", body, auth_json), 400, "bad_request");
        require_error(f.c.request("PATCH", patch_date, body, auth_json), 400, "bad_request");
        require_error(f.c.request("PATCH", "/api/v1/seminars/" + slug, body, auth_json), 400, "bad_request");
    }
    f.require_unchanged();
}

TEST_CASE("a JSON object with a duplicate key is a 400 bad_request, never silently first- or last-wins") {
    // RFC 8259 leaves duplicate names to the implementation and I-JSON (RFC 7493) forbids them. Parsers disagree on
    // which value counts, so a proxy or WAF can see "false" where we see "true": refuse the ambiguity.
    fixture f;
    const std::vector<std::string> bodies = {
        R"({"first_name":"Erika","last_name":"Mustermann","email":"dup1@example.org",)"
        R"("privacy_consent":false,"privacy_consent":true})",
        R"({"first_name":"Erika","last_name":"Mustermann","email":"dup2@example.org",)"
        R"("email":"dup3@example.org","privacy_consent":true})",
    };
    for (const auto& body : bodies) {
        CAPTURE(body);
        require_error(f.c.request("POST", f.registrations(), body, as_json), 400, "bad_request");
    }
    auto seminar = seminar_body("dup-slug").dump();
    seminar.back() = ',';
    seminar += R"("slug":"dup-slug-two"})";
    require_error(f.c.request("POST", "/api/v1/seminars", seminar, with(organiser(), as_json)), 400, "bad_request");
    f.require_unchanged();
}

TEST_CASE("a JSON body that is not an object is a 400, a field of the wrong type or range a 422 invalid_value") {
    fixture f;
    const header_list auth_json = with(organiser(), as_json);
    SECTION("the body is an array, a string, a number, a boolean or null") {
        for (std::string body : {"[]", "[{\"first_name\":\"Erika\"}]", "\"text\"", "42", "-1.5e3", "true", "null"}) {
            CAPTURE(body);
            require_error(f.c.request("POST", f.registrations(), body, as_json), 400, "bad_request");
            require_error(f.c.request("POST", "/api/v1/seminars", body, auth_json), 400, "bad_request");
            require_error(
                f.c.request("POST", "/api/v1/seminars/" + slug + "/dates", body, auth_json), 400, "bad_request");
        }
    }
    SECTION("attendee fields hold objects, arrays, numbers or booleans where strings belong") {
        for (const char* field : {"first_name", "last_name", "email", "company", "job_title", "phone"}) {
            for (const json& value : {json{{"nested", "Erika"}}, json::array({"Erika"}), json(42), json(true)}) {
                CAPTURE(field, value.dump());
                auto body = person("typed@example.org");
                body[field] = value;
                require_field(register_json(f.c, f.date_id, body), field, "invalid_value");
            }
        }
        for (const json& value : {json(1), json(0.5), json::object(), json::array({true}), json("maybe")}) {
            CAPTURE(value.dump());
            auto body = person("consent@example.org");
            body["privacy_consent"] = value;
            require_field(register_json(f.c, f.date_id, body), "privacy_consent", "invalid_value");
        }
    }
    SECTION("capacity is huge, negative, zero, fractional or not a number") {
        // Literal texts, so the numbers reach the server exactly as written.
        for (std::string capacity : {"100001",
                                     "2147483648",
                                     "9223372036854775807",
                                     "9223372036854775808",
                                     "18446744073709551616",
                                     "1e30",
                                     "-1",
                                     "-9223372036854775809",
                                     "0",
                                     "1.5",
                                     "12.0",
                                     "\"12\"",
                                     "[12]",
                                     "{\"value\":12}",
                                     "true"}) {
            CAPTURE(capacity);
            auto body = date_body(5, false).dump();
            body = std::regex_replace(body, std::regex{"\"capacity\":5"}, "\"capacity\":" + capacity);
            require_field(f.c.request("POST", "/api/v1/seminars/" + slug + "/dates", body, auth_json),
                          "capacity",
                          "invalid_value");
            auto patch = f.c.request(
                "PATCH", "/api/v1/dates/" + std::to_string(f.date_id), "{\"capacity\":" + capacity + "}", auth_json);
            require_field(patch, "capacity", "invalid_value");
        }
    }
    SECTION("price_cents is huge, negative, fractional or not a number") {
        for (std::string price : {"10000000001",
                                  "9223372036854775807",
                                  "9223372036854775808",
                                  "18446744073709551616",
                                  "1e20",
                                  "-1",
                                  "-9223372036854775808",
                                  "149000.5",
                                  "\"149000\"",
                                  "{\"cents\":1}",
                                  "[1]",
                                  "false"}) {
            CAPTURE(price);
            auto body = seminar_body("price-" + std::to_string(price.size())).dump();
            body = std::regex_replace(body, std::regex{"\"price_cents\":149000"}, "\"price_cents\":" + price);
            require_field(f.c.request("POST", "/api/v1/seminars", body, auth_json), "price_cents", "invalid_value");
            require_field(
                f.c.request("PATCH", "/api/v1/seminars/" + slug, "{\"price_cents\":" + price + "}", auth_json),
                "price_cents",
                "invalid_value");
        }
    }
    SECTION("a value nested 30000 deep where a string belongs") {
        const std::string deep = std::string(30000, '[') + std::string(30000, ']');
        auto body = person("deep@example.org").dump();
        body = std::regex_replace(body, std::regex{"\"first_name\":\"Erika\""}, "\"first_name\":" + deep);
        REQUIRE(body.size() < body_limit);
        require_field(f.c.request("POST", f.registrations(), body, as_json), "first_name", "invalid_value");
    }
    SECTION("days is not a list of day objects") {
        for (const json& days : {json("2027-01-27"), json::object(), json(3), json::array({"2027-01-27"})}) {
            CAPTURE(days.dump());
            auto body = date_body(5, false);
            body["days"] = days;
            auto r = f.c.post_json("/api/v1/seminars/" + slug + "/dates", body, organiser());
            require_error(r, 422, "invalid_fields");
            auto fields = r.json().at("fields");
            REQUIRE(fields.size() == 1);
            REQUIRE(fields.begin().value().at("code") == "invalid_value");
        }
    }
    f.require_unchanged();
}

TEST_CASE("invalid UTF-8 in a JSON string or a form field is a 400 bad_request and stores nothing") {
    fixture f;
    // 0xC3 0x28: a lead byte without its continuation; 0xC0 0xAF: overlong "/"; 0xED 0xA0 0x80: an encoded
    // surrogate; 0xF5: beyond U+10FFFF; 0xFF: never valid; a lead byte cut off at the end of the string.
    const std::vector<std::string> bad = {
        "\xC3\x28"s, "\xC0\xAF"s, "\xED\xA0\x80"s, "\xF5\x80\x80\x80"s, "\xFF"s, "\xE2\x82"s};
    SECTION("raw bytes in a JSON string value and key") {
        for (const auto& bytes : bad) {
            CAPTURE(bytes);
            const std::string value_body = R"({"first_name":"Er)" + bytes +
                                           R"(ika","last_name":"Mustermann","email":"utf8@example.org",)"
                                           R"("privacy_consent":true})";
            require_error(f.c.request("POST", f.registrations(), value_body, as_json), 400, "bad_request");
            const std::string key_body = R"({"first_name":"Erika","last_name":"Mustermann","email":"utf8@example.org",)"
                                         R"("privacy_consent":true,"x)" +
                                         bytes + R"(":"1"})";
            require_error(f.c.request("POST", f.registrations(), key_body, as_json), 400, "bad_request");
        }
    }
    SECTION("lone surrogate escapes in JSON") {
        for (std::string escape : {R"(\ud800)", R"(\udc00)", R"(\ud800\u0041)", R"(\udbff\udbff)", R"(\ud800x)"}) {
            CAPTURE(escape);
            const std::string body = R"({"first_name":"Er)" + escape +
                                     R"(ika","last_name":"Mustermann","email":"utf8@example.org",)"
                                     R"("privacy_consent":true})";
            require_error(f.c.request("POST", f.registrations(), body, as_json), 400, "bad_request");
            const std::string seminar = R"({"slug":"surrogate","title":"T)" + escape +
                                        R"(","organizer_name":"O","organizer_email":"o@example.org"})";
            require_error(
                f.c.request("POST", "/api/v1/seminars", seminar, with(organiser(), as_json)), 400, "bad_request");
        }
    }
    SECTION("percent-encoded and raw bytes in a form field value and name") {
        const std::string rest = "&last_name=Mustermann&email=form-utf8%40example.org&privacy_consent=on";
        for (std::string encoded : {"%C3%28", "%C0%AF", "%ED%A0%80", "%F5%80%80%80", "%FF", "%E2%82"}) {
            CAPTURE(encoded);
            require_error(f.c.request("POST", f.registrations(), "first_name=Er" + encoded + "ika" + rest, as_form),
                          400,
                          "bad_request");
            require_error(
                f.c.request("POST", f.registrations(), "first_name=Erika" + rest + "&x" + encoded + "=1", as_form),
                400,
                "bad_request");
        }
        for (const auto& bytes : bad) {
            CAPTURE(bytes);
            require_error(f.c.request("POST", f.registrations(), "first_name=Er" + bytes + "ika" + rest, as_form),
                          400,
                          "bad_request");
        }
    }
    f.require_unchanged();
}

TEST_CASE("each attendee field one code point over its limit is a 422 too_long for exactly that field") {
    fixture f;
    // Over the limit by one code point; the names use two-byte code points, so counting bytes would fail early.
    const std::vector<std::pair<std::string, std::string>> over = {
        {"first_name", umlauts(person_name_limit + 1)},
        {"last_name", umlauts(person_name_limit + 1)},
        {"email", std::string(email_limit + 1 - std::string{"@example.org"}.size(), 'a') + "@example.org"},
        {"company", umlauts(company_limit + 1)},
        {"job_title", umlauts(job_title_limit + 1)},
        {"phone", std::string(phone_limit + 1, '1')},
    };
    for (const auto& [field, value] : over) {
        CAPTURE(field);
        auto body = person("limits@example.org");
        body[field] = value;
        require_field(register_json(f.c, f.date_id, body), field, "too_long");
        require_field(f.c.request("POST", f.registrations(), form_with(field, value), as_form), field, "too_long");
    }
    f.require_unchanged();

    // Exactly at every limit is accepted: the limits count code points and are not off by one.
    auto at_limit = person("x@example.org");
    at_limit["first_name"] = umlauts(person_name_limit);
    at_limit["last_name"] = umlauts(person_name_limit);
    at_limit["email"] = std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                        std::string(email_limit - 64 - 1 - 63 - 1 - 63 - 1 - 4, 'd') + ".org";
    REQUIRE(at_limit["email"].get<std::string>().size() == email_limit);
    at_limit["company"] = umlauts(company_limit);
    at_limit["job_title"] = umlauts(job_title_limit);
    at_limit["phone"] = std::string(phone_limit, '1');
    auto accepted = register_json(f.c, f.date_id, at_limit);
    INFO(accepted.body);
    REQUIRE(accepted.status == 201);
}

TEST_CASE("a 60 KiB field under the 64 KiB body limit is a 422 too_long, not a 413") {
    fixture f;
    const std::string huge(60 * 1024, 'x');
    for (const char* field : {"first_name", "last_name", "email", "company", "job_title", "phone"}) {
        CAPTURE(field);
        auto body = person("huge@example.org");
        body[field] = huge;
        require_field(register_json(f.c, f.date_id, body), field, "too_long");
        require_field(f.c.request("POST", f.registrations(), form_with(field, huge), as_form), field, "too_long");
    }
    auto description = f.c.patch_json("/api/v1/seminars/" + slug, {{"description", huge}}, organiser());
    require_field(description, "description", "too_long");
    auto title = f.c.patch_json("/api/v1/seminars/" + slug, {{"title", huge}}, organiser());
    require_field(title, "title", "too_long");
    f.require_unchanged();
}

TEST_CASE("a body one byte over the default 64 KiB limit is a 413 with or without Content-Length") {
    fixture f;
    // A registration body of exactly `size` bytes whose company is far too long.
    auto body_of_size = [](std::size_t size) {
        auto body = person("big@example.org");
        body["company"] = "";
        const auto base = body.dump().size();
        body["company"] = std::string(size - base, 'x');
        auto text = body.dump();
        REQUIRE(text.size() == size);
        return text;
    };
    const auto at_limit = body_of_size(body_limit);
    const auto over_limit = body_of_size(body_limit + 1);

    SECTION("exactly at the limit the body is read and validated") {
        require_field(f.c.request("POST", f.registrations(), at_limit, as_json), "company", "too_long");
    }
    SECTION("announced by Content-Length") {
        tcp_connection conn{f.port()};
        conn.send(format_request("POST", f.registrations(), over_limit, as_json, f.port()));
        auto r = conn.read_response();
        require_error(r, 413, "payload_too_large");
        REQUIRE(r.header("Connection") == "close");
        REQUIRE(conn.wait_closed(5s));
    }
    SECTION("announced by Content-Length but never sent: refused as soon as the header is in") {
        tcp_connection conn{f.port()};
        conn.send(post_head(f.port(), f.registrations(), "Content-Length: " + std::to_string(body_limit + 1) + "\r\n"));
        require_error(conn.read_response(3s), 413, "payload_too_large");
    }
    SECTION("an absurd Content-Length on an organiser route") {
        tcp_connection conn{f.port()};
        conn.send("POST /api/v1/seminars HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "s + test_admin_token +
                  "\r\nContent-Type: application/json\r\nContent-Length: 18446744073709551615\r\n\r\n");
        require_error(conn.read_response(3s), 413, "payload_too_large");
    }
    SECTION("sent chunked, without Content-Length") {
        std::string chunked;
        for (std::size_t i = 0; i < over_limit.size(); i += 8192) {
            auto part = over_limit.substr(i, 8192);
            chunked += hex(part.size()) + "\r\n" + part + "\r\n";
        }
        chunked += "0\r\n\r\n";
        tcp_connection conn{f.port()};
        conn.send(post_head(f.port(), f.registrations(), "Transfer-Encoding: chunked\r\n") + chunked);
        require_error(conn.read_response(), 413, "payload_too_large");
    }
    SECTION("a single chunk that declares more than the limit") {
        tcp_connection conn{f.port()};
        conn.send(post_head(f.port(), f.registrations(), "Transfer-Encoding: chunked\r\n") + hex(body_limit + 1) +
                  "\r\n{");
        require_error(conn.read_response(3s), 413, "payload_too_large");
    }
    f.require_unchanged();
}

TEST_CASE("a body in an unknown content type is a 415 on public and organiser routes") {
    fixture f;
    const auto form = form_encode({{"first_name", "Erika"},
                                   {"last_name", "Mustermann"},
                                   {"email", "type@example.org"},
                                   {"privacy_consent", "on"}});
    const auto json_body = valid_registration("type@example.org");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"text/plain", form},
        {"text/plain; charset=utf-8", json_body},
        {"multipart/form-data; boundary=XyZ",
         "--XyZ\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\nErika\r\n--XyZ--\r\n"},
        {"application/xml", "<registration><first_name>Erika</first_name></registration>"},
        {"text/xml", "<registration/>"},
        {"application/json-patch+json", json_body},
        {"application/jsonx", json_body},
        {"text/html", json_body},
        {"application/octet-stream", json_body},
    };
    for (const auto& [type, body] : cases) {
        CAPTURE(type);
        require_error(
            f.c.request("POST", f.registrations(), body, {{"Content-Type", type}}), 415, "unsupported_media_type");
        require_error(f.c.request("POST", "/api/v1/seminars", body, with(organiser(), {{"Content-Type", type}})),
                      415,
                      "unsupported_media_type");
        require_error(f.c.request("PATCH",
                                  "/api/v1/dates/" + std::to_string(f.date_id),
                                  R"({"capacity":50})",
                                  with(organiser(), {{"Content-Type", type}})),
                      415,
                      "unsupported_media_type");
    }
    // No Content-Type at all, and a body that does not look like JSON.
    require_error(f.c.request("POST", f.registrations(), form), 415, "unsupported_media_type");
    f.require_unchanged();
}

TEST_CASE("bad percent-encoding in the path, the query or a form body is a 400 bad_request") {
    fixture f;
    const auto id = std::to_string(f.date_id);
    SECTION("path") {
        for (std::string target : {"/api/v1/seminars/%",
                                   "/api/v1/seminars/abc%",
                                   "/api/v1/seminars/abc%4",
                                   "/api/v1/seminars/%G1",
                                   "/api/v1/seminars/%%41",
                                   "/api/v1/seminars/%u0041",
                                   "/api/v1/dates/%31%/calendar.ics",
                                   "/%/healthz"}) {
            CAPTURE(target);
            require_error(f.c.get(target), 400, "bad_request");
        }
        require_error(
            f.c.request(
                "POST", "/api/v1/dates/" + id + "%/registrations", valid_registration("p@example.org"), as_json),
            400,
            "bad_request");
    }
    SECTION("query") {
        for (std::string query : {"?lang=%", "?lang=%e", "?limit=%zz", "?x=1&%=2", "?status=%G0", "?a=%%"}) {
            CAPTURE(query);
            require_error(f.c.get("/api/v1/seminars" + query), 400, "bad_request");
            require_error(f.c.get(registrations_path(f.date_id) + query, organiser()), 400, "bad_request");
            require_error(
                f.c.request("POST", f.registrations() + query, valid_registration("query@example.org"), as_json),
                400,
                "bad_request");
        }
    }
    SECTION("form body") {
        const std::string rest = "last_name=Mustermann&email=form%40example.org&privacy_consent=on";
        for (std::string bad : {"first_name=%",
                                "first_name=Erika%",
                                "first_name=Erika%4",
                                "first_name=%zzErika",
                                "first_name=Erika&%=1",
                                "first_name=Er%%ika",
                                "first%_name=Erika"}) {
            CAPTURE(bad);
            require_error(f.c.request("POST", f.registrations(), bad + "&" + rest, as_form), 400, "bad_request");
            require_error(f.c.request("POST", f.registrations(), rest + "&" + bad, as_form), 400, "bad_request");
        }
    }
    f.require_unchanged();
}

TEST_CASE("path traversal attempts are a 400 or 404, never a file and never a 500") {
    fixture f;
    const auto id = std::to_string(f.date_id);
    const std::vector<std::string> targets = {
        "/api/v1/seminars/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/seminars/..%2f..%2fetc%2fpasswd",
        "/api/v1/seminars/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/../../etc/passwd",
        "/api/v1/../../../etc/passwd",
        "/api/v1/seminars/../../../../etc/passwd",
        "/api/v1/seminars/..",
        "/api/v1/seminars/%2e%2e",
        "/api/v1/seminars/.",
        "/api/v1/seminars/" + slug + "%00",
        "/api/v1/seminars/" + slug + "%00.json",
        "/etc/passwd%00/healthz",
        "/api/v1/seminars/..%252F..%252Fetc%252Fpasswd",
        "/api/v1/seminars/%252e%252e",
        "/api/v1/seminars/..%5C..%5Cetc%5Cpasswd",
        "/api/v1/seminars/..\\..\\etc\\passwd",
        "/api/v1/seminars/%C0%AE%C0%AE%C0%AFetc%C0%AFpasswd",
        "/api/v1/seminars/%C3%28",
        "/api/v1/dates/" + id + "/..%2F..%2Fregistrations.csv",
        "/api/v1/dates/" + id + "/../registrations.csv",
        "/api/v1/dates/..%2F" + id + "/calendar.ics",
        "/api/v1/dates/" + id + "%2F..%2F1/calendar.ics",
        "/api/v1/registrations/..%2F..%2F..%2Fetc%2Fpasswd/invite.ics",
        "/api/v1/registrations/" + std::string(22, '.') + "/invite.ics",
        "/api/v1/dates/-1",
        "/api/v1/dates/0",
        "/api/v1/dates/0" + id,
        "/api/v1/dates/1e3",
        "/api/v1/dates/99999999999999999999999999",
        "//etc/passwd",
        "/./healthz/..",
    };
    for (const auto& target : targets) {
        CAPTURE(target);
        for (const auto& headers : {header_list{}, organiser()}) {
            auto r = f.c.get(target, headers);
            INFO(r.status << " " << r.body);
            REQUIRE((r.status == 400 || r.status == 404));
            require_error(r, r.status, r.status == 400 ? "bad_request" : "not_found");
            REQUIRE(r.body.find("root:") == std::string::npos);
        }
    }
    f.require_unchanged();
}

TEST_CASE("nothing a client sends reaches Location or Content-Disposition raw") {
    fixture f{{"--public-url", public_url}};
    const header_list auth_json = with(organiser(), as_json);
    const std::regex safe_location{
        "^https://seminare\\.example\\.org(/api/v1)?/registrations/[A-Za-z0-9_-]{28}(\\?lang=en)?$"};
    const std::regex safe_disposition{"^attachment; filename=\"[a-z0-9-]+(-[0-9A-Z-]+)?\\.(csv|ics)\"$"};
    auto require_not_injected = [](const http_reply& r) {
        INFO(r.status << " " << r.body);
        REQUIRE_FALSE(r.has_header("X-Injected"));
        for (const auto& [name, value] : r.headers) {
            CAPTURE(name, value);
            REQUIRE(value.find_first_of("\r\n") == std::string::npos);
        }
    };

    SECTION("a slug with CR/LF or quotes is refused when a seminar is created or renamed") {
        for (std::string bad : {"a\r\nX-Injected: 1",
                                "a\nX-Injected: 1",
                                "a\rb",
                                "a\"b",
                                "a\";x=\"b",
                                "a b",
                                "a%0d%0ab",
                                "a/../b",
                                "a\\b",
                                "A-B",
                                "a\tb",
                                "a\x7f"
                                "b"}) {
            CAPTURE(bad);
            auto create = f.c.post_json("/api/v1/seminars", seminar_body(bad), organiser());
            require_field(create, "slug", "invalid_format");
            require_not_injected(create);
            auto rename = f.c.patch_json("/api/v1/seminars/" + slug, {{"slug", bad}}, organiser());
            require_field(rename, "slug", "invalid_format");
        }
        f.require_unchanged();
    }
    SECTION("attendee names with CR/LF are refused") {
        for (const char* field : {"first_name", "last_name", "company", "job_title"}) {
            CAPTURE(field);
            auto body = person("crlf@example.org");
            body[field] = "Erika\r\nX-Injected: 1";
            auto r = register_json(f.c, f.date_id, body);
            require_field(r, field, "invalid_format");
            require_not_injected(r);
        }
        auto email = person("crlf@example.org\r\nX-Injected: 1");
        require_field(register_json(f.c, f.date_id, email), "email", "invalid_format");
        f.require_unchanged();
    }
    SECTION("a hostile slug in the path of the seminar export or page is a 404 without echo") {
        for (std::string path : {"/api/v1/seminars/a%0D%0AX-Injected:%201/registrations.csv",
                                 "/api/v1/seminars/a%22%3B%20filename%3D%22evil.exe/registrations.csv",
                                 "/api/v1/seminars/a%0D%0AX-Injected:%201",
                                 "/api/v1/registrations/a%0D%0AX-Injected:%201xxxxxxxxxxxx/invite.ics"}) {
            CAPTURE(path);
            auto r = f.c.get(path, organiser());
            require_error(r, 404, "not_found");
            require_not_injected(r);
            REQUIRE_FALSE(r.has_header("Content-Disposition"));
        }
        f.require_unchanged();
    }
    SECTION("the Location of a registration and the file names of its exports hold only our own alphabet") {
        auto body = person("quoted@example.org");
        body["first_name"] = "Erika \"; filename=evil.exe";
        body["company"] = "=HYPERLINK(\"x\"); attachment";
        auto created = f.c.request("POST", f.registrations() + "?lang=en%0D%0AX-Injected:%201", body.dump(), as_json);
        INFO(created.body);
        REQUIRE(created.status == 201);
        require_not_injected(created);
        REQUIRE(std::regex_match(created.header("Location"), safe_location));
        const auto token = created.json().at("token").get<std::string>();

        // A browser form post is redirected; the hostile lang parameter is not copied into the Location.
        auto redirected = f.c.request("POST",
                                      f.registrations() + "?lang=en%0D%0AX-Injected:%201",
                                      form_encode({{"first_name", "Erika"},
                                                   {"last_name", "Mustermann"},
                                                   {"email", "form.crlf@example.org"},
                                                   {"privacy_consent", "on"}}),
                                      with(as_form, {{"Accept", "text/html"}}));
        REQUIRE(redirected.status == 303);
        require_not_injected(redirected);
        REQUIRE(std::regex_match(redirected.header("Location"), safe_location));

        const auto id = std::to_string(f.date_id);
        for (std::string target : {"/api/v1/dates/" + id + "/registrations.csv?dialect=excel",
                                   "/api/v1/seminars/" + slug + "/registrations.csv",
                                   "/api/v1/dates/" + id + "/calendar.ics",
                                   "/api/v1/registrations/" + token + "/invite.ics"}) {
            CAPTURE(target);
            auto r = f.c.get(target, organiser());
            REQUIRE(r.status == 200);
            require_not_injected(r);
            REQUIRE(std::regex_match(r.header("Content-Disposition"), safe_disposition));
        }
        require_serving(f.port());
    }
    SECTION("a hostile Host header does not change the links") {
        fixture plain;  // no --public-url: links use the listening address, never the request's Host
        const auto port = std::to_string(plain.port());
        const auto body = valid_registration("host@example.org");
        auto out = exchange_raw(plain.port(),
                                "POST " + plain.registrations() +
                                    " HTTP/1.1\r\nHost: evil.example.net\r\nContent-Type: application/json\r\n"
                                    "Connection: close\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body);
        INFO(out.bytes);
        REQUIRE(out.status == 201);
        REQUIRE(out.bytes.find("evil.example.net") == std::string::npos);
        REQUIRE(out.bytes.find("Location: http://127.0.0.1:" + port + "/api/v1/registrations/") != std::string::npos);
    }
}

TEST_CASE("too many header lines or one huge header line get a 431 header_too_large") {
    fixture f;
    const auto body = valid_registration("headers@example.org");
    const auto request_with = [&](const std::string& extra) {
        return "POST " + f.registrations() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
               extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    // Well over the limit: in a burst the server admits a few KiB beyond 16 KiB (the first piece it parses is not
    // counted), so sizes near the limit would test that slack rather than the limit.
    std::string many;
    for (int i = 0; i < 3000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    std::string empty_values;
    for (int i = 0; i < 10000; ++i) empty_values += "A:\r\n";
    for (const auto& extra : {many,
                              empty_values,
                              "Cookie: " + std::string(17000, 'c') + "\r\n",
                              "X-Folded: a\r\n" + std::string(17000, ' ') + "\r\n"}) {
        CAPTURE(extra.size());
        auto out = exchange_raw(f.port(), request_with(extra));
        INFO(out.bytes.substr(0, 300));
        REQUIRE(out.status == 431);
        REQUIRE(out.body.at("error") == "header_too_large");
        REQUIRE(out.closed);
    }
    // Just under the header limit is fine: the limit is about size, not about having many headers.
    std::string under;
    for (int i = 0; i < 1000; ++i) under += "X-H" + std::to_string(i) + ": v\r\n";
    REQUIRE(under.size() < 15000);
    tcp_connection conn{f.port()};
    conn.send("GET /healthz HTTP/1.1\r\nHost: x\r\n" + under + "\r\n");
    REQUIRE(conn.read_response().status == 200);
    f.require_unchanged();
}

TEST_CASE("invalid chunked encoding is a 400 bad_request that closes the connection and stores nothing") {
    fixture f;
    const auto body = valid_registration("chunked@example.org");
    const auto head = post_head(f.port(), f.registrations(), "Transfer-Encoding: chunked\r\n");
    const auto n = body.size();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"size is not hex", head + "1g\r\n" + body + "\r\n0\r\n\r\n"},
        {"size with 0x prefix", head + "0x" + hex(n) + "\r\n" + body + "\r\n0\r\n\r\n"},
        {"negative size", head + "-" + hex(n) + "\r\n" + body + "\r\n0\r\n\r\n"},
        {"size overflows 64 bits", head + "1" + std::string(16, '0') + hex(n) + "\r\n" + body + "\r\n0\r\n\r\n"},
        {"empty size line", head + "\r\n" + body + "\r\n0\r\n\r\n"},
        {"no CRLF after the data", head + hex(n) + "\r\n" + body + "0\r\n\r\n"},
        {"chunk larger than declared", head + hex(n - 5) + "\r\n" + body + "\r\n0\r\n\r\n"},
        {"garbage instead of the last chunk", head + hex(n) + "\r\n" + body + "\r\nEND\r\n\r\n"},
        {"bad trailer", head + hex(n) + "\r\n" + body + "\r\n0\r\nno colon\r\n\r\n"},
        {"chunked and Content-Length together",
         post_head(f.port(),
                   f.registrations(),
                   "Transfer-Encoding: chunked\r\nContent-Length: " + std::to_string(n + 20) + "\r\n") +
             hex(n) + "\r\n" + body + "\r\n0\r\n\r\n"},
        {"chunked is not the final encoding",
         post_head(f.port(), f.registrations(), "Transfer-Encoding: chunked, gzip\r\n") + hex(n) + "\r\n" + body +
             "\r\n0\r\n\r\n"},
    };
    for (const auto& [what, request] : cases) {
        CAPTURE(what);
        auto out = exchange_raw(f.port(), request);
        INFO(out.bytes);
        REQUIRE(out.status == 400);
        REQUIRE(out.body.at("error") == "bad_request");
        REQUIRE(out.responses == 1);  // the body was not read as a second request
        REQUIRE(out.closed);
    }
    // Cut off before the last chunk: no answer, or a 400, and nothing stored either way.
    auto cut = exchange_raw(f.port(), head + hex(n) + "\r\n" + body + "\r\n", true);
    REQUIRE(cut.closed);
    if (cut.status != 0) REQUIRE(cut.status == 400);
    f.require_unchanged();
}

TEST_CASE("a Transfer-Encoding that does not end in chunked cannot smuggle a second request") {
    // RFC 9112 6.3: a request whose Transfer-Encoding does not end in chunked has no reliable length; the server MUST
    // answer 400 and close. Reading it as "no body" would run the body as a second, unseen request.
    fixture f;
    const auto smuggled_body = valid_registration("smuggled@example.org");
    const auto smuggled = "POST " + f.registrations() +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(smuggled_body.size()) + "\r\n\r\n" + smuggled_body;
    for (std::string encoding : {"gzip", "chunked, gzip", "identity", "xchunked", "chunked;q=1"}) {
        CAPTURE(encoding);
        auto out = exchange_raw(f.port(),
                                post_head(f.port(), "/healthz", "Transfer-Encoding: " + encoding + "\r\n") + smuggled);
        INFO(out.bytes);
        REQUIRE(out.status == 400);
        REQUIRE(out.body.at("error") == "bad_request");
        REQUIRE(out.responses == 1);
        REQUIRE(out.closed);
    }
    f.require_unchanged();
}

TEST_CASE("the 16 KiB header limit holds for a header that arrives in many small pieces") {
    // The limit must count the whole header, not each read: otherwise a client that sends its header in pieces
    // below the limit makes the server buffer an unbounded header until the header timeout.
    fixture f;
    tcp_connection conn{f.port()};
    REQUIRE(conn.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    const std::string piece = [] {
        std::string p;
        for (int i = 0; p.size() < 2000; ++i)
            p += "X-Piece-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
        return p;
    }();
    std::size_t sent = 0;
    bool refused = false;
    // Up to 256 KiB in 2 KB pieces, 5 ms apart (about 0.7 s): far over the limit, well inside the header timeout.
    while (sent < 256 * 1024 && !refused) {
        if (!conn.send(piece) || conn.peer_closed()) {
            refused = true;
            break;
        }
        sent += piece.size();
        std::this_thread::sleep_for(5ms);
    }
    if (!refused) conn.send("\r\n");
    auto rest = conn.read_until_closed(5s);
    INFO("header bytes sent before the server reacted: " << sent);
    INFO(rest.substr(0, 300));
    REQUIRE(rest.rfind("HTTP/1.1 431 ", 0) == 0);
    REQUIRE(sent < 64 * 1024);
    f.require_unchanged();
}

TEST_CASE("a request without a Host header is answered by HTTP version: 1.0 served, 1.1 refused with 400") {
    fixture f;
    const auto body = valid_registration("nohost@example.org");
    // HTTP/1.0 has no Host requirement: it is served, and the links do not depend on it.
    auto old =
        exchange_raw(f.port(),
                     "POST " + f.registrations() + " HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
    INFO(old.bytes);
    REQUIRE(old.status == 201);
    REQUIRE(old.closed);
    const auto after_old = snapshot(f.c, f.date_id);
    REQUIRE(after_old.at("registrations").size() == f.before.at("registrations").size() + 1);

    // RFC 9112 3.2: a server MUST answer 400 to an HTTP/1.1 request without Host, or with more than one.
    const auto other = valid_registration("nohost11@example.org");
    for (std::string host_lines : {""s, "Host: a.example\r\nHost: b.example\r\n"s, "Host: a b\r\n"s}) {
        CAPTURE(host_lines);
        auto out =
            exchange_raw(f.port(),
                         "POST " + f.registrations() + " HTTP/1.1\r\n" + host_lines +
                             "Content-Type: application/json\r\nContent-Length: " + std::to_string(other.size()) +
                             "\r\n\r\n" + other);
        INFO(out.bytes);
        REQUIRE(out.status == 400);
        REQUIRE(out.body.at("error") == "bad_request");
    }
    REQUIRE(snapshot(f.c, f.date_id) == after_old);
    require_serving(f.port());
}

TEST_CASE("an absurd method or a 10 KB URL gets a JSON 4xx") {
    fixture f;
    SECTION("methods") {
        for (std::string method : {"FOO"s, "get"s, "BREW"s, "PROPFIND"s, std::string(10000, 'M')}) {
            CAPTURE(method.substr(0, 20));
            auto r = f.c.request(method, "/healthz");
            require_error(r, 405, "method_not_allowed");
            REQUIRE(r.header("Allow") == "GET, HEAD");
            auto on_registrations =
                f.c.request(method, f.registrations(), valid_registration("m@example.org"), as_json);
            require_error(on_registrations, 405, "method_not_allowed");
        }
        for (std::string request : {"G(T /healthz HTTP/1.1\r\nHost: x\r\n\r\n"s,
                                    "GET\x01 /healthz HTTP/1.1\r\nHost: x\r\n\r\n"s,
                                    "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n"s,
                                    "GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n"s,
                                    "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"s,
                                    "GET /healthz FTP/1.1\r\nHost: x\r\n\r\n"s,
                                    " GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"s}) {
            CAPTURE(request);
            auto out = exchange_raw(f.port(), request);
            INFO(out.bytes);
            REQUIRE(out.status == 400);
            REQUIRE(out.body.at("error") == "bad_request");
            REQUIRE(out.closed);
        }
        auto connect =
            exchange_raw(f.port(), "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n");
        INFO(connect.bytes);
        REQUIRE(connect.status == 400);
        REQUIRE(connect.body.at("error") == "bad_request");
    }
    SECTION("long URLs") {
        require_error(f.c.get("/api/v1/seminars/" + std::string(10000, 'a')), 404, "not_found");
        require_error(f.c.get("/api/v1/dates/" + std::string(10000, '9')), 404, "not_found");
        require_error(f.c.get("/api/v1/registrations/" + std::string(10000, 'A')), 404, "not_found");
        require_error(f.c.get("/" + std::string(10000, '%')), 400, "bad_request");
        require_error(
            f.c.request("POST",
                        "/api/v1/dates/" + std::to_string(f.date_id) + std::string(10000, '0') + "/registrations",
                        valid_registration("url@example.org"),
                        as_json),
            404,
            "not_found");
        std::string segments;
        for (int i = 0; i < 5000; ++i) segments += "/a";
        require_error(f.c.get(segments), 404, "not_found");
        // Over the 16 KiB request line + header limit.
        auto out = exchange_raw(f.port(), "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(out.status == 431);
        REQUIRE(out.body.at("error") == "header_too_large");
    }
    f.require_unchanged();
}

TEST_CASE("300 slowloris connections do not starve a normal client and are all cut off after the header timeout") {
    constexpr int slow_clients = 300;
    constexpr auto header_timeout = 2s;
    // 300 sockets here and 300 in the server, plus the database and a few more.
    const auto fd_limit = raise_fd_limit();
    INFO("RLIMIT_NOFILE soft limit " << fd_limit);
    REQUIRE(fd_limit >= 2 * slow_clients + 128);

    // All from 127.0.0.1, like the normal client: the per-client cap (hardening_test.cpp) would refuse the attacker's
    // connections beyond it, and the normal client's with them. This test is about the header timeout.
    server_process server{with_args({"--header-timeout", "2", "--max-connections-per-client", "0"})};
    REQUIRE(open_files_limit(server.pid()) >= slow_clients + 128);
    const auto port = server.port();
    std::int64_t date_id = 0;
    {
        http_client admin{port};
        date_id = seminar_with_date(admin, slug, 10, true);
    }

    const std::string header =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: " + std::string(200, 'x') + "\r\n\r\n";
    struct slow {
        std::unique_ptr<tcp_connection> conn;
        std::chrono::steady_clock::time_point first_byte;
        std::optional<std::chrono::steady_clock::time_point> closed_at;
        std::size_t sent = 0;
    };
    std::vector<slow> slows;
    slows.reserve(slow_clients);
    for (int i = 0; i < slow_clients; ++i) {
        slow s;
        s.conn = std::make_unique<tcp_connection>(port);
        s.first_byte = std::chrono::steady_clock::now();
        REQUIRE(s.conn->send(header.substr(0, 1)));
        s.sent = 1;
        slows.push_back(std::move(s));
    }
    const auto all_open = std::chrono::steady_clock::now();

    // While all 300 trickle, a normal client is answered promptly, on a fresh connection each time.
    auto timed = [](auto&& call) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = call();
        return std::pair{r, std::chrono::steady_clock::now() - t0};
    };
    int normal_rounds = 0;
    auto normal_client = [&](const std::string& email) {
        http_client c{port};
        auto [health, health_took] = timed([&] { return c.get("/healthz"); });
        REQUIRE(health.status == 200);
        REQUIRE(health_took < 1s);
        http_client r{port};
        auto [reg, reg_took] = timed([&] { return register_json(r, date_id, person(email)); });
        INFO(reg.body);
        REQUIRE(reg.status == 201);
        REQUIRE(reg_took < 1s);
        ++normal_rounds;
    };
    normal_client("normal.0@example.org");

    // One byte per second per connection, looking for closes every 50 ms; bounded by the timeout plus slack.
    const auto deadline = all_open + header_timeout + 4s;
    auto next_trickle = slows.front().first_byte + 1s;
    std::size_t open = slows.size();
    while (open > 0 && std::chrono::steady_clock::now() < deadline) {
        const auto now = std::chrono::steady_clock::now();
        const bool trickle = now >= next_trickle;
        if (trickle) next_trickle += 1s;
        for (auto& s : slows) {
            if (s.closed_at) continue;
            bool closed = s.conn->peer_closed();
            if (!closed && trickle && s.sent < header.size()) closed = !s.conn->send(header.substr(s.sent++, 1));
            if (closed) {
                s.closed_at = std::chrono::steady_clock::now();
                --open;
            }
        }
        if (normal_rounds == 1 && now - all_open > 1s && open == slows.size()) normal_client("normal.1@example.org");
        std::this_thread::sleep_for(50ms);
    }

    REQUIRE(normal_rounds == 2);  // the second round also ran while every slow connection was still open
    REQUIRE(open == 0);
    auto earliest = std::chrono::steady_clock::duration::max();
    auto latest = std::chrono::steady_clock::duration::zero();
    for (auto& s : slows) {
        const auto held = *s.closed_at - s.first_byte;
        earliest = std::min(earliest, held);
        latest = std::max(latest, held);
        // A cut-off slow client gets no answer at all.
        REQUIRE(s.conn->read_until_closed(10ms).empty());
    }
    INFO("held between " << std::chrono::duration_cast<std::chrono::milliseconds>(earliest).count() << " and "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(latest).count() << " ms");
    REQUIRE(earliest >= header_timeout - 300ms);  // cut off by the header timeout, not before
    REQUIRE(latest <= header_timeout + 1500ms);   // and not much after it
    REQUIRE(slows.front().sent < header.size());  // none of them ever finished its header

    require_serving(port);
    http_client c{port};
    REQUIRE(list_registrations(c, date_id).size() == 2);
}
