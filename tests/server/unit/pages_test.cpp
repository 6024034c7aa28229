// Tests of the attendee pages: documents, dates and their state, the registration form and its re-render,
// escaping, the registration and cancel pages, the index, the privacy notice and the embedded stylesheet.
#include "server/web/pages.hpp"

#include <catch2/catch.hpp>

#include <date/date.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace domain = seminard::domain;
namespace server = seminard::server;

using namespace std::chrono_literals;

namespace {

constexpr auto hostile = R"(<script>alert(1)</script>"&')";
constexpr auto hostile_text = R"(&lt;script&gt;alert(1)&lt;/script&gt;"&amp;')";
constexpr auto hostile_attr = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;";
constexpr auto token = "tok_Abc123-xyz_456";
constexpr auto invite_key = "inv_Def789-uvw_012";
constexpr auto base = "https://seminare.example.org";
constexpr auto privacy = "https://www.example.org/datenschutz";

domain::instant at(date::year_month_day day, std::chrono::hours h = 0h) { return date::sys_days{day} + h; }

/// Midnight UTC, 1 June 2026: after the January 2026 date, before every other one.
const domain::instant now = at(date::year{2026} / 6 / 1);

server::page_context context(domain::lang l = domain::lang::de) {
    server::page_context ctx;
    ctx.lang = l;
    ctx.public_url = base;
    ctx.privacy_url = privacy;
    ctx.now = now;
    return ctx;
}

domain::seminar_day day(date::year_month_day d, int start_hour = 9, int end_hour = 17) {
    return {d, std::chrono::hours{start_hour}, std::chrono::hours{end_hour}};
}

server::date_offer offer(std::int64_t id,
                         std::vector<domain::seminar_day> days,
                         int capacity,
                         bool waitlist,
                         int confirmed = 0,
                         int waitlisted = 0) {
    server::date_offer o;
    o.date.id = id;
    o.date.seminar_id = 1;
    o.date.uid = "date-" + std::to_string(id) + "@example.org";
    o.date.timezone = "Europe/Berlin";
    o.date.days = std::move(days);
    o.date.capacity = capacity;
    o.date.waitlist = waitlist;
    o.availability = {confirmed, waitlisted};
    return o;
}

domain::seminar linkedin() {
    domain::seminar s;
    s.id = 1;
    s.slug = "linkedin-marketing";
    s.title = "LinkedIn Marketing für Unternehmen";
    s.description = "Zwei Tage Praxis.\nDrei Themen.\n\nNeukunden, Social Selling, Recruiting.";
    s.location = "Seminarhaus am See, Starnberg";
    s.price_cents = 149000;
    s.organizer_name = "Beispiel Kommunikation GmbH";
    s.organizer_email = "seminare@example.org";
    return s;
}

/// Dates in every state, handed over out of order:
///   1 past (January 2026), 2 open with 12 seats (27./28. January 2027), 3 full with waiting list,
///   4 full without, 5 one seat left with different hours per day, 6 across months and cancelled,
///   7 in the future but past its registration deadline.
server::seminar_listing listing() {
    using date::year;
    server::seminar_listing l;
    l.seminar = linkedin();
    l.dates.push_back(offer(5, {day(year{2027} / 5 / 10), day(year{2027} / 5 / 11, 9, 13)}, 5, true, 4));
    l.dates.push_back(offer(1, {day(year{2026} / 1 / 27), day(year{2026} / 1 / 28)}, 12, true, 12));
    l.dates.push_back(offer(2, {day(year{2027} / 1 / 27), day(year{2027} / 1 / 28)}, 12, true));
    l.dates.push_back(offer(3, {day(year{2027} / 3 / 3), day(year{2027} / 3 / 4)}, 10, true, 10, 2));
    l.dates.push_back(offer(4, {day(year{2027} / 4 / 14)}, 8, false, 8));
    auto cancelled = offer(6, {day(year{2027} / 9 / 30), day(year{2027} / 10 / 1)}, 12, true);
    cancelled.date.status = domain::date_status::cancelled;
    l.dates.push_back(cancelled);
    auto closed = offer(7, {day(year{2026} / 12 / 8)}, 12, true, 3);
    closed.date.registration_closes_at = at(year{2026} / 5 / 1);
    l.dates.push_back(closed);
    return l;
}

/// Only the January 2026 date (past) and the open January 2027 date.
server::seminar_listing one_open() {
    using date::year;
    server::seminar_listing l;
    l.seminar = linkedin();
    l.dates.push_back(offer(1, {day(year{2026} / 1 / 27), day(year{2026} / 1 / 28)}, 12, true, 12));
    l.dates.push_back(offer(2, {day(year{2027} / 1 / 27), day(year{2027} / 1 / 28)}, 12, true));
    return l;
}

domain::registration registration(domain::registration_status status, std::optional<int> position = {}) {
    domain::registration r;
    r.id = 42;
    r.date_id = 2;
    r.code = "04HM-ASW9";
    r.status = status;
    r.waitlist_position = position;
    r.person = {"Jürgen", "Müller", "j.mueller@example.com", "Müller & Partner", "Vertrieb", "+49 89 123456"};
    return r;
}

domain::booking booking() {
    domain::booking b;
    b.id = 7;
    b.date_id = 2;
    b.code = "B00K-C0DE";
    b.booker = {"Bernd", "Bucher", "einkauf@example.com", "Müller & Partner", "", ""};
    return b;
}

/// A booking's three seats: confirmed, waitlisted, cancelled.
std::vector<domain::registration> seats() {
    std::vector<domain::registration> people(3, registration(domain::registration_status::confirmed));
    people[1].code = "1111-2222";
    people[1].status = domain::registration_status::waitlisted;
    people[1].waitlist_position = 1;
    people[1].person.first_name = "Lena";
    people[2].code = "3333-4444";
    people[2].status = domain::registration_status::cancelled;
    people[2].person.first_name = "Otto";
    return people;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string_view::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

/// The whole tag (from '<' to '>') around the first occurrence of `needle`; empty when absent.
std::string tag_with(std::string_view page, std::string_view needle) {
    auto pos = page.find(needle);
    if (pos == std::string_view::npos) return {};
    auto open = page.rfind('<', pos);
    auto close = page.find('>', pos);
    return std::string{page.substr(open, close - open + 1)};
}

/// The text between the first `from` and the next `to` after it.
std::string between(std::string_view page, std::string_view from, std::string_view to) {
    auto b = page.find(from);
    if (b == std::string_view::npos) return {};
    b += from.size();
    auto e = page.find(to, b);
    return std::string{page.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b)};
}

/// Every value of href, src and action attributes, in order.
std::vector<std::string> urls(std::string_view page) {
    std::vector<std::string> out;
    for (std::string_view attr : {" href=\"", " src=\"", " action=\""}) {
        for (auto pos = page.find(attr); pos != std::string_view::npos; pos = page.find(attr, pos + 1)) {
            auto b = pos + attr.size();
            out.emplace_back(page.substr(b, page.find('"', b) - b));
        }
    }
    return out;
}

/// The checks every page must pass.
void check_document(const std::string& page, domain::lang l) {
    const bool de = l == domain::lang::de;
    INFO(page);
    CHECK(page.rfind("<!DOCTYPE html>\n", 0) == 0);
    CHECK(contains(page, de ? "<html lang=\"de\">" : "<html lang=\"en\">"));
    CHECK(contains(page, "<meta charset=\"utf-8\">"));
    CHECK(contains(page, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    CHECK(count(page, "<title>") == 1);
    CHECK(contains(page,
                   "<link rel=\"stylesheet\" href=\"https://seminare.example.org/static/seminard.css?v=" +
                       std::string{server::stylesheet_version()} + "\">"));
    CHECK(count(page, "<main id=\"main\"") == 1);
    CHECK(count(page, "</main>") == 1);
    CHECK(contains(page, de ? "lang=\"en\">English</a>" : "lang=\"de\">Deutsch</a>"));
    CHECK(page.substr(page.size() - 8) == "</html>\n");
    // No favicon request (an empty icon), no JavaScript, nothing from elsewhere: every link is ours, the privacy
    // notice, or on the page.
    CHECK(contains(page, "<link rel=\"icon\" href=\"data:,\">"));
    CHECK_FALSE(contains(page, "<script"));
    CHECK_FALSE(contains(page, "javascript:"));
    CHECK_FALSE(contains(page, " src=\""));
    CHECK_FALSE(contains(page, " style=\""));
    for (const auto& url : urls(page)) {
        INFO(url);
        CHECK((url.rfind(std::string{base} + "/", 0) == 0 || url.rfind(privacy, 0) == 0 || url.rfind("#", 0) == 0 ||
               url == "data:,"));
    }
}

}  // namespace

TEST_CASE("the seminar page shows the seminar and every upcoming date with its state, in German", "[pages]") {
    const auto page = server::render_seminar(context(), listing(), {});
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<title>LinkedIn Marketing für Unternehmen – Seminaranmeldung</title>"));
    CHECK(contains(page, "<h1>LinkedIn Marketing für Unternehmen</h1>"));
    CHECK(contains(page, "<p>Zwei Tage Praxis.<br>Drei Themen.</p><p>Neukunden, Social Selling, Recruiting.</p>"));
    CHECK(contains(page, "<dt>Ort</dt><dd>Seminarhaus am See, Starnberg</dd>"));
    CHECK(contains(page, "<dt>Preis</dt><dd>1.490,00\u00A0€</dd>"));
    CHECK(contains(page, "<dt>Veranstalter</dt><dd>Beispiel Kommunikation GmbH</dd>"));

    const auto dates = between(page, "<h2 id=\"termine-title\">Termine</h2>", "</ul>");
    CHECK(contains(dates,
                   "<p class=\"date-when\">27./28. Januar 2027, 09:00–17:00 Uhr</p>\n"
                   "<p class=\"state state--open\">Noch 12 Plätze frei</p>"));
    CHECK(contains(dates,
                   "<p class=\"date-when\">3./4. März 2027, 09:00–17:00 Uhr</p>\n"
                   "<p class=\"state state--waitlist\">Ausgebucht – Anmeldung auf die Warteliste</p>"));
    CHECK(contains(dates,
                   "<p class=\"date-when\">14. April 2027, 09:00–17:00 Uhr</p>\n"
                   "<p class=\"state state--closed\">Ausgebucht</p>"));
    CHECK(contains(dates,
                   "<p class=\"date-when\">10. Mai 2027, 09:00–17:00 Uhr<br>11. Mai 2027, 09:00–13:00 Uhr</p>\n"
                   "<p class=\"state state--open\">Nur noch 1 Platz frei</p>"));
    CHECK(contains(dates,
                   "<p class=\"date-when\">30. September – 1. Oktober 2027, 09:00–17:00 Uhr</p>\n"
                   "<p class=\"state state--closed\">Abgesagt</p>"));
    CHECK(contains(dates,
                   "<p class=\"date-when\">8. Dezember 2026, 09:00–17:00 Uhr</p>\n"
                   "<p class=\"state state--closed\">Anmeldung geschlossen</p>"));
    // Earliest first, whatever order they came in.
    CHECK(dates.find("8. Dezember 2026") < dates.find("27./28. Januar 2027"));
    CHECK(dates.find("27./28. Januar 2027") < dates.find("3./4. März 2027"));
    CHECK(dates.find("10. Mai 2027") < dates.find("30. September"));
    CHECK(contains(page, "<a class=\"button button--primary\" href=\"#anmelden\">Jetzt anmelden</a>"));
    CHECK(contains(page, "<button type=\"submit\" class=\"button button--primary\">Jetzt anmelden</button>"));
    CHECK(contains(page,
                   "<a class=\"lang-switch\" href=\"https://seminare.example.org/seminars/linkedin-marketing?lang=en\" "
                   "hreflang=\"en\" lang=\"en\">English</a>"));
}

TEST_CASE("the seminar page in English", "[pages]") {
    const auto page = server::render_seminar(context(domain::lang::en), listing(), {});
    check_document(page, domain::lang::en);
    CHECK(contains(page, "<title>LinkedIn Marketing für Unternehmen – Seminar registration</title>"));
    CHECK(contains(page, "<dt>Price</dt><dd>€1,490.00</dd>"));
    CHECK(contains(page, "<dt>Location</dt>"));
    CHECK(contains(page, "<dt>Organiser</dt>"));
    CHECK(contains(page, "27–28 January 2027, 09:00–17:00</p>\n<p class=\"state state--open\">12 seats left</p>"));
    CHECK(contains(page, "Fully booked – join the waiting list"));
    CHECK(contains(page, ">Fully booked<"));
    CHECK(contains(page, "Only 1 seat left"));
    CHECK(contains(page, "10 May 2027, 09:00–17:00<br>11 May 2027, 09:00–13:00"));
    CHECK(contains(page, "30 September – 1 October 2027, 09:00–17:00"));
    CHECK(contains(page, ">Cancelled<"));
    CHECK(contains(page, ">Registration closed<"));
    CHECK(contains(page, "<legend>Date</legend>"));
    CHECK(contains(page, "<label for=\"first_name\">First name</label>"));
    CHECK(contains(page, "<button type=\"submit\" class=\"button button--primary\">Register now</button>"));
    CHECK(contains(page, "<h3 class=\"past-title\">Past dates</h3>"));
    // Internal links and the form keep the language; the switch names German explicitly.
    CHECK(contains(page, "action=\"https://seminare.example.org/seminars/linkedin-marketing?lang=en\""));
    CHECK(contains(page, "href=\"https://seminare.example.org/?lang=en\""));
    CHECK(contains(page, "href=\"https://seminare.example.org/seminars/linkedin-marketing?lang=de\" hreflang=\"de\""));
    CHECK_FALSE(contains(page, "Plätze"));
    CHECK_FALSE(contains(page, "Anmeldung"));
}

TEST_CASE("past dates are listed as past and never offered", "[pages]") {
    const auto page = server::render_seminar(context(), listing(), {});
    const auto form = between(page, "<form id=\"anmelden\"", "</form>");
    REQUIRE_FALSE(form.empty());
    CHECK(count(form, "name=\"date_id\"") == 6);
    CHECK_FALSE(contains(form, "value=\"1\""));
    CHECK_FALSE(contains(form, "Januar 2026"));
    CHECK(count(page, "27./28. Januar 2026") == 1);
    CHECK(contains(page,
                   "<h3 class=\"past-title\">Vergangene Termine</h3>\n<ul class=\"date-list date-list--past\">\n"
                   "<li class=\"date-item\">\n<p class=\"date-when\">27./28. Januar 2026, 09:00–17:00 Uhr</p>\n</li>\n"
                   "</ul>"));
}

TEST_CASE("only dates open for registration can be chosen", "[pages]") {
    const auto page = server::render_seminar(context(), listing(), {});
    // The first open date carries the group's id, so that "#date_id" finds it.
    CHECK(tag_with(page, "value=\"2\"") ==
          "<input type=\"radio\" name=\"date_id\" id=\"date_id\" value=\"2\" required>");
    CHECK(tag_with(page, "value=\"3\"") ==
          "<input type=\"radio\" name=\"date_id\" id=\"date_id-3\" value=\"3\" required>");
    CHECK(tag_with(page, "value=\"5\"") ==
          "<input type=\"radio\" name=\"date_id\" id=\"date_id-5\" value=\"5\" required>");
    for (auto id : {"4", "6", "7"}) {
        INFO(id);
        CHECK(tag_with(page, "value=\"" + std::string{id} + "\"") ==
              "<input type=\"radio\" name=\"date_id\" id=\"date_id-" + std::string{id} + "\" value=\"" + id +
                  "\" disabled>");
    }
    CHECK(contains(page,
                   "<label for=\"date_id\"><span class=\"choice-when\">27./28. Januar 2027, 09:00–17:00 Uhr"
                   "</span> <span class=\"state state--open\">Noch 12 Plätze frei</span></label>"));
    // Several open dates and no choice yet: none is preselected.
    CHECK_FALSE(contains(page, " checked"));
}

TEST_CASE("a date is preselected when it is the only open one or was chosen before", "[pages]") {
    SECTION("the only open date") {
        const auto page = server::render_seminar(context(), one_open(), {});
        CHECK(tag_with(page, "value=\"2\"") ==
              "<input type=\"radio\" name=\"date_id\" id=\"date_id\" value=\"2\" required checked>");
    }
    SECTION("the date the person chose") {
        server::form_state form;
        form.values["date_id"] = "3";
        const auto page = server::render_seminar(context(), listing(), form);
        CHECK(contains(tag_with(page, "value=\"3\""), " checked"));
        CHECK(count(page, " checked") == 1);
    }
    SECTION("a chosen date that cannot be booked is not checked") {
        server::form_state form;
        form.values["date_id"] = "4";
        const auto page = server::render_seminar(context(), listing(), form);
        CHECK_FALSE(contains(page, " checked"));
    }
}

TEST_CASE("the form asks for each field with the right type, autocomplete and requirement", "[pages]") {
    const auto page = server::render_seminar(context(), listing(), {});
    CHECK(contains(page,
                   "<form id=\"anmelden\" class=\"register-form\" method=\"post\" "
                   "action=\"https://seminare.example.org/seminars/linkedin-marketing\" "
                   "aria-labelledby=\"anmelden-title\">"));
    CHECK(contains(page, "<legend>Termin</legend>"));
    CHECK(tag_with(page, "id=\"first_name\"") ==
          "<input type=\"text\" id=\"first_name\" name=\"first_name\" autocomplete=\"given-name\" maxlength=\"100\" "
          "required value=\"\">");
    CHECK(tag_with(page, "id=\"last_name\"") ==
          "<input type=\"text\" id=\"last_name\" name=\"last_name\" autocomplete=\"family-name\" maxlength=\"100\" "
          "required value=\"\">");
    CHECK(tag_with(page, "id=\"email\"") ==
          "<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" maxlength=\"254\" "
          "spellcheck=\"false\" required value=\"\">");
    CHECK(tag_with(page, "id=\"company\"") ==
          "<input type=\"text\" id=\"company\" name=\"company\" autocomplete=\"organization\" maxlength=\"200\" "
          "value=\"\">");
    CHECK(tag_with(page, "id=\"job_title\"") ==
          "<input type=\"text\" id=\"job_title\" name=\"job_title\" autocomplete=\"organization-title\" "
          "maxlength=\"150\" value=\"\">");
    CHECK(tag_with(page, "id=\"phone\"") ==
          "<input type=\"tel\" id=\"phone\" name=\"phone\" autocomplete=\"tel\" maxlength=\"40\" value=\"\">");
    CHECK(contains(page, "<label for=\"first_name\">Vorname</label>"));
    CHECK(contains(page, "<label for=\"company\">Firma <span class=\"optional\">(optional)</span></label>"));
    CHECK(tag_with(page, "id=\"privacy_consent\"") ==
          "<input type=\"checkbox\" id=\"privacy_consent\" name=\"privacy_consent\" value=\"on\" required>");
    CHECK(contains(page,
                   "<label for=\"privacy_consent\">Ich habe die <a href=\"https://www.example.org/datenschutz\" "
                   "rel=\"noopener\" target=\"_blank\">Datenschutzhinweise"));
}

TEST_CASE("the honeypot is in the form and hidden from people", "[pages]") {
    const auto page = server::render_seminar(context(), listing(), {});
    const auto form = between(page, "<form id=\"anmelden\"", "</form>");
    CHECK(contains(
        form,
        "<div class=\"field-website\" aria-hidden=\"true\">\n<label for=\"website\">Bitte leer lassen</label>\n"
        "<input type=\"text\" id=\"website\" name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\">\n"
        "</div>"));
    const auto rule = between(server::stylesheet(), ".field-website {", "}");
    CHECK(contains(rule, "position: absolute;"));
    CHECK(contains(rule, "left: -10000px;"));
    CHECK(contains(server::render_seminar(context(domain::lang::en), listing(), {}),
                   "<label for=\"website\">Please leave empty</label>"));
}

TEST_CASE("a re-rendered form keeps the values and links every problem to its field", "[pages]") {
    server::form_state form;
    form.values = {{"date_id", "2"},
                   {"first_name", "Jürgen"},
                   {"last_name", ""},
                   {"email", "j.mueller@"},
                   {"company", "Müller & Partner"},
                   {"job_title", "Vertrieb"},
                   {"phone", "+49 89 123456"}};
    form.consent = false;
    form.problems = {{"last_name", domain::field_problem::required},
                     {"email", domain::field_problem::invalid_email},
                     {"privacy_consent", domain::field_problem::must_accept}};
    form.error = domain::errc::invalid_fields;
    const auto page = server::render_seminar(context(), listing(), form);

    const auto summary = between(page, "<div class=\"error-summary\"", "</div>");
    CHECK(summary ==
          " role=\"alert\" aria-labelledby=\"error-summary-title\">\n"
          "<h3 id=\"error-summary-title\">Bitte prüfen Sie Ihre Angaben</h3>\n"
          "<ul>\n"
          "<li><a href=\"#last_name\">Nachname: Bitte ausfüllen.</a></li>\n"
          "<li><a href=\"#email\">E-Mail-Adresse: Bitte eine gültige E-Mail-Adresse angeben.</a></li>\n"
          "<li><a href=\"#privacy_consent\">Datenschutz: Bitte stimmen Sie der Datenschutzerklärung zu.</a></li>\n"
          "</ul>\n");
    // The summary opens the form.
    CHECK(page.find("<div class=\"error-summary\"") > page.find("<form id=\"anmelden\""));
    CHECK(page.find("<div class=\"error-summary\"") < page.find("<fieldset"));

    CHECK(tag_with(page, "id=\"email\"") ==
          "<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" maxlength=\"254\" "
          "spellcheck=\"false\" required value=\"j.mueller@\" aria-invalid=\"true\" aria-describedby=\"email-error\">");
    CHECK(contains(page,
                   "<label for=\"email\">E-Mail-Adresse</label>\n"
                   "<p id=\"email-error\" class=\"field-error\">Bitte eine gültige E-Mail-Adresse angeben.</p>\n"
                   "<input type=\"email\""));
    CHECK(contains(tag_with(page, "id=\"last_name\""), "aria-describedby=\"last_name-error\""));
    CHECK(contains(page, "<p id=\"last_name-error\" class=\"field-error\">Bitte ausfüllen.</p>"));
    CHECK(tag_with(page, "id=\"privacy_consent\"") ==
          "<input type=\"checkbox\" id=\"privacy_consent\" name=\"privacy_consent\" value=\"on\" required "
          "aria-invalid=\"true\" aria-describedby=\"privacy_consent-error\">");
    CHECK(contains(page,
                   "<p id=\"privacy_consent-error\" class=\"field-error\">Bitte stimmen Sie der Datenschutzerklärung "
                   "zu.</p>"));
    // Fields without a problem keep their value and are not marked.
    CHECK(tag_with(page, "id=\"first_name\"") ==
          "<input type=\"text\" id=\"first_name\" name=\"first_name\" autocomplete=\"given-name\" maxlength=\"100\" "
          "required value=\"Jürgen\">");
    CHECK(contains(tag_with(page, "id=\"company\""), "value=\"Müller &amp; Partner\""));
    CHECK(contains(tag_with(page, "id=\"phone\""), "value=\"+49 89 123456\""));
    CHECK(count(page, "aria-invalid=\"true\"") == 3);
    CHECK(contains(tag_with(page, "value=\"2\""), " checked"));
    // No jump button above a form that has to be fixed.
    CHECK_FALSE(contains(page, "href=\"#anmelden\""));
}

TEST_CASE("a re-rendered form keeps the consent and marks a missing date", "[pages]") {
    server::form_state form;
    form.consent = true;
    form.problems = {{"date_id", domain::field_problem::required}};
    const auto page = server::render_seminar(context(domain::lang::en), listing(), form);
    CHECK(tag_with(page, "id=\"privacy_consent\"") ==
          "<input type=\"checkbox\" id=\"privacy_consent\" name=\"privacy_consent\" value=\"on\" required checked>");
    CHECK(contains(page, "<h3 id=\"error-summary-title\">Please check your details</h3>"));
    CHECK(contains(page, "<li><a href=\"#date_id\">Date: Required.</a></li>"));
    CHECK(contains(page, "<fieldset class=\"field field--choices field--error\" aria-describedby=\"date_id-error\">"));
    CHECK(contains(page, "<legend>Date</legend>\n<p id=\"date_id-error\" class=\"field-error\">Required.</p>"));
    CHECK(tag_with(page, "value=\"2\"") ==
          "<input type=\"radio\" name=\"date_id\" id=\"date_id\" value=\"2\" required aria-invalid=\"true\" "
          "aria-describedby=\"date_id-error\">");
    CHECK(tag_with(page, "value=\"4\"") ==
          "<input type=\"radio\" name=\"date_id\" id=\"date_id-4\" value=\"4\" disabled>");
}

TEST_CASE("a form-level error is said in the summary", "[pages]") {
    server::form_state form;
    form.values = {{"date_id", "3"}, {"first_name", "Jürgen"}};
    form.consent = true;
    SECTION("German") {
        form.error = domain::errc::already_registered;
        const auto page = server::render_seminar(context(), listing(), form);
        CHECK(contains(page,
                       "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">\n"
                       "<h3 id=\"error-summary-title\">Die Anmeldung war nicht möglich</h3>\n"
                       "<p>Mit dieser E-Mail-Adresse besteht für diesen Termin bereits eine Anmeldung.</p>\n"
                       "</div>"));
        CHECK(contains(tag_with(page, "id=\"first_name\""), "value=\"Jürgen\""));
        CHECK_FALSE(contains(page, "aria-invalid"));
    }
    SECTION("English") {
        form.error = domain::errc::full;
        const auto page = server::render_seminar(context(domain::lang::en), listing(), form);
        CHECK(contains(page,
                       "<h3 id=\"error-summary-title\">Your registration did not go through</h3>\n"
                       "<p>Sorry, this date is fully booked.</p>"));
    }
}

TEST_CASE("without an open date there is no form, and the page says so", "[pages]") {
    auto l = listing();
    std::erase_if(l.dates,
                  [](const server::date_offer& o) { return o.date.id == 2 || o.date.id == 3 || o.date.id == 5; });
    auto page = server::render_seminar(context(), l, {});
    CHECK_FALSE(contains(page, "<form"));
    CHECK_FALSE(contains(page, "href=\"#anmelden\""));
    CHECK(contains(page, "<p class=\"notice\">Für dieses Seminar ist derzeit keine Anmeldung möglich.</p>"));
    CHECK(contains(page, "Ausgebucht"));  // the dates themselves are still shown

    server::form_state form;
    form.error = domain::errc::registration_closed;
    page = server::render_seminar(context(domain::lang::en), l, form);
    CHECK(contains(page, "<div class=\"error-summary\" role=\"alert\">\n<p>Registration for this date is closed.</p>"));
    CHECK(contains(page, "Registration for this seminar is not possible at the moment."));

    l.dates.clear();
    page = server::render_seminar(context(), l, {});
    CHECK(contains(page, "<p class=\"notice\">Derzeit sind keine Termine geplant.</p>"));
    CHECK_FALSE(contains(page, "Vergangene Termine"));
}

TEST_CASE("hostile text is escaped on every page", "[pages]") {
    auto l = listing();
    l.seminar.title = hostile;
    l.seminar.description = hostile;
    l.seminar.location = hostile;
    l.seminar.organizer_name = hostile;
    server::form_state form;
    for (auto name : {"date_id", "first_name", "last_name", "email", "company", "job_title", "phone"})
        form.values[name] = hostile;
    form.problems = {{hostile, domain::field_problem::not_allowed}};

    auto r = registration(domain::registration_status::confirmed);
    r.code = hostile;
    r.person = {hostile, hostile, hostile, hostile, hostile, hostile};

    auto ctx = context();
    ctx.path = hostile;
    const std::vector<std::string> pages{
        server::render_seminar(ctx, l, form),
        server::render_index(ctx, {l}),
        server::render_confirmation(ctx, l.seminar, l.dates[2].date, r, token, invite_key),
        server::render_cancel_step(ctx, l.seminar, l.dates[2].date, r, token),
        server::render_message(ctx, hostile, hostile),
        server::render_privacy(ctx),
    };
    for (const auto& page : pages) {
        INFO(page);
        CHECK_FALSE(contains(page, "<script"));
        CHECK_FALSE(contains(page, "alert(1)</"));
        CHECK_FALSE(contains(page, "\"&'"));
    }
    const auto& seminar = pages[0];
    CHECK(contains(seminar, "<title>" + std::string{hostile_text} + " – Seminaranmeldung</title>"));
    CHECK(contains(seminar, "<h1>" + std::string{hostile_text} + "</h1>"));
    CHECK(contains(seminar, "<div class=\"description\"><p>" + std::string{hostile_text} + "</p></div>"));
    CHECK(contains(tag_with(seminar, "id=\"first_name\""), "value=\"" + std::string{hostile_attr} + "\""));
    CHECK(count(seminar, "value=\"" + std::string{hostile_attr} + "\"") == 6);
    CHECK(contains(seminar, "<li>" + std::string{hostile_text} + ": Hier nicht erlaubt.</li>"));
    CHECK(contains(pages[1], ">" + std::string{hostile_text} + "</a></h2>"));
    CHECK(contains(pages[2], "<p class=\"code\">" + std::string{hostile_text} + "</p>"));
    CHECK(contains(pages[2], "<dt>Name</dt><dd>" + std::string{hostile_text} + " " + hostile_text + "</dd>"));
    CHECK(contains(pages[4], "<h1>" + std::string{hostile_text} + "</h1>"));
    // The path only ever lands in an attribute, escaped.
    CHECK(contains(pages[4], "href=\"https://seminare.example.org" + std::string{hostile_attr} + "?lang=en\""));

    // Hostile URLs in the context are escaped as attributes too.
    ctx.privacy_url = R"(https://example.org/"><script>x</script>)";
    CHECK_FALSE(contains(server::render_seminar(ctx, l, {}), "<script"));
}

TEST_CASE("the confirmation page of a confirmed registration", "[pages]") {
    const auto l = listing();
    const auto r = registration(domain::registration_status::confirmed);
    const auto page = server::render_confirmation(context(), l.seminar, l.dates[2].date, r, token, invite_key);
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<meta name=\"robots\" content=\"noindex, nofollow\">"));
    CHECK(contains(page, "<meta name=\"referrer\" content=\"no-referrer\">"));
    CHECK(contains(page, "<title>Ihre Anmeldung ist bestätigt – Seminaranmeldung</title>"));
    CHECK(contains(page, "<h1 class=\"status status--confirmed\">Ihre Anmeldung ist bestätigt</h1>"));
    CHECK(contains(page, "<p class=\"code-label\">Ihr Anmeldecode</p>\n<p class=\"code\">04HM-ASW9</p>"));
    CHECK(contains(page, "<dt>Seminar</dt><dd>LinkedIn Marketing für Unternehmen</dd>"));
    CHECK(contains(page, "<dt>Termin</dt>\n<dd>27./28. Januar 2027, 09:00–17:00 Uhr</dd>"));
    CHECK(contains(page, "<dt>Ort</dt><dd>Seminarhaus am See, Starnberg</dd>"));
    CHECK(contains(page, "<dt>Preis</dt><dd>1.490,00\u00A0€</dd>"));
    CHECK(contains(page, "<dt>Name</dt><dd>Jürgen Müller</dd>"));
    CHECK(contains(page, "<dt>E-Mail</dt><dd>j.mueller@example.com</dd>"));
    CHECK(contains(page,
                   "<a class=\"button\" href=\"https://seminare.example.org/api/v1/invites/inv_Def789-uvw_012.ics\">"
                   "Zum Kalender hinzufügen</a>"));
    CHECK(contains(page,
                   "<form class=\"cancel-form\" method=\"post\" "
                   "action=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456/cancel\">\n"
                   "<button type=\"submit\" class=\"button button--secondary\">Anmeldung stornieren</button>\n"
                   "</form>"));
    CHECK_FALSE(contains(page, "name=\"confirm\""));
    CHECK(contains(page, "<a href=\"https://seminare.example.org/seminars/linkedin-marketing\">Zur Seminarseite</a>"));
}

