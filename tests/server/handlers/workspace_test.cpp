// The workspace's accounts and sessions through the routes: login, the redirect without a session, cookie flags,
// CSRF and origin checks, idle and absolute expiry, throttling per address and per account, a new password that
// logs out everywhere, personal API tokens, and the overview's figures.
#include "app_under_test.hpp"

#include <catch2/catch.hpp>

#include "storage/accounts.hpp"
#include "storage/passwords.hpp"

#include <chrono>
#include <string>

using nlohmann::json;
using seminard::testing::app_under_test;
using namespace std::chrono_literals;

namespace {

constexpr const char* origin = "http://seminard.test";
const std::string owner_email = "inhaberin@beispiel.de";
const std::string owner_password = "Seminare-seit-2009";

/// The value of a page's first `name` field (the CSRF token of its forms).
std::string field_value(const std::string& page, const std::string& name) {
    const std::string marker = "name=\"" + name + "\" value=\"";
    const auto at = page.find(marker);
    if (at == std::string::npos) return {};
    const auto start = at + marker.size();
    return page.substr(start, page.find('"', start) - start);
}

struct workspace {
    app_under_test app;
    workspace() { app.add_user(owner_email, "owner", owner_password); }

    seminard::server::header_list as(const std::string& cookie, bool with_origin = true) {
        seminard::server::header_list h{{"Cookie", cookie}};
        if (with_origin) h.emplace_back("Origin", origin);
        return h;
    }
    std::string csrf_of(const std::string& cookie) {
        auto page = app.get("/admin", as(cookie));
        REQUIRE(page.status == 200);
        return field_value(page.body, "csrf");
    }
};

}  // namespace

TEST_CASE("every workspace page without a session redirects to the login, which leads back to it",
          "[handlers][workspace]") {
    workspace w;
    auto res = w.app.get("/admin/account?tab=1");
    CHECK(res.status == 303);
    CHECK(res.header("Location") == "http://seminard.test/admin/login?next=%2Fadmin%2Faccount%3Ftab%3D1");
    CHECK(w.app.get("/admin").status == 303);
    // A cookie that is no session, or not even shaped like one, is no session either.
    CHECK(w.app.get("/admin", {{"Cookie", "seminard_session=" + std::string(43, 'A')}}).status == 303);
    CHECK(w.app.get("/admin", {{"Cookie", "seminard_session=kurz"}}).status == 303);

    auto form = w.app.get("/admin/login?next=%2Fadmin%2Faccount");
    REQUIRE(form.status == 200);
    CHECK(form.body.find("name=\"email\"") != std::string::npos);
    CHECK(form.body.find("name=\"password\"") != std::string::npos);
    CHECK(field_value(form.body, "next") == "/admin/account");
    auto login = w.app.post_form("/admin/login",
                                 "email=Inhaberin%40Beispiel.de&password=Seminare-seit-2009&next=%2Fadmin%2Faccount",
                                 {{"Origin", origin}});
    REQUIRE(login.status == 303);
    CHECK(login.header("Location") == "http://seminard.test/admin/account");
    // Only paths inside the workspace: anything else leads to the overview.
    for (const auto* next : {"https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2Fseminars", "%2Fadminx"}) {
        auto elsewhere =
            w.app.post_form("/admin/login",
                            "email=inhaberin%40beispiel.de&password=Seminare-seit-2009&next=" + std::string{next},
                            {{"Origin", origin}});
        REQUIRE(elsewhere.status == 303);
        CHECK(elsewhere.header("Location") == "http://seminard.test/admin");
    }
}

