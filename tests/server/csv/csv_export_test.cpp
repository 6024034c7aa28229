// The organiser's CSV export end to end: the real seminard, attendees with umlauts, separators, quotes and formula
// triggers registered through the API, and the exports read back by Python's csv module in both dialects.
#include "api.hpp"
#include "csv_support.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

using namespace seminard::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* slug = "csv-export";
constexpr std::string_view bom = "\xEF\xBB\xBF";

const std::vector<std::string> header_de = {"Code",
                                            "Status",
                                            "Wartelistenplatz",
                                            "Angemeldet am",
                                            "Vorname",
                                            "Nachname",
                                            "E-Mail",
                                            "Firma",
                                            "Position",
                                            "Telefon",
                                            "Einwilligung",
                                            "Storniert am"};
const std::vector<std::string> header_en = {"Code",
                                            "Status",
                                            "Waiting list position",
                                            "Registered at",
                                            "First name",
                                            "Last name",
                                            "Email",
                                            "Company",
                                            "Job title",
                                            "Phone",
                                            "Consent",
                                            "Cancelled at"};

/// One attendee: what is sent, and the six person cells a spreadsheet must show (formula cells with the apostrophe).
struct attendee_case {
    json body;
    std::vector<std::string> cells;
};

attendee_case attendee(std::string first,
                       std::string last,
                       std::string email,
                       std::string company,
                       std::string job_title,
                       std::string phone,
                       std::vector<std::string> cells) {
    return {json{{"first_name", first},
                 {"last_name", last},
                 {"email", email},
                 {"company", company},
                 {"job_title", job_title},
                 {"phone", phone},
                 {"privacy_consent", true}},
            std::move(cells)};
}

/// Date A (capacity 3, waiting list), in arrival order: three confirmed, one waitlisted then cancelled by the
/// organiser, one waitlisted (position 1 once the one before is cancelled).
std::vector<attendee_case> date_a_attendees() {
    return {
        attendee("Jürgen",
                 "Müller, Dr.",
                 "juergen.mueller@example.org",
                 "Bäckerei \"Zur Brezel\"; Filiale Süd",
                 "=HYPERLINK(\"http://x\")",
                 "+49 89 123",
                 {"Jürgen",
                  "Müller, Dr.",
                  "juergen.mueller@example.org",
                  "Bäckerei \"Zur Brezel\"; Filiale Süd",
                  "'=HYPERLINK(\"http://x\")",
                  "'+49 89 123"}),
        attendee("@SUM(A1)",
                 "Öztürk-Straßburger",
                 "-5@example.org",
                 "-5",
                 "Leiterin; Vertrieb, Nord",
                 "-5",
                 {"'@SUM(A1)", "Öztürk-Straßburger", "'-5@example.org", "'-5", "Leiterin; Vertrieb, Nord", "'-5"}),
        attendee("Zoë",
                 "O'Brien",
                 "=zoe@example.org",
                 "\"Quoted\" AG",
                 "+Chef, \"Vertrieb\"",
                 "",
                 {"Zoë", "O'Brien", "'=zoe@example.org", "\"Quoted\" AG", "'+Chef, \"Vertrieb\"", ""}),
        attendee("Anna",
                 "Weiß",
                 "anna@example.org",
                 "Ämter;Büro,Straße",
                 "",
                 "",
                 {"Anna", "Weiß", "anna@example.org", "Ämter;Büro,Straße", "", ""}),
        attendee("Émile",
                 "Dupont",
                 "emile@example.org",
                 "=1+1",
                 "@home",
                 "(089) 12-34",
                 {"Émile", "Dupont", "emile@example.org", "'=1+1", "'@home", "(089) 12-34"}),
    };
}

attendee_case date_b_attendee() {
    return attendee("Bernd",
                    "Brot",
                    "bernd@example.org",
                    "Comma, Inc.",
                    "Geschäftsführer",
                    "089 1234",
                    {"Bernd", "Brot", "bernd@example.org", "Comma, Inc.", "Geschäftsführer", "089 1234"});
}

json one_day_date(const std::string& day) {
    return {{"timezone", "Europe/Berlin"},
            {"days", {{{"date", day}, {"start", "10:00"}, {"end", "16:00"}}}},
            {"capacity", 5},
            {"waitlist", false}};
}