TEST_CASE("the confirmation page of a waitlisted registration, in English", "[pages]") {
    const auto l = listing();
    const auto r = registration(domain::registration_status::waitlisted, 3);
    auto page = server::render_confirmation(context(), l.seminar, l.dates[3].date, r, token, invite_key);
    CHECK(contains(page, "<h1 class=\"status status--waitlisted\">Sie stehen auf der Warteliste (Platz 3)</h1>"));
    CHECK(contains(page, "Zum Kalender hinzufügen"));
    CHECK(contains(page, "Anmeldung stornieren</button>"));

    page = server::render_confirmation(context(domain::lang::en), l.seminar, l.dates[3].date, r, token, invite_key);
    check_document(page, domain::lang::en);
    CHECK(contains(page, "<h1 class=\"status status--waitlisted\">You are on the waiting list (number 3)</h1>"));
    CHECK(contains(page, "<p class=\"code-label\">Your registration code</p>"));
    CHECK(contains(page, "<dt>Date</dt>\n<dd>3–4 March 2027, 09:00–17:00</dd>"));
    CHECK(contains(page, ">Add to calendar</a>"));
    CHECK(contains(page, "action=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456/cancel?lang=en\""));
    CHECK(contains(page, ">Cancel registration</button>"));
    CHECK(contains(page,
                   "href=\"https://seminare.example.org/seminars/linkedin-marketing?lang=en\">To the seminar page"));
    CHECK(contains(page,
                   "href=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456?lang=de\" hreflang=\"de\""));
}

