// Fuzzes the CSV writer: cells split from the input at 0x1F, written as one row in both dialects by append_csv_cell
// and as a full registration row by csv_row, then read back with a small RFC 4180 reader of our own.
#include "domain/csv.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace seminard;

constexpr char cell_delimiter = '\x1F';
constexpr std::size_t max_cells = 8;
constexpr std::size_t csv_row_columns = 12;
constexpr std::size_t first_person_column = 4;  // Vorname, Nachname, E-Mail, Firma, Position, Telefon

/// One CSV record that must span all of `s`: cells split on `sep`, quoted cells with doubled quotes, ending in CRLF.
/// nullopt for anything RFC 4180 does not allow (a bare quote, text after a closing quote, a bare CR or LF).
std::optional<std::vector<std::string>> read_record(std::string_view s, char sep) {
    std::vector<std::string> cells(1);
    std::size_t i = 0;
    while (true) {
        auto& cell = cells.back();
        if (i < s.size() && s[i] == '"') {
            ++i;
            while (true) {
                if (i >= s.size()) return std::nullopt;
                if (s[i] == '"') {
                    if (i + 1 < s.size() && s[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += s[i++];
            }
        } else {
            while (i < s.size() && s[i] != sep && s[i] != '"' && s[i] != '\r' && s[i] != '\n') cell += s[i++];
        }
        if (i < s.size() && s[i] == sep) {
            cells.emplace_back();
            ++i;
            continue;
        }
        if (s.substr(i) != "\r\n") return std::nullopt;
        return cells;
    }
}

/// U+FFFD for every byte that does not start a well-formed sequence (written apart from the project's own check).
std::string repaired_utf8(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if (c < 0x80) {
            len = 1;
            cp = c;
        } else if ((c >> 5) == 0x6) {
            len = 2;
            cp = c & 0x1Fu;
            min = 0x80;
        } else if ((c >> 4) == 0xE) {
            len = 3;
            cp = c & 0x0Fu;
            min = 0x800;
        } else if ((c >> 3) == 0x1E) {
            len = 4;
            cp = c & 0x07u;
            min = 0x10000;
        }
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            ok = (cc & 0xC0) == 0x80;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

bool formula_start(std::string_view v) {
    return !v.empty() && std::string_view{"=+-@\t\r"}.find(v.front()) != std::string_view::npos;
}

/// What a spreadsheet must show for a cell written from `raw`.
std::string expected_cell(std::string_view raw) {
    auto v = repaired_utf8(raw);
    return formula_start(v) ? "'" + v : v;
}

void check_dialect(const std::vector<std::string_view>& cells, domain::csv_dialect d) {
    const char sep = domain::format_of(d).separator;
    std::string row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) row += sep;
        const auto before = row.size();
        domain::append_csv_cell(row, cells[i], d);
        FUZZ_CHECK(domain::valid_utf8(std::string_view{row}.substr(before)));
    }
    row += "\r\n";
    auto back = read_record(row, sep);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(back->size() == cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) {
        FUZZ_CHECK(!formula_start((*back)[i]));
        FUZZ_CHECK((*back)[i] == expected_cell(cells[i]));
    }

    // The same text as attendee fields of a full export row.
    domain::registration r;
    r.code = "K7QM-4XD9";
    auto field = [&](std::size_t i) { return i < cells.size() ? std::string{cells[i]} : std::string{}; };
    r.person = {field(0), field(1), field(2), field(3), field(4), field(5)};
    static const auto* zone = domain::find_zone("Europe/Berlin");
    const auto line = domain::csv_row(r, zone, d, domain::lang::de);
    FUZZ_CHECK(domain::valid_utf8(line));
    auto parsed = read_record(line, sep);
    FUZZ_CHECK(parsed.has_value() && parsed->size() == csv_row_columns);
    for (std::size_t i = 0; i < 6; ++i) FUZZ_CHECK((*parsed)[first_person_column + i] == expected_cell(field(i)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_one([&] {
        std::string_view text{reinterpret_cast<const char*>(data), size};
        std::vector<std::string_view> cells;
        while (cells.size() + 1 < max_cells) {
            auto cut = text.find(cell_delimiter);
            if (cut == std::string_view::npos) break;
            cells.push_back(text.substr(0, cut));
            text.remove_prefix(cut + 1);
        }
        cells.push_back(text);
        check_dialect(cells, domain::csv_dialect::plain);
        check_dialect(cells, domain::csv_dialect::excel);
    });
}
