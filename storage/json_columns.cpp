// The JSON kept in TEXT columns (see json_columns.hpp), written and read with nlohmann/json.
#include "json_columns.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace seminard::storage {

namespace {

using json = nlohmann::json;

json text_json(const domain::localized_text& t) { return json{{"de", t.de}, {"en", t.en}}; }

domain::localized_text text_of(const json& j) { return {j.value("de", std::string{}), j.value("en", std::string{})}; }

json parse(std::string_view text, const char* what) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error(std::string{"corrupt "} + what + " column");
    return j;
}

json options_json(const std::vector<domain::question_option>& options) {
    json out = json::array();
    for (const auto& o : options) out.push_back({{"key", o.key}, {"label", text_json(o.label)}});
    return out;
}

std::vector<domain::question_option> options_of(const json& j) {
    std::vector<domain::question_option> out;
    for (const auto& o : j) out.push_back({o.at("key").get<std::string>(), text_of(o.at("label"))});
    return out;
}

domain::question_type type_of(const json& j) {
    auto t = domain::parse_question_type(j.get<std::string>());
    if (!t) throw std::runtime_error("corrupt question type in a column");
    return *t;
}

/// Appends `v` as a JSON string, escaped the way nlohmann's dump() does (so that the stored bytes do not depend on
/// which of the two wrote them). Throws on invalid UTF-8, as dump() would: a column must always parse again.
void append_string(std::string& out, std::string_view v) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto ch = static_cast<unsigned char>(v[i]);
        switch (ch) {
            case '"':
                out += "\\\"";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            case '\b':
                out += "\\b";
                continue;
            case '\f':
                out += "\\f";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            default:
                break;
        }
        if (ch < 0x20) {
            out += "\\u00";
            out.push_back(hex[ch >> 4]);
            out.push_back(hex[ch & 15]);
            continue;
        }
        if (ch < 0x80) {
            out.push_back(static_cast<char>(ch));
            continue;
        }
        // A multi-byte sequence: its length from the lead byte, shortest form and no surrogates (RFC 3629).
        const std::size_t len = ch >= 0xC2 && ch <= 0xDF   ? 2
                                : ch >= 0xE0 && ch <= 0xEF ? 3
                                : ch >= 0xF0 && ch <= 0xF4 ? 4
                                                           : 0;
        if (len == 0 || i + len > v.size()) throw std::invalid_argument("invalid UTF-8 in a column value");
        const auto b1 = static_cast<unsigned char>(v[i + 1]);
        const bool second_ok = ch == 0xE0   ? b1 >= 0xA0 && b1 <= 0xBF
                               : ch == 0xED ? b1 >= 0x80 && b1 <= 0x9F
                               : ch == 0xF0 ? b1 >= 0x90 && b1 <= 0xBF
                               : ch == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F
                                            : b1 >= 0x80 && b1 <= 0xBF;
        if (!second_ok) throw std::invalid_argument("invalid UTF-8 in a column value");
        for (std::size_t k = 2; k < len; ++k)
            if ((static_cast<unsigned char>(v[i + k]) & 0xC0) != 0x80)
                throw std::invalid_argument("invalid UTF-8 in a column value");
        out.append(v.substr(i, len));
        i += len - 1;
    }
    out.push_back('"');
}

/// `"name":` then the value; the caller writes the commas. Keys go in the sorted order nlohmann's objects have.
void append_key(std::string& out, std::string_view name) {
    append_string(out, name);
    out.push_back(':');
}

void append_text(std::string& out, const domain::localized_text& t) {
    out += "{\"de\":";
    append_string(out, t.de);
    out += ",\"en\":";
    append_string(out, t.en);
    out.push_back('}');
}

void append_options(std::string& out, const std::vector<domain::question_option>& options) {
    out.push_back('[');
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (i) out.push_back(',');
        out += "{\"key\":";
        append_string(out, options[i].key);
        out += ",\"label\":";
        append_text(out, options[i].label);
        out.push_back('}');
    }
    out.push_back(']');
}

}  // namespace

std::string questions_column(const std::vector<domain::question>& questions) {
    json out = json::array();
    for (const auto& q : questions) {
        json item{{"key", q.key},
                  {"type", domain::to_string(q.type)},
                  {"label", text_json(q.label)},
                  {"help", text_json(q.help)},
                  {"required", q.required}};
        if (!q.options.empty()) item["options"] = options_json(q.options);
        out.push_back(std::move(item));
    }
    return out.dump();
}

std::vector<domain::question> questions_from_column(std::string_view text) {
    std::vector<domain::question> out;
    try {
        for (const auto& item : parse(text, "questions")) {
            domain::question q;
            q.key = item.at("key").get<std::string>();
            q.type = type_of(item.at("type"));
            q.label = text_of(item.at("label"));
            q.help = text_of(item.value("help", json::object()));
            q.required = item.value("required", false);
            if (item.contains("options")) q.options = options_of(item.at("options"));
            out.push_back(std::move(q));
        }
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string{"corrupt questions column: "} + e.what());
    }
    return out;
}