TEST_CASE("the confirmation page of a cancelled registration offers neither calendar nor cancel", "[pages]") {
    const auto l = listing();
    auto r = registration(domain::registration_status::cancelled);
    r.cancelled_at = now;
    const auto page = server::render_confirmation(context(), l.seminar, l.dates[2].date, r, token, invite_key);
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<h1 class=\"status status--cancelled\">Ihre Anmeldung ist storniert</h1>"));
    CHECK(contains(page, "<p class=\"code\">04HM-ASW9</p>"));
    CHECK_FALSE(contains(page, "invite.ics"));
    CHECK_FALSE(contains(page, "<form"));
    CHECK_FALSE(contains(page, "Anmeldung stornieren"));
    CHECK(contains(page, ">Zur Seminarseite</a>"));
    CHECK(contains(
        server::render_confirmation(context(domain::lang::en), l.seminar, l.dates[2].date, r, token, invite_key),
        ">Your registration is cancelled</h1>"));
}

TEST_CASE("the confirmation page of a date the organiser cancelled says so", "[pages]") {
    const auto l = listing();
    const auto page = server::render_confirmation(
        context(), l.seminar, l.dates[5].date, registration(domain::registration_status::confirmed), token, invite_key);
    CHECK(contains(page, "<p class=\"notice notice--warning\">Dieser Termin wurde vom Veranstalter abgesagt.</p>"));
}

