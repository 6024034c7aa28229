// What a registration adds to its attendee: billing address and answers (see validation.hpp).
#include "validation.hpp"

namespace seminard::domain {

result<registration_details> make_registration_details(const registration_input& in, const seminar& s) {
    error problems{errc::invalid_fields};
    registration_details out;
    if (auto billing = make_billing(in.billing, s.billing); billing)
        out.billing = std::move(*billing);
    else
        problems.fields.insert(billing.err().fields.begin(), billing.err().fields.end());
    if (auto answers = make_answers(s.questions, in.answers); answers)
        out.answers = std::move(*answers);
    else
        problems.fields.insert(answers.err().fields.begin(), answers.err().fields.end());
    if (!problems.fields.empty()) return problems;
    return out;
}

}  // namespace seminard::domain
