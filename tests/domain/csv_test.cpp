// Tests for the CSV writer of the organiser's export: RFC 4180 quoting in both dialects, formula neutralisation,
// UTF-8 repair, the header row (German/English, BOM, date column) and whole rows with local times.
#include "domain/csv.hpp"
#include <catch2/catch.hpp>

#include "domain/schedule.hpp"

#include <string>
#include <string_view>

using namespace seminard::domain;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

/// One cell as the writer produces it.
std::string cell(std::string_view value, csv_dialect d) {
    std::string out;
    append_csv_cell(out, value, d);
    return out;
}

std::string plain(std::string_view value) { return cell(value, csv_dialect::plain); }
std::string excel(std::string_view value) { return cell(value, csv_dialect::excel); }

/// Bytes as written, embedded NULs included.
std::string_view bytes(const char* s, std::size_t n) { return std::string_view{s, n}; }

/// UTC instant from calendar fields.
instant utc(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
    return date::sys_days{date::year_month_day{date::year{y}, date::month{m}, date::day{d}}} + hours{h} + minutes{min} +
           seconds{s};
}

const date::time_zone* berlin() {
    const auto* z = find_zone("Europe/Berlin");
    REQUIRE(z != nullptr);
    return z;
}

constexpr std::string_view bom = "\xEF\xBB\xBF";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

/// A confirmed registration with hostile and German text in its fields.
registration sample_registration() {
    registration r;
    r.id = 7;
    r.date_id = 3;
    r.code = "04HM-ASW9";
    r.status = registration_status::confirmed;
    r.person = {
        "Jürgen", "Groß, Dr.", "j.gross@example.org", "Müller & Söhne; GmbH", "=cmd|' /C calc'!A0", "+49 89 123"};
    r.consent_at = utc(2027, 1, 20, 11, 0, 5);
    r.created_at = utc(2027, 1, 20, 11);
    r.updated_at = r.created_at;
    return r;
}

}  // namespace

TEST_CASE("the dialects differ in separator and BOM only") {
    CHECK(format_of(csv_dialect::plain).separator == ',');
    CHECK_FALSE(format_of(csv_dialect::plain).bom);
    CHECK(format_of(csv_dialect::excel).separator == ';');
    CHECK(format_of(csv_dialect::excel).bom);
}

TEST_CASE("plain text and umlauts are written unquoted and unchanged") {
    CHECK(plain("Erika") == "Erika");
    CHECK(excel("Erika") == "Erika");
    CHECK(plain("Müller-Lüdenscheidt, Straße") == "\"Müller-Lüdenscheidt, Straße\"");
    CHECK(plain("Jürgen Groß") == "Jürgen Groß");
    CHECK(excel("Jürgen Groß") == "Jürgen Groß");
    CHECK(excel("09:00–17:00 € 🎓") == "09:00–17:00 € 🎓");
    CHECK(plain("it's") == "it's");  // an apostrophe inside is no trigger and needs no quoting
    CHECK(plain("") == "");
    CHECK(excel("") == "");
}

TEST_CASE("a cell is appended to what the line already holds") {
    std::string out = "A;";
    append_csv_cell(out, "B;C", csv_dialect::excel);
    CHECK(out == "A;\"B;C\"");
}

TEST_CASE("a cell holding its dialect's separator is quoted, the other dialect's separator is not") {
    CHECK(plain("Groß, Dr.") == "\"Groß, Dr.\"");
    CHECK(excel("Groß, Dr.") == "Groß, Dr.");
    CHECK(excel("Vertrieb; Nord") == "\"Vertrieb; Nord\"");
    CHECK(plain("Vertrieb; Nord") == "Vertrieb; Nord");
    CHECK(plain(",") == "\",\"");
    CHECK(excel(";") == "\";\"");
}

TEST_CASE("a cell holding a double quote is quoted with the quote doubled") {
    CHECK(plain("Bäckerei \"Zur Brezel\"") == "\"Bäckerei \"\"Zur Brezel\"\"\"");
    CHECK(excel("Bäckerei \"Zur Brezel\"") == "\"Bäckerei \"\"Zur Brezel\"\"\"");
    CHECK(plain("\"") == "\"\"\"\"");
    CHECK(excel("\"\"") == "\"\"\"\"\"\"");
    CHECK(plain("a\"b,c\"d") == "\"a\"\"b,c\"\"d\"");
}