TEST_CASE("a login sets a strict session cookie and its session opens the overview", "[handlers][workspace]") {
    workspace w;
    auto res = w.app.post_form(
        "/admin/login", "email=inhaberin%40beispiel.de&password=Seminare-seit-2009", {{"Origin", origin}});
    REQUIRE(res.status == 303);
    const std::string cookie{res.header("Set-Cookie")};
    CHECK(cookie.rfind("seminard_session=", 0) == 0);
    CHECK(cookie.find("; HttpOnly") != std::string::npos);
    CHECK(cookie.find("; SameSite=Lax") != std::string::npos);
    CHECK(cookie.find("; Path=/admin") != std::string::npos);
    CHECK(cookie.find("; Max-Age=43200") != std::string::npos);
    CHECK(cookie.find("Secure") == std::string::npos);  // the test's public URL is http
    const auto id = cookie.substr(17, cookie.find(';') - 17);
    CHECK(id.size() == 43);  // 256 bits

    auto overview = w.app.get("/admin", w.as(cookie.substr(0, cookie.find(';'))));
    REQUIRE(overview.status == 200);
    CHECK(overview.header("Cache-Control") == "no-store");
    CHECK(overview.body.find("<h1>Übersicht</h1>") != std::string::npos);
    CHECK(overview.body.find(owner_email) != std::string::npos);
    CHECK(field_value(overview.body, "csrf").size() == 64);
}

TEST_CASE("a wrong password and an unknown address get the same answer", "[handlers][workspace]") {
    workspace w;
    auto wrong =
        w.app.post_form("/admin/login", "email=inhaberin%40beispiel.de&password=falsch-falsch", {{"Origin", origin}});
    auto unknown =
        w.app.post_form("/admin/login", "email=niemand%40beispiel.de&password=falsch-falsch", {{"Origin", origin}});
    CHECK(wrong.status == 422);
    CHECK(unknown.status == 422);
    CHECK(wrong.header("Set-Cookie").empty());
    CHECK(wrong.body.find("E-Mail-Adresse oder Passwort sind falsch.") != std::string::npos);
    auto without_address = [](std::string page, const std::string& email) {
        for (auto at = page.find(email); at != std::string::npos; at = page.find(email)) page.erase(at, email.size());
        return page;
    };
    CHECK(without_address(wrong.body, "inhaberin@beispiel.de") == without_address(unknown.body, "niemand@beispiel.de"));
    CHECK(wrong.body.find("falsch-falsch") == std::string::npos);  // the password is never shown again
}

