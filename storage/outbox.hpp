// The outbox: one row per mail an attendee must get, written in the same transaction as the change it reports,
// so that no confirmation is lost and none is sent for a change that rolled back. The mailer renders and delivers.
#pragma once

#include "connection.hpp"
#include "domain/messages.hpp"
#include "domain/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seminard::storage {

/// Where a mail is on its way: `pending` (recorded, not rendered yet), `ready` (rendered; waiting for delivery,
/// or kept for the organiser to fetch when no SMTP server is configured), `sent`, `failed` (refused for good or
/// out of attempts).
enum class mail_state { pending, ready, sent, failed };
std::string_view to_string(mail_state s) noexcept;
std::optional<mail_state> parse_mail_state(std::string_view s) noexcept;

/// One outbox row. The registration's status and waiting-list position are kept as they were when the change
/// happened, so that a mail rendered later still tells what happened then.
struct mail_entry {
    std::int64_t id = 0;
    std::int64_t registration_id = 0;        ///< 0 for a booker's mail
    std::optional<std::int64_t> booking_id;  ///< only for a booker's mail (kind booking)
    std::optional<domain::attendee> person;  ///< kind substituted: the person the seat was taken from (the recipient)
    std::int64_t date_id = 0;                ///< the date the mail is about (for `moved`, the new one)
    std::optional<std::int64_t> moved_from;  ///< kind moved: the date left (its invite is cancelled in the mail)
    std::string code;                        ///< the registration's code (the booking's for a booker's mail)
    domain::mail_kind kind = domain::mail_kind::registered;
    domain::registration_status status = domain::registration_status::confirmed;
    std::optional<int> waitlist_position;
    domain::lang lang = domain::lang::de;
    /// Only for `registered`, until it is sent: the private token for the mail's link, sealed with the key outside
    /// the database (mail_token() opens it). Empty otherwise.
    std::string token_sealed;
    domain::instant created_at{};
    mail_state state = mail_state::pending;
    std::string sender;     ///< envelope sender; set when rendered
    std::string recipient;  ///< set when rendered
    std::string subject;    ///< set when rendered
    int attempts = 0;
    std::optional<domain::instant> next_attempt_at;
    std::string last_error;
    std::optional<domain::instant> sent_at;
};

// ---- commands (writer only; in the transaction of the change they report) -----------------------------------

/// Records a mail about registration `r` (its current status and position are kept with it).
void enqueue_mail(connection& c,
                  const domain::registration& r,
                  domain::mail_kind kind,
                  domain::instant now,
                  std::string_view token = {});
/// Records the one mail of a rebooking: registration `r` (as it is now, on `to_date`) left `from_date`.
void enqueue_moved_mail(
    connection& c, const domain::registration& r, std::int64_t from_date, std::int64_t to_date, domain::instant now);
/// Records the mail to `before`, whose seat on registration `r` a substitute took: their invite becomes a CANCEL.
void enqueue_substituted_mail(connection& c,
                              const domain::registration& r,
                              const domain::attendee& before,
                              domain::instant now);
/// Records the booker's mail of booking `b`, with the booking's private token sealed for its link.
void enqueue_booking_mail(connection& c, const domain::booking& b, domain::instant now, std::string_view token);
/// Records `kind` for every active (confirmed or waitlisted) registration of a date.
void enqueue_mail_for_date(connection& c, std::int64_t date_id, domain::mail_kind kind, domain::instant now);

/// Stores the rendered message (with the private link redacted: the message is what the organiser may download);
/// the row becomes `ready`. The sealed token stays until the mail is sent.
void store_rendered_mail(connection& c,
                         std::int64_t id,
                         std::string_view sender,
                         std::string_view recipient,
                         std::string_view subject,
                         std::string_view message);
/// Outcome of one delivery attempt. Sent or failed for good, the row forgets its sealed token.
void mark_mail_sent(connection& c, std::int64_t id, domain::instant now);
void mark_mail_retry(connection& c, std::int64_t id, domain::instant next_attempt, std::string_view error);
void mark_mail_failed(connection& c, std::int64_t id, std::string_view error);

// ---- reads --------------------------------------------------------------------------------------------------

/// The private token of a `registered` mail, opened with the connection's key; nullopt when the mail has none, or
/// it was sealed with another key (the key file was replaced: the link cannot be sent any more).
std::optional<std::string> mail_token(connection& c, const mail_entry& m);

/// Mails not rendered yet, oldest first.
std::vector<mail_entry> pending_mails(connection& c, int limit);
/// Rendered mails whose next delivery attempt is due at `now`, oldest first.
std::vector<mail_entry> due_mails(connection& c, domain::instant now, int limit);
std::optional<mail_entry> find_mail(connection& c, std::int64_t id);
/// The rendered RFC 5322 message; nullopt when the mail is unknown or not rendered yet.
std::optional<std::string> mail_message(connection& c, std::int64_t id);

struct mail_filter {
    std::optional<mail_state> state;
    std::optional<std::int64_t> date_id;
    std::optional<std::string> code;  ///< one registration's mails
};
struct mail_page {
    std::vector<mail_entry> items;
    std::optional<std::int64_t> next_cursor;
    std::int64_t total = 0;
};
/// The organiser's view of the outbox, in order of creation, `limit` at a time after mail id `after_id`.
mail_page list_mails(connection& c, const mail_filter& f, int limit, std::int64_t after_id);

/// Migration 6: tokens an older database kept in the clear are sealed; rendered confirmation messages, which held
/// the link, are dropped (a ready one, its token recovered from it and sealed, is rendered again, redacted).
void seal_outbox_tokens(connection& c);

}  // namespace seminard::storage