// Written by hand, not through a json value: both columns are built on the writer thread for every registration.
std::string billing_column(const domain::billing_address& b) {
    std::string out;
    out.reserve(160 + b.company.size() + b.street.size() + b.city.size());
    const std::pair<std::string_view, const std::string*> fields[] = {{"city", &b.city},
                                                                      {"company", &b.company},
                                                                      {"country", &b.country},
                                                                      {"email", &b.email},
                                                                      {"po_number", &b.po_number},
                                                                      {"postal_code", &b.postal_code},
                                                                      {"street", &b.street},
                                                                      {"vat_id", &b.vat_id}};
    out.push_back('{');
    for (const auto& [name, value] : fields) {
        if (out.size() > 1) out.push_back(',');
        append_key(out, name);
        append_string(out, *value);
    }
    out.push_back('}');
    return out;
}

namespace {
json person_json(const domain::attendee& p) {
    return json{{"first_name", p.first_name},
                {"last_name", p.last_name},
                {"email", p.email},
                {"company", p.company},
                {"job_title", p.job_title},
                {"phone", p.phone}};
}
}  // namespace

std::string person_column(const domain::attendee& p) { return person_json(p).dump(); }

domain::attendee person_from_column(std::string_view text) {
    const auto j = parse(text, "person");
    if (!j.is_object()) throw std::runtime_error("corrupt person column");
    auto field = [&j](const char* name) { return j.value(name, std::string{}); };
    return {
        field("first_name"), field("last_name"), field("email"), field("company"), field("job_title"), field("phone")};
}

std::string substitution_detail(const domain::attendee& from, const domain::attendee& to) {
    return json{{"from", person_json(from)}, {"to", person_json(to)}}.dump();
}

std::string substitution_detail_to(std::string_view detail) {
    const auto j = parse(detail, "history detail");
    json out = json::object();
    if (j.is_object() && j.contains("to")) out["to"] = j.at("to");
    return out.dump();
}

std::string substitution_from_email(std::string_view detail) {
    const auto j = parse(detail, "history detail");
    if (!j.is_object() || !j.contains("from") || !j.at("from").is_object()) return {};
    return j.at("from").value("email", std::string{});
}

std::string moved_detail(std::int64_t from_date,
                         std::int64_t to_date,
                         std::string_view from_status,
                         std::string_view to_status) {
    return json{{"from_date", from_date}, {"to_date", to_date}, {"from_status", from_status}, {"to_status", to_status}}
        .dump();
}

domain::billing_address billing_from_column(std::string_view text) {
    const auto j = parse(text, "billing");
    if (!j.is_object()) throw std::runtime_error("corrupt billing column");
    domain::billing_address b;
    b.company = j.value("company", std::string{});
    b.street = j.value("street", std::string{});
    b.postal_code = j.value("postal_code", std::string{});
    b.city = j.value("city", std::string{});
    b.country = j.value("country", std::string{"DE"});
    b.vat_id = j.value("vat_id", std::string{});
    b.po_number = j.value("po_number", std::string{});
    b.email = j.value("email", std::string{});
    return b;
}

std::string answers_column(const std::vector<domain::answer>& answers) {
    std::string out = "[";
    for (const auto& a : answers) {
        if (out.size() > 1) out.push_back(',');
        out.push_back('{');
        // In sorted key order: checked | chosen, key, question, text, type.
        switch (a.type) {
            case domain::question_type::checkbox:
                out += a.checked ? "\"checked\":true," : "\"checked\":false,";
                break;
            case domain::question_type::choice:
            case domain::question_type::multi:
                append_key(out, "chosen");
                append_options(out, a.chosen);
                out.push_back(',');
                break;
            case domain::question_type::text:
            case domain::question_type::textarea:
                break;
        }
        append_key(out, "key");
        append_string(out, a.key);
        out += ",\"question\":";
        append_text(out, a.question);
        if (a.type == domain::question_type::text || a.type == domain::question_type::textarea) {
            out += ",\"text\":";
            append_string(out, a.text);
        }
        out += ",\"type\":";
        append_string(out, domain::to_string(a.type));
        out.push_back('}');
    }
    out.push_back(']');
    return out;
}

std::vector<domain::answer> answers_from_column(std::string_view text) {
    std::vector<domain::answer> out;
    try {
        for (const auto& item : parse(text, "answers")) {
            domain::answer a;
            a.key = item.at("key").get<std::string>();
            a.type = type_of(item.at("type"));
            a.question = text_of(item.at("question"));
            a.text = item.value("text", std::string{});
            if (item.contains("chosen")) a.chosen = options_of(item.at("chosen"));
            a.checked = item.value("checked", false);
            out.push_back(std::move(a));
        }
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string{"corrupt answers column: "} + e.what());
    }
    return out;
}

}  // namespace seminard::storage
