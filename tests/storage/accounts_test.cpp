// Organiser accounts: Argon2id hashes that verify and fail as they should, one account per address, the last owner
// kept, sessions and tokens stored only as hashes and gone with their user or a new password.
#include "storage/accounts.hpp"

#include <catch2/catch.hpp>

#include "storage/passwords.hpp"
#include "storage/writer.hpp"
#include "temp_db.hpp"

#include <chrono>
#include <string>

namespace storage = seminard::storage;
namespace domain = seminard::domain;
using namespace std::chrono_literals;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

const domain::instant noon = date::sys_days{date::year{2026} / 12 / 1} + 12h;

struct env {
    temp_dir dir;
    storage::db_options opts = db_in(dir, false);
    storage::writer w{opts};
    storage::connection rd{opts, storage::access::read_only};

    template <class T, class F>
    T write(F f) {
        auto r = w.run<T>([&](storage::connection& c) -> domain::result<T> { return f(c); });
        REQUIRE(r);
        return *r;
    }
    storage::user add(const std::string& email, storage::role role) {
        auto r = w.run<storage::user>([&](storage::connection& c) {
            return storage::add_user(c, email, role, storage::hash_password("ein langes Passwort", cheap), noon);
        });
        REQUIRE(r);
        return *r;
    }
    const storage::password_cost cheap = storage::password_cost::minimal();
};

storage::digest hash_of(const std::string& secret) { return storage::sha256(secret); }

}  // namespace

TEST_CASE("a password hash is Argon2id with a fresh salt and verifies only the right password") {
    const auto cheap = storage::password_cost::minimal();
    const auto a = storage::hash_password("correct horse battery", cheap);
    const auto b = storage::hash_password("correct horse battery", cheap);
    CHECK(a.rfind("$argon2id$", 0) == 0);
    CHECK(a != b);  // salted
    CHECK(storage::password_matches(a, "correct horse battery"));
    CHECK_FALSE(storage::password_matches(a, "correct horse batterY"));
    CHECK_FALSE(storage::password_matches(a, ""));
    CHECK_FALSE(storage::password_matches("", "correct horse battery"));
    CHECK_FALSE(storage::password_matches("$argon2id$garbage", "correct horse battery"));
    CHECK(a.find("correct") == std::string::npos);
    // Made with the test's low cost: the next login with the real cost hashes it again.
    CHECK(storage::password_needs_rehash(a));
    CHECK_FALSE(storage::password_needs_rehash(a, cheap));
}

TEST_CASE("an account per address: normalised, checked, never twice") {
    env e;
    auto u = e.add("  Inhaberin@Beispiel.DE ", storage::role::owner);
    CHECK(u.email == "inhaberin@beispiel.de");
    CHECK(u.role == storage::role::owner);
    CHECK(storage::find_user(e.rd, "INHABERIN@beispiel.de"));
    auto again = e.w.run<storage::user>([&](storage::connection& c) {
        return storage::add_user(c, "inhaberin@beispiel.de", storage::role::staff, "x", noon);
    });
    REQUIRE_FALSE(again);
    CHECK(again.err().code == domain::errc::account_exists);
    auto bad = e.w.run<storage::user>(
        [&](storage::connection& c) { return storage::add_user(c, "keine-adresse", storage::role::staff, "x", noon); });
    REQUIRE_FALSE(bad);
    CHECK(bad.err().fields.at("email") == domain::field_problem::invalid_email);
    e.add("assistenz@beispiel.de", storage::role::staff);
    auto all = storage::list_users(e.rd);
    REQUIRE(all.size() == 2);
    CHECK(all[0].role == storage::role::owner);
    CHECK(all[1].email == "assistenz@beispiel.de");
}

TEST_CASE("the last owner cannot be removed, and a removed user's sessions and tokens go with them") {
    env e;
    auto owner = e.add("inhaberin@beispiel.de", storage::role::owner);
    auto staff = e.add("assistenz@beispiel.de", storage::role::staff);
    CHECK(e.write<storage::removal>([&](auto& c) { return storage::remove_user(c, "inhaberin@beispiel.de"); }) ==
          storage::removal::last_owner);
    e.write<bool>([&](auto& c) {
        storage::create_session(c, hash_of("session-of-staff"), staff.id, noon);
        return storage::add_api_token(c, staff.id, "Skript", hash_of("token-of-staff"), noon).ok();
    });
    REQUIRE(storage::find_session(e.rd, hash_of("session-of-staff")));
    REQUIRE(storage::find_api_token(e.rd, hash_of("token-of-staff")));
    CHECK(e.write<storage::removal>([&](auto& c) { return storage::remove_user(c, "ASSISTENZ@beispiel.de"); }) ==
          storage::removal::removed);
    CHECK_FALSE(storage::find_session(e.rd, hash_of("session-of-staff")));
    CHECK_FALSE(storage::find_api_token(e.rd, hash_of("token-of-staff")));
    CHECK(e.write<storage::removal>([&](auto& c) { return storage::remove_user(c, "niemand@beispiel.de"); }) ==
          storage::removal::not_found);
    CHECK(storage::find_user(e.rd, owner.id));
}

