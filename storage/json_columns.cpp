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

std::string billing_column(const domain::billing_address& b) {
    return json{{"company", b.company},
                {"street", b.street},
                {"postal_code", b.postal_code},
                {"city", b.city},
                {"country", b.country},
                {"vat_id", b.vat_id},
                {"po_number", b.po_number},
                {"email", b.email}}
        .dump();
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
    json out = json::array();
    for (const auto& a : answers) {
        json item{{"key", a.key}, {"type", domain::to_string(a.type)}, {"question", text_json(a.question)}};
        switch (a.type) {
            case domain::question_type::text:
            case domain::question_type::textarea:
                item["text"] = a.text;
                break;
            case domain::question_type::choice:
            case domain::question_type::multi:
                item["chosen"] = options_json(a.chosen);
                break;
            case domain::question_type::checkbox:
                item["checked"] = a.checked;
                break;
        }
        out.push_back(std::move(item));
    }
    return out.dump();
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