TEST_CASE("the token appears only in the page's own links", "[pages]") {
    const auto l = listing();
    const auto r = registration(domain::registration_status::confirmed);
    const std::string t = token;
    const std::vector<std::string> own{
        std::string{base} + "/registrations/" + t + "/cancel",
        std::string{base} + "/registrations/" + t + "/substitute",
        std::string{base} + "/registrations/" + t + "?lang=en",
        std::string{base} + "/registrations/" + t,
        std::string{base} + "/api/v1/registrations/" + t + "/export",
        std::string{base} + "/registrations/" + t + "/daten",
        std::string{base} + "/registrations/" + t + "/daten?lang=en",
    };
    // The page without its own links: what is left must not hold the token.
    auto strip_links = [](std::string page, const std::vector<std::string>& urls) {
        for (const auto& url : urls) {
            for (auto attr : {"href=\"", "action=\""}) {
                const auto needle = attr + url + "\"";
                for (auto pos = page.find(needle); pos != std::string::npos; pos = page.find(needle))
                    page.erase(pos, needle.size());
            }
        }
        return page;
    };
    auto strip = [&](std::string page) { return strip_links(std::move(page), own); };
    const auto confirmation = server::render_confirmation(context(), l.seminar, l.dates[2].date, r, token, invite_key);
    // cancel, substitute, language switch, own data to view and to download: the calendar link has the read-only key
    CHECK(count(confirmation, t) == 5);
    CHECK(
        contains(confirmation,
                 std::string{"href=\""} + base + "/api/v1/registrations/" + t + "/export\">Meine Daten herunterladen"));
    CHECK(contains(confirmation, std::string{"href=\""} + base + "/api/v1/invites/" + invite_key + ".ics\""));
    CHECK_FALSE(contains(strip(confirmation), t));
    server::own_data_page data;
    data.email = r.person.email;
    data.registrations.push_back({l.seminar, l.dates[2].date, r, "0123456789abcdef", {}, {}});
    const auto own_data = server::render_own_data(context(), data, token);
    CHECK(count(own_data, t) == 3);  // the download, back to the registration, language switch
    CHECK(contains(own_data, "Ihre gespeicherten Daten"));
    CHECK(contains(own_data, "Datenschutzhinweise Fassung 0123456789ab"));
    CHECK(contains(own_data, "<meta name=\"referrer\" content=\"no-referrer\">"));
    CHECK_FALSE(contains(strip(own_data), t));
    const auto step = server::render_cancel_step(context(), l.seminar, l.dates[2].date, r, token);
    CHECK(count(step, t) == 3);  // cancel, "Nein, zurück", language switch
    CHECK_FALSE(contains(strip(step), t));
    CHECK(contains(step, "<meta name=\"referrer\" content=\"no-referrer\">"));

    // The booker's page: per seat held a cancel and a substitute form, "cancel all", the language switch.
    const std::vector<std::string> booking_own{
        std::string{base} + "/bookings/" + t + "/cancel",
        std::string{base} + "/bookings/" + t + "/substitute",
        std::string{base} + "/bookings/" + t + "?lang=en",
    };
    const auto booked = server::render_booking(context(), l.seminar, l.dates[2].date, booking(), seats(), token);
    CHECK(count(booked, t) == 6);  // 2 × (cancel, substitute), cancel all, language switch
    CHECK_FALSE(contains(strip_links(booked, booking_own), t));
}

