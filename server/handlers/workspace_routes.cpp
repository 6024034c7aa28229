// The workspace's routes: login and logout, the overview, the own account (password, personal API tokens). Access
// (session, CSRF, origin, role) is checked before any of them runs (workspace_access.hpp).
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"
#include "server/handlers/workspace_access.hpp"
#include "server/http/form.hpp"
#include "server/web/workspace_pages.hpp"
#include "storage/accounts.hpp"
#include "storage/passwords.hpp"
#include "storage/store.hpp"

#include <algorithm>

namespace seminard::server {

namespace {

constexpr domain::lang de = domain::lang::de;

/// The first value of each field of a urlencoded body (nullopt when the body is malformed).
std::optional<std::map<std::string, std::string>> form_of(const http_request& req) {
    auto fields = parse_urlencoded(req.body);
    if (!fields) return std::nullopt;
    std::map<std::string, std::string> out;
    for (auto& [name, value] : *fields) out.emplace(std::move(name), std::move(value));
    return out;
}

std::string field(const std::map<std::string, std::string>& form, const std::string& name) {
    auto it = form.find(name);
    return it == form.end() ? std::string{} : it->second;
}

bool secure_cookies(const services& svc) { return svc.urls.base().rfind("https:", 0) == 0; }

std::chrono::seconds session_max_age(const services& svc) {
    return std::chrono::duration_cast<std::chrono::seconds>(svc.cfg.session_lifetime);
}

workspace_frame frame_of(const exchange& ex) { return {ex.actor, ex.owner, ex.csrf_token}; }

http_response page(const services& svc, std::string body, int status = 200) {
    return workspace_page(std::move(body), svc, status);
}

http_response login_page(const services& svc, login_form form, int status) {
    return page(svc, render_login(page_context_of(svc, de), form), status);
}

/// The login's answer to a wrong address or password: one message for both.
http_response wrong_login(services& svc, const std::string& client, const std::string& account, login_form form) {
    svc.failed_logins.acquire(client);
    svc.failed_account_logins.acquire(account);
    form.note = login_form::notice::wrong_credentials;
    return login_page(svc, std::move(form), 422);
}

http_response throttled_login(const services& svc, std::chrono::seconds retry_after, login_form form) {
    form.note = login_form::notice::throttled;
    form.retry_minutes = static_cast<int>((retry_after.count() + 59) / 60);
    auto res = login_page(svc, std::move(form), 429);
    res.set("Retry-After", std::to_string(retry_after.count()));
    return res;
}

workspace_overview overview_of(storage::connection& c, domain::instant now) {
    workspace_overview o;
    const auto recent = storage::registrations_per_date_since(c, now - std::chrono::hours{24 * 7});
    for (const auto& s : storage::list_seminars(c)) {
        for (auto& d : storage::dates_of(c, s.id)) {
            overview_date od{s.title, s.slug, std::move(d), {}, 0};
            od.seats = storage::availability(c, od.date.id);
            if (auto it = recent.find(od.date.id); it != recent.end()) od.registrations_last_7_days = it->second;
            (domain::last_end(od.date) > now ? o.upcoming : o.past).push_back(std::move(od));
        }
    }
    auto start = [](const overview_date& x) { return domain::first_start(x.date); };
    std::sort(o.upcoming.begin(), o.upcoming.end(), [&](auto& a, auto& b) { return start(a) < start(b); });
    std::sort(o.past.begin(), o.past.end(), [&](auto& a, auto& b) { return start(a) > start(b); });
    return o;
}

account_page account_of(storage::connection& c, std::int64_t user_id) {
    account_page p;
    for (const auto& t : storage::list_api_tokens(c, user_id))
        p.tokens.push_back({t.id, t.name, t.created_at, t.last_used_at});
    return p;
}

void add_login_routes(router& r, services& svc) {
    r.add("GET", "/admin/login", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& q = ex->request().query;
        login_form form;
        form.next = safe_next(query_param(q, "next").value_or(""));
        const auto notice = query_param(q, "notice").value_or("");
        if (notice == "expired") form.note = login_form::notice::expired;
        if (notice == "logged_out") form.note = login_form::notice::logged_out;
        ex->respond(login_page(svc, std::move(form), 200));
    });