TEST_CASE("a new password ends every session of its user and no one else's") {
    env e;
    auto owner = e.add("inhaberin@beispiel.de", storage::role::owner);
    auto staff = e.add("assistenz@beispiel.de", storage::role::staff);
    e.write<bool>([&](auto& c) {
        storage::create_session(c, hash_of("laptop"), owner.id, noon);
        storage::create_session(c, hash_of("phone"), owner.id, noon);
        storage::create_session(c, hash_of("assistant"), staff.id, noon);
        return true;
    });
    auto s = storage::find_session(e.rd, hash_of("laptop"));
    REQUIRE(s);
    CHECK(s->email == "inhaberin@beispiel.de");
    CHECK(s->role == storage::role::owner);
    CHECK(s->created_at == noon);
    CHECK(e.write<bool>([&](auto& c) { return storage::set_password(c, owner.id, "new hash", noon + 1h); }));
    CHECK_FALSE(storage::find_session(e.rd, hash_of("laptop")));
    CHECK_FALSE(storage::find_session(e.rd, hash_of("phone")));
    CHECK(storage::find_session(e.rd, hash_of("assistant")));
    CHECK(storage::find_user(e.rd, owner.id)->password_hash == "new hash");
    CHECK(storage::find_user(e.rd, owner.id)->password_changed_at == noon + 1h);
}

TEST_CASE("sessions end when idle too long or too old, and a touch never moves time back") {
    env e;
    auto owner = e.add("inhaberin@beispiel.de", storage::role::owner);
    e.write<bool>([&](auto& c) {
        storage::create_session(c, hash_of("old"), owner.id, noon - 13h);
        storage::create_session(c, hash_of("idle"), owner.id, noon - 2h);
        storage::create_session(c, hash_of("fresh"), owner.id, noon - 2h);
        storage::touch_session(c, hash_of("fresh"), noon - 5min);
        storage::touch_session(c, hash_of("old"), noon - 1min);
        storage::touch_session(c, hash_of("fresh"), noon - 30min);  // an older touch arriving late
        return true;
    });
    CHECK(storage::find_session(e.rd, hash_of("fresh"))->seen_at == noon - 5min);
    CHECK(e.write<int>([&](auto& c) { return storage::end_expired_sessions(c, noon - 1h, noon - 12h); }) == 2);
    CHECK(storage::find_session(e.rd, hash_of("fresh")));
    CHECK_FALSE(storage::find_session(e.rd, hash_of("idle")));
    CHECK_FALSE(storage::find_session(e.rd, hash_of("old")));
    e.write<bool>([&](auto& c) {
        storage::end_session(c, hash_of("fresh"));
        return true;
    });
    CHECK_FALSE(storage::find_session(e.rd, hash_of("fresh")));
}

TEST_CASE("API tokens: named, found by hash, last use kept, revoked only by their user") {
    env e;
    auto owner = e.add("inhaberin@beispiel.de", storage::role::owner);
    auto staff = e.add("assistenz@beispiel.de", storage::role::staff);
    auto unnamed = e.w.run<storage::api_token>(
        [&](storage::connection& c) { return storage::add_api_token(c, owner.id, "  ", hash_of("t0"), noon); });
    REQUIRE_FALSE(unnamed);
    CHECK(unnamed.err().fields.at("name") == domain::field_problem::required);
    auto t = e.write<storage::api_token>(
        [&](auto& c) { return storage::add_api_token(c, owner.id, " CRM-Abgleich ", hash_of("t1"), noon); });
    CHECK(t.name == "CRM-Abgleich");
    auto held = storage::find_api_token(e.rd, hash_of("t1"));
    REQUIRE(held);
    CHECK(held->email == "inhaberin@beispiel.de");
    CHECK_FALSE(held->token.last_used_at);
    e.write<bool>([&](auto& c) {
        storage::touch_api_token(c, t.id, noon + 1h);
        return true;
    });
    CHECK(storage::list_api_tokens(e.rd, owner.id).at(0).last_used_at == noon + 1h);
    CHECK_FALSE(e.write<bool>([&](auto& c) { return storage::revoke_api_token(c, staff.id, t.id); }));
    CHECK(e.write<bool>([&](auto& c) { return storage::revoke_api_token(c, owner.id, t.id); }));
    CHECK_FALSE(storage::find_api_token(e.rd, hash_of("t1")));
    CHECK(storage::list_api_tokens(e.rd, owner.id).empty());
}
