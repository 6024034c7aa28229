// How the structured values a row carries are kept in its TEXT columns: a seminar's questions, a registration's
// billing address and answers, as JSON. The one place that knows the stored shapes.
#pragma once

#include "domain/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::storage {

std::string questions_column(const std::vector<domain::question>& questions);
/// Throws std::runtime_error for a column that is not what questions_column() writes (a corrupt database).
std::vector<domain::question> questions_from_column(std::string_view text);

std::string billing_column(const domain::billing_address& billing);
domain::billing_address billing_from_column(std::string_view text);

/// A person as a mail or a history entry keeps them: first_name, last_name, email, company, job_title, phone.
std::string person_column(const domain::attendee& p);
domain::attendee person_from_column(std::string_view text);
/// A history entry's detail for a substitution: {"from": person, "to": person}.
std::string substitution_detail(const domain::attendee& from, const domain::attendee& to);
/// A substitution's detail with only the person who took the seat: what the new holder may see of it.
std::string substitution_detail_to(std::string_view detail);
/// The address of the person a substitution took the seat from; empty when the detail names none (erased).
std::string substitution_from_email(std::string_view detail);

/// A history entry's detail for a rebooking: {"from_date", "to_date", "from_status", "to_status"}.
std::string moved_detail(std::int64_t from_date,
                         std::int64_t to_date,
                         std::string_view from_status,
                         std::string_view to_status);

std::string answers_column(const std::vector<domain::answer>& answers);
std::vector<domain::answer> answers_from_column(std::string_view text);

}  // namespace seminard::storage
