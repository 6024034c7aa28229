// Fuzzes iCalendar text handling: clean_text, clean_param, folding, and a whole invite whose attendee and seminar
// texts come from the input (split at 0x1F), checked line by line and by libical's parser.
#include "calendars/content_line.hpp"
#include "calendars/ics.hpp"
#include "domain/text.hpp"
#include "fuzz_check.hpp"

#include <libical/ical.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace seminard;

constexpr char field_delimiter = '\x1F';
constexpr std::size_t field_count = 7;  // first, last, email, title, location, description, organizer name

bool only_allowed_controls(std::string_view s, bool allow_lf) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && !(allow_lf && c == '\n')) || c == 0x7F) return false;
    }
    return true;
}

void check_content_line_helpers(std::string_view raw) {
    const auto text = calendars::clean_text(raw);
    FUZZ_CHECK(domain::valid_utf8(text));
    FUZZ_CHECK(only_allowed_controls(text, true));
    FUZZ_CHECK(domain::valid_utf8(raw) == false || text.size() <= raw.size());

    const auto param = calendars::clean_param(raw);
    FUZZ_CHECK(domain::valid_utf8(param));
    FUZZ_CHECK(only_allowed_controls(param, false));
    FUZZ_CHECK(param.find_first_of("\"^") == std::string::npos);
    FUZZ_CHECK(param.empty() || (param.front() != ' ' && param.back() != ' '));
    FUZZ_CHECK(param.find("  ") == std::string::npos);

    // One content line of clean text (as a serializer would write it, LF escaped) folds and unfolds to itself.
    std::string line = "DESCRIPTION:";
    for (char c : text) line += c == '\n' ? std::string{"\\n"} : std::string{c};
    const auto folded = calendars::fold_lines(line);
    std::size_t pos = 0;
    while (pos < folded.size()) {
        const auto end = folded.find("\r\n", pos);
        FUZZ_CHECK(end != std::string::npos);
        const auto physical = std::string_view{folded}.substr(pos, end - pos);
        FUZZ_CHECK(physical.size() <= calendars::max_line_octets && domain::valid_utf8(physical));
        pos = end + 2;
    }
    FUZZ_CHECK(calendars::unfold_lines(folded) == line + "\r\n");
}

domain::instant utc(int y, unsigned m, unsigned d, int h) {
    return date::sys_days{date::year_month_day{date::year{y}, date::month{m}, date::day{d}}} + std::chrono::hours{h};
}

struct invite_data {
    domain::seminar seminar;
    domain::seminar_date date;
    domain::registration registration;
    calendars::calendar_context context;
};

invite_data sample() {
    invite_data x;
    x.seminar.id = 1;
    x.seminar.slug = "linkedin-marketing";
    x.seminar.title = "LinkedIn Marketing";
    x.seminar.location = "Haar";
    x.seminar.description = "Zwei Tage.";
    x.seminar.organizer_name = "Beispiel GmbH";
    x.seminar.organizer_email = "seminare@example.org";
    x.date.id = 7;
    x.date.uid = "date-7@seminard.example.org";
    x.date.timezone = "Europe/Berlin";
    x.date.days = {{date::year_month_day{date::year{2027}, date::month{1}, date::day{27}},
                    std::chrono::hours{9},
                    std::chrono::hours{17}}};
    x.date.capacity = 12;
    x.registration.code = "K7QM-4XD9";
    x.registration.person = {"Erika", "Mustermann", "erika@example.com", "", "", ""};
    x.context.seminar_url = [](const domain::seminar& s) { return "http://127.0.0.1:8080/seminars/" + s.slug; };
    x.context.now = utc(2026, 7, 1, 8);
    return x;
}

/// Names of the unfolded content lines (what precedes the first ';' or ':').
std::vector<std::string> property_names(const std::string& ics) {
    std::vector<std::string> names;
    const auto unfolded = calendars::unfold_lines(ics);
    std::size_t pos = 0;
    while (pos < unfolded.size()) {
        const auto end = unfolded.find("\r\n", pos);
        FUZZ_CHECK(end != std::string::npos);
        const auto line = std::string_view{unfolded}.substr(pos, end - pos);
        const auto name = line.substr(0, line.find_first_of(";:"));
        if (name != "LOCATION") names.emplace_back(name);  // left out when empty
        pos = end + 2;
    }
    return names;
}

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
using parsed_ptr = std::unique_ptr<icalcomponent, component_free>;

