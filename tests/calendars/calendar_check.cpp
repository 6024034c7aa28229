// Shared by the calendars tests (see calendar_check.hpp).
#include "calendar_check.hpp"

#include "domain/text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

namespace seminard::calendars::test {

date::year_month_day ymd(int y, unsigned m, unsigned d) {
    return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

domain::instant utc(int y, unsigned m, unsigned d, int h, int min) {
    return date::sys_days{ymd(y, m, d)} + std::chrono::hours{h} + std::chrono::minutes{min};
}

domain::seminar_day day(int y, unsigned m, unsigned d, int start_h, int end_h, int start_min, int end_min) {
    return {ymd(y, m, d),
            std::chrono::hours{start_h} + std::chrono::minutes{start_min},
            std::chrono::hours{end_h} + std::chrono::minutes{end_min}};
}

domain::seminar sample_seminar() {
    domain::seminar s;
    s.id = 1;
    s.slug = "linkedin-marketing";
    s.title = "LinkedIn Marketing für Unternehmen";
    s.description =
        "Zwei Tage zu Neukundengewinnung, Social Selling und Recruiting auf LinkedIn.\nMit Übungen; bitte Laptop "
        "mitbringen, danke.";
    s.location = "Seminarraum 2, Beispielstraße 1, 85540 Haar";
    s.organizer_name = "Beispiel Kommunikation GmbH";
    s.organizer_email = "seminare@example.org";
    s.created_at = utc(2026, 6, 1, 10);
    s.updated_at = utc(2026, 6, 1, 10);
    return s;
}

domain::seminar_date berlin_two_days() {
    domain::seminar_date d;
    d.id = 7;
    d.seminar_id = 1;
    d.uid = "date-7-5f3a9c@seminard.example.org";
    d.timezone = "Europe/Berlin";
    d.days = {day(2027, 1, 27, 9, 17), day(2027, 1, 28, 9, 17)};
    d.capacity = 12;
    d.waitlist = true;
    d.sequence = 0;
    d.created_at = utc(2026, 6, 2, 9);
    d.updated_at = utc(2026, 6, 2, 9);
    return d;
}

domain::seminar_date berlin_dst() {
    auto d = berlin_two_days();
    d.id = 8;
    d.uid = "date-8-77aa01@seminard.example.org";
    d.days = {day(2027, 3, 27, 9, 17), day(2027, 3, 29, 9, 17)};
    return d;
}

domain::registration sample_registration() {
    domain::registration r;
    r.id = 42;
    r.date_id = 7;
    r.code = "K7Q-M4XD";
    r.status = domain::registration_status::confirmed;
    r.person = {"Erika", "Mustermann", "erika@example.com", "Beispiel AG", "Marketing", "+49 89 123"};
    r.created_at = utc(2026, 7, 1, 8);
    r.updated_at = utc(2026, 7, 1, 8);
    return r;
}

calendar_context sample_context() {
    calendar_context ctx;
    ctx.seminar_url = [](const domain::seminar& s) { return "http://127.0.0.1:8080/seminars/" + s.slug; };
    ctx.now = utc(2026, 7, 1, 8, 30);
    return ctx;
}

parsed::parsed(const std::string& ics) : root{icalparser_parse_string(ics.c_str())} { REQUIRE(root); }

void check_lines(const std::string& ics) {
    REQUIRE(ics.size() >= 2);
    CHECK(ics.substr(ics.size() - 2) == "\r\n");
    std::size_t pos = 0;
    while (pos < ics.size()) {
        auto end = ics.find("\r\n", pos);
        REQUIRE(end != std::string::npos);
        const auto line = std::string_view{ics}.substr(pos, end - pos);
        INFO("line: " << line);
        CHECK(line.size() <= 75);
        CHECK(line.find('\n') == std::string_view::npos);
        CHECK(line.find('\r') == std::string_view::npos);
        CHECK(domain::valid_utf8(line));
        CHECK(!line.empty());
        pos = end + 2;
    }
}

namespace {

void collect_errors(icalcomponent* c, std::vector<std::string>& out) {
    for (auto* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        out.emplace_back(icalproperty_get_xlicerror(p));
    }
    for (auto* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
        if (std::string_view{icalproperty_get_x_name(p)}.starts_with("X-LIC-"))
            out.emplace_back(icalproperty_get_x_name(p));
    }
    for (auto* s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
         s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        collect_errors(s, out);
    }
}

std::vector<icalcomponent*> events_of(icalcomponent* root) {
    std::vector<icalcomponent*> out;
    for (auto* e = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        out.push_back(e);
    }
    return out;
}

std::string iso(time_t t) { return date::format("%FT%TZ", domain::instant{std::chrono::seconds{t}}); }

}  // namespace

std::vector<std::string> libical_problems(const std::string& ics) {
    parsed cal{ics};
    std::vector<std::string> problems;
    if (icalcomponent_isa(cal.root.get()) != ICAL_VCALENDAR_COMPONENT) problems.emplace_back("not a VCALENDAR");
    if (!icalcomponent_get_first_property(cal.root.get(), ICAL_METHOD_PROPERTY)) problems.emplace_back("no METHOD");
    collect_errors(cal.root.get(), problems);
    if (!problems.empty()) return problems;
    if (icalrestriction_check(cal.root.get()) == 0) {
        collect_errors(cal.root.get(), problems);  // the checker explains itself in X-LIC-ERROR properties
        if (problems.empty()) problems.emplace_back("icalrestriction_check failed");
    }
    return problems;
}

void check_well_formed(const std::string& ics) {
    check_lines(ics);
    CHECK(libical_problems(ics) == std::vector<std::string>{});
    parsed cal{ics};
    CHECK(icalcomponent_get_first_property(cal.root.get(), ICAL_VERSION_PROPERTY) != nullptr);
    CHECK(icalcomponent_get_first_property(cal.root.get(), ICAL_PRODID_PROPERTY) != nullptr);
    CHECK(ics.find("freeassociation") == std::string::npos);
}

std::vector<std::string> event_values(const std::string& ics, const char* name) {
    parsed cal{ics};
    std::vector<std::string> out;
    const auto kind = icalproperty_string_to_kind(name);
    for (auto* e : events_of(cal.root.get())) {
        for (auto* p = icalcomponent_get_first_property(e, kind); p; p = icalcomponent_get_next_property(e, kind)) {
            const icalvalue* v = icalproperty_get_value(p);
            if (icalvalue_isa(v) == ICAL_TEXT_VALUE) {
                out.emplace_back(icalvalue_get_text(v));
            } else {
                char* text = icalproperty_get_value_as_string_r(p);
                out.emplace_back(text ? text : "");
                std::free(text);
            }
        }
    }
    return out;
}

std::vector<std::string> event_params(const std::string& ics, const char* name, const char* param) {
    parsed cal{ics};
    std::vector<std::string> out;
    const auto kind = icalproperty_string_to_kind(name);
    for (auto* e : events_of(cal.root.get())) {
        for (auto* p = icalcomponent_get_first_property(e, kind); p; p = icalcomponent_get_next_property(e, kind)) {
            char* v = icalproperty_get_parameter_as_string_r(p, param);
            out.emplace_back(v ? v : "");
            std::free(v);
        }
    }
    return out;
}

namespace {

std::size_t count_in(icalcomponent* c, icalproperty_kind kind) {
    std::size_t n = static_cast<std::size_t>(icalcomponent_count_properties(c, kind));
    for (auto* s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
         s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        n += count_in(s, kind);
    }
    return n;
}

}  // namespace

std::size_t count_properties(const std::string& ics, const char* name) {
    parsed cal{ics};
    return count_in(cal.root.get(), icalproperty_string_to_kind(name));
}

std::string unfolded(const std::string& ics) {
    std::string out;
    for (std::size_t i = 0; i < ics.size(); ++i) {
        if (ics.compare(i, 3, "\r\n ") == 0) {
            i += 2;
        } else {
            out += ics[i];
        }
    }
    return out;
}

std::ostream& operator<<(std::ostream& os, const occurrence& o) {
    return os << "{" << o.uid << " " << o.start_utc << " " << o.end_utc << "}";
}

std::vector<occurrence> libical_event_times(const std::string& ics) {
    parsed cal{ics};
    std::vector<occurrence> out;
    for (auto* e : events_of(cal.root.get())) {
        // get_dtstart resolves the TZID against the VTIMEZONEs of the enclosing VCALENDAR.
        const auto start = icalcomponent_get_dtstart(e);
        const auto end = icalcomponent_get_dtend(e);
        REQUIRE(start.zone != nullptr);
        CHECK(std::string{icaltimezone_get_tzid(const_cast<icaltimezone*>(start.zone))}.find('/') != 0);
        out.push_back({icalcomponent_get_uid(e),
                       iso(icaltime_as_timet_with_zone(start, start.zone)),
                       iso(icaltime_as_timet_with_zone(end, end.zone))});
    }
    return out;
}

std::vector<occurrence> icaljs_occurrences(const std::string& ics) {
    namespace fs = std::filesystem;
    const fs::path dir = SEMINARD_ICALJS_DIR;
    const std::string node = SEMINARD_NODE;
    INFO("ical.js check in " << dir);
    if (node.empty() || node.ends_with("NOTFOUND") || !fs::exists(node)) {
        FAIL("node (Node.js) was not found when configuring; install it (Debian: apt-get install nodejs npm)");
    }
    if (!fs::exists(dir / "node_modules" / "ical.js" / "package.json")) {
        FAIL("ical.js is not installed: run `npm ci --prefix tests/calendars/icaljs` (scripts/test does this)");
    }
    auto file = fs::temp_directory_path() / ("seminard-icaljs-" + std::to_string(::getpid()) + ".ics");
    {
        std::ofstream out{file, std::ios::binary};
        out << ics;
    }
    const std::string command = "'" + node + "' '" + (dir / "check.mjs").string() + "' '" + file.string() + "' 2>&1";
    std::string output;
    int status = -1;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        std::array<char, 4096> buf{};
        while (auto n = std::fread(buf.data(), 1, buf.size(), pipe)) output.append(buf.data(), n);
        status = ::pclose(pipe);
    }
    fs::remove(file);
    INFO("node said: " << output);
    REQUIRE(status == 0);
    const auto json = nlohmann::json::parse(output, nullptr, false);
    REQUIRE(json.is_array());
    std::vector<occurrence> out;
    for (const auto& o : json) out.push_back({o.at("uid"), o.at("start_utc"), o.at("end_utc")});
    return out;
}

}  // namespace seminard::calendars::test