TEST_CASE("a cell holding CR or LF is quoted with the line breaks kept") {
    CHECK(plain("Zeile 1\r\nZeile 2") == "\"Zeile 1\r\nZeile 2\"");
    CHECK(excel("Zeile 1\r\nZeile 2") == "\"Zeile 1\r\nZeile 2\"");
    CHECK(plain("a\nb") == "\"a\nb\"");
    CHECK(excel("a\rb") == "\"a\rb\"");
    CHECK(plain("ends with newline\n") == "\"ends with newline\n\"");
}

TEST_CASE("each formula trigger at the start gets a leading apostrophe") {
    CHECK(plain("=1+1") == "'=1+1");
    CHECK(excel("=1+1") == "'=1+1");
    CHECK(plain("+49 89 123") == "'+49 89 123");
    CHECK(excel("+49 89 123") == "'+49 89 123");
    CHECK(plain("-5") == "'-5");
    CHECK(excel("-5") == "'-5");
    CHECK(plain("@SUM(A1)") == "'@SUM(A1)");
    CHECK(excel("@SUM(A1)") == "'@SUM(A1)");
    CHECK(plain("\tTAB") == "'\tTAB");  // a tab needs no quoting
    CHECK(excel("\tTAB") == "'\tTAB");
    CHECK(plain("\rCR") == "\"'\rCR\"");  // a CR does
    CHECK(excel("\rCR") == "\"'\rCR\"");
    CHECK(plain("=") == "'=");
    CHECK(plain("-") == "'-");
}