/// The first X-LIC-ERROR libical left anywhere in c, or nullptr.
const char* lic_error(icalcomponent* c) {
    if (auto* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY)) return icalproperty_get_xlicerror(p);
    for (auto* s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
         s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        if (const char* e = lic_error(s)) return e;
    }
    return nullptr;
}

std::string parameter(icalproperty* p, const char* name) {
    char* v = icalproperty_get_parameter_as_string_r(p, name);
    std::string out = v ? v : "";
    std::free(v);
    return out;
}

void check_invite(const std::vector<std::string_view>& fields) {
    static const invite_data base = sample();
    static const std::vector<std::string> base_names =
        property_names(calendars::invite(base.seminar, base.date, base.registration, base.context));

    invite_data x = base;
    auto field = [&](std::size_t i, std::string& target) {
        if (i < fields.size()) target = std::string{fields[i]};
    };
    field(0, x.registration.person.first_name);
    field(1, x.registration.person.last_name);
    field(2, x.registration.person.email);
    // Seminar texts as the domain stores them (trimmed, valid UTF-8, no control characters but line breaks in the
    // description); libical drops a property whose value is only white space. Names and e-mail stay raw bytes.
    auto seminar_text = [&](std::size_t i, std::string& target, bool multiline) {
        if (i >= fields.size()) return;
        auto v = domain::trim(fields[i]);
        if (!v.empty() && domain::valid_utf8(v) && !domain::has_control_chars(v, multiline)) target = std::move(v);
    };
    seminar_text(3, x.seminar.title, false);
    seminar_text(4, x.seminar.location, false);
    seminar_text(5, x.seminar.description, true);
    field(6, x.seminar.organizer_name);
    const auto ics = calendars::invite(x.seminar, x.date, x.registration, x.context);

    FUZZ_CHECK(ics.size() >= 2 && ics.compare(ics.size() - 2, 2, "\r\n") == 0);
    std::size_t pos = 0;
    while (pos < ics.size()) {
        const auto end = ics.find("\r\n", pos);
        FUZZ_CHECK(end != std::string::npos);
        const auto line = std::string_view{ics}.substr(pos, end - pos);
        FUZZ_CHECK(!line.empty() && line.size() <= calendars::max_line_octets);
        FUZZ_CHECK(line.find_first_of("\r\n") == std::string_view::npos);
        FUZZ_CHECK(domain::valid_utf8(line));
        pos = end + 2;
    }
    // No input can add, drop or reorder a property.
    FUZZ_CHECK(property_names(ics) == base_names);

    parsed_ptr root{icalparser_parse_string(ics.c_str())};
    FUZZ_CHECK(root != nullptr);
    if (const char* e = lic_error(root.get())) std::fprintf(stderr, "X-LIC-ERROR: %s\n%s", e, ics.c_str());
    FUZZ_CHECK(lic_error(root.get()) == nullptr);
    auto* event = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT);
    FUZZ_CHECK(event != nullptr);
    // What libical reads back is exactly the cleaned text we meant to write.
    FUZZ_CHECK_EQUAL(icalcomponent_get_summary(event), calendars::clean_text(x.seminar.title));
    auto* attendee = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY);
    FUZZ_CHECK(attendee != nullptr);
    FUZZ_CHECK_EQUAL(icalproperty_get_attendee(attendee), calendars::mailto(x.registration.person.email));
    FUZZ_CHECK_EQUAL(parameter(attendee, "CN"),
                     calendars::clean_param(x.registration.person.first_name + " " + x.registration.person.last_name));
    auto* organizer = icalcomponent_get_first_property(event, ICAL_ORGANIZER_PROPERTY);
    FUZZ_CHECK(organizer != nullptr);
    FUZZ_CHECK_EQUAL(parameter(organizer, "CN"), calendars::clean_param(x.seminar.organizer_name));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_one([&] {
        std::string_view text{reinterpret_cast<const char*>(data), size};
        check_content_line_helpers(text);
        std::vector<std::string_view> fields;
        while (fields.size() + 1 < field_count) {
            auto cut = text.find(field_delimiter);
            if (cut == std::string_view::npos) break;
            fields.push_back(text.substr(0, cut));
            text.remove_prefix(cut + 1);
        }
        fields.push_back(text);
        check_invite(fields);
    });
}
