// A seminar's own questions (defined by the organiser) and the answers a registration gives to them. Pure rules.
#pragma once

#include "limits.hpp"
#include "messages.hpp"
#include "model.hpp"
#include "result.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace seminard::domain {

/// One option of a choice or multi question, as the organiser sent it.
struct option_input {
    std::string key;
    std::string label_de;
    std::string label_en;
};

/// One question as the organiser sent it; `type` is "text", "textarea", "choice", "multi" or "checkbox".
struct question_input {
    std::string key;
    std::string type;
    std::string label_de;
    std::string label_en;
    std::string help_de;
    std::string help_en;
    bool required = false;
    std::vector<option_input> options;
};

/// The seminar's question list, checked, in the order given. Problems named "questions[i].<field>" (and
/// "questions[i].options[j].<field>"): key [a-z0-9_] 1..40 characters and unique (invalid_format / invalid_value);
/// type one of the five (invalid_value); label_de required, labels ≤ 300 and help texts ≤ 1000 code points, valid
/// UTF-8 without control characters (too_long / invalid_format); choice and multi need 1..50 options with unique keys
/// and a label_de each (required / too_long); other types take no options (not_allowed); at most 30 questions
/// ("questions": too_long). Texts are trimmed.
result<std::vector<question>> make_questions(const std::vector<question_input>& in);

/// An answer as a client sent it: a string (text, textarea, choice; a checkbox's "on"/"true"/…), a list of strings
/// (multi; a choice as a list of one), or a boolean (checkbox). The JSON and form readers decide which.
struct answer_input {
    enum class shape { text, list, flag };
    shape kind = shape::text;
    std::string text;
    std::vector<std::string> list;
    bool flag = false;
};

/// The answers to `questions`, in the questions' order, each with the question's wording now. Problems named
/// "answers.<key>": a key that is no question → not_allowed; a required question without an answer (empty text, no
/// option, an unchecked checkbox) → required; text ≤ 500 and textarea ≤ 5000 code points, valid UTF-8, no control
/// characters but newlines in textarea (too_long / invalid_format); choice exactly one known option key, multi known
/// and distinct option keys (invalid_value); the wrong shape for the type (invalid_value); a checkbox takes a flag
/// or one of the strings "on", "true", "1", "yes", "off", "false", "0", "no", "". Unanswered optional questions give
/// no answer at all (a checkbox answered "off" gives checked = false).
result<std::vector<answer>> make_answers(const std::vector<question>& questions,
                                         const std::map<std::string, answer_input>& in);

/// The text of an answer for one cell or line: the text, the chosen options' labels joined with ", ", or Ja/Nein
/// (Yes/No) for a checkbox, in the language asked for (the English wording when there is one).
std::string answer_text(const answer& a, lang l);

}  // namespace seminard::domain