TEST_CASE("the cancel step asks once more and posts confirm=yes", "[pages]") {
    const auto l = listing();
    const auto r = registration(domain::registration_status::confirmed);
    auto page = server::render_cancel_step(context(), l.seminar, l.dates[2].date, r, token);
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<h1>Möchten Sie Ihre Anmeldung wirklich stornieren?</h1>"));
    CHECK(contains(page, "<p class=\"code\">04HM-ASW9</p>"));
    CHECK(contains(page, "<dd>27./28. Januar 2027, 09:00–17:00 Uhr</dd>"));
    CHECK(contains(page,
                   "<form class=\"cancel-form\" method=\"post\" "
                   "action=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456/cancel\">\n"
                   "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n"));
    CHECK(
        contains(page, "<button type=\"submit\" class=\"button button--danger\">Ja, verbindlich stornieren</button>"));
    CHECK(contains(page,
                   "<a class=\"button button--secondary\" "
                   "href=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456\">Nein, zurück</a>"));

    page = server::render_cancel_step(context(domain::lang::en), l.seminar, l.dates[2].date, r, token);
    check_document(page, domain::lang::en);
    CHECK(contains(page, "<h1>Do you really want to cancel your registration?</h1>"));
    CHECK(contains(page, "action=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456/cancel?lang=en\""));
    CHECK(contains(page, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"));
    CHECK(contains(page, ">Yes, cancel for good</button>"));
    CHECK(contains(page,
                   "href=\"https://seminare.example.org/registrations/tok_Abc123-xyz_456?lang=en\">No, go back</a>"));
}

TEST_CASE("the cancel step of a cancelled registration only says so", "[pages]") {
    const auto l = listing();
    const auto page = server::render_cancel_step(
        context(), l.seminar, l.dates[2].date, registration(domain::registration_status::cancelled), token);
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<h1 class=\"status status--cancelled\">Ihre Anmeldung ist storniert</h1>"));
    CHECK(contains(page, "Diese Anmeldung ist bereits storniert."));
    CHECK_FALSE(contains(page, "<form"));
    CHECK_FALSE(contains(page, "name=\"confirm\""));
}

