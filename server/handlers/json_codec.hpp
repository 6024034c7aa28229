// JSON in and out: request bodies into domain inputs (type errors become 422 field problems), domain values into
// the documented response shapes (docs/api.md).
#pragma once

#include "domain/booking.hpp"
#include "domain/messages.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/validation.hpp"
#include "server/http/http_types.hpp"
#include "server/web/urls.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace seminard::server {

using json = nlohmann::json;

/// The request body as a JSON object: JSON bodies parsed (never throwing), form bodies turned into an object of
/// strings. 415 for other content types, 400 for malformed JSON, invalid UTF-8 or a body that is not an object.
domain::result<json> body_object(const http_request& req, bool allow_form);

domain::result<domain::seminar_input> seminar_input_from(const json& body);
domain::result<domain::date_input> date_input_from(const json& body);
domain::result<domain::registration_input> registration_input_from(const json& body);
/// A company booking's body (see docs/api.md, "Company bookings"); nested problems carry the path ("booker.email",
/// "attendees[1].answers.level").
domain::result<domain::booking_input> booking_input_from(const json& body);
/// The forms' hidden "website" field is filled in: people never see it, form-filling bots do.
bool honeypot_filled(const json& body);
/// A substitute's body: the new person (first_name, last_name, email required; company, job_title, phone), and with
/// a booking's token the `registration` code of the seat.
struct substitute_input {
    domain::registration_input person;
    std::string registration;
};
domain::result<substitute_input> substitute_input_from(const json& body);

/// A rebooking: `{date_id, if_full?: "waitlist" | "refuse"}`.
struct move_input {
    std::int64_t date_id = 0;
    bool refuse_when_full = false;
};
domain::result<move_input> move_input_from(const json& body);

/// A yes/no field as JSON or a form sends it: a boolean, or "on"/"true"/"1"/"yes" and "off"/"false"/"0"/"no"/"".
/// nullopt for anything else.
std::optional<bool> flag_value(const json& v);

json seminar_json(const domain::seminar& s);
/// The seminar's questions as the API takes and gives them: `[{key, type, label: {de, en?}, help?, required,
/// options?: [{key, label}]}]`.
json questions_json(const std::vector<domain::question>& questions);
/// A person's fields: first_name, last_name, email, company, job_title, phone.
json person_json(const domain::attendee& p);
/// A billing address, or null.
json billing_json(const std::optional<domain::billing_address>& b);
/// Answers by question key: text for text and textarea, the option key for choice, a list of keys for multi, a
/// boolean for checkbox: the shape a registration sends them in.
json answers_json(const std::vector<domain::answer>& answers);
/// The answers with the wording they were given under and their text as pages show it, in the order asked:
/// `[{key, type, question: {de, en?}, value, text: {de, en}}]` (readable after the question changed or went).
json answered_json(const std::vector<domain::answer>& answers);
json date_json(const domain::seminar& s,
               const domain::seminar_date& d,
               const domain::date_availability& a,
               domain::instant now,
               domain::lang lang,
               const site_urls& links);
/// One page of an organiser's list: `{"items", "total", "next_cursor"}`; the cursor is a string, null on the last page.
json page_json(json items, std::int64_t total, std::optional<std::int64_t> next_cursor);

/// A booking as its booker sees it (and the 201 of a new one): the booker, the billing address, every attendee with
/// code and status in the order booked; `token` and `links` only when given.
json booking_json(const domain::booking& b,
                  const std::vector<domain::registration>& registrations,
                  std::string_view token,
                  const domain::seminar& s,
                  const domain::seminar_date& d,
                  domain::lang lang,
                  const site_urls& links);

/// The organiser's view of one registration (all attendee fields).
json registration_json(const domain::registration& r);
/// The answer to a new registration (201): code, status, waiting-list position, token, the confirmation (status
/// text, schedule, price, the confirmation mail's subject and text) and the private links. What it leaves out
/// (the attendee's own fields, the date and seminar) is at links.self. Takes the rows by value: a caller done with
/// them moves them into the mail it renders. links.ics uses the read-only `invite_key` (storage::invite_key), never
/// the token: calendar links get subscribed and shared.
json confirmation_json(domain::seminar s,
                       domain::seminar_date d,
                       domain::registration r,
                       std::string_view token,
                       std::string_view invite_key,
                       domain::lang lang,
                       const site_urls& links);
/// What the attendee gets at links.self: the confirmation plus the attendee's fields, the date and the seminar, and
/// whether (`cancellable`) and until when (`cancellable_until`, UTC; null once cancelled) the attendee may cancel it.
json attendee_view_json(const domain::seminar& s,
                        const domain::seminar_date& d,
                        const domain::registration& r,
                        std::string_view token,
                        std::string_view invite_key,
                        domain::instant now,
                        domain::lang lang,
                        const site_urls& links);

}  // namespace seminard::server
