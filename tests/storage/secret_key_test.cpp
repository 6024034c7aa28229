// Tests of the server's secret key: its file (made once, private, never overwritten), sealing and opening, and the
// migration that takes the private links an older database kept in the clear out of it.
#include "storage/secret_key.hpp"

#include "storage/connection.hpp"
#include "storage/crypto.hpp"
#include "storage/outbox.hpp"
#include "temp_db.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace storage = seminard::storage;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the key file is made once, private, and read back the same", "[secret_key]") {
    temp_dir dir;
    const auto path = dir.path() / "seminard.db.key";
    const auto first = storage::secret_key::load_or_create(path);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_file(path).size() == 65);  // 64 hex digits and a line end
    const auto again = storage::secret_key::load_or_create(path);
    const auto sealed = first.seal("the token", "context");
    CHECK(again.open(sealed, "context") == std::string{"the token"});
    CHECK_FALSE(storage::secret_key::generate().open(sealed, "context"));
    CHECK_FALSE(first.open(sealed, "another context"));
    CHECK(first.mac("x") == again.mac("x"));
    CHECK(first.mac("x") != first.mac("y"));
}

TEST_CASE("a key file others may read, or one without a key, stops the start", "[secret_key]") {
    temp_dir dir;
    const auto path = dir.path() / "k";
    storage::secret_key::load_or_create(path);
    ::chmod(path.c_str(), 0644);
    CHECK_THROWS_WITH(storage::secret_key::load_or_create(path), Catch::Contains("may be read by others"));
    std::filesystem::remove(path);
    std::ofstream(path) << "not a key\n";
    ::chmod(path.c_str(), 0600);
    CHECK_THROWS_WITH(storage::secret_key::load_or_create(path), Catch::Contains("holds no key"));
    CHECK_THROWS(storage::secret_key::load_or_create(dir.path() / "no" / "such" / "dir" / "k"));
}

TEST_CASE("sealing uses a fresh nonce every time", "[secret_key]") {
    const auto key = storage::secret_key::generate();
    CHECK(key.seal("same", "c") != key.seal("same", "c"));
    CHECK(key.open(key.seal("", "c"), "c") == std::string{});
    CHECK_FALSE(key.open("short", "c"));
}

TEST_CASE("migration 6 takes the private links of an older outbox out of the clear", "[secret_key][migration]") {
    temp_dir dir;
    auto opts = db_in(dir);
    opts.key = std::make_shared<const storage::secret_key>(storage::secret_key::generate());
    const std::string pending_token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const std::string ready_token = "BAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const std::string sent_token = "CAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    {
        storage::connection c{opts, storage::access::read_write};
        REQUIRE(storage::migrate(c, 5) == 5);
        c.db().exec(
            "INSERT INTO seminars(id, slug, title, organizer_name, organizer_email, created_at, updated_at) "
            "VALUES (1, 's', 'S', 'O', 'o@example.org', 0, 0);"
            "INSERT INTO dates(id, seminar_id, uid, timezone, capacity, waitlist, status, sequence, created_at, "
            "updated_at) VALUES (1, 1, 'u', 'Europe/Berlin', 5, 0, 'scheduled', 0, 0, 0);");
        auto reg = [&c](int id, const std::string& token) {
            SQLite::Statement q(c.db(),
                                "INSERT INTO registrations(id, date_id, code, token_hash, status, first_name, "
                                "last_name, email, email_norm, consent_at, created_at, updated_at) "
                                "VALUES (?, 1, ?, ?, 'confirmed', 'A', 'B', ?, ?, 0, 0, 0)");
            const auto hash = storage::sha256(token);
            q.bind(1, id);
            q.bind(2, "CODE-000" + std::to_string(id));
            q.bind(3, hash.data(), static_cast<int>(hash.size()));
            q.bind(4, "p" + std::to_string(id) + "@example.org");
            q.bind(5, "p" + std::to_string(id) + "@example.org");
            q.exec();
        };
        reg(1, pending_token);
        reg(2, ready_token);
        reg(3, sent_token);
        // As schema 5 kept them: the token in the clear until rendered, then the link inside the message
        // (quoted-printable, with a soft line break in the middle of the token).
        const auto message = [](const std::string& token) {
            return "Content-Transfer-Encoding: quoted-printable\r\n\r\nhttp://127.0.0.1:8080/registrations/" +
                   token.substr(0, 10) + "=\r\n" + token.substr(10) + "\r\n";
        };
        SQLite::Statement q(c.db(),
                            "INSERT INTO outbox(id, registration_id, kind, status, token, created_at, state, message) "
                            "VALUES (?, ?, 'registered', 'confirmed', ?, 0, ?, ?)");
        auto row = [&q](int id, const char* token, const char* state, const std::string& msg) {
            q.reset();
            q.bind(1, id);
            q.bind(2, id);
            if (token)
                q.bind(3, token);
            else
                q.bind(3);
            q.bind(4, state);
            if (msg.empty())
                q.bind(5);
            else
                q.bind(5, msg.data(), static_cast<int>(msg.size()));
            q.exec();
        };
        row(1, pending_token.c_str(), "pending", {});
        row(2, nullptr, "ready", message(ready_token));
        row(3, nullptr, "sent", message(sent_token));
        REQUIRE(storage::migrate(c) == storage::latest_schema_version());
        c.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");

        auto mails = storage::list_mails(c, {}, 10, 0).items;
        REQUIRE(mails.size() == 3);
        CHECK(storage::mail_token(c, mails[0]) == pending_token);
        CHECK(mails[0].state == storage::mail_state::pending);
        // The unsent one will be rendered again, redacted, and still gets its link when it goes out.
        CHECK(storage::mail_token(c, mails[1]) == ready_token);
        CHECK(mails[1].state == storage::mail_state::pending);
        CHECK_FALSE(storage::mail_message(c, 2));
        // The sent one's copy held the link: it is gone.
        CHECK_FALSE(storage::mail_message(c, 3));
        CHECK(mails[2].state == storage::mail_state::sent);
    }
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        const auto content = read_file(opts.path + suffix);
        INFO(suffix);
        for (const auto& token : {pending_token, ready_token, sent_token}) {
            CHECK(content.find(token) == std::string::npos);
            CHECK(content.find(token.substr(10)) == std::string::npos);
        }
    }
}

TEST_CASE("the MAC is HMAC-SHA256 as OpenSSL computes it", "[secret_key]") {
    temp_dir dir;
    const auto path = dir.path() / "k";
    const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    {
        std::ofstream f(path);
        f << hex << "\n";
    }
    ::chmod(path.c_str(), 0600);
    const auto key = storage::secret_key::load_or_create(path);
    std::array<unsigned char, 32> raw{};
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<unsigned char>(i);
    for (const std::string& data :
         {std::string{}, std::string{"seminard invite key, registration 42"}, std::string(1000, 'x')}) {
        std::array<unsigned char, 32> expected{};
        std::size_t len = 0;
        REQUIRE(EVP_Q_mac(nullptr,
                          "HMAC",
                          nullptr,
                          "SHA256",
                          nullptr,
                          raw.data(),
                          raw.size(),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          data.size(),
                          expected.data(),
                          expected.size(),
                          &len));
        CHECK(key.mac(data) == expected);
    }
}
