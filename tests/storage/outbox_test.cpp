// Tests of the outbox: every change an attendee must hear about records its mail in the same transaction, a change
// that fails records none, and rendered mails move through ready, retry, sent and failed.
#include "storage/outbox.hpp"

#include <catch2/catch.hpp>

#include "storage/store.hpp"
#include "storage/writer.hpp"
#include "temp_db.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace storage = seminard::storage;
namespace domain = seminard::domain;
using namespace std::chrono_literals;
using domain::mail_kind;
using domain::registration_status;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

const domain::instant now = date::sys_days{date::year{2026} / 12 / 1} + 10h;

struct outbox_env {
    temp_dir dir;
    storage::db_options opts = db_in(dir, false);
    storage::writer w{opts};
    storage::connection rd{opts, storage::access::read_only};
    domain::seminar_date date = add_date(1, true);

    domain::seminar_date add_date(int capacity, bool waitlist) {
        auto s = w.run<domain::seminar>([](storage::connection& c) {
            domain::seminar s;
            s.slug = "outbox-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
            s.title = "LinkedIn Marketing für Unternehmen";
            s.organizer_name = "Beispiel Kommunikation";
            s.organizer_email = "seminare@example.org";
            return storage::create_seminar(c, s, now);
        });
        REQUIRE(s.ok());
        domain::seminar_date d;
        d.seminar_id = s->id;
        d.timezone = "Europe/Berlin";
        d.days = {{date::year{2027} / 1 / 27, domain::clock_time{540}, domain::clock_time{1020}}};
        d.capacity = capacity;
        d.waitlist = waitlist;
        auto r = w.run<domain::seminar_date>([d](storage::connection& c) { return storage::create_date(c, d, now); });
        REQUIRE(r.ok());
        return r.value();
    }

    domain::result<storage::registration_change> reg(const std::string& email, domain::lang lang = domain::lang::de) {
        return w.run<storage::registration_change>([id = date.id, email, lang](storage::connection& c) {
            return storage::register_attendee(c, id, {"Anna", "Muster", email, "", "", ""}, now, lang);
        });
    }

    std::vector<storage::mail_entry> all() { return storage::list_mails(rd, {}, 500, 0).items; }

    template <class F>
    void write(F f) {
        auto r = w.run<int>([&f](storage::connection& c) -> domain::result<int> {
            f(c);
            return 0;
        });
        REQUIRE(r.ok());
    }
};

}  // namespace

TEST_CASE("a registration records its confirmation mail with the private token sealed, and the language",
          "[outbox]") {
    outbox_env env;
    auto a = env.reg("anna@example.org", domain::lang::en);
    REQUIRE(a.ok());
    auto b = env.reg("ben@example.org");
    REQUIRE(b.ok());
    auto mails = env.all();
    REQUIRE(mails.size() == 2);
    CHECK(mails[0].kind == mail_kind::registered);
    CHECK(mails[0].status == registration_status::confirmed);
    CHECK(storage::mail_token(env.rd, mails[0]) == a->token);
    CHECK(mails[0].token_sealed.find(a->token) == std::string::npos);  // never in the clear
    CHECK(mails[1].token_sealed != mails[0].token_sealed);
    CHECK(mails[0].lang == domain::lang::en);
    CHECK(mails[0].code == a->registration.code);
    CHECK(mails[0].state == storage::mail_state::pending);
    CHECK(mails[1].status == registration_status::waitlisted);
    CHECK(mails[1].waitlist_position == 1);
    CHECK(mails[1].lang == domain::lang::de);
    CHECK(storage::pending_mails(env.rd, 10).size() == 2);
}

TEST_CASE("a refused registration records no mail", "[outbox]") {
    outbox_env env;
    REQUIRE(env.reg("anna@example.org").ok());
    auto again = env.reg("ANNA@example.org");
    REQUIRE_FALSE(again.ok());
    CHECK(again.err().code == domain::errc::already_registered);
    CHECK(env.all().size() == 1);
}

TEST_CASE("a cancellation records the cancellation and the promotion it causes", "[outbox]") {
    outbox_env env;
    auto a = env.reg("anna@example.org");
    auto b = env.reg("ben@example.org");
    REQUIRE((a.ok() && b.ok()));
    auto change = env.w.run<storage::registration_change>([id = a->registration.id](storage::connection& c) {
        return storage::cancel_registration(c, id, storage::canceller::attendee, now);
    });
    REQUIRE(change.ok());
    auto mails = env.all();
    REQUIRE(mails.size() == 4);
    CHECK(mails[2].kind == mail_kind::cancelled);
    CHECK(mails[2].code == a->registration.code);
    CHECK(mails[2].status == registration_status::cancelled);
    CHECK(mails[2].token_sealed.empty());
    CHECK(mails[3].kind == mail_kind::promoted);
    CHECK(mails[3].code == b->registration.code);
    CHECK(mails[3].status == registration_status::confirmed);
}

