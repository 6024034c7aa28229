// Field length limits in code points (the same limits the API documents), and the counts lists may reach.
#pragma once

#include <cstddef>
#include <cstdint>

namespace seminard::domain {

/// Field length limits in code points (the same limits the API documents).
namespace limits {
inline constexpr std::size_t slug = 80;
inline constexpr std::size_t title = 200;
inline constexpr std::size_t description = 10000;
inline constexpr std::size_t location = 300;
inline constexpr std::size_t person_name = 100;
inline constexpr std::size_t email = 254;
inline constexpr std::size_t company = 200;
inline constexpr std::size_t job_title = 150;
inline constexpr std::size_t phone = 40;
inline constexpr std::size_t days_per_date = 60;
inline constexpr int max_capacity = 100000;
inline constexpr std::int64_t max_price_cents = 100'000'000'00;
inline constexpr std::size_t billing_company = 200;
inline constexpr std::size_t billing_street = 200;
inline constexpr std::size_t billing_postal_code = 16;
inline constexpr std::size_t billing_city = 100;
inline constexpr std::size_t billing_vat_id = 20;  ///< once normalised
inline constexpr std::size_t billing_po_number = 100;
inline constexpr std::size_t question_key = 40;
inline constexpr std::size_t question_label = 300;
inline constexpr std::size_t question_help = 1000;
inline constexpr std::size_t max_questions = 30;
inline constexpr std::size_t max_options = 50;
inline constexpr std::size_t answer_text = 500;
inline constexpr std::size_t answer_textarea = 5000;
inline constexpr std::size_t booking_attendees = 50;  ///< attendees of one company booking
inline constexpr std::size_t cancellation_terms = 5000;
inline constexpr int max_self_cancel_days = 365;
}  // namespace limits

}  // namespace seminard::domain