TEST_CASE("the index lists each seminar with its next open date", "[pages]") {
    auto other = one_open();
    other.seminar.slug = "social-selling";
    other.seminar.title = "Social Selling kompakt";
    other.dates.pop_back();  // only the past date is left
    const std::vector<server::seminar_listing> seminars{listing(), other};

    auto page = server::render_index(context(), seminars);
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<title>Seminare – Seminaranmeldung</title>"));
    CHECK(contains(page, "<h1>Seminare</h1>"));
    CHECK(contains(page,
                   "<h2 class=\"card-title\"><a href=\"https://seminare.example.org/seminars/linkedin-marketing\">"
                   "LinkedIn Marketing für Unternehmen</a></h2>\n"
                   "<p class=\"card-next\">Nächster Termin: 27./28. Januar 2027 "
                   "<span class=\"state state--open\">Noch 12 Plätze frei</span></p>"));
    CHECK(contains(page,
                   "<a href=\"https://seminare.example.org/seminars/social-selling\">Social Selling kompakt</a></h2>\n"
                   "<p class=\"card-next\">Derzeit keine Termine</p>"));

    page = server::render_index(context(domain::lang::en), seminars);
    check_document(page, domain::lang::en);
    CHECK(contains(page, "href=\"https://seminare.example.org/seminars/linkedin-marketing?lang=en\""));
    CHECK(contains(page, "Next date: 27–28 January 2027 <span class=\"state state--open\">12 seats left</span>"));
    CHECK(contains(page, "<p class=\"card-next\">No dates at the moment</p>"));

    page = server::render_index(context(), {});
    CHECK(contains(page, "<p class=\"notice\">Derzeit sind keine Seminare ausgeschrieben.</p>"));
}

