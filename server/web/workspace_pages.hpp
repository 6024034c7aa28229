// The organiser's workspace (/admin): login, overview and the own account with its API tokens. German, pure
// rendering like pages.hpp: values in, a complete HTML5 document out. Every form that changes something carries the
// session's CSRF token in the field `csrf`.
#pragma once

#include "domain/model.hpp"
#include "domain/result.hpp"
#include "server/web/pages.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace seminard::server {

/// The name of every workspace form's CSRF field.
inline constexpr std::string_view csrf_field = "csrf";

/// Who is logged in, and what every workspace page's header needs.
struct workspace_frame {
    std::string email;
    bool owner = false;
    std::string csrf;  ///< the session's CSRF token
};

/// The login form as shown again.
struct login_form {
    enum class notice { none, wrong_credentials, throttled, expired, logged_out };
    std::string email;  ///< as typed (never the password)
    std::string next;   ///< the workspace page asked for before the login ("" or a path under /admin)
    notice note = notice::none;
    int retry_minutes = 0;  ///< with throttled
};
std::string render_login(const page_context& ctx, const login_form& form);

/// One date on the overview.
struct overview_date {
    std::string seminar_title;
    std::string seminar_slug;
    domain::seminar_date date;
    domain::date_availability seats;
    int registrations_last_7_days = 0;
};
/// Upcoming dates soonest first, past dates latest first (the caller sorts).
struct workspace_overview {
    std::vector<overview_date> upcoming;
    std::vector<overview_date> past;
};
std::string render_overview(const page_context& ctx, const workspace_frame& frame, const workspace_overview& o);

/// A personal API token as listed (its secret is never shown again).
struct token_view {
    std::int64_t id = 0;
    std::string name;
    domain::instant created_at{};
    std::optional<domain::instant> last_used_at;
};
/// The own account: new password, personal API tokens.
struct account_page {
    std::vector<token_view> tokens;
    std::string new_token;       ///< a token just made: shown this once
    std::string new_token_name;  ///< its name
    /// Per field: current_password, new_password, new_password_repeat, name (a token's)
    std::map<std::string, domain::field_problem> problems;
    std::string token_name;  ///< a token's name as typed after a failed attempt
    bool password_changed = false;
};
std::string render_account(const page_context& ctx, const workspace_frame& frame, const account_page& page);

/// An organiser account as listed.
struct user_view {
    std::int64_t id = 0;
    std::string email;
    bool owner = false;
    domain::instant created_at{};
};
/// The users page (owners only): every account, a form to add one, a remove button per account.
struct users_page {
    std::vector<user_view> users;
    std::string email, role;  ///< the add form as typed after a failed attempt
    /// Per field: email, role, password; "form" for account_exists or a refused removal of the last owner
    std::map<std::string, domain::field_problem> problems;
    std::optional<domain::errc> error;
    std::string notice;  ///< what just happened ("… hinzugefügt")
};
std::string render_users(const page_context& ctx, const workspace_frame& frame, const users_page& page);

/// A workspace page with one heading and one paragraph (403, 404), in the workspace's frame when someone is logged in.
std::string render_workspace_message(const page_context& ctx,
                                     const std::optional<workspace_frame>& frame,
                                     std::string_view title,
                                     std::string_view text);

}  // namespace seminard::server