std::string status_word(const std::string& status, bool german) {
    if (status == "confirmed") return german ? "bestätigt" : "confirmed";
    if (status == "waitlisted") return german ? "Warteliste" : "waiting list";
    return german ? "storniert" : "cancelled";
}

/// A seminar with three dates: A (five attendees, see above), B (one), and an empty one.
class export_fixture {
protected:
    export_fixture() {
        create_seminar(client, slug);
        date_a = create_date(client, slug, 3, true);
        date_b = create_posted_date(one_day_date(future_day(3, 10)));
        empty_date = create_posted_date(one_day_date(future_day(5, 5)));

        const auto people = date_a_attendees();
        for (std::size_t i = 0; i < people.size(); ++i) {
            auto r = register_json(client, date_a, people[i].body);
            INFO(r.body);
            REQUIRE(r.status == 201);
            REQUIRE(r.json().at("status") == (i < 3 ? "confirmed" : "waitlisted"));
            codes_a.push_back(r.json().at("code").get<std::string>());
        }
        auto cancel = client.request("POST", "/api/v1/registrations/" + codes_a[3] + "/cancel", "", organiser());
        INFO(cancel.body);
        REQUIRE(cancel.status == 200);

        auto r = register_json(client, date_b, date_b_attendee().body);
        INFO(r.body);
        REQUIRE(r.status == 201);
        code_b = r.json().at("code").get<std::string>();

        for (auto date : {date_a, date_b})
            for (auto& item : list_registrations(client, date)) listed[item.at("code").get<std::string>()] = item;
        REQUIRE(listed.size() == 6);
        // The state the exports must show, as the organiser list reports it.
        REQUIRE(listed.at(codes_a[3]).at("status") == "cancelled");
        REQUIRE(listed.at(codes_a[4]).at("status") == "waitlisted");
        REQUIRE(listed.at(codes_a[4]).at("waitlist_position") == 1);
    }

    std::int64_t create_posted_date(const json& body) {
        auto r = client.post_json(std::string{"/api/v1/seminars/"} + slug + "/dates", body, organiser());
        INFO(r.body);
        REQUIRE(r.status == 201);
        return r.json().at("id").get<std::int64_t>();
    }

    /// The expected record of one registration (as a CSV reader yields it), optionally led by a date label.
    std::vector<std::string> expected_row(const std::string& code,
                                          const attendee_case& who,
                                          bool german,
                                          const std::string& label = {}) const {
        const auto& item = listed.at(code);
        const auto status = item.at("status").get<std::string>();
        std::vector<std::string> row;
        if (!label.empty()) row.push_back(label);
        row.push_back(code);
        row.push_back(status_word(status, german));
        row.push_back(item.at("waitlist_position").is_null() ? std::string{}
                                                             : std::to_string(item.at("waitlist_position").get<int>()));
        row.push_back(berlin_time(item.at("created_at").get<std::string>()));
        row.insert(row.end(), who.cells.begin(), who.cells.end());
        row.push_back(berlin_time(item.at("privacy_consent_at").get<std::string>()));
        row.push_back(item.at("cancelled_at").is_null() ? std::string{}
                                                        : berlin_time(item.at("cancelled_at").get<std::string>()));
        return row;
    }

    /// Header and every row of date A, in arrival order.
    csv_rows expected_date_a(bool german) const {
        csv_rows rows{german ? header_de : header_en};
        const auto people = date_a_attendees();
        for (std::size_t i = 0; i < people.size(); ++i) rows.push_back(expected_row(codes_a[i], people[i], german));
        return rows;
    }

    std::string date_csv(std::int64_t id, const std::string& query = {}) const {
        return "/api/v1/dates/" + std::to_string(id) + "/registrations.csv" + query;
    }

    /// GET with the organiser token; REQUIREs 200.
    std::string fetch(const std::string& target, const header_list& extra = {}) {
        auto headers = organiser();
        headers.insert(headers.end(), extra.begin(), extra.end());
        auto r = client.get(target, headers);
        INFO(target << " -> " << r.status << " " << r.body);
        REQUIRE(r.status == 200);
        return r.body;
    }

    server_process server;
    http_client client{server.port()};
    std::int64_t date_a = 0, date_b = 0, empty_date = 0;
    std::vector<std::string> codes_a;
    std::string code_b;
    std::map<std::string, json> listed;
};