    r.add("POST", "/admin/login", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& req = ex->request();
        if (!same_origin(req, svc.urls.origin()))
            return ex->respond(
                workspace_forbidden(svc, "Diese Anmeldung kam von einer anderen Website und wurde abgelehnt."));
        auto fields = form_of(req);
        if (!fields) return ex->respond(error_response(domain::errc::bad_request, de));
        login_form form;
        form.email = domain::trim(field(*fields, "email"));
        form.next = safe_next(field(*fields, "next"));
        auto password = field(*fields, "password");
        const auto client = req.remote_address;
        const auto account = "account " + domain::normalize_email(form.email);
        // Both limits are checked before any password is: past them, even the right one gets no answer.
        if (auto d = svc.failed_logins.check(client); !d.allowed)
            return ex->respond(throttled_login(svc, d.retry_after, std::move(form)));
        if (auto d = svc.failed_account_logins.check(account); !d.allowed)
            return ex->respond(throttled_login(svc, d.retry_after, std::move(form)));
        if (form.email.empty() || password.empty() || password.size() > storage::max_password_size)
            return ex->respond(wrong_login(svc, client, account, std::move(form)));
        const auto previous = session_id_of(req);
        // Argon2 takes its time and memory on a reader thread, never on an IO thread.
        svc.on_reader(ex, [&svc, ex, form, password, client, account, previous](storage::connection& c) mutable {
            auto user = storage::find_user(c, form.email);
            const bool right = user ? storage::password_matches(user->password_hash, password)
                                    : (storage::password_check_decoy(password), false);
            if (!right) return ex->respond(wrong_login(svc, client, account, std::move(form)));
            // A new id at every login; a session id the browser held before does not survive it.
            auto id = new_session_id();
            const auto now = svc.now();
            const auto user_id = user->id;
            // A hash made at another cost (an older default) is made again now that the password is at hand.
            std::string renewed;
            if (storage::password_needs_rehash(user->password_hash, svc.cfg.password_cost))
                renewed = storage::hash_password(password, svc.cfg.password_cost);
            svc.writer.submit<domain::done>(
                [&svc, id, user_id, now, previous, old_hash = user->password_hash, renewed](
                    storage::connection& w) -> domain::result<domain::done> {
                    if (!renewed.empty()) storage::renew_password_hash(w, user_id, old_hash, renewed);
                    if (previous) storage::end_session(w, storage::sha256(*previous));
                    storage::end_expired_sessions(w, now - svc.cfg.session_idle, now - svc.cfg.session_lifetime);
                    storage::create_session(w, storage::sha256(id), user_id, now);
                    return domain::done{};
                },
                [&svc, ex, id, next = form.next](domain::result<domain::done> done) {
                    if (!done) return ex->respond(error_response(done.err(), de));
                    auto res = redirect_to(svc.urls.base() + next);
                    res.set("Cache-Control", "no-store");
                    res.set("Set-Cookie", session_cookie(id, session_max_age(svc), secure_cookies(svc)));
                    ex->respond(std::move(res));
                });
        });
    });

    r.add("POST", "/admin/logout", access::workspace, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto hash = storage::sha256(session_id_of(ex->request()).value_or(""));
        svc.writer.submit<domain::done>(
            [hash](storage::connection& w) -> domain::result<domain::done> {
                storage::end_session(w, hash);
                return domain::done{};
            },
            [&svc, ex](domain::result<domain::done> done) {
                if (!done) return ex->respond(error_response(done.err(), de));
                auto res = redirect_to(svc.urls.base() + "/admin/login?notice=logged_out");
                res.set("Cache-Control", "no-store");
                res.set("Set-Cookie", session_cookie({}, std::chrono::seconds{0}, secure_cookies(svc)));
                ex->respond(std::move(res));
            });
    });
}

