// A seminar's own questions and their answers (see questions.hpp).
#include "questions.hpp"

#include "field_checker.hpp"
#include "text.hpp"

#include <algorithm>
#include <set>

namespace seminard::domain {

namespace {

bool valid_key(std::string_view k) noexcept {
    return !k.empty() && k.size() <= limits::question_key && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

void check_key(field_checker& c, const std::string& field, std::string_view key, std::set<std::string>& seen) {
    if (key.empty())
        c.add(field, field_problem::required);
    else if (!valid_key(key))
        c.add(field, field_problem::invalid_format);
    else if (!seen.insert(std::string{key}).second)
        c.add(field, field_problem::invalid_value);  // the same key twice
}

localized_text localized(field_checker& c,
                         const std::string& field,
                         const std::string& de,
                         const std::string& en,
                         std::size_t max,
                         bool required) {
    return {c.text(field + ".de", de, max, required), c.text(field + ".en", en, max, false)};
}

/// "on", "true", … as a checkbox's state; nullopt for anything else.
std::optional<bool> flag_of(std::string_view s) noexcept {
    for (auto yes : {"on", "true", "1", "yes"})
        if (iequals(s, yes)) return true;
    for (auto no : {"off", "false", "0", "no", ""})
        if (iequals(s, no)) return false;
    return std::nullopt;
}

const question_option* option_of(const question& q, std::string_view key) noexcept {
    for (const auto& o : q.options)
        if (o.key == key) return &o;
    return nullptr;
}

}  // namespace

result<std::vector<question>> make_questions(const std::vector<question_input>& in) {
    field_checker c;
    if (in.size() > limits::max_questions) {
        c.add("questions", field_problem::too_long);
        return std::move(c).failure();
    }
    std::vector<question> out;
    std::set<std::string> keys;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto& qi = in[i];
        const auto field = "questions[" + std::to_string(i) + "]";
        question q;
        q.key = trim(qi.key);
        check_key(c, field + ".key", q.key, keys);
        if (auto t = parse_question_type(trim(qi.type)))
            q.type = *t;
        else
            c.add(field + ".type", qi.type.empty() ? field_problem::required : field_problem::invalid_value);
        // A label's problem is named after its language: "questions[0].label.de".
        q.label = localized(c, field + ".label", qi.label_de, qi.label_en, limits::question_label, true);
        q.help = localized(c, field + ".help", qi.help_de, qi.help_en, limits::question_help, false);
        q.required = qi.required;
        const bool with_options = q.type == question_type::choice || q.type == question_type::multi;
        if (!with_options) {
            if (!qi.options.empty()) c.add(field + ".options", field_problem::not_allowed);
        } else if (qi.options.empty()) {
            c.add(field + ".options", field_problem::required);
        } else if (qi.options.size() > limits::max_options) {
            c.add(field + ".options", field_problem::too_long);
        } else {
            std::set<std::string> option_keys;
            for (std::size_t j = 0; j < qi.options.size(); ++j) {
                const auto of = field + ".options[" + std::to_string(j) + "]";
                question_option o;
                o.key = trim(qi.options[j].key);
                check_key(c, of + ".key", o.key, option_keys);
                o.label = localized(
                    c, of + ".label", qi.options[j].label_de, qi.options[j].label_en, limits::question_label, true);
                q.options.push_back(std::move(o));
            }
        }
        out.push_back(std::move(q));
    }
    if (!c.ok()) return std::move(c).failure();
    return out;
}

result<std::vector<answer>> make_answers(const std::vector<question>& questions,
                                         const std::map<std::string, answer_input>& in) {
    field_checker c;
    for (const auto& entry : in) {
        const auto& key = entry.first;  // a plain reference: clang 14 cannot capture a structured binding
        const bool known =
            std::any_of(questions.begin(), questions.end(), [&](const question& q) { return q.key == key; });
        if (!known) c.add("answers." + key, field_problem::not_allowed);
    }
    std::vector<answer> out;
    for (const auto& q : questions) {
        const auto field = "answers." + q.key;
        const auto it = in.find(q.key);
        answer a{q.key, q.type, q.label, {}, {}, false};
        bool given = false;
        if (it != in.end()) {
            const auto& v = it->second;
            switch (q.type) {
                case question_type::text:
                case question_type::textarea: {
                    if (v.kind != answer_input::shape::text) {
                        c.add(field, field_problem::invalid_value);
                        continue;
                    }
                    const bool long_text = q.type == question_type::textarea;
                    a.text = c.text(
                        field, v.text, long_text ? limits::answer_textarea : limits::answer_text, false, long_text);
                    given = !a.text.empty();
                    break;
                }
                case question_type::choice: {
                    std::string_view chosen;
                    if (v.kind == answer_input::shape::text)
                        chosen = v.text;
                    else if (v.kind == answer_input::shape::list && v.list.size() == 1)
                        chosen = v.list.front();
                    else if (!(v.kind == answer_input::shape::list && v.list.empty())) {
                        c.add(field, field_problem::invalid_value);
                        continue;
                    }
                    if (chosen.empty()) break;
                    const auto* o = option_of(q, chosen);
                    if (!o) {
                        c.add(field, field_problem::invalid_value);
                        continue;
                    }
                    a.chosen.push_back(*o);
                    given = true;
                    break;
                }
                case question_type::multi: {
                    std::vector<std::string> keys;
                    if (v.kind == answer_input::shape::list)
                        keys = v.list;
                    else if (v.kind == answer_input::shape::text && !v.text.empty())
                        keys.push_back(v.text);  // a form with one box ticked sends a single value
                    else if (v.kind != answer_input::shape::text) {
                        c.add(field, field_problem::invalid_value);
                        continue;
                    }
                    std::set<std::string> seen;
                    bool ok = true;
                    for (const auto& k : keys) {
                        const auto* o = option_of(q, k);
                        if (!o || !seen.insert(k).second) {
                            ok = false;
                            break;
                        }
                    }
                    if (!ok) {
                        c.add(field, field_problem::invalid_value);
                        continue;
                    }
                    // In the organiser's order of options, whatever order the client sent.
                    for (const auto& o : q.options)
                        if (seen.count(o.key)) a.chosen.push_back(o);
                    given = !a.chosen.empty();
                    break;
                }
                case question_type::checkbox: {
                    std::optional<bool> flag;
                    if (v.kind == answer_input::shape::flag)
                        flag = v.flag;
                    else if (v.kind == answer_input::shape::text)
                        flag = flag_of(trim(v.text));
                    if (!flag) {
                        c.add(field, field_problem::invalid_value);
                        continue;
                    }
                    a.checked = *flag;
                    given = *flag;
                    if (!*flag && !q.required) {
                        out.push_back(std::move(a));  // an explicit "no" is an answer too
                        continue;
                    }
                    break;
                }
            }
        }
        if (!given) {
            if (q.required && !c.has(field)) c.add(field, field_problem::required);
            continue;
        }
        out.push_back(std::move(a));
    }
    if (!c.ok()) return std::move(c).failure();
    return out;
}

std::string answer_text(const answer& a, lang l) {
    const bool en = l == lang::en;
    switch (a.type) {
        case question_type::text:
        case question_type::textarea:
            return a.text;
        case question_type::choice:
        case question_type::multi: {
            std::string out;
            for (const auto& o : a.chosen) {
                if (!out.empty()) out += ", ";
                out += o.label.in(en);
            }
            return out;
        }
        case question_type::checkbox:
            return a.checked ? (en ? "Yes" : "Ja") : (en ? "No" : "Nein");
    }
    return {};
}

}  // namespace seminard::domain