/// Every line ends in CRLF and there is no bare LF (no attendee field can hold a line break: the API refuses them).
void require_crlf_lines(const std::string& body, std::size_t lines) {
    REQUIRE(body.size() >= 2);
    CHECK(body.substr(body.size() - 2) == "\r\n");
    std::size_t crlf = 0, lf = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] != '\n') continue;
        ++lf;
        if (i > 0 && body[i - 1] == '\r') ++crlf;
    }
    CHECK(lf == lines);
    CHECK(crlf == lines);
}

json error_of(const http_reply& r) {
    INFO(r.body);
    return r.json();
}

}  // namespace

TEST_CASE_METHOD(export_fixture, "the default plain export reads back cell for cell in Python's csv module") {
    const auto body = fetch(date_csv(date_a));
    CHECK(body.rfind(bom, 0) == std::string::npos);
    CHECK(body.rfind("Code,Status,Wartelistenplatz,Angemeldet am,", 0) == 0);
    require_crlf_lines(body, 6);

    const auto rows = read_with_python(body, ',', "utf-8");
    const auto expected = expected_date_a(true);
    REQUIRE(rows.size() == expected.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("record " << i);
        CHECK(rows[i] == expected[i]);
    }
    // Spot checks of the expectation itself, against literal values.
    CHECK(rows[1][1] == "bestätigt");
    CHECK(rows[1][8] == "'=HYPERLINK(\"http://x\")");
    CHECK(rows[2][4] == "'@SUM(A1)");
    CHECK(rows[2][9] == "'-5");
    CHECK(rows[4][1] == "storniert");
    CHECK(rows[4][2] == "");
    CHECK_FALSE(rows[4][11].empty());
    CHECK(rows[5][1] == "Warteliste");
    CHECK(rows[5][2] == "1");
    CHECK(rows[5][11] == "");
}

TEST_CASE_METHOD(export_fixture, "the Excel export has a BOM, semicolons, CRLF and reads back cell for cell") {
    const auto body = fetch(date_csv(date_a, "?dialect=excel"));
    REQUIRE(body.rfind(bom, 0) == 0);
    CHECK(body.rfind(std::string{bom} + "Code;Status;Wartelistenplatz;Angemeldet am;", 0) == 0);
    require_crlf_lines(body, 6);

    const auto rows = read_with_python(body, ';', "utf-8-sig");
    const auto expected = expected_date_a(true);
    REQUIRE(rows.size() == expected.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("record " << i);
        CHECK(rows[i] == expected[i]);
    }
    // Without stripping the BOM, it sits at the very start of the first cell and nowhere else.
    const auto raw = read_with_python(body, ';', "utf-8");
    CHECK(raw[0][0] ==
          "\xEF\xBB\xBF"
          "Code");
    CHECK(body.find(bom, 1) == std::string::npos);
}

TEST_CASE_METHOD(export_fixture, "the plain dialect can be asked for by name and equals the default") {
    CHECK(fetch(date_csv(date_a, "?dialect=plain")) == fetch(date_csv(date_a)));
}

TEST_CASE_METHOD(export_fixture, "lang=en gives an English header and English status words") {
    for (const char* dialect : {"plain", "excel"}) {
        const bool excel = std::string{dialect} == "excel";
        const auto body = fetch(date_csv(date_a, std::string{"?lang=en&dialect="} + dialect));
        const auto rows = read_with_python(body, excel ? ';' : ',', excel ? "utf-8-sig" : "utf-8");
        INFO(dialect);
        CHECK(rows == expected_date_a(false));
        REQUIRE(rows.size() == 6);
        CHECK(rows[0][2] == "Waiting list position");
        CHECK(rows[1][1] == "confirmed");
        CHECK(rows[4][1] == "cancelled");
        CHECK(rows[5][1] == "waiting list");
    }
}

TEST_CASE_METHOD(export_fixture, "an English Accept-Language header also gives the English export") {
    const auto body = fetch(date_csv(date_a), {{"Accept-Language", "en-US,en;q=0.9"}});
    CHECK(read_with_python(body, ',', "utf-8") == expected_date_a(false));
}