TEST_CASE("a neutralised formula that also needs quoting is quoted around the apostrophe") {
    CHECK(plain("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(excel("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(plain("=SUM(A1,B1)") == "\"'=SUM(A1,B1)\"");
    CHECK(excel("=SUM(A1,B1)") == "'=SUM(A1,B1)");
    CHECK(excel("=SUMME(A1;B1)") == "\"'=SUMME(A1;B1)\"");
    CHECK(plain("@x\ny") == "\"'@x\ny\"");
}

TEST_CASE("formula characters after the start are left alone") {
    CHECK(plain("a=b") == "a=b");
    CHECK(plain("Müller-Lüdenscheidt") == "Müller-Lüdenscheidt");
    CHECK(plain("x@example.org") == "x@example.org");
    CHECK(plain("089 +49") == "089 +49");
    CHECK(plain(" =1+1") == " =1+1");  // a leading space is not one of OWASP's triggers
    CHECK(plain("'=1+1") == "'=1+1");  // already neutralised text is not prefixed twice
}

TEST_CASE("invalid UTF-8 bytes are replaced by U+FFFD, valid text around them kept") {
    const std::string r{replacement};
    CHECK(plain("a\xFF"
                "b") == "a" + r + "b");
    CHECK(plain("\x80") == r);
    CHECK(plain("M\xFCller") == "M" + r + "ller");  // Latin-1 ü
    CHECK(plain("\xC3") == r);                      // truncated 2-byte sequence at the end
    CHECK(plain("\xC3("
                "x") == r + "(x");                      // lead byte without its continuation
    CHECK(plain("\xC0\xAF") == r + r);                  // overlong '/'
    CHECK(plain("\xED\xA0\x80") == r + r + r);          // UTF-16 surrogate
    CHECK(plain("\xF4\x90\x80\x80") == r + r + r + r);  // above U+10FFFF
    CHECK(plain("\xE2\x82") == r + r);                  // documented: each bad byte is replaced
    CHECK(plain("ü\xFFü") == "ü" + r + "ü");
    CHECK(plain(bytes("a\0b", 3)) == std::string("a\0b", 3));  // NUL is valid UTF-8; the API refuses it earlier
}

TEST_CASE("repaired UTF-8 is still neutralised and quoted") {
    const std::string r{replacement};
    CHECK(plain("=\xFF") == "'=" + r);
    CHECK(plain("\xFF=1") == r + "=1");  // the replacement character is no trigger
    CHECK(plain("\xFF,\"") == "\"" + r + ",\"\"\"");
    CHECK(excel("-\xC3;") == "\"'-" + r + ";\"");
}

TEST_CASE("the header row is German by default, English on request, and ends in CRLF") {
    CHECK(csv_header(csv_dialect::plain, lang::de) ==
          "Code,Status,Wartelistenplatz,Angemeldet am,Vorname,Nachname,E-Mail,Firma,Position,Telefon,Einwilligung,"
          "Storniert am\r\n");
    CHECK(csv_header(csv_dialect::plain, lang::en) ==
          "Code,Status,Waiting list position,Registered at,First name,Last name,Email,Company,Job title,Phone,Consent,"
          "Cancelled at\r\n");
}

TEST_CASE("only the Excel header starts with the UTF-8 BOM and uses semicolons") {
    CHECK(csv_header(csv_dialect::excel, lang::de) ==
          std::string{bom} +
              "Code;Status;Wartelistenplatz;Angemeldet am;Vorname;Nachname;E-Mail;Firma;Position;Telefon;"
              "Einwilligung;Storniert am\r\n");
    CHECK(csv_header(csv_dialect::excel, lang::en) ==
          std::string{bom} +
              "Code;Status;Waiting list position;Registered at;First name;Last name;Email;Company;Job title;Phone;"
              "Consent;Cancelled at\r\n");
    CHECK(csv_header(csv_dialect::plain, lang::de).rfind(bom, 0) == std::string::npos);
}

TEST_CASE("the header of a seminar-wide export leads with the date column") {
    CHECK(csv_header(csv_dialect::plain, lang::de, true) ==
          "Termin,Code,Status,Wartelistenplatz,Angemeldet am,Vorname,Nachname,E-Mail,Firma,Position,Telefon,"
          "Einwilligung,Storniert am\r\n");
    CHECK(csv_header(csv_dialect::excel, lang::en, true) ==
          std::string{bom} +
              "Date;Code;Status;Waiting list position;Registered at;First name;Last name;Email;Company;Job title;"
              "Phone;Consent;Cancelled at\r\n");
}

TEST_CASE("a confirmed row holds every field, times in Berlin with their offset") {
    const auto r = sample_registration();
    CHECK(csv_row(r, berlin(), csv_dialect::plain, lang::de) ==
          "04HM-ASW9,bestätigt,,2027-01-20T12:00:00+01:00,Jürgen,\"Groß, Dr.\",j.gross@example.org,"
          "Müller & Söhne; GmbH,'=cmd|' /C calc'!A0,'+49 89 123,2027-01-20T12:00:05+01:00,\r\n");
    CHECK(csv_row(r, berlin(), csv_dialect::excel, lang::de) ==
          "04HM-ASW9;bestätigt;;2027-01-20T12:00:00+01:00;Jürgen;Groß, Dr.;j.gross@example.org;"
          "\"Müller & Söhne; GmbH\";'=cmd|' /C calc'!A0;'+49 89 123;2027-01-20T12:00:05+01:00;\r\n");
    CHECK(csv_row(r, berlin(), csv_dialect::plain, lang::en) ==
          "04HM-ASW9,confirmed,,2027-01-20T12:00:00+01:00,Jürgen,\"Groß, Dr.\",j.gross@example.org,"
          "Müller & Söhne; GmbH,'=cmd|' /C calc'!A0,'+49 89 123,2027-01-20T12:00:05+01:00,\r\n");
}

TEST_CASE("a waitlisted row shows its position") {
    auto r = sample_registration();
    r.status = registration_status::waitlisted;
    r.waitlist_position = 3;
    r.person = {"Zoë", "O'Brien", "zoe@example.org", "", "", ""};
    CHECK(csv_row(r, berlin(), csv_dialect::plain, lang::de) ==
          "04HM-ASW9,Warteliste,3,2027-01-20T12:00:00+01:00,Zoë,O'Brien,zoe@example.org,,,,"
          "2027-01-20T12:00:05+01:00,\r\n");
    CHECK(csv_row(r, berlin(), csv_dialect::excel, lang::en) ==
          "04HM-ASW9;waiting list;3;2027-01-20T12:00:00+01:00;Zoë;O'Brien;zoe@example.org;;;;"
          "2027-01-20T12:00:05+01:00;\r\n");
}

TEST_CASE("a cancelled row shows when it was cancelled, in summer time") {
    auto r = sample_registration();
    r.status = registration_status::cancelled;
    r.cancelled_at = utc(2027, 7, 1, 8, 30);
    r.person = {"Erika", "Mustermann", "erika@example.org", "Beispiel AG", "Leiterin", "089 123"};
    CHECK(csv_row(r, berlin(), csv_dialect::plain, lang::de) ==
          "04HM-ASW9,storniert,,2027-01-20T12:00:00+01:00,Erika,Mustermann,erika@example.org,Beispiel AG,Leiterin,"
          "089 123,2027-01-20T12:00:05+01:00,2027-07-01T10:30:00+02:00\r\n");
    CHECK(csv_row(r, berlin(), csv_dialect::excel, lang::en) ==
          "04HM-ASW9;cancelled;;2027-01-20T12:00:00+01:00;Erika;Mustermann;erika@example.org;Beispiel AG;Leiterin;"
          "089 123;2027-01-20T12:00:05+01:00;2027-07-01T10:30:00+02:00\r\n");
}

TEST_CASE("row times follow the Berlin clock across both DST switches") {
    auto r = sample_registration();
    r.person = {"A", "B", "a@example.org", "", "", ""};
    auto times = [&](instant created) {
        r.created_at = created;
        r.consent_at = created;
        return csv_row(r, berlin(), csv_dialect::plain, lang::de);
    };
    CHECK(times(utc(2027, 3, 28, 0, 59, 59)) ==
          "04HM-ASW9,bestätigt,,2027-03-28T01:59:59+01:00,A,B,a@example.org,,,,2027-03-28T01:59:59+01:00,\r\n");
    CHECK(times(utc(2027, 3, 28, 1)) ==
          "04HM-ASW9,bestätigt,,2027-03-28T03:00:00+02:00,A,B,a@example.org,,,,2027-03-28T03:00:00+02:00,\r\n");
    CHECK(times(utc(2027, 10, 31, 0, 59, 59)) ==
          "04HM-ASW9,bestätigt,,2027-10-31T02:59:59+02:00,A,B,a@example.org,,,,2027-10-31T02:59:59+02:00,\r\n");
    CHECK(times(utc(2027, 10, 31, 1)) ==
          "04HM-ASW9,bestätigt,,2027-10-31T02:00:00+01:00,A,B,a@example.org,,,,2027-10-31T02:00:00+01:00,\r\n");
}

TEST_CASE("a row without a zone writes UTC times") {
    auto r = sample_registration();
    r.person = {"A", "B", "a@example.org", "", "", ""};
    CHECK(csv_row(r, nullptr, csv_dialect::plain, lang::de) ==
          "04HM-ASW9,bestätigt,,2027-01-20T11:00:00Z,A,B,a@example.org,,,,2027-01-20T11:00:05Z,\r\n");
}

TEST_CASE("a row of a seminar-wide export leads with its date label") {
    auto r = sample_registration();
    r.person = {"A", "B", "a@example.org", "", "", ""};
    CHECK(csv_row(r, berlin(), csv_dialect::excel, lang::de, "2027-01-27") ==
          "2027-01-27;04HM-ASW9;bestätigt;;2027-01-20T12:00:00+01:00;A;B;a@example.org;;;;"
          "2027-01-20T12:00:05+01:00;\r\n");
    CHECK(csv_row(r, berlin(), csv_dialect::plain, lang::en, "2027-01-27") ==
          "2027-01-27,04HM-ASW9,confirmed,,2027-01-20T12:00:00+01:00,A,B,a@example.org,,,,"
          "2027-01-20T12:00:05+01:00,\r\n");
}

TEST_CASE("hostile text in every attendee field is neutralised in the row") {
    auto r = sample_registration();
    r.person = {"=1+1", "-2", "@x.org", "\tTab", "\rCR", "+1"};
    CHECK(csv_row(r, berlin(), csv_dialect::plain, lang::de) ==
          "04HM-ASW9,bestätigt,,2027-01-20T12:00:00+01:00,'=1+1,'-2,'@x.org,'\tTab,\"'\rCR\",'+1,"
          "2027-01-20T12:00:05+01:00,\r\n");
}