TEST_CASE("a login from another site is refused", "[handlers][workspace][csrf]") {
    workspace w;
    auto res = w.app.post_form("/admin/login",
                               "email=inhaberin%40beispiel.de&password=Seminare-seit-2009",
                               {{"Origin", "https://evil.example"}});
    CHECK(res.status == 403);
    CHECK(res.header("Set-Cookie").empty());
    auto fetched = w.app.post_form("/admin/login",
                                   "email=inhaberin%40beispiel.de&password=Seminare-seit-2009",
                                   {{"Sec-Fetch-Site", "cross-site"}});
    CHECK(fetched.status == 403);
    // "Origin: null" (a sandboxed frame, or a page that sends no referrer) counts only with Sec-Fetch-Site.
    auto sandboxed = w.app.post_form("/admin/login",
                                     "email=inhaberin%40beispiel.de&password=Seminare-seit-2009",
                                     {{"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}});
    CHECK(sandboxed.status == 403);
    CHECK(w.app
              .post_form(
                  "/admin/login", "email=inhaberin%40beispiel.de&password=Seminare-seit-2009", {{"Origin", "null"}})
              .status == 403);
    auto own = w.app.post_form("/admin/login",
                               "email=inhaberin%40beispiel.de&password=Seminare-seit-2009",
                               {{"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}});
    CHECK(own.status == 303);
    CHECK(w.app.get("/admin/login").header("Referrer-Policy") == "same-origin");
}

TEST_CASE("a form without the session's CSRF token, with another's, or from a foreign origin changes nothing",
          "[handlers][workspace][csrf]") {
    workspace w;
    const auto cookie = w.app.login(owner_email, owner_password);
    REQUIRE_FALSE(cookie.empty());
    const auto other = w.app.login(owner_email, owner_password);
    const auto csrf = w.csrf_of(cookie);
    const auto other_csrf = w.csrf_of(other);
    CHECK(csrf != other_csrf);

    CHECK(w.app.post_form("/admin/logout", "", w.as(cookie)).status == 403);
    CHECK(w.app.post_form("/admin/logout", "csrf=" + other_csrf, w.as(cookie)).status == 403);
    CHECK(w.app.post_form("/admin/logout", "csrf=" + csrf.substr(1) + "0", w.as(cookie)).status == 403);
    auto foreign = w.as(cookie, false);
    foreign.emplace_back("Origin", "https://evil.example");
    CHECK(w.app.post_form("/admin/logout", "csrf=" + csrf, foreign).status == 403);
    CHECK(w.app.post_form("/admin/account/tokens", "name=Fremd", w.as(cookie)).status == 403);
    // Nothing changed: the session still works, and no token was made.
    auto account = w.app.get("/admin/account", w.as(cookie));
    REQUIRE(account.status == 200);
    CHECK(account.body.find("Noch keine Schlüssel.") != std::string::npos);

    auto out = w.app.post_form("/admin/logout", "csrf=" + csrf, w.as(cookie));
    REQUIRE(out.status == 303);
    CHECK(out.header("Location") == "http://seminard.test/admin/login?notice=logged_out");
    CHECK(std::string{out.header("Set-Cookie")}.find("Max-Age=0") != std::string::npos);
    CHECK(w.app.get("/admin", w.as(cookie)).status == 303);
    CHECK(w.app.get("/admin", w.as(other)).status == 200);  // logging out ends this session only
}

TEST_CASE("a session id from before a login does not work after it", "[handlers][workspace]") {
    workspace w;
    const auto before = w.app.login(owner_email, owner_password);
    REQUIRE_FALSE(before.empty());
    const auto after = w.app.login(owner_email, owner_password, before);
    REQUIRE_FALSE(after.empty());
    CHECK(after != before);
    CHECK(w.app.get("/admin", w.as(before)).status == 303);
    CHECK(w.app.get("/admin", w.as(after)).status == 200);
}

TEST_CASE("sessions end after the idle time and after their lifetime, however busy", "[handlers][workspace]") {
    workspace w;
    const auto start = w.app.now();
    SECTION("idle") {
        const auto cookie = w.app.login(owner_email, owner_password);
        w.app.set_now(start + 59min);
        CHECK(w.app.get("/admin", w.as(cookie)).status == 200);
        w.app.set_now(start + 59min + 60min);
        auto res = w.app.get("/admin/account", w.as(cookie));
        CHECK(res.status == 303);
        CHECK(res.header("Location") == "http://seminard.test/admin/login?next=%2Fadmin%2Faccount&notice=expired");
        CHECK(w.app.get("/admin/login?notice=expired").body.find("Ihre Sitzung ist abgelaufen") != std::string::npos);
    }
    SECTION("lifetime") {
        const auto cookie = w.app.login(owner_email, owner_password);
        for (auto t = 30min; t < 12h; t += 30min) {
            w.app.set_now(start + t);
            REQUIRE(w.app.get("/admin", w.as(cookie)).status == 200);
        }
        w.app.set_now(start + 12h);
        CHECK(w.app.get("/admin", w.as(cookie)).status == 303);
    }
}

TEST_CASE("failed logins are throttled per client address and per account", "[handlers][workspace]") {
    workspace w;
    const std::string right = "email=inhaberin%40beispiel.de&password=Seminare-seit-2009";
    SECTION("one address guessing") {
        for (int i = 0; i < 10; ++i)
            REQUIRE(w.app
                        .request("POST",
                                 "/admin/login",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}},
                                 "email=niemand" + std::to_string(i) + "%40beispiel.de&password=falsch-falsch",
                                 "198.51.100.7")
                        .status == 422);
        auto res = w.app.request("POST",
                                 "/admin/login",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}},
                                 right,
                                 "198.51.100.7");
        CHECK(res.status == 429);
        CHECK_FALSE(res.header("Retry-After").empty());
        CHECK(res.body.find("Zu viele Fehlversuche") != std::string::npos);
        // Another address logs in.
        CHECK(w.app
                  .request("POST",
                           "/admin/login",
                           {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}},
                           right,
                           "198.51.100.8")
                  .status == 303);
    }
    SECTION("many addresses guessing one account") {
        for (int i = 0; i < 10; ++i)
            REQUIRE(w.app
                        .request("POST",
                                 "/admin/login",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}},
                                 "email=INHABERIN%40beispiel.de&password=falsch-falsch",
                                 "203.0.113." + std::to_string(i))
                        .status == 422);
        CHECK(w.app
                  .request("POST",
                           "/admin/login",
                           {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}},
                           right,
                           "203.0.113.99")
                  .status == 429);
    }
}

