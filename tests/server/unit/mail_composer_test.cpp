// Tests of the confirmation e-mails: for every kind and both languages the subject, the texts, the right calendar
// method, 7-bit CRLF only, the private link only where it belongs, escaped HTML; and Python's `email` package
// (tests/server/mail_check.py) reads back exactly what was meant, without defects.
#include "server/mail/mail_composer.hpp"

#include "calendars/ics.hpp"
#include "domain/format_de.hpp"
#include "server/mail/mime.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace server = seminard::server;
namespace domain = seminard::domain;
namespace calendars = seminard::calendars;
namespace mime = seminard::server::mime;
using nlohmann::json;
using server::mail_kind;

namespace {

const std::string token = "tKq3x9VbN2mR7wYpL4sD8fHj6cZa1eUo5iGvXyB0nQw";

domain::instant at(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
    return domain::instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + std::chrono::hours{h} +
           std::chrono::minutes{min};
}

domain::seminar_day day(unsigned d, int start_h, int end_h) {
    return {date::year{2027} / date::January / date::day{d}, std::chrono::hours{start_h}, std::chrono::hours{end_h}};
}

domain::seminar sample_seminar() {
    domain::seminar s;
    s.id = 1;
    s.slug = "linkedin-marketing";
    s.title = "LinkedIn Marketing für Unternehmen";
    s.description = "Zwei Tage zu Neukunden, Social Selling und Recruiting auf LinkedIn.";
    s.location = "Seminarhaus am Anger, Hauptstraße 1, 85540 Haar";
    s.price_cents = 149000;
    s.currency = "EUR";
    s.organizer_name = "Beispiel Kommunikation GmbH";
    s.organizer_email = "seminare@example.org";
    return s;
}

domain::seminar_date sample_date() {
    domain::seminar_date d;
    d.id = 7;
    d.seminar_id = 1;
    d.uid = "date-7-5f3a9c@seminard.example.org";
    d.timezone = "Europe/Berlin";
    d.days = {day(27, 9, 17), day(28, 9, 17)};
    d.capacity = 12;
    d.waitlist = true;
    return d;
}

domain::registration sample_registration() {
    domain::registration r;
    r.id = 42;
    r.date_id = 7;
    r.code = "04HM-ASW9";
    r.person = {"Max", "Mustermann", "max.mustermann@example.com", "Muster AG", "Leiter Marketing", ""};
    r.consent_at = r.created_at = at(2026, 11, 3, 10, 15);
    return r;
}

/// The input for one kind, with the registration and date in the state that kind reports.
server::mail_input input(mail_kind kind, domain::lang lang, bool waitlisted = false) {
    server::mail_input in;
    in.kind = kind;
    in.seminar = sample_seminar();
    in.date = sample_date();
    in.registration = sample_registration();
    in.lang = lang;
    in.public_url = "http://127.0.0.1:8080";
    in.calendar_organizer_email = "no-reply@seminard.example.org";
    in.created_at = at(2026, 11, 3, 10, 15);
    in.message_id = "20261103101500.42.registered@seminard.example.org";
    switch (kind) {
        case mail_kind::registered:
            in.token = token;
            if (waitlisted) {
                in.registration.status = domain::registration_status::waitlisted;
                in.registration.waitlist_position = 3;
            }
            break;
        case mail_kind::promoted:
            break;
        case mail_kind::cancelled:
            in.registration.status = domain::registration_status::cancelled;
            in.registration.cancelled_at = at(2026, 12, 1, 8);
            break;
        case mail_kind::date_changed:
            in.date.days = {day(27, 9, 17), day(28, 9, 13)};
            in.date.sequence = 1;
            break;
        case mail_kind::substituted:
            in.registration.status = domain::registration_status::cancelled;
            in.substitute_name = "Ersatz Person";
            break;
        case mail_kind::booking:
            in.token = token;
            in.booking.code = "B00K-1NG5";
            in.booking.booker = {"Bernd", "Bucher", "einkauf@beispiel.example", "Beispiel GmbH", "", ""};
            in.booked = {in.registration, in.registration};
            in.booked[1].code = "QTNK-EZY0";
            in.booked[1].person.first_name = "Zweite";
            in.booked[1].status = domain::registration_status::waitlisted;
            in.booked[1].waitlist_position = 1;
            break;
        case mail_kind::date_cancelled:
            in.date.status = domain::date_status::cancelled;
            in.date.sequence = 2;
            break;
        case mail_kind::moved: {
            // From the January date to one in March; the registration is on the new date now.
            auto from = in.date;
            in.moved_from = from;
            in.date.id = 8;
            in.date.uid = "date-8-77aa01@seminard.example.org";
            in.date.days = {{date::year{2027} / 3 / 10, domain::clock_time{9 * 60}, domain::clock_time{17 * 60}}};
            in.registration.date_id = 8;
            if (waitlisted) {
                in.registration.status = domain::registration_status::waitlisted;
                in.registration.waitlist_position = 4;
            }
            break;
        }
    }
    return in;
}

struct mail_case {
    mail_kind kind;
    bool waitlisted;
    const char* method;
    const char* subject_de;
    const char* subject_en;
};

const std::array<mail_case, 6> all_cases{{
    {mail_kind::registered,
     false,
     "REQUEST",
     "Anmeldebestätigung: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027",
     "Registration confirmed: LinkedIn Marketing für Unternehmen, 27–28 January 2027"},
    {mail_kind::registered,
     true,
     "REQUEST",
     "Warteliste: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027",
     "Waiting list: LinkedIn Marketing für Unternehmen, 27–28 January 2027"},
    {mail_kind::promoted,
     false,
     "REQUEST",
     "Ihr Platz ist bestätigt: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027",
     "Your seat is confirmed: LinkedIn Marketing für Unternehmen, 27–28 January 2027"},
    {mail_kind::cancelled,
     false,
     "CANCEL",
     "Stornierung: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027",
     "Cancellation: LinkedIn Marketing für Unternehmen, 27–28 January 2027"},
    {mail_kind::date_changed,
     false,
     "REQUEST",
     "Terminänderung: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027",
     "Schedule change: LinkedIn Marketing für Unternehmen, 27–28 January 2027"},
    {mail_kind::date_cancelled,
     false,
     "CANCEL",
     "Termin abgesagt: LinkedIn Marketing für Unternehmen, 27./28. Januar 2027",
     "Date cancelled: LinkedIn Marketing für Unternehmen, 27–28 January 2027"},
}};

std::string invite_for(const server::mail_input& in) {
    calendars::calendar_context ctx;
    ctx.seminar_url = [base = in.public_url](const seminard::domain::seminar& s) {
        return base + "/seminars/" + s.slug;
    };
    ctx.organizer_email = in.calendar_organizer_email;
    ctx.now = in.created_at;
    ctx.language = in.lang;
    return calendars::invite(in.seminar, in.date, in.registration, ctx);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// The header block (up to the first blank line), unfolded into one string per field.
std::vector<std::string> header_fields(const std::string& message) {
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while (true) {
        const auto end = message.find("\r\n", pos);
        REQUIRE(end != std::string::npos);
        if (end == pos) return fields;
        const auto line = message.substr(pos, end - pos);
        if (line[0] == ' ' || line[0] == '\t') {
            REQUIRE(!fields.empty());
            fields.back() += line;
        } else {
            fields.push_back(line);
        }
        pos = end + 2;
    }
}

void check_7bit_crlf(const std::string& message) {
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const auto c = static_cast<unsigned char>(message[i]);
        REQUIRE(c < 0x80);
        REQUIRE(c != 0);
        if (c == '\n') {
            REQUIRE((i > 0 && message[i - 1] == '\r'));  // no bare LF
            REQUIRE(i - 1 - line_start <= 998);
            line_start = i + 1;
        }
        if (c == '\r') REQUIRE((i + 1 < message.size() && message[i + 1] == '\n'));  // no bare CR
    }
    REQUIRE(message.size() >= 2);
    REQUIRE(message.substr(message.size() - 2) == "\r\n");
}

/// Every header line, folded ones included, within 78 characters.
void check_header_lines(const std::string& message) {
    const auto end = message.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    std::size_t pos = 0;
    while (pos < end) {
        const auto eol = message.find("\r\n", pos);
        INFO(message.substr(pos, eol - pos));
        CHECK(eol - pos <= 78);
        pos = eol + 2;
    }
}

/// Runs tests/server/mail_check.py on the message and returns its JSON.
json python_reading(const std::string& message) {
    static int counter = 0;
    const auto file = std::filesystem::temp_directory_path() /
                      ("seminard_mail_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + ".eml");
    {
        std::ofstream out{file, std::ios::binary};
        out << message;
        REQUIRE(out.good());
    }
    const std::string command =
        "python3 '" + std::string{SEMINARD_SOURCE_DIR} + "/tests/server/mail_check.py' '" + file.string() + "'";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    std::filesystem::remove(file);
    INFO(output);
    REQUIRE(status == 0);
    auto j = json::parse(output, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    return j;
}

json mailbox_json(const std::string& name, const std::string& address) {
    return json::array({{{"display_name", name}, {"addr_spec", address}}});
}

}  // namespace

TEST_CASE("every kind in both languages is a 7-bit CRLF message that Python's email package reads back exactly",
          "[mail]") {
    for (const auto& c : all_cases) {
        for (const auto lang : {domain::lang::de, domain::lang::en}) {
            const auto in = input(c.kind, lang, c.waitlisted);
            const bool de = lang == domain::lang::de;
            INFO("kind " << static_cast<int>(c.kind) << (c.waitlisted ? " waitlisted" : "") << (de ? " de" : " en"));
            const auto m = server::compose_mail(in);
            const auto ics = invite_for(in);

            CHECK(m.subject == (de ? c.subject_de : c.subject_en));
            CHECK(m.subject == server::mail_subject(in));
            CHECK(m.text == server::mail_text(in));
            CHECK(m.from == "seminare@example.org");
            CHECK(m.to == "max.mustermann@example.com");
            check_7bit_crlf(m.message);
            check_header_lines(m.message);
            CHECK(contains(ics, std::string{"\r\nMETHOD:"} + c.method + "\r\n"));

            const auto py = python_reading(m.message);
            INFO(py.dump(2));
            CHECK(py["defects"] == json::array());
            CHECK(py["seven_bit"] == true);
            CHECK(py["crlf_only"] == true);
            CHECK(py["longest_line"] <= 78);  // header lines within 78, body lines within 76
            CHECK(py["subject"] == m.subject);
            CHECK(py["from"] == mailbox_json("Beispiel Kommunikation GmbH", "seminare@example.org"));
            CHECK(py["to"] == mailbox_json("Max Mustermann", "max.mustermann@example.com"));
            CHECK(py["reply_to"] == json::array());
            CHECK(py["date"] == "2026-11-03T10:15:00+00:00");
            CHECK(py["message_id"] == "<20261103101500.42.registered@seminard.example.org>");
            CHECK(py["content_language"] == (de ? "de" : "en"));
            CHECK(py["auto_submitted"] == "auto-generated");
            CHECK(py["content_types"] == json::array({"multipart/mixed",
                                                      "multipart/alternative",
                                                      "text/plain",
                                                      "text/html",
                                                      "text/calendar",
                                                      "application/ics"}));
            CHECK(py["method"] == c.method);
            CHECK(py["text"] == m.text);
            CHECK(py["html"] == server::mail_html(in));
            CHECK(py["calendar"] == ics);  // byte for byte, CRLF included
            CHECK(py["attachment"] == ics);
            CHECK(py["attachment_filename"] == (de ? "einladung.ics" : "invite.ics"));
        }
    }
}

TEST_CASE("for every kind and state the mail says the attached calendar cancels exactly when its METHOD is CANCEL",
          "[mail]") {
    const std::array<mail_kind, 5> kinds{mail_kind::registered,
                                         mail_kind::promoted,
                                         mail_kind::cancelled,
                                         mail_kind::date_changed,
                                         mail_kind::date_cancelled};
    for (const auto kind : kinds) {
        for (const auto registration : {domain::registration_status::confirmed,
                                        domain::registration_status::waitlisted,
                                        domain::registration_status::cancelled}) {
            for (const auto date : {domain::date_status::scheduled, domain::date_status::cancelled}) {
                for (const auto lang : {domain::lang::de, domain::lang::en}) {
                    const bool de = lang == domain::lang::de;
                    auto in = input(kind, lang);
                    in.registration.status = registration;
                    in.registration.waitlist_position =
                        registration == domain::registration_status::waitlisted ? std::optional<int>{2} : std::nullopt;
                    in.registration.cancelled_at = registration == domain::registration_status::cancelled
                                                       ? std::optional{at(2026, 12, 1, 8)}
                                                       : std::nullopt;
                    in.date.status = date;
                    INFO("kind " << domain::to_string(kind) << ", registration " << domain::to_string(registration)
                                 << ", date " << domain::to_string(date) << (de ? ", de" : ", en"));
                    const auto m = server::compose_mail(in);
                    const bool calendar_cancels = contains(invite_for(in), "\r\nMETHOD:CANCEL\r\n");
                    const bool text_cancels =
                        contains(m.text,
                                 de ? "Die beigefügte Absage entfernt den Termin aus Ihrem Kalender."
                                    : "The attached cancellation removes the date from your calendar.");
                    CHECK(text_cancels == calendar_cancels);
                    CHECK(contains(m.text, de ? "\nPreis: " : "\nPrice: ") == !calendar_cancels);
                    CHECK(contains(m.message, "text/calendar; charset=UTF-8; method=CANCEL\r\n") == calendar_cancels);
                }
            }
        }
    }
}

TEST_CASE("the private link is only in the registered mail, never in a calendar", "[mail]") {
    for (const auto& c : all_cases) {
        for (const auto lang : {domain::lang::de, domain::lang::en}) {
            auto in = input(c.kind, lang, c.waitlisted);
            // A caller that passes a token with another kind still gets no link.
            in.token = token;
            const bool registered = c.kind == mail_kind::registered;
            INFO("kind " << static_cast<int>(c.kind) << (lang == domain::lang::de ? " de" : " en"));
            const auto m = server::compose_mail(in);
            const auto py = python_reading(m.message);
            const auto link = "http://127.0.0.1:8080/registrations/" + token;
            CHECK(contains(m.text, link) == registered);
            CHECK(contains(py["text"].get<std::string>(), link) == registered);
            CHECK(contains(py["html"].get<std::string>(), "href=\"" + link + "\"") == registered);
            CHECK_FALSE(contains(py["calendar"].get<std::string>(), token));
            if (!registered) CHECK_FALSE(contains(m.message, token));
        }
    }
    SECTION("a registered mail without a token has no link either") {
        auto in = input(mail_kind::registered, domain::lang::de);
        in.token.clear();
        CHECK_FALSE(contains(server::mail_text(in), "/registrations/"));
    }
}

TEST_CASE("the German confirmation says everything an attendee needs", "[mail]") {
    const auto text = server::mail_text(input(mail_kind::registered, domain::lang::de));
    const std::string nbsp = std::string{domain::price_space};
    CHECK(text ==
          "Guten Tag Max Mustermann,\n"
          "\n"
          "vielen Dank für Ihre Anmeldung. Ihr Platz ist bestätigt.\n"
          "\n"
          "Seminar: LinkedIn Marketing für Unternehmen\n"
          "Termin: 27./28. Januar 2027, 09:00–17:00 Uhr\n"
          "Ort: Seminarhaus am Anger, Hauptstraße 1, 85540 Haar\n"
          "Preis: 1.490,00" +
              nbsp +
              "€\n"
              "Status: Anmeldung bestätigt\n"
              "Anmeldecode: 04HM-ASW9\n"
              "\n"
              "Ihre Anmeldung ansehen, in den Kalender übernehmen oder stornieren:\n"
              "http://127.0.0.1:8080/registrations/" +
              token +
              "\n"
              "\n"
              "Der Link ist persönlich; bitte geben Sie ihn nicht weiter.\n"
              "\n"
              "Mit der beigefügten Einladung können Sie den Termin in Ihren Kalender übernehmen.\n"
              "\n"
              "Mit freundlichen Grüßen\n"
              "Beispiel Kommunikation GmbH\n"
              "seminare@example.org\n");
}

TEST_CASE("the texts of each kind state what happened", "[mail]") {
    using domain::lang;
    const auto text = [](mail_kind k, lang l, bool waitlisted = false) {
        return server::mail_text(input(k, l, waitlisted));
    };
    SECTION("waiting list: the position and that the attendee moves up automatically") {
        const auto de = text(mail_kind::registered, lang::de, true);
        CHECK(contains(de, "Der Termin ist leider ausgebucht; Sie stehen auf Platz 3 der Warteliste."));
        CHECK(contains(de, "rücken Sie automatisch nach und erhalten von uns eine Bestätigung per E-Mail"));
        CHECK(contains(de, "Status: Warteliste, Platz 3\n"));
        const auto en = text(mail_kind::registered, lang::en, true);
        CHECK(contains(en, "This date is fully booked, so you are at position 3 on the waiting list."));
        CHECK(contains(en, "you move up automatically"));
        CHECK(contains(en, "Status: Waiting list, position 3\n"));
    }
    SECTION("promotion") {
        CHECK(contains(text(mail_kind::promoted, lang::de), "Sie sind von der Warteliste nachgerückt"));
        CHECK(contains(text(mail_kind::promoted, lang::en), "You have moved up from the waiting list"));
    }
    SECTION("cancellation: no price, the seat is free, the calendar entry goes") {
        const auto de = text(mail_kind::cancelled, lang::de);
        CHECK(contains(de, "Ihre Anmeldung zu dem unten genannten Termin ist storniert; Ihr Platz wurde freigegeben."));
        CHECK(contains(de, "Status: Anmeldung storniert\n"));
        CHECK(contains(de, "Die beigefügte Absage entfernt den Termin aus Ihrem Kalender."));
        CHECK_FALSE(contains(de, "Preis"));
        const auto en = text(mail_kind::cancelled, lang::en);
        CHECK(contains(en, "your registration for the date below has been cancelled"));
        CHECK_FALSE(contains(en, "Price"));
    }
    SECTION("date changed: the new schedule, one line per day when the hours differ") {
        const auto de = text(mail_kind::date_changed, lang::de);
        CHECK(contains(de,
                       "Neuer Termin: 27. Januar 2027, 09:00–17:00 Uhr\n"
                       "              28. Januar 2027, 09:00–13:00 Uhr\n"));
        CHECK(contains(de, "Die beigefügte Einladung aktualisiert den Termin in Ihrem Kalender."));
        CHECK(contains(de, "Preis: "));
        const auto en = text(mail_kind::date_changed, lang::en);
        CHECK(contains(en,
                       "New schedule: 27 January 2027, 09:00–17:00\n"
                       "              28 January 2027, 09:00–13:00\n"));
    }
    SECTION("date cancelled: the registration no longer holds, no price") {
        const auto de = text(mail_kind::date_cancelled, lang::de);
        CHECK(contains(de, "leider müssen wir den unten genannten Seminartermin absagen"));
        CHECK(contains(de, "Status: Termin abgesagt\n"));
        CHECK_FALSE(contains(de, "Preis"));
        const auto en = text(mail_kind::date_cancelled, lang::en);
        CHECK(contains(en, "we regret that we have to cancel the seminar date below"));
        CHECK(contains(en, "Dear Max Mustermann,\n"));
        CHECK(contains(en, "Kind regards\nBeispiel Kommunikation GmbH\nseminare@example.org\n"));
    }
    SECTION("English: dates, hours and price in English") {
        const auto en = text(mail_kind::registered, lang::en);
        CHECK(contains(en, "Date: 27–28 January 2027, 09:00–17:00\n"));
        CHECK(contains(en, "Price: €1,490.00\n"));
        CHECK(contains(en, "Registration code: 04HM-ASW9\n"));
        CHECK(contains(en, "View your registration, add it to your calendar or cancel it:\n"));
    }
    SECTION("no location, no location line") {
        auto in = input(mail_kind::registered, lang::de);
        in.seminar.location.clear();
        CHECK_FALSE(contains(server::mail_text(in), "Ort:"));
    }
}

TEST_CASE("the message headers of a German confirmation", "[mail]") {
    const auto m = server::compose_mail(input(mail_kind::registered, domain::lang::de));
    const auto fields = header_fields(m.message);
    REQUIRE(fields.size() == 9);
    CHECK(fields[0] == "From: Beispiel Kommunikation GmbH <seminare@example.org>");
    CHECK(fields[1] == "To: Max Mustermann <max.mustermann@example.com>");
    CHECK(fields[2] ==
          "Subject: =?UTF-8?Q?Anmeldebest=C3=A4tigung=3A?= LinkedIn Marketing =?UTF-8?Q?f=C3=BCr?= Unternehmen, "
          "27./28. Januar 2027");
    CHECK(fields[3] == "Date: Tue, 03 Nov 2026 10:15:00 +0000");
    CHECK(fields[4] == "Message-ID: <20261103101500.42.registered@seminard.example.org>");
    CHECK(fields[5] == "MIME-Version: 1.0");
    CHECK(fields[6] == "Content-Language: de");
    CHECK(fields[7] == "Auto-Submitted: auto-generated");
    CHECK(fields[8] == "Content-Type: multipart/mixed; boundary=\"=_seminard_mixed_0\"");
    CHECK(contains(m.message,
                   "\r\nContent-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"
                   "Content-Transfer-Encoding: base64\r\n"));
    CHECK(contains(m.message,
                   "\r\nContent-Type: application/ics; name=\"einladung.ics\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "Content-Disposition: attachment; filename=\"einladung.ics\"\r\n"));
    CHECK(contains(m.message,
                   "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
}

TEST_CASE("with a sender address, From carries it with the organiser's name and Reply-To the organiser", "[mail]") {
    auto in = input(mail_kind::promoted, domain::lang::de);
    in.from_address = "no-reply@seminard.example.org";
    const auto m = server::compose_mail(in);
    CHECK(m.from == "no-reply@seminard.example.org");
    const auto py = python_reading(m.message);
    CHECK(py["defects"] == json::array());
    CHECK(py["from"] == mailbox_json("Beispiel Kommunikation GmbH", "no-reply@seminard.example.org"));
    CHECK(py["reply_to"] == mailbox_json("Beispiel Kommunikation GmbH", "seminare@example.org"));
    // The signature still names the organiser's own address.
    CHECK(contains(m.text, "Beispiel Kommunikation GmbH\nseminare@example.org\n"));
}

TEST_CASE("hostile names and titles are escaped in the HTML and quoted in the headers", "[mail]") {
    auto in = input(mail_kind::registered, domain::lang::de);
    in.registration.person.first_name = "<script>alert(1)</script>";
    in.registration.person.last_name = "\"&Co' <b>";
    in.seminar.title = "Preise & <Konditionen> \"2027\"";
    in.seminar.location = "<img src=x onerror=alert(1)>";
    in.seminar.organizer_name = "Müller & Söhne <Beratung>";
    const auto m = server::compose_mail(in);
    const auto html = server::mail_html(in);
    CHECK_FALSE(contains(html, "<script>"));
    CHECK_FALSE(contains(html, "<img"));
    CHECK_FALSE(contains(html, "<b>"));
    CHECK_FALSE(contains(html, "<Konditionen>"));
    CHECK_FALSE(contains(html, "<Beratung>"));
    CHECK(contains(html, "Guten Tag &lt;script&gt;alert(1)&lt;/script&gt; &quot;&amp;Co&#39; &lt;b&gt;,"));
    CHECK(contains(html, "Preise &amp; &lt;Konditionen&gt; &quot;2027&quot;"));
    CHECK(contains(html, "&lt;img src=x onerror=alert(1)&gt;"));
    CHECK(contains(html, "Müller &amp; Söhne &lt;Beratung&gt;"));
    // Inline styles only: no stylesheet, no external resource.
    CHECK_FALSE(contains(html, "<style"));
    CHECK_FALSE(contains(html, "<link"));
    CHECK_FALSE(contains(html, "src=\""));

    check_7bit_crlf(m.message);
    check_header_lines(m.message);
    const auto py = python_reading(m.message);
    INFO(py.dump(2));
    CHECK(py["defects"] == json::array());
    CHECK(py["subject"] == m.subject);
    CHECK(py["to"] == mailbox_json("<script>alert(1)</script> \"&Co' <b>", "max.mustermann@example.com"));
    CHECK(py["from"] == mailbox_json("Müller & Söhne <Beratung>", "seminare@example.org"));
    CHECK(py["html"] == html);
    CHECK(py["text"] == m.text);
}

TEST_CASE("an attendee at an internationalised domain gets a 7-bit message to its A-label address", "[mail]") {
    auto in = input(mail_kind::registered, domain::lang::de);
    in.registration.person.email = "max@müller.de";
    const auto m = server::compose_mail(in);
    CHECK(m.to == "max@xn--mller-kva.de");
    check_7bit_crlf(m.message);
    const auto py = python_reading(m.message);
    CHECK(py["defects"] == json::array());
    CHECK(py["to"] == mailbox_json("Max Mustermann", "max@xn--mller-kva.de"));
    CHECK(py["calendar"] == invite_for(in));
}

TEST_CASE("names and titles in other scripts and with umlauts come back exactly", "[mail]") {
    struct person {
        const char* first;
        const char* last;
    };
    for (const auto& p : {person{"Jürgen", "Müller-Lüdenscheidt"},
                          person{"Дмитрий", "Иванов"},
                          person{"Prof. Dr. Hans-Jürgen", "Müller-Lüdenscheidt"},
                          person{"美咲", "佐藤"},
                          person{"Hans-Jürgen", "Müller-Lüdenscheidt von Überlingen-Großkötzenbach"}}) {
        auto in = input(mail_kind::registered, domain::lang::en, true);
        in.registration.person.first_name = p.first;
        in.registration.person.last_name = p.last;
        in.seminar.title =
            "Überzeugend präsentieren: Körpersprache, Stimme und Wirkung für Führungskräfte im Außendienst";
        const auto m = server::compose_mail(in);
        check_7bit_crlf(m.message);
        check_header_lines(m.message);
        const auto py = python_reading(m.message);
        INFO(py.dump(2));
        CHECK(py["defects"] == json::array());
        CHECK(py["subject"] == m.subject);
        const auto name = std::string{p.first} + " " + p.last;
        auto read = py["to"][0]["display_name"].get<std::string>();
        if (mime::encoded_words(name).find(' ') != std::string::npos) {
            // A name too long for one encoded-word is split after a space that stays inside the first word
            // (RFC 2047 6.2 drops the space between the words). Python's address parser before the fix of CPython
            // gh-128110 keeps that space as well, reading a double space.
            for (auto at = read.find("  "); at != std::string::npos; at = read.find("  ")) read.erase(at, 1);
        }
        CHECK(read == name);
        CHECK(py["to"][0]["addr_spec"] == "max.mustermann@example.com");
        CHECK(py["text"] == m.text);
    }
}

TEST_CASE("a rebooking is one mail: the new date requested inline and attached, the old one's CANCEL attached",
          "[mail]") {
    for (const bool waitlisted : {false, true}) {
        for (const auto lang : {domain::lang::de, domain::lang::en}) {
            const bool de = lang == domain::lang::de;
            const auto in = input(mail_kind::moved, lang, waitlisted);
            INFO((waitlisted ? "waitlisted" : "confirmed") << (de ? " de" : " en"));
            const auto m = server::compose_mail(in);
            CHECK(m.subject == (de ? "Umbuchung: LinkedIn Marketing für Unternehmen, 10. März 2027"
                                   : "Rebooked: LinkedIn Marketing für Unternehmen, 10 March 2027"));
            const auto py = python_reading(m.message);
            INFO(py.dump(2));
            CHECK(py["defects"] == json::array());
            CHECK(py["seven_bit"] == true);
            CHECK(py["content_types"] == json::array({"multipart/mixed",
                                                      "multipart/alternative",
                                                      "text/plain",
                                                      "text/html",
                                                      "text/calendar",
                                                      "application/ics",
                                                      "application/ics"}));
            CHECK(py["method"] == "REQUEST");
            const auto request = invite_for(in);
            CHECK(py["calendar"] == request);
            REQUIRE(py["attachments"].size() == 2);
            CHECK(py["attachments"][0]["filename"] == (de ? "einladung.ics" : "invite.ics"));
            CHECK(py["attachments"][0]["content"] == request);
            CHECK(py["attachments"][1]["filename"] == (de ? "absage.ics" : "cancellation.ics"));
            const std::string cancel = py["attachments"][1]["content"];
            // Each calendar names its own date: the request the new one, the cancellation the one left.
            CHECK(contains(request, "UID:04HM-ASW9.date-8-77aa01@seminard.example.org\r\n"));
            CHECK(contains(request, "\r\nDTSTART;TZID=Europe/Berlin:20270310T090000\r\n"));
            CHECK(contains(cancel, "\r\nMETHOD:CANCEL\r\n"));
            CHECK(contains(cancel, "UID:04HM-ASW9.date-7-5f3a9c@seminard.example.org\r\n"));
            CHECK(contains(cancel, "\r\nSTATUS:CANCELLED\r\n"));
            CHECK_FALSE(contains(cancel, "20270310"));
            // The text names both dates and what the two files do.
            CHECK(contains(m.text,
                           de ? "\nNeuer Termin: 10. März 2027, 09:00–17:00 Uhr\n"
                              : "\nNew schedule: 10 March 2027, 09:00–17:00\n"));
            CHECK(contains(m.text,
                           de ? "\nBisheriger Termin: 27./28. Januar 2027, 09:00–17:00 Uhr\n"
                              : "\nPrevious date: 27–28 January 2027, 09:00–17:00\n"));
            CHECK(contains(m.text, de ? "absage.ics" : "cancellation.ics"));
            CHECK(contains(m.text, de ? "Platz 4 der Warteliste" : "position 4 on the waiting list") == waitlisted);
            CHECK_FALSE(contains(m.text, "/registrations/"));  // the link is only ever in the registered mail
        }
    }
}
