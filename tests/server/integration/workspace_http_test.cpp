// The first owner made with `seminard user add`, as on a fresh install, then logged in over HTTP against the real
// server; the CLI's password change ends that session while the server runs.
#include "harness/http_client.hpp"
#include "harness/server_process.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <cstdio>
#include <string>

using namespace seminard::testing;

namespace {

struct command_result {
    int code = -1;
    std::string output;
};

/// Runs `seminard user ARGS` with `input` on standard input; stdout and stderr together.
command_result user_command(const std::string& args, const std::string& input, const std::string& env = {}) {
    const auto line =
        "printf '%s\\n' '" + input + "' | " + env + " '" + server_binary().string() + "' user " + args + " 2>&1";
    command_result r;
    FILE* p = ::popen(line.c_str(), "r");
    REQUIRE(p);
    char buf[512];
    while (auto n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string session_of(const http_reply& login) {
    auto set = login.header("Set-Cookie");
    return set.substr(0, set.find(';'));
}

}  // namespace

TEST_CASE("the first owner comes from the CLI, logs in over HTTP, and a CLI password change logs them out",
          "[integration][workspace]") {
    temp_dir dir;
    const auto db = (dir.path() / "seminard.db").string();
    auto added = user_command("add Chefin@Beispiel.de --role owner --db '" + db + "'", "Erste-Inhaberin-2027");
    REQUIRE(added.code == 0);
    CHECK(added.output == "added chefin@beispiel.de (owner)\n");
    CHECK(user_command("add chefin@beispiel.de --role owner --db '" + db + "'", "Erste-Inhaberin-2027").code == 1);
    CHECK(user_command("add zweite@beispiel.de --role chef --db '" + db + "'", "Erste-Inhaberin-2027").code == 2);
    auto short_password = user_command("add zweite@beispiel.de --role staff --db '" + db + "'", "kurz");
    CHECK(short_password.code == 1);
    CHECK(short_password.output.find("10 to 1024") != std::string::npos);
    REQUIRE(user_command(
                "add assistenz@beispiel.de --role staff --db '" + db + "'", "", "SEMINARD_PASSWORD=Aus-der-Umgebung-1")
                .code == 0);
    auto list = user_command("list --db '" + db + "'", "");
    REQUIRE(list.code == 0);
    CHECK(list.output.find("chefin@beispiel.de\towner") == 0);
    CHECK(list.output.find("assistenz@beispiel.de\tstaff") != std::string::npos);
    auto last = user_command("remove chefin@beispiel.de --db '" + db + "'", "");
    CHECK(last.code == 1);
    CHECK(last.output.find("last owner") != std::string::npos);

    server_process server{on_database(db)};
    http_client client{server.port()};
    const std::string origin = "http://127.0.0.1:" + std::to_string(server.port());
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}};
    auto wrong = client.request("POST", "/admin/login", "email=chefin%40beispiel.de&password=falsch-falsch", form);
    CHECK(wrong.status == 422);
    auto login =
        client.request("POST", "/admin/login", "email=chefin%40beispiel.de&password=Erste-Inhaberin-2027", form);
    REQUIRE(login.status == 303);
    const auto cookie = session_of(login);
    auto overview = client.get("/admin", {{"Cookie", cookie}});
    REQUIRE(overview.status == 200);
    CHECK(overview.body.find("Angemeldet als chefin@beispiel.de (Inhaber:in)") != std::string::npos);
    auto staff =
        client.request("POST", "/admin/login", "email=assistenz%40beispiel.de&password=Aus-der-Umgebung-1", form);
    REQUIRE(staff.status == 303);

    // While the server runs: a new password from the CLI ends the owner's sessions at once.
    REQUIRE(user_command("password chefin@beispiel.de --db '" + db + "'", "Zweites-Passwort-2027").code == 0);
    CHECK(client.get("/admin", {{"Cookie", cookie}}).status == 303);
    CHECK(client.get("/admin", {{"Cookie", session_of(staff)}}).status == 200);
    REQUIRE(user_command("remove assistenz@beispiel.de --db '" + db + "'", "").code == 0);
    CHECK(client.get("/admin", {{"Cookie", session_of(staff)}}).status == 303);
    CHECK(client.request("POST", "/admin/login", "email=chefin%40beispiel.de&password=Zweites-Passwort-2027", form)
              .status == 303);
}