TEST_CASE("a message page has a heading, a text and a way back", "[pages]") {
    auto ctx = context();
    ctx.path = "/seminars/gibt-es-nicht";
    auto page = server::render_message(ctx, "Seite nicht gefunden", "Diese Seite gibt es nicht.");
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<title>Seite nicht gefunden – Seminaranmeldung</title>"));
    CHECK(contains(page,
                   "<main id=\"main\" class=\"wrap\">\n<h1>Seite nicht gefunden</h1><p class=\"lead\">Diese Seite gibt "
                   "es nicht.</p><p class=\"back\"><a href=\"https://seminare.example.org/\">Zur Übersicht der "
                   "Seminare</a></p>\n</main>"));
    CHECK(contains(page, "href=\"https://seminare.example.org/seminars/gibt-es-nicht?lang=en\" hreflang=\"en\""));

    page = server::render_message(context(domain::lang::en), "Page not found", "There is no such page.");
    check_document(page, domain::lang::en);
    CHECK(contains(page, "href=\"https://seminare.example.org/?lang=de\" hreflang=\"de\""));
    CHECK(contains(page, ">To the list of seminars</a>"));
}

TEST_CASE("the privacy notice says what is stored, why, how long and how to cancel", "[pages]") {
    auto page = server::render_privacy(context());
    check_document(page, domain::lang::de);
    CHECK(contains(page, "<h1>Datenschutzhinweise</h1>"));
    CHECK(contains(page, "Vorname, Nachname, E-Mail-Adresse und, falls angegeben, Firma, Position und Telefonnummer"));
    CHECK(contains(page, "Zeitpunkt Ihrer Anmeldung und Ihrer Einwilligung"));
    CHECK(contains(page, "IP-Adresse"));
    CHECK(contains(page, "365 Tage nach dem letzten Tag Ihres Seminartermins automatisch gelöscht"));
    CHECK(contains(page, "„Anmeldung stornieren“"));
    CHECK(contains(page, "href=\"https://www.example.org/datenschutz?lang=en\" hreflang=\"en\""));

    // The default notice lives at our own URL, which may already carry the language.
    auto ctx = context(domain::lang::en);
    ctx.privacy_url = std::string{base} + "/datenschutz?lang=en";
    page = server::render_privacy(ctx);
    CHECK(contains(page, "href=\"https://seminare.example.org/datenschutz?lang=de\" hreflang=\"de\""));

    ctx.path = "/privacy";
    page = server::render_privacy(ctx);
    check_document(page, domain::lang::en);
    CHECK(contains(page, "<h1>Privacy notice</h1>"));
    CHECK(contains(page, "erased automatically 365 days after the last day of your seminar date"));
    CHECK(contains(page, "href=\"https://seminare.example.org/privacy?lang=de\" hreflang=\"de\""));
}

TEST_CASE("dates outside the readers' zone name their zone", "[pages]") {
    auto l = one_open();
    l.dates[1].date.timezone = "America/New_York";
    const auto page = server::render_seminar(context(), l, {});
    CHECK(contains(page,
                   "<p class=\"date-when\">27./28. Januar 2027, 09:00–17:00 Uhr<br><span class=\"zone\">Zeitzone: "
                   "America/New_York</span></p>"));
}

TEST_CASE("the stylesheet is embedded and its version is stable", "[pages]") {
    const auto css = server::stylesheet();
    CHECK(css.size() > 1000);
    CHECK(css.rfind("/* seminard", 0) == 0);
    CHECK(contains(css, ":focus-visible"));
    CHECK_FALSE(contains(css, "@import"));
    CHECK_FALSE(contains(css, "url("));
    const auto version = server::stylesheet_version();
    CHECK(version.size() == 10);
    CHECK(version.find_first_not_of("0123456789abcdef") == std::string_view::npos);
    CHECK(server::stylesheet_version() == version);
    CHECK(server::stylesheet().data() == css.data());
}