TEST_CASE("a new password logs out everywhere else, keeps this browser in, and the old one stops working",
          "[handlers][workspace]") {
    workspace w;
    const auto laptop = w.app.login(owner_email, owner_password);
    const auto phone = w.app.login(owner_email, owner_password);
    const auto csrf = w.csrf_of(laptop);
    auto mismatch = w.app.post_form(
        "/admin/account/password",
        "csrf=" + csrf + "&current_password=Seminare-seit-2009&new_password=ganz-neu-2027&new_password_repeat=anders",
        w.as(laptop));
    CHECK(mismatch.status == 422);
    auto wrong_current = w.app.post_form(
        "/admin/account/password",
        "csrf=" + csrf + "&current_password=falsch&new_password=ganz-neu-2027&new_password_repeat=ganz-neu-2027",
        w.as(laptop));
    CHECK(wrong_current.status == 422);
    CHECK(wrong_current.body.find("aria-invalid=\"true\"") != std::string::npos);
    CHECK(w.app.get("/admin", w.as(phone)).status == 200);

    auto changed = w.app.post_form("/admin/account/password",
                                   "csrf=" + csrf +
                                       "&current_password=Seminare-seit-2009&new_password=ganz-neu-2027&new_password_"
                                       "repeat=ganz-neu-2027",
                                   w.as(laptop));
    REQUIRE(changed.status == 303);
    const std::string set{changed.header("Set-Cookie")};
    const auto renewed = set.substr(0, set.find(';'));
    CHECK(renewed != laptop);
    CHECK(w.app.get("/admin", w.as(phone)).status == 303);
    CHECK(w.app.get("/admin", w.as(laptop)).status == 303);
    auto account = w.app.get("/admin/account?changed=1", w.as(renewed));
    REQUIRE(account.status == 200);
    CHECK(account.body.find("Ihr Passwort ist geändert") != std::string::npos);
    CHECK(w.app.login(owner_email, owner_password).empty());
    CHECK_FALSE(w.app.login(owner_email, "ganz-neu-2027").empty());
}