TEST_CASE("changed days and a cancelled date record a mail for every active registration", "[outbox]") {
    outbox_env env;
    auto a = env.reg("anna@example.org");
    auto b = env.reg("ben@example.org");
    auto c = env.reg("cora@example.org");
    REQUIRE((a.ok() && b.ok() && c.ok()));
    REQUIRE(env.w
                .run<storage::registration_change>([id = c->registration.id](storage::connection& cn) {
                    return storage::cancel_registration(cn, id, storage::canceller::organiser, now);
                })
                .ok());
    const auto before = env.all().size();

    domain::date_input capacity_only;
    capacity_only.capacity = 5;  // promotes Ben; no visible change for the others
    REQUIRE(env.w
                .run<storage::date_update>(
                    [&](storage::connection& cn) { return storage::update_date(cn, env.date.id, capacity_only, now); })
                .ok());
    auto mails = env.all();
    REQUIRE(mails.size() == before + 1);
    CHECK(mails.back().kind == mail_kind::promoted);

    domain::date_input new_hours;
    new_hours.days = std::vector<domain::day_input>{{"2027-01-27", "10:00", "16:00"}};
    REQUIRE(env.w
                .run<storage::date_update>(
                    [&](storage::connection& cn) { return storage::update_date(cn, env.date.id, new_hours, now); })
                .ok());
    mails = env.all();
    REQUIRE(mails.size() == before + 3);  // Anna and Ben, not the cancelled Cora
    CHECK(mails[before + 1].kind == mail_kind::date_changed);
    CHECK(mails[before + 2].kind == mail_kind::date_changed);

    domain::date_input cancel;
    cancel.status = "cancelled";
    REQUIRE(env.w
                .run<storage::date_update>(
                    [&](storage::connection& cn) { return storage::update_date(cn, env.date.id, cancel, now); })
                .ok());
    mails = env.all();
    REQUIRE(mails.size() == before + 5);
    CHECK(mails[before + 3].kind == mail_kind::date_cancelled);
    CHECK(mails[before + 4].kind == mail_kind::date_cancelled);
}

TEST_CASE("a rendered mail keeps its sealed token until it is sent or fails for good", "[outbox]") {
    outbox_env env;
    REQUIRE(env.reg("anna@example.org").ok());
    REQUIRE(env.reg("ben@example.org").ok());
    auto mails = env.all();
    const auto first = mails[0].id, second = mails[1].id;
    CHECK_FALSE(storage::mail_message(env.rd, first));

    env.write([&](storage::connection& c) {
        storage::store_rendered_mail(c, first, "seminare@example.org", "anna@example.org", "Betreff", "raw\r\n");
        storage::store_rendered_mail(c, second, "seminare@example.org", "ben@example.org", "Betreff", "raw2\r\n");
    });
    auto m = storage::find_mail(env.rd, first);
    REQUIRE(m);
    CHECK(m->state == storage::mail_state::ready);
    CHECK(storage::mail_token(env.rd, *m));  // the link still has to go out
    CHECK(m->sender == "seminare@example.org");
    CHECK(m->recipient == "anna@example.org");
    CHECK(storage::mail_message(env.rd, first) == std::string{"raw\r\n"});
    CHECK(storage::pending_mails(env.rd, 10).empty());
    CHECK(storage::due_mails(env.rd, now, 10).size() == 2);

    env.write([&](storage::connection& c) { storage::mark_mail_retry(c, first, now + 30s, "451 try later"); });
    auto due = storage::due_mails(env.rd, now, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == second);
    CHECK(storage::due_mails(env.rd, now + 30s, 10).size() == 2);
    m = storage::find_mail(env.rd, first);
    CHECK(m->attempts == 1);
    CHECK(m->last_error == "451 try later");

    env.write([&](storage::connection& c) {
        storage::mark_mail_sent(c, first, now + 31s);
        storage::mark_mail_failed(c, second, "550 no such user");
    });
    CHECK(storage::due_mails(env.rd, now + 1h, 10).empty());
    m = storage::find_mail(env.rd, first);
    CHECK(m->state == storage::mail_state::sent);
    CHECK(m->attempts == 2);
    CHECK(m->sent_at == now + 31s);
    CHECK(m->last_error.empty());
    CHECK(m->token_sealed.empty());
    CHECK(storage::find_mail(env.rd, second)->state == storage::mail_state::failed);
    CHECK(storage::find_mail(env.rd, second)->token_sealed.empty());
}

TEST_CASE("a token sealed with another key does not open", "[outbox]") {
    outbox_env env;
    auto a = env.reg("anna@example.org");
    REQUIRE(a.ok());
    auto m = env.all().at(0);
    CHECK(storage::mail_token(env.rd, m) == a->token);
    auto other = m;
    other.registration_id += 1;  // sealed for one registration, it is no other's
    CHECK_FALSE(storage::mail_token(env.rd, other));
    auto altered = m;
    altered.token_sealed[20] = static_cast<char>(altered.token_sealed[20] ^ 1);
    CHECK_FALSE(storage::mail_token(env.rd, altered));
}

TEST_CASE("the organiser's outbox list filters by state, date and registration and pages", "[outbox]") {
    outbox_env env;
    std::vector<std::string> codes;
    for (int i = 0; i < 5; ++i) {
        auto r = env.reg("p" + std::to_string(i) + "@example.org");
        REQUIRE(r.ok());
        codes.push_back(r->registration.code);
    }
    auto page = storage::list_mails(env.rd, {}, 2, 0);
    CHECK(page.total == 5);
    REQUIRE(page.items.size() == 2);
    REQUIRE(page.next_cursor);
    auto rest = storage::list_mails(env.rd, {}, 10, *page.next_cursor);
    CHECK(rest.items.size() == 3);
    CHECK_FALSE(rest.next_cursor);

    storage::mail_filter by_code;
    by_code.code = codes[3];
    auto one = storage::list_mails(env.rd, by_code, 10, 0);
    REQUIRE(one.items.size() == 1);
    CHECK(one.total == 1);
    CHECK(one.items[0].code == codes[3]);

    storage::mail_filter sent;
    sent.state = storage::mail_state::sent;
    CHECK(storage::list_mails(env.rd, sent, 10, 0).total == 0);
    storage::mail_filter other_date;
    other_date.date_id = env.date.id + 100;
    CHECK(storage::list_mails(env.rd, other_date, 10, 0).items.empty());
    storage::mail_filter this_date;
    this_date.date_id = env.date.id;
    CHECK(storage::list_mails(env.rd, this_date, 10, 0).total == 5);
}