void add_account_routes(router& r, services& svc) {
    r.add("GET", "/admin/account", access::workspace, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.read(ex, [&svc, ex](storage::connection& c) {
            auto p = account_of(c, ex->user_id);
            p.password_changed = query_param(ex->request().query, "changed").has_value();
            return page(svc, render_account(page_context_of(svc, de), frame_of(*ex), p));
        });
    });

    r.add("POST", "/admin/account/password", access::workspace, [&svc](const std::shared_ptr<exchange>& ex) {
        auto fields = form_of(ex->request());
        if (!fields) return ex->respond(error_response(domain::errc::bad_request, de));
        if (ex->user_id == 0) return ex->respond(workspace_forbidden(svc, "Dieses Konto hat kein Passwort."));
        auto current = field(*fields, "current_password");
        auto fresh = field(*fields, "new_password");
        auto repeat = field(*fields, "new_password_repeat");
        svc.on_reader(ex, [&svc, ex, current, fresh, repeat](storage::connection& c) {
            auto user = storage::find_user(c, ex->user_id);
            account_page p = account_of(c, ex->user_id);
            if (!user || !storage::password_matches(user->password_hash, current))
                p.problems.emplace("current_password", domain::field_problem::invalid_value);
            if (fresh.size() < storage::min_password_size)
                p.problems.emplace(
                    "new_password",
                    fresh.empty() ? domain::field_problem::required : domain::field_problem::invalid_format);
            else if (fresh.size() > storage::max_password_size)
                p.problems.emplace("new_password", domain::field_problem::too_long);
            else if (repeat != fresh)
                p.problems.emplace("new_password_repeat", domain::field_problem::invalid_value);
            if (!p.problems.empty())
                return ex->respond(page(svc, render_account(page_context_of(svc, de), frame_of(*ex), p), 422));
            const auto hash = storage::hash_password(fresh, svc.cfg.password_cost);
            // Every session ends ("log out everywhere"); this browser gets a new one.
            auto id = new_session_id();
            const auto now = svc.now();
            svc.writer.submit<domain::done>(
                [user_id = ex->user_id, hash, id, now](storage::connection& w) -> domain::result<domain::done> {
                    if (!storage::set_password(w, user_id, hash, now)) return domain::errc::not_found;
                    storage::create_session(w, storage::sha256(id), user_id, now);
                    return domain::done{};
                },
                [&svc, ex, id](domain::result<domain::done> done) {
                    if (!done) return ex->respond(error_response(done.err(), de));
                    auto res = redirect_to(svc.urls.base() + "/admin/account?changed=1");
                    res.set("Cache-Control", "no-store");
                    res.set("Set-Cookie", session_cookie(id, session_max_age(svc), secure_cookies(svc)));
                    ex->respond(std::move(res));
                });
        });
    });

    r.add("POST", "/admin/account/tokens", access::workspace, [&svc](const std::shared_ptr<exchange>& ex) {
        auto fields = form_of(ex->request());
        if (!fields) return ex->respond(error_response(domain::errc::bad_request, de));
        if (ex->user_id == 0) return ex->respond(workspace_forbidden(svc, "Dieses Konto hat keine API-Schlüssel."));
        auto name = field(*fields, "name");
        auto secret = new_session_id();
        svc.writer.submit<storage::api_token>(
            [user_id = ex->user_id, name, hash = storage::sha256(secret), now = svc.now()](storage::connection& w) {
                return storage::add_api_token(w, user_id, name, hash, now);
            },
            [&svc, ex, name, secret](domain::result<storage::api_token> made) {
                svc.read(ex, [&svc, ex, name, secret, made](storage::connection& c) {
                    auto p = account_of(c, ex->user_id);
                    if (!made) {
                        p.problems = made.err().fields;
                        p.token_name = name;
                        return page(svc, render_account(page_context_of(svc, de), frame_of(*ex), p), 422);
                    }
                    // Shown in this answer only (no redirect: the secret must not land in a URL or history).
                    p.new_token = secret;
                    p.new_token_name = made->name;
                    return page(svc, render_account(page_context_of(svc, de), frame_of(*ex), p), 201);
                });
            });
    });

    r.add("POST", "/admin/account/tokens/{id}/revoke", access::workspace, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, de));
        svc.writer.submit<bool>(
            [user_id = ex->user_id, token_id = *id](storage::connection& w) -> domain::result<bool> {
                return storage::revoke_api_token(w, user_id, token_id);
            },
            [&svc, ex](domain::result<bool> revoked) {
                if (!revoked) return ex->respond(error_response(revoked.err(), de));
                if (!*revoked) return ex->respond(not_found_page(svc, de));
                ex->respond(redirect_to(svc.urls.base() + "/admin/account"));
            });
    });
}

users_page users_of(storage::connection& c) {
    users_page p;
    for (const auto& u : storage::list_users(c))
        p.users.push_back({u.id, u.email, u.role == storage::role::owner, u.created_at});
    return p;
}

http_response users_answer(const services& svc, const exchange& ex, const users_page& p, int status) {
    return page(svc, render_users(page_context_of(svc, de), frame_of(ex), p), status);
}

