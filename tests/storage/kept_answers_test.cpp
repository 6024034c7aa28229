// Tests of the kept answers of idempotent requests: found within their time, replaced, purged oldest first in
// bounded steps, and sealed so that an answer opens only for its own row.
#include "storage/kept_answers.hpp"

#include <catch2/catch.hpp>

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

storage::kept_answer answer(std::string fingerprint, domain::instant at, int status = 201) {
    return {std::move(fingerprint), status, "sealed bytes", at};
}

struct env {
    temp_dir dir;
    storage::db_options opts = db_in(dir, false);
    storage::writer w{opts};
    storage::connection rd{opts, storage::access::read_only};

    void keep(const std::string& scope, const std::string& key, const storage::kept_answer& a) {
        REQUIRE(w.run<bool>([&](storage::connection& c) -> domain::result<bool> {
            storage::keep_answer(c, scope, key, a);
            return true;
        }));
    }
    int purge(domain::instant before, int limit) {
        auto n = w.run<int>([&](storage::connection& c) -> domain::result<int> {
            return storage::purge_kept_answers(c, before, limit);
        });
        REQUIRE(n);
        return *n;
    }
};

}  // namespace

TEST_CASE("a kept answer is found by scope and key while it is young enough") {
    env e;
    e.keep("client 192.0.2.1", "k", answer("fp-1", noon, 409));
    auto found = storage::find_kept_answer(e.rd, "client 192.0.2.1", "k", noon - 24h);
    REQUIRE(found);
    CHECK(found->fingerprint == "fp-1");
    CHECK(found->status == 409);
    CHECK(found->answer == "sealed bytes");
    CHECK(found->created_at == noon);
    CHECK(storage::find_kept_answer(e.rd, "client 192.0.2.1", "k", noon));
    CHECK_FALSE(storage::find_kept_answer(e.rd, "client 192.0.2.1", "k", noon + 1s));  // too old
    CHECK_FALSE(storage::find_kept_answer(e.rd, "client 192.0.2.2", "k", noon - 24h));
    CHECK_FALSE(storage::find_kept_answer(e.rd, "organiser", "k", noon - 24h));
    CHECK_FALSE(storage::find_kept_answer(e.rd, "client 192.0.2.1", "K", noon - 24h));
}

TEST_CASE("keeping an answer under a key that has one replaces it") {
    env e;
    e.keep("organiser", "k", answer("old", noon - 25h));
    e.keep("organiser", "k", answer("new", noon));
    auto found = storage::find_kept_answer(e.rd, "organiser", "k", noon - 24h);
    REQUIRE(found);
    CHECK(found->fingerprint == "new");
}

TEST_CASE("the purge deletes expired answers, oldest first and at most as many as it may") {
    env e;
    for (int i = 0; i < 5; ++i)
        e.keep("organiser", "old-" + std::to_string(i), answer("fp", noon - 30h + std::chrono::minutes{i}));
    e.keep("organiser", "young", answer("fp", noon));
    CHECK(e.purge(noon - 24h, 2) == 2);
    CHECK_FALSE(storage::find_kept_answer(e.rd, "organiser", "old-0", noon - 48h));
    CHECK_FALSE(storage::find_kept_answer(e.rd, "organiser", "old-1", noon - 48h));
    CHECK(storage::find_kept_answer(e.rd, "organiser", "old-2", noon - 48h));
    CHECK(e.purge(noon - 24h, 100) == 3);
    CHECK(e.purge(noon - 24h, 100) == 0);
    CHECK(storage::find_kept_answer(e.rd, "organiser", "young", noon - 24h));
}

TEST_CASE("a sealed answer opens only for its own scope and key, and never shows its plain text") {
    const auto key = storage::secret_key::generate();
    const std::string plain = "Location: https://example.org/registrations/DNp1Z4OYvQ5UkoUZUidZAjR6BAl-";
    const auto sealed = storage::seal_answer(key, "client 192.0.2.1", "k", plain);
    CHECK(sealed.find("DNp1Z4OYvQ5UkoUZUidZAjR6BAl-") == std::string::npos);
    CHECK(storage::open_answer(key, "client 192.0.2.1", "k", sealed) == plain);
    CHECK_FALSE(storage::open_answer(key, "client 192.0.2.1", "k2", sealed));
    CHECK_FALSE(storage::open_answer(key, "client 192.0.2.2", "k", sealed));
    // Scope and key are told apart even when their concatenation is the same.
    CHECK_FALSE(storage::open_answer(key, "client 192.0.2.1k", "", sealed));
    CHECK_FALSE(storage::open_answer(storage::secret_key::generate(), "client 192.0.2.1", "k", sealed));
}
