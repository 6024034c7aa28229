// Fuzzes the request-to-registration path: body decoding (JSON and form), registration_input_from and make_attendee,
// plus the percent-decoding and form parsing underneath, and json_text against dump(). Input: one byte choosing the
// content type, then the body.
#include "domain/text.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/http/form.hpp"
#include "server/http/http_types.hpp"
#include "server/http/json_text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace seminard;
using domain::errc;

/// Content types a client may send; the last ones must all be refused with 415.
constexpr std::array<std::string_view, 8> content_types = {"application/json",
                                                           "application/x-www-form-urlencoded",
                                                           "application/json; charset=utf-8",
                                                           "APPLICATION/X-WWW-FORM-URLENCODED ; charset=UTF-8",
                                                           "",
                                                           "text/plain",
                                                           "multipart/form-data; boundary=x",
                                                           "application/jsonx"};

bool single_line_ok(const std::string& v, std::size_t max_len) {
    return domain::valid_utf8(v) && !domain::has_control_chars(v, false) && domain::utf8_length(v) <= max_len &&
           v == domain::trim(v);
}

void check_attendee(const domain::attendee& a) {
    FUZZ_CHECK(single_line_ok(a.first_name, domain::limits::person_name) && !a.first_name.empty());
    FUZZ_CHECK(single_line_ok(a.last_name, domain::limits::person_name) && !a.last_name.empty());
    FUZZ_CHECK(single_line_ok(a.email, domain::limits::email) && domain::plausible_email(a.email));
    FUZZ_CHECK(single_line_ok(a.company, domain::limits::company));
    FUZZ_CHECK(single_line_ok(a.job_title, domain::limits::job_title));
    FUZZ_CHECK(single_line_ok(a.phone, domain::limits::phone));
    FUZZ_CHECK(std::all_of(a.phone.begin(), a.phone.end(), [](char c) {
        return (c >= '0' && c <= '9') || std::string_view{" +-/().", 7}.find(c) != std::string_view::npos;
    }));
}

/// An invalid_fields error must name at least one field; the server renders each.
void check_field_error(const domain::error& e) {
    FUZZ_CHECK(e.code == errc::invalid_fields);
    FUZZ_CHECK(!e.fields.empty());
}

void registration_path(const server::http_request& req, bool allow_form) {
    auto body = server::body_object(req, allow_form);
    if (!body) {
        FUZZ_CHECK(body.err().code == errc::bad_request || body.err().code == errc::unsupported_media_type);
        return;
    }
    FUZZ_CHECK(body->is_object());
    // Answers are written by json_text; it must give dump()'s bytes for whatever a body decodes to.
    FUZZ_CHECK(server::json_text(*body) == body->dump(-1, ' ', false, server::json::error_handler_t::replace));
    auto in = server::registration_input_from(*body);
    if (!in) return check_field_error(in.err());
    auto a = domain::make_attendee(*in);
    if (!a) return check_field_error(a.err());
    check_attendee(*a);

    // The organiser's side of the same decoder must hold up against the same bodies.
    if (auto s = server::seminar_input_from(*body); !s)
        check_field_error(s.err());
    else if (auto made = domain::make_seminar(*s); !made)
        check_field_error(made.err());
}

/// Form parsing: what parses survives an encode/parse round trip; decoding never grows the text.
void form_path(std::string_view raw) {
    for (bool plus : {false, true}) {
        if (auto d = server::percent_decode(raw, plus)) FUZZ_CHECK(d->size() <= raw.size());
        auto again = server::percent_decode(server::percent_encode(raw), plus);
        FUZZ_CHECK(again && *again == raw);
    }
    auto fields = server::parse_urlencoded(raw);
    if (!fields) {
        FUZZ_CHECK(!server::query_param(raw, "email"));
        return;
    }
    std::string encoded;
    for (const auto& [k, v] : *fields) {
        if (!encoded.empty()) encoded += '&';
        encoded += server::percent_encode(k) + '=' + server::percent_encode(v);
    }
    auto reparsed = server::parse_urlencoded(encoded);
    FUZZ_CHECK(reparsed && *reparsed == *fields);
    if (!fields->empty()) FUZZ_CHECK(server::query_param(raw, fields->front().first) == fields->front().second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_one([&] {
        if (size == 0) return;
        const auto choice = data[0];
        const std::string_view body{reinterpret_cast<const char*>(data + 1), size - 1};
        server::http_request req;
        req.method = "POST";
        req.target = req.path = "/api/v1/dates/1/registrations";
        const auto type = content_types[choice % content_types.size()];
        if (!type.empty()) req.headers.emplace_back("Content-Type", std::string{type});
        req.body = std::string{body};
        registration_path(req, (choice & 0x80) == 0);
        form_path(body);
        // Raw bytes as one JSON string: invalid UTF-8 goes the replacing way.
        const server::json raw{std::string{body}};
        FUZZ_CHECK(server::json_text(raw) == raw.dump(-1, ' ', false, server::json::error_handler_t::replace));
    });
}
