// Tests for a seminar's own questions and the answers registrations give to them.
#include "domain/questions.hpp"
#include <catch2/catch.hpp>

#include <string>

using namespace seminard::domain;

namespace {

question_input ask(std::string key, std::string type, bool required = false) {
    question_input q;
    q.key = std::move(key);
    q.type = std::move(type);
    q.label_de = "Frage " + q.key;
    q.required = required;
    if (q.type == "choice" || q.type == "multi")
        q.options = {{"a", "Option A", "Option A (en)"}, {"b", "Option B", ""}, {"c", "Option C", ""}};
    return q;
}

std::vector<question> asked(std::vector<question_input> in) {
    auto r = make_questions(in);
    REQUIRE(r.ok());
    return std::move(*r);
}

answer_input text(std::string s) {
    answer_input a;
    a.text = std::move(s);
    return a;
}
answer_input list(std::vector<std::string> l) {
    answer_input a;
    a.kind = answer_input::shape::list;
    a.list = std::move(l);
    return a;
}
answer_input flag(bool b) {
    answer_input a;
    a.kind = answer_input::shape::flag;
    a.flag = b;
    return a;
}

template <class T>
field_problem problem(const result<T>& r, const std::string& field) {
    REQUIRE_FALSE(r.ok());
    const auto it = r.err().fields.find(field);
    REQUIRE(it != r.err().fields.end());
    return it->second;
}

}  // namespace

TEST_CASE("a question list keeps its order and wording", "[questions]") {
    auto q = ask("level", "choice", true);
    q.label_en = "Level";
    q.help_de = "  Damit wir die Gruppe einteilen können. ";
    const auto list = asked({q, ask("notes", "textarea")});
    REQUIRE(list.size() == 2);
    CHECK(list[0].key == "level");
    CHECK(list[0].type == question_type::choice);
    CHECK(list[0].label.in(true) == "Level");
    CHECK(list[0].help.de == "Damit wir die Gruppe einteilen können.");
    CHECK(list[0].required);
    CHECK(list[0].options.size() == 3);
    CHECK(list[1].type == question_type::textarea);
    CHECK(list[1].options.empty());
}

TEST_CASE("question lists with bad keys, types, labels or options are refused per field", "[questions]") {
    auto no_label = ask("x", "text");
    no_label.label_de = " ";
    auto bad_option = ask("topics", "multi");
    bad_option.options[1].key = "a";  // twice
    bad_option.options[2].label_de.clear();
    auto r = make_questions({ask("Level", "text"),
                             ask("dup", "text"),
                             ask("dup", "text"),
                             ask("kind", "dropdown"),
                             no_label,
                             ask("empty", "choice"),
                             bad_option});
    CHECK(problem(r, "questions[0].key") == field_problem::invalid_format);
    CHECK(problem(r, "questions[2].key") == field_problem::invalid_value);
    CHECK(r.err().fields.count("questions[1].key") == 0);
    CHECK(problem(r, "questions[3].type") == field_problem::invalid_value);
    CHECK(problem(r, "questions[4].label.de") == field_problem::required);
    CHECK(problem(r, "questions[6].options[1].key") == field_problem::invalid_value);
    CHECK(problem(r, "questions[6].options[2].label.de") == field_problem::required);

    auto no_options = ask("one", "choice");
    no_options.options.clear();
    auto text_with_options = ask("t", "text");
    text_with_options.options = {{"a", "A", ""}};
    auto r2 = make_questions({no_options, text_with_options});
    CHECK(problem(r2, "questions[0].options") == field_problem::required);
    CHECK(problem(r2, "questions[1].options") == field_problem::not_allowed);

    std::vector<question_input> many;
    for (int i = 0; i < 31; ++i) many.push_back(ask("q" + std::to_string(i), "text"));
    CHECK(problem(make_questions(many), "questions") == field_problem::too_long);
}

TEST_CASE("answers are checked against their question's type", "[questions]") {
    const auto qs = asked({ask("name", "text", true),
                           ask("notes", "textarea"),
                           ask("level", "choice", true),
                           ask("topics", "multi"),
                           ask("parking", "checkbox"),
                           ask("terms", "checkbox", true)});
    auto ok = make_answers(qs,
                           {{"name", text("  Anna ")},
                            {"notes", text("Zeile eins\nZeile zwei")},
                            {"level", text("b")},
                            {"topics", list({"c", "a"})},
                            {"parking", text("off")},
                            {"terms", flag(true)}});
    REQUIRE(ok.ok());
    REQUIRE(ok->size() == 6);
    CHECK((*ok)[0].text == "Anna");
    CHECK((*ok)[0].question.de == "Frage name");
    CHECK((*ok)[1].text == "Zeile eins\nZeile zwei");
    CHECK(answer_text((*ok)[2], lang::de) == "Option B");
    CHECK(answer_text((*ok)[3], lang::de) == "Option A, Option C");  // in the question's order
    CHECK(answer_text((*ok)[3], lang::en) == "Option A (en), Option C");
    CHECK(answer_text((*ok)[4], lang::de) == "Nein");
    CHECK(answer_text((*ok)[5], lang::en) == "Yes");

    auto bad = make_answers(qs,
                            {{"name", text("Anna\x07")},
                             {"notes", text(std::string(5001, 'x'))},
                             {"level", text("z")},
                             {"topics", list({"a", "a"})},
                             {"parking", text("vielleicht")},
                             {"unknown", text("x")}});
    CHECK(problem(bad, "answers.name") == field_problem::invalid_format);
    CHECK(problem(bad, "answers.notes") == field_problem::too_long);
    CHECK(problem(bad, "answers.level") == field_problem::invalid_value);
    CHECK(problem(bad, "answers.topics") == field_problem::invalid_value);
    CHECK(problem(bad, "answers.parking") == field_problem::invalid_value);
    CHECK(problem(bad, "answers.unknown") == field_problem::not_allowed);
    CHECK(problem(bad, "answers.terms") == field_problem::required);
}

TEST_CASE("required questions need a real answer, optional ones may stay open", "[questions]") {
    const auto qs = asked({ask("name", "text", true),
                           ask("level", "choice", true),
                           ask("terms", "checkbox", true),
                           ask("topics", "multi")});
    auto r = make_answers(qs, {{"name", text("   ")}, {"level", list({})}, {"terms", text("off")}});
    CHECK(problem(r, "answers.name") == field_problem::required);
    CHECK(problem(r, "answers.level") == field_problem::required);
    CHECK(problem(r, "answers.terms") == field_problem::required);
    CHECK(r.err().fields.count("answers.topics") == 0);

    const auto optional = asked({ask("topics", "multi"), ask("notes", "text")});
    auto none = make_answers(optional, {});
    REQUIRE(none.ok());
    CHECK(none->empty());
    // A form with one box of a multiple choice ticked sends a single value.
    auto one = make_answers(optional, {{"topics", text("b")}});
    REQUIRE(one.ok());
    REQUIRE(one->size() == 1);
    CHECK(one->front().chosen.front().key == "b");
    // The wrong shape for the type.
    CHECK(problem(make_answers(optional, {{"notes", list({"x"})}}), "answers.notes") == field_problem::invalid_value);
    CHECK(problem(make_answers(optional, {{"topics", flag(true)}}), "answers.topics") == field_problem::invalid_value);
}