/// Owners only (access::workspace_owner): the accounts, adding one, removing one.
void add_user_routes(router& r, services& svc) {
    r.add("GET", "/admin/users", access::workspace_owner, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.read(ex, [&svc, ex](storage::connection& c) {
            auto p = users_of(c);
            if (auto added = query_param(ex->request().query, "added")) p.notice = *added + " ist hinzugefügt.";
            if (auto removed = query_param(ex->request().query, "removed")) p.notice = *removed + " ist entfernt.";
            return users_answer(svc, *ex, p, 200);
        });
    });

    r.add("POST", "/admin/users", access::workspace_owner, [&svc](const std::shared_ptr<exchange>& ex) {
        auto fields = form_of(ex->request());
        if (!fields) return ex->respond(error_response(domain::errc::bad_request, de));
        auto email = domain::trim(field(*fields, "email"));
        auto role_text = field(*fields, "role");
        auto password = field(*fields, "password");
        std::map<std::string, domain::field_problem> problems;
        const auto role = storage::parse_role(role_text);
        if (!role) problems.emplace("role", domain::field_problem::invalid_value);
        if (password.size() < storage::min_password_size)
            problems.emplace(
                "password", password.empty() ? domain::field_problem::required : domain::field_problem::invalid_format);
        else if (password.size() > storage::max_password_size)
            problems.emplace("password", domain::field_problem::too_long);
        const auto address = domain::normalize_email(email);
        if (address.empty())
            problems.emplace("email", domain::field_problem::required);
        else if (!domain::plausible_email(address))
            problems.emplace("email", domain::field_problem::invalid_email);
        auto again = [&svc, ex, email, role_text](domain::error err) {
            svc.read(ex, [&svc, ex, email, role_text, err](storage::connection& c) {
                auto p = users_of(c);
                p.email = email;
                p.role = role_text;
                p.problems = err.fields;
                if (err.code != domain::errc::invalid_fields) p.error = err.code;
                return users_answer(svc, *ex, p, domain::describe(err.code).http_status);
            });
        };
        if (!problems.empty()) {
            domain::error err{domain::errc::invalid_fields};
            err.fields = std::move(problems);
            return again(std::move(err));
        }
        // Argon2 takes its time on a reader thread; then the writer adds the account.
        svc.on_reader(ex, [&svc, ex, email, password, role, again](storage::connection&) {
            auto hash = storage::hash_password(password, svc.cfg.password_cost);
            svc.writer.submit<storage::user>(
                [email, role, hash, now = svc.now()](storage::connection& w) {
                    return storage::add_user(w, email, *role, hash, now);
                },
                [&svc, ex, again](domain::result<storage::user> added) {
                    if (!added) return again(added.err());
                    ex->respond(redirect_to(svc.urls.base() + "/admin/users?added=" + percent_encode(added->email)));
                });
        });
    });

    r.add("POST", "/admin/users/{id}/remove", access::workspace_owner, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(not_found_page(svc, de));
        svc.writer.submit<std::string>(
            [user_id = *id](storage::connection& w) -> domain::result<std::string> {
                auto u = storage::find_user(w, user_id);
                if (!u) return domain::errc::not_found;
                if (storage::remove_user(w, u->email) == storage::removal::last_owner)
                    return domain::error{domain::errc::forbidden, "the last owner"};
                return u->email;
            },
            [&svc, ex](domain::result<std::string> removed) {
                if (removed)
                    return ex->respond(
                        redirect_to(svc.urls.base() + "/admin/users?removed=" + percent_encode(*removed)));
                if (removed.err().code == domain::errc::not_found) return ex->respond(not_found_page(svc, de));
                svc.read(ex, [&svc, ex](storage::connection& c) {
                    auto p = users_of(c);
                    p.notice =
                        "Die letzte Inhaberin oder der letzte Inhaber bleibt: Fügen Sie erst eine weitere "
                        "Person mit der Rolle Inhaber:in hinzu.";
                    return users_answer(svc, *ex, p, 409);
                });
            });
    });
}

}  // namespace

void add_workspace_routes(router& r, services& svc) {
    add_user_routes(r, svc);
    add_login_routes(r, svc);
    r.add("GET", "/admin", access::workspace, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.read(ex, [&svc, ex](storage::connection& c) {
            return page(svc, render_overview(page_context_of(svc, de), frame_of(*ex), overview_of(c, svc.now())));
        });
    });
    add_account_routes(r, svc);
}

}  // namespace seminard::server