TEST_CASE("the booker's page offers a substitute form for each seat held, until the date begins", "[pages]") {
    const auto l = listing();
    server::seat_substitute fresh;
    fresh.form.idempotency_key = "page-key";
    auto page = server::render_booking(context(), l.seminar, l.dates[2].date, booking(), seats(), token, fresh);
    check_document(page, domain::lang::de);
    CHECK(count(page, "<form class=\"substitute-form\" method=\"post\"") == 2);
    CHECK(count(page, "<details class=\"substitute\">\n<summary>Ersatzteilnehmer:in benennen") == 2);
    CHECK(contains(page, "<span class=\"visually-hidden\"> für Jürgen Müller</span></summary>"));
    // Ids and keys of their own per seat; the seat's code goes along hidden.
    CHECK(contains(page, "<label for=\"email-04HM-ASW9\">E-Mail-Adresse</label>"));
    CHECK(contains(page, "<input type=\"email\" id=\"email-04HM-ASW9\" name=\"email\" autocomplete=\"off\""));
    CHECK(contains(page, "id=\"first_name-1111-2222\" name=\"first_name\" autocomplete=\"off\""));
    CHECK(contains(page, "name=\"idempotency_key\" value=\"page-key-04HM-ASW9\""));
    CHECK(contains(page, "name=\"idempotency_key\" value=\"page-key-1111-2222\""));
    CHECK(contains(page,
                   "action=\"https://seminare.example.org/bookings/tok_Abc123-xyz_456/substitute\">\n"
                   "<input type=\"hidden\" name=\"idempotency_key\" value=\"page-key-04HM-ASW9\">\n"
                   "<input type=\"hidden\" name=\"registration\" value=\"04HM-ASW9\">"));
    CHECK(contains(page, "aria-label=\"Platz übertragen: Jürgen Müller\">Platz übertragen</button>"));
    // The cancelled seat has none.
    CHECK_FALSE(contains(page, "email-3333-4444"));
    CHECK_FALSE(contains(page, "value=\"3333-4444\""));
    CHECK_FALSE(contains(page, "error-summary"));

    auto en = server::render_booking(context(domain::lang::en), l.seminar, l.dates[2].date, booking(), seats(), token);
    CHECK(contains(en, "<summary>Name a substitute<span class=\"visually-hidden\"> for Jürgen Müller</span>"));
    CHECK(contains(en, "/bookings/tok_Abc123-xyz_456/substitute?lang=en\""));

    // Once the first day began, or the date is cancelled: no forms.
    auto begun = context();
    begun.now = at(date::year{2027} / 1 / 27, 10h);
    CHECK_FALSE(contains(server::render_booking(begun, l.seminar, l.dates[2].date, booking(), seats(), token),
                         "substitute-form"));
    CHECK_FALSE(contains(server::render_booking(context(), l.seminar, l.dates[5].date, booking(), seats(), token),
                         "substitute-form"));
}

TEST_CASE("a failed substitute on the booker's page heads it with the summary and keeps that seat's form as typed",
          "[pages]") {
    const auto l = listing();
    server::seat_substitute failed;
    failed.registration = "1111-2222";
    failed.form.values = {{"first_name", "Xaver"}, {"last_name", "Ersatz"}, {"email", "x@"}};
    failed.form.problems = {{"email", domain::field_problem::invalid_value}};
    failed.form.error = domain::errc::invalid_fields;
    auto page = server::render_booking(context(), l.seminar, l.dates[2].date, booking(), seats(), token, failed);
    check_document(page, domain::lang::de);
    CHECK(count(page, "role=\"alert\"") == 1);
    CHECK(page.find("error-summary") < page.find("<ul class=\"attendees\">"));
    CHECK(contains(page, "href=\"#email-1111-2222\">Ersatzteilnehmer:in für Lena Müller, E-Mail-Adresse: "));
    CHECK(count(page, "<details class=\"substitute\" open>") == 1);
    CHECK(count(page, "value=\"Xaver\"") == 1);
    CHECK(contains(page, "<p id=\"email-1111-2222-error\" class=\"field-error\">"));
    CHECK(contains(page, "aria-invalid=\"true\" aria-describedby=\"email-1111-2222-error\""));
    // The other seat's form stays folded and empty.
    CHECK(page.find("value=\"Xaver\"") > page.find("id=\"email-04HM-ASW9\""));

    // A seat without a form (cancelled): the reason heads the page, no form opens.
    server::seat_substitute late;
    late.registration = "3333-4444";
    late.form.error = domain::errc::already_cancelled;
    page = server::render_booking(context(), l.seminar, l.dates[2].date, booking(), seats(), token, late);
    CHECK(contains(page, "Diese Anmeldung ist bereits storniert."));
    CHECK_FALSE(contains(page, "<details class=\"substitute\" open>"));
}

TEST_CASE("the consent wording kept as proof is what the form's checkbox says", "[pages][consent]") {
    for (auto l : {domain::lang::de, domain::lang::en}) {
        auto ctx = context();
        ctx.lang = l;
        const auto page = server::render_seminar(ctx, listing(), {});
        const auto start = page.find("<label for=\"privacy_consent\">");
        REQUIRE(start != std::string::npos);
        const auto end = page.find("</label>", start);
        std::string label = page.substr(start, end - start);
        // What a reader sees: the text without its tags and without the screen reader's "opens in a new window".
        const auto hidden = label.find("<span class=\"visually-hidden\">");
        REQUIRE(hidden != std::string::npos);
        label.erase(hidden, label.find("</span>", hidden) + 7 - hidden);
        std::string text;
        bool in_tag = false;
        for (char c : label) {
            if (c == '<') in_tag = true;
            if (!in_tag) text += c;
            if (c == '>') in_tag = false;
        }
        CHECK(text == server::consent_wording(l));
        CHECK(server::privacy_notice_text(l, {}).find(l == domain::lang::de ? "Ihre Rechte" : "Your rights") !=
              std::string::npos);
    }
}

TEST_CASE("the privacy notice says how long data is kept, from the configured retention", "[pages][retention]") {
    auto ctx = context();
    ctx.retention = {90, 14};
    const auto page = server::render_privacy(ctx);
    CHECK(contains(page, "90 Tage nach dem letzten Tag Ihres Seminartermins automatisch gelöscht"));
    CHECK(contains(page, "14 Tage nach dem Versand gelöscht"));
    CHECK(contains(page, "Meine Daten herunterladen"));
    ctx.retention = {0, 0};
    const auto kept = server::render_privacy(ctx);
    CHECK(contains(kept, "bleiben gespeichert, bis der Veranstalter sie löscht"));
    CHECK_FALSE(contains(kept, "automatisch gelöscht"));
    // Another retention is another notice, so another consent version.
    CHECK(server::privacy_notice_text(domain::lang::de, {90, 14}) != server::privacy_notice_text(domain::lang::de, {}));
}