TEST_CASE_METHOD(export_fixture, "the status filter keeps only rows of that status, positions as on the full list") {
    const auto all = expected_date_a(true);

    auto confirmed = read_with_python(fetch(date_csv(date_a, "?status=confirmed")), ',', "utf-8");
    CHECK(confirmed == csv_rows{all[0], all[1], all[2], all[3]});

    auto waitlisted = read_with_python(fetch(date_csv(date_a, "?status=waitlisted&dialect=excel")), ';', "utf-8-sig");
    CHECK(waitlisted == csv_rows{all[0], all[5]});
    REQUIRE(waitlisted.size() == 2);
    CHECK(waitlisted[1][2] == "1");

    auto cancelled = read_with_python(fetch(date_csv(date_a, "?status=cancelled")), ',', "utf-8");
    CHECK(cancelled == csv_rows{all[0], all[4]});
}

TEST_CASE_METHOD(export_fixture, "the export is a chunked text/csv attachment with a sensible file name") {
    auto r = client.get(date_csv(date_a, "?dialect=excel"), organiser());
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == "text/csv; charset=utf-8; header=present");
    CHECK(r.header("Content-Disposition") ==
          "attachment; filename=\"csv-export-" + future_day(1, 27) + "-anmeldungen.csv\"");
    CHECK(r.header("Transfer-Encoding") == "chunked");
    CHECK_FALSE(r.has_header("Content-Length"));
    CHECK(r.header("Cache-Control") == "no-store");

    auto s = client.get("/api/v1/seminars/csv-export/registrations.csv", organiser());
    REQUIRE(s.status == 200);
    CHECK(s.header("Content-Type") == "text/csv; charset=utf-8; header=present");
    CHECK(s.header("Content-Disposition") == "attachment; filename=\"csv-export-anmeldungen.csv\"");
    CHECK(s.header("Transfer-Encoding") == "chunked");

    // On the wire: a chunked body that ends with the last chunk, decoded by hand.
    auto wire = stream_export(server.port(), date_csv(date_a, "?dialect=excel"), organiser(), 15s);
    CHECK(wire.status == 200);
    CHECK(wire.chunked);
    CHECK(wire.complete);
    CHECK(wire.chunks >= 1);
    CHECK(wire.lines == 6);
    CHECK(wire.body_bytes == r.body.size());
    CHECK(wire.first_line == std::string{bom} +
                                 "Code;Status;Wartelistenplatz;Angemeldet am;Vorname;Nachname;E-Mail;Firma;Position;"
                                 "Telefon;Einwilligung;Storniert am");
}

TEST_CASE_METHOD(export_fixture, "the connection stays usable after a streamed export") {
    http_client c{server.port()};
    auto first = c.get(date_csv(date_a), organiser());
    auto second = c.get(date_csv(date_a, "?dialect=excel"), organiser());
    auto json_after = c.get("/api/v1/seminars/csv-export");
    CHECK(first.status == 200);
    CHECK(second.status == 200);
    CHECK(json_after.status == 200);
    CHECK(c.connections_opened() == 1);
    CHECK(first.body == fetch(date_csv(date_a)));
}

TEST_CASE_METHOD(export_fixture, "the seminar-wide export lists every date's rows under a date column") {
    const auto body = fetch("/api/v1/seminars/csv-export/registrations.csv?dialect=excel");
    REQUIRE(body.rfind(std::string{bom} + "Termin;Code;Status;", 0) == 0);
    const auto rows = read_with_python(body, ';', "utf-8-sig");

    csv_rows expected;
    std::vector<std::string> header{"Termin"};
    header.insert(header.end(), header_de.begin(), header_de.end());
    expected.push_back(header);
    const auto people = date_a_attendees();
    for (std::size_t i = 0; i < people.size(); ++i)
        expected.push_back(expected_row(codes_a[i], people[i], true, future_day(1, 27)));
    expected.push_back(expected_row(code_b, date_b_attendee(), true, future_day(3, 10)));
    REQUIRE(rows.size() == expected.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("record " << i);
        CHECK(rows[i] == expected[i]);
    }
    CHECK(rows[6][0] == future_day(3, 10));
    CHECK(rows[6][8] == "Comma, Inc.");
}