TEST_CASE("a personal API token is shown once, works as Bearer, records its use, and ends when revoked",
          "[handlers][workspace]") {
    workspace w;
    const auto cookie = w.app.login(owner_email, owner_password);
    const auto csrf = w.csrf_of(cookie);
    auto unnamed = w.app.post_form("/admin/account/tokens", "csrf=" + csrf + "&name=", w.as(cookie));
    CHECK(unnamed.status == 422);
    auto made = w.app.post_form("/admin/account/tokens", "csrf=" + csrf + "&name=CRM-Abgleich", w.as(cookie));
    REQUIRE(made.status == 201);
    CHECK(made.header("Cache-Control") == "no-store");
    const auto at = made.body.find("<code class=\"secret\">");
    REQUIRE(at != std::string::npos);
    const auto start = at + std::string{"<code class=\"secret\">"}.size();
    const auto token = made.body.substr(start, made.body.find('<', start) - start);
    CHECK(token.size() == 43);
    // Never again: the account page lists the name, not the secret.
    auto later = w.app.get("/admin/account", w.as(cookie));
    CHECK(later.body.find("CRM-Abgleich") != std::string::npos);
    CHECK(later.body.find(token) == std::string::npos);
    CHECK(later.body.find("noch nie") != std::string::npos);

    w.app.set_now(w.app.now() + 5min);
    auto api = w.app.get("/api/v1/outbox", {{"Authorization", "Bearer " + token}});
    CHECK(api.status == 200);
    // The last use is written after the answer; a moment later the page shows it.
    bool shown = false;
    for (int i = 0; i < 50 && !shown; ++i) {
        shown = w.app.get("/admin/account", w.as(cookie)).body.find("noch nie") == std::string::npos;
        if (!shown) std::this_thread::sleep_for(20ms);
    }
    CHECK(shown);

    const auto id_at = later.body.find("/admin/account/tokens/");
    REQUIRE(id_at != std::string::npos);
    const auto path = later.body.substr(id_at, later.body.find('"', id_at) - id_at);
    auto revoked = w.app.post_form(path, "csrf=" + csrf, w.as(cookie));
    CHECK(revoked.status == 303);
    CHECK(w.app.get("/api/v1/outbox", {{"Authorization", "Bearer " + token}}).status == 403);
    CHECK(w.app.post_form(path, "csrf=" + csrf, w.as(cookie)).status == 404);
}

TEST_CASE("the overview shows upcoming dates with seats, waiting list, start and new registrations, past ones below",
          "[handlers][workspace]") {
    workspace w;
    const auto date = w.app.seminar_with_date("fuehrung", 2, true);
    for (const auto* first : {"Anna", "Bruno", "Clara"})
        REQUIRE(w.app
                    .post_json("/api/v1/dates/" + std::to_string(date) + "/registrations",
                               {{"first_name", first},
                                {"last_name", "Muster"},
                                {"email", std::string{first} + "@beispiel.de"},
                                {"privacy_consent", true}})
                    .status == 201);
    const auto cookie = w.app.login(owner_email, owner_password);
    auto page = w.app.get("/admin", w.as(cookie));
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Seminar fuehrung") != std::string::npos);
    CHECK(page.body.find("<td class=\"num\">2 / 2</td>") != std::string::npos);
    CHECK(page.body.find("<td class=\"num\">1</td>") != std::string::npos);  // waiting list
    CHECK(page.body.find("in 56 Tagen") != std::string::npos);               // 2 Dec → 27 Jan
    CHECK(page.body.find("<td class=\"num\">3</td>") != std::string::npos);  // new in the last 7 days
    CHECK(page.body.find("Noch keine vergangenen Termine.") != std::string::npos);

    w.app.set_now(w.app.now() + 24h * 60);
    const auto later = w.app.login(owner_email, owner_password);
    auto after = w.app.get("/admin", w.as(later));
    CHECK(after.body.find("Keine kommenden Termine.") != std::string::npos);
    CHECK(after.body.find("Seminar fuehrung") != std::string::npos);
}