TEST_CASE_METHOD(export_fixture, "the seminar-wide export filters by status and speaks English on request") {
    const auto body = fetch("/api/v1/seminars/csv-export/registrations.csv?status=confirmed&lang=en");
    const auto rows = read_with_python(body, ',', "utf-8");
    REQUIRE(rows.size() == 5);
    CHECK(rows[0][0] == "Date");
    CHECK(std::vector<std::string>(rows[0].begin() + 1, rows[0].end()) == header_en);
    const auto people = date_a_attendees();
    CHECK(rows[1] == expected_row(codes_a[0], people[0], false, future_day(1, 27)));
    CHECK(rows[2] == expected_row(codes_a[1], people[1], false, future_day(1, 27)));
    CHECK(rows[3] == expected_row(codes_a[2], people[2], false, future_day(1, 27)));
    CHECK(rows[4] == expected_row(code_b, date_b_attendee(), false, future_day(3, 10)));
}

TEST_CASE_METHOD(export_fixture, "a date without registrations exports the header row only") {
    CHECK(fetch(date_csv(empty_date)) ==
          "Code,Status,Wartelistenplatz,Angemeldet am,Vorname,Nachname,E-Mail,Firma,Position,Telefon,Einwilligung,"
          "Storniert am\r\n");
    CHECK(fetch(date_csv(empty_date, "?dialect=excel&lang=en")) ==
          std::string{bom} +
              "Code;Status;Waiting list position;Registered at;First name;Last name;Email;Company;Job title;Phone;"
              "Consent;Cancelled at\r\n");
}

TEST_CASE_METHOD(export_fixture, "the export needs the organiser token") {
    for (const auto& target : {date_csv(date_a),
                               date_csv(date_a, "?dialect=xls"),
                               std::string{"/api/v1/seminars/csv-export/registrations.csv"}}) {
        INFO(target);
        auto none = client.get(target);
        CHECK(none.status == 401);
        CHECK(error_of(none).at("error") == "unauthorized");
        CHECK(none.header("WWW-Authenticate") == "Bearer realm=\"seminard\"");
        CHECK(none.body.find("Jürgen") == std::string::npos);

        auto wrong = client.get(target, {{"Authorization", "Bearer not-the-organiser-token-0000"}});
        CHECK(wrong.status == 403);
        CHECK(error_of(wrong).at("error") == "forbidden");
        CHECK(wrong.body.find("Jürgen") == std::string::npos);
    }
}

TEST_CASE_METHOD(export_fixture, "an unknown date or seminar is 404") {
    for (const std::string target : {"/api/v1/dates/999999/registrations.csv",
                                     "/api/v1/dates/abc/registrations.csv",
                                     "/api/v1/seminars/no-such-seminar/registrations.csv"}) {
        INFO(target);
        auto r = client.get(target, organiser());
        CHECK(r.status == 404);
        CHECK(error_of(r).at("error") == "not_found");
        CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
    }
}

TEST_CASE_METHOD(export_fixture, "an unknown dialect or status is refused with 422 naming the parameter") {
    auto xls = client.get(date_csv(date_a, "?dialect=xls"), organiser());
    CHECK(xls.status == 422);
    CHECK(error_of(xls).at("error") == "invalid_fields");
    CHECK(error_of(xls).at("fields").size() == 1);
    CHECK(error_of(xls).at("fields").at("dialect").at("code") == "invalid_value");

    auto status = client.get(date_csv(date_a, "?status=pending"), organiser());
    CHECK(status.status == 422);
    CHECK(error_of(status).at("fields").size() == 1);
    CHECK(error_of(status).at("fields").at("status").at("code") == "invalid_value");

    auto both = client.get("/api/v1/seminars/csv-export/registrations.csv?dialect=xls&status=pending", organiser());
    CHECK(both.status == 422);
    CHECK(error_of(both).at("fields").at("dialect").at("code") == "invalid_value");
    CHECK(error_of(both).at("fields").at("status").at("code") == "invalid_value");
}

// The column layout of the seminar-wide export never depends on the data.
TEST_CASE_METHOD(export_fixture, "the seminar-wide export of a seminar without dates still has the date column") {
    create_seminar(client, "ohne-termine");
    CHECK(fetch("/api/v1/seminars/ohne-termine/registrations.csv") ==
          "Termin,Code,Status,Wartelistenplatz,Angemeldet am,Vorname,Nachname,E-Mail,Firma,Position,Telefon,"
          "Einwilligung,Storniert am\r\n");
}