TEST_CASE("owners add and remove users, staff cannot open the users page, and the last owner stays",
          "[handlers][workspace][roles]") {
    workspace w;
    const auto owner = w.app.login(owner_email, owner_password);
    const auto csrf = w.csrf_of(owner);
    auto page = w.app.get("/admin/users", w.as(owner));
    REQUIRE(page.status == 200);
    CHECK(page.body.find(owner_email) != std::string::npos);
    CHECK(w.app.get("/admin", w.as(owner)).body.find("/admin/users\"") != std::string::npos);

    auto bad = w.app.post_form("/admin/users", "csrf=" + csrf + "&email=keine&role=chef&password=kurz", w.as(owner));
    CHECK(bad.status == 422);
    CHECK(bad.body.find("id=\"email-error\"") != std::string::npos);
    CHECK(bad.body.find("id=\"role-error\"") != std::string::npos);
    CHECK(bad.body.find("id=\"password-error\"") != std::string::npos);
    auto added =
        w.app.post_form("/admin/users",
                        "csrf=" + csrf + "&email=Assistenz%40Beispiel.de&role=staff&password=Erstes-Passwort-1",
                        w.as(owner));
    REQUIRE(added.status == 303);
    CHECK(added.header("Location") == "http://seminard.test/admin/users?added=assistenz%40beispiel.de");
    auto twice =
        w.app.post_form("/admin/users",
                        "csrf=" + csrf + "&email=assistenz%40beispiel.de&role=owner&password=Erstes-Passwort-1",
                        w.as(owner));
    CHECK(twice.status == 409);

    const auto staff = w.app.login("assistenz@beispiel.de", "Erstes-Passwort-1");
    REQUIRE_FALSE(staff.empty());
    auto refused = w.app.get("/admin/users", w.as(staff));
    CHECK(refused.status == 403);
    CHECK(refused.body.find("Inhaber:innen vorbehalten") != std::string::npos);
    const auto staff_csrf = w.csrf_of(staff);
    CHECK(w.app
              .post_form("/admin/users",
                         "csrf=" + staff_csrf + "&email=dritte%40beispiel.de&role=owner&password=Erstes-Passwort-1",
                         w.as(staff))
              .status == 403);
    CHECK(w.app.get("/admin", w.as(staff)).body.find("/admin/users\"") == std::string::npos);

    // The owner's own row leads to a refusal: the last owner stays.
    const auto users = w.app.get("/admin/users", w.as(owner)).body;
    const auto row = users.find(owner_email);
    const auto form = users.find("/admin/users/", row);
    const auto own_path = users.substr(form, users.find('"', form) - form);
    auto last = w.app.post_form(own_path, "csrf=" + csrf, w.as(owner));
    CHECK(last.status == 409);
    CHECK(last.body.find("letzte Inhaberin") != std::string::npos);

    const auto staff_row = users.find("assistenz@beispiel.de");
    const auto staff_form = users.find("/admin/users/", staff_row);
    auto removed = w.app.post_form(
        users.substr(staff_form, users.find('"', staff_form) - staff_form), "csrf=" + csrf, w.as(owner));
    CHECK(removed.status == 303);
    CHECK(w.app.get("/admin", w.as(staff)).status == 303);  // the removed user's session ended with the account
}

TEST_CASE("a password hashed at another cost is hashed again at the login, and the sessions stay",
          "[handlers][workspace]") {
    workspace w;
    auto older = seminard::storage::password_cost::minimal();
    older.passes += 1;  // an earlier default, say
    w.app.add_user("alt@beispiel.de", "staff", "ein-altes-Passwort", older);
    auto hash_now = [&] {
        seminard::storage::db_options o;
        o.path = w.app.db_path().string();
        seminard::storage::connection c{o, seminard::storage::access::read_only};
        return seminard::storage::find_user(c, "alt@beispiel.de")->password_hash;
    };
    const auto before = hash_now();
    CHECK(seminard::storage::password_needs_rehash(before, seminard::storage::password_cost::minimal()));
    const auto first = w.app.login("alt@beispiel.de", "ein-altes-Passwort");
    REQUIRE_FALSE(first.empty());
    const auto after = hash_now();
    CHECK(after != before);
    CHECK_FALSE(seminard::storage::password_needs_rehash(after, seminard::storage::password_cost::minimal()));
    CHECK(w.app.get("/admin", w.as(first)).status == 200);
    CHECK_FALSE(w.app.login("alt@beispiel.de", "ein-altes-Passwort").empty());
    CHECK(hash_now() == after);  // once is enough
}
