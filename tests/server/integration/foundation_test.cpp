// Issue 2 end to end: health, routing errors, limits, hostile bytes, slow clients, keep-alive, graceful shutdown.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <system_error>
#include <thread>

using namespace seminard::testing;
using namespace std::chrono_literals;

namespace {

/// The server must still answer normally after whatever a test did to it.
void require_serving(std::uint16_t port) {
    http_client c{port};
    auto r = c.get("/healthz");
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("status") == "ok");
}

/// Sends raw bytes on a fresh connection; returns what came back until the server closed (or 5 s passed).
std::string exchange_raw(std::uint16_t port, std::string_view bytes, bool* closed) {
    tcp_connection conn{port};
    conn.send(bytes);
    return conn.read_until_closed(5s, closed);
}

/// The status code of the first response line in raw bytes, or 0.
int raw_status(const std::string& bytes) {
    if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) return 0;
    return std::stoi(bytes.substr(9, 3));
}

/// The JSON body of a raw response.
json raw_json(const std::string& bytes) {
    auto sep = bytes.find("\r\n\r\n");
    REQUIRE(sep != std::string::npos);
    return json::parse(bytes.substr(sep + 4));
}

}  // namespace

TEST_CASE("the health check answers 200 with JSON") {
    server_process server;
    http_client c{server.port()};
    auto r = c.get("/healthz");
    REQUIRE(r.status == 200);
    REQUIRE(r.header("Content-Type").rfind("application/json", 0) == 0);
    auto j = r.json();
    REQUIRE(j.at("status") == "ok");
    REQUIRE(j.at("schema_version").get<int>() >= 1);
}

TEST_CASE("an unknown path is a JSON 404") {
    server_process server;
    http_client c{server.port()};
    auto r = c.get("/no/such/thing");
    REQUIRE(r.status == 404);
    REQUIRE(r.header("Content-Type").rfind("application/json", 0) == 0);
    REQUIRE(r.json().at("error") == "not_found");
    REQUIRE(r.json().at("message").is_string());
}

TEST_CASE("a known path with the wrong method is a 405 that lists the allowed methods") {
    server_process server;
    http_client c{server.port()};
    auto r = c.del("/healthz");
    REQUIRE(r.status == 405);
    REQUIRE(r.json().at("error") == "method_not_allowed");
    REQUIRE(r.header("Allow") == "GET, HEAD");

    auto p = c.request("PUT", "/api/v1/seminars", "{}", {{"Content-Type", "application/json"}});
    REQUIRE(p.status == 405);
    REQUIRE(p.header("Allow").find("GET") != std::string::npos);
    REQUIRE(p.header("Allow").find("POST") != std::string::npos);
}

TEST_CASE("a body over the limit gets a JSON 413 and the server keeps serving") {
    server_process server{with_args({"--body-limit", "1024"})};
    const std::string big_email = std::string(2000, 'a') + "@example.org";
    const auto body = person(big_email).dump();
    REQUIRE(body.size() > 1024);

    SECTION("announced by Content-Length") {
        http_client c{server.port()};
        auto r = c.request("POST", "/api/v1/dates/1/registrations", body, {{"Content-Type", "application/json"}});
        REQUIRE(r.status == 413);
        REQUIRE(r.json().at("error") == "payload_too_large");
    }
    SECTION("sent chunked") {
        std::string chunked;
        for (std::size_t i = 0; i < body.size(); i += 256) {
            auto part = body.substr(i, 256);
            char size[16];
            std::snprintf(size, sizeof size, "%zx\r\n", part.size());
            chunked += size + part + "\r\n";
        }
        chunked += "0\r\n\r\n";
        tcp_connection conn{server.port()};
        conn.send(format_request("POST",
                                 "/api/v1/dates/1/registrations",
                                 chunked,
                                 {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}},
                                 server.port()));
        auto r = conn.read_response();
        REQUIRE(r.status == 413);
        REQUIRE(r.json().at("error") == "payload_too_large");
    }
    require_serving(server.port());
}

TEST_CASE("malformed request bytes get a 400 or a closed connection, and the server keeps serving") {
    using namespace std::string_literals;
    static const std::vector<std::string> hostile_requests = {
        "GARBAGE\r\n\r\n"s,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"s,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n"s,
        "GET /healthz\0 HTTP/1.1\r\nHost: x\r\n\r\n"s,
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"s,
        "POST /api/v1/dates/1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n"s,
        "POST /api/v1/dates/1/registrations HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        "Content-Length: 7\r\n\r\nabcdefg"s,
        "POST /api/v1/dates/1/registrations HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"s,
        "POST /api/v1/dates/1/registrations HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"s,
    };
    // One server takes all of them in turn, and answers a normal request after each.
    server_process server;
    const auto port = server.port();
    for (const auto& hostile : hostile_requests) {
        CAPTURE(hostile);
        bool closed = false;
        auto answer = exchange_raw(port, hostile, &closed);
        CAPTURE(answer);
        if (!answer.empty()) {
            REQUIRE(raw_status(answer) == 400);
            REQUIRE(raw_json(answer).at("error") == "bad_request");
        }
        REQUIRE(closed);  // after a malformed request the rest of the stream cannot be trusted
        require_serving(port);
    }
}

TEST_CASE("a path that cannot be decoded is a JSON 400") {
    server_process server;
    http_client c{server.port()};
    for (auto target : {"/%zz", "/api/v1/seminars/a%2Fb", "/api/v1/seminars/a%00b", "*"}) {
        CAPTURE(target);
        auto r = c.get(target);
        REQUIRE(r.status == 400);
        REQUIRE(r.json().at("error") == "bad_request");
    }
    require_serving(server.port());
}

TEST_CASE("request headers over the header limit get a 431") {
    server_process server;
    std::string huge = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(64 * 1024, 'x') + "\r\n\r\n";
    bool closed = false;
    auto answer = exchange_raw(server.port(), huge, &closed);
    CAPTURE(answer.substr(0, 200));
    REQUIRE(raw_status(answer) == 431);
    REQUIRE(raw_json(answer).at("error") == "header_too_large");
    require_serving(server.port());
}

TEST_CASE("a client that sends its header too slowly is cut off while others are served") {
    server_process server{with_args({"--header-timeout", "1"})};
    const auto port = server.port();
    tcp_connection slow{port};
    const std::string request =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: " + std::string(100, 'x') + "\r\n\r\n";
    constexpr auto trickle_interval = 300ms;
    const auto started = std::chrono::steady_clock::now();
    bool cut_off = false;
    bool served_meanwhile = false;
    for (std::size_t i = 0; i < request.size() && !cut_off; ++i) {
        if (!slow.send(request.substr(i, 1))) {
            cut_off = true;
            break;
        }
        if (i == 1) {
            // While the slow client holds its connection, a normal one is answered at once.
            http_client normal{port};
            served_meanwhile = normal.get("/healthz").status == 200;
        }
        cut_off = slow.wait_closed(trickle_interval);
        if (std::chrono::steady_clock::now() - started > 10s) break;
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    REQUIRE(served_meanwhile);
    REQUIRE(cut_off);
    // --header-timeout 1: cut off after about a second, long before the whole header (about 45 s) was sent.
    REQUIRE(elapsed >= 900ms);
    REQUIRE(elapsed < 4s);
    require_serving(port);
}

TEST_CASE("a connection that never sends a byte is closed after the header timeout") {
    server_process server{with_args({"--header-timeout", "1"})};
    tcp_connection silent{server.port()};
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(silent.wait_closed(5s));
    REQUIRE(std::chrono::steady_clock::now() - started < 4s);
}

TEST_CASE("keep-alive serves two requests on one connection") {
    server_process server;
    http_client c{server.port()};
    auto first = c.get("/healthz");
    auto second = c.get("/api/v1/seminars");
    REQUIRE(first.status == 200);
    REQUIRE(second.status == 200);
    REQUIRE(second.json().at("seminars").is_array());
    REQUIRE(c.connections_opened() == 1);
}

TEST_CASE("pipelined requests are answered in order") {
    server_process server;
    tcp_connection conn{server.port()};
    conn.send(format_request("GET", "/healthz", {}, {}, server.port()) +
              format_request("GET", "/nope", {}, {}, server.port()));
    REQUIRE(conn.read_response().status == 200);
    REQUIRE(conn.read_response().status == 404);
}

TEST_CASE("requests with bodies are read whole, pipelined, or split anywhere, on one connection") {
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, "wire-format", 10, true);
    auto post = [&](const std::string& email) {
        return format_request("POST",
                              registrations_path(date_id),
                              person(email).dump(),
                              {{"Content-Type", "application/json"}},
                              server.port());
    };
    tcp_connection conn{server.port()};
    // Three requests in one write: each is parsed from what is already buffered.
    REQUIRE(conn.send(post("pipe1@example.org") + post("pipe2@example.org") + post("pipe1@example.org")));
    CHECK(conn.read_response().status == 201);
    CHECK(conn.read_response().status == 201);
    CHECK(conn.read_response().status == 409);  // the same person again: the first one's row is there
    // Split inside the header, then inside the body: the missing bytes are read.
    const auto split = post("split@example.org");
    const auto body_at = split.find("\r\n\r\n") + 4;
    REQUIRE(conn.send(split.substr(0, 20)));
    std::this_thread::sleep_for(50ms);
    REQUIRE(conn.send(split.substr(20, body_at + 5 - 20)));
    std::this_thread::sleep_for(50ms);
    REQUIRE(conn.send(split.substr(body_at + 5)));
    auto r = conn.read_response();
    INFO(r.body);
    CHECK(r.status == 201);
    CHECK(r.json().at("status") == "confirmed");
    // A request whose header and half its body came with the previous one's end.
    const auto last = post("tail@example.org");
    REQUIRE(conn.send(post("head@example.org") + last.substr(0, last.size() - 7)));
    CHECK(conn.read_response().status == 201);
    std::this_thread::sleep_for(50ms);
    REQUIRE(conn.send(last.substr(last.size() - 7)));
    CHECK(conn.read_response().status == 201);
    auto list = admin.get("/api/v1/dates/" + std::to_string(date_id) + "/registrations", organiser());
    REQUIRE(list.status == 200);
    CHECK(list.json().at("total") == 5);
}

TEST_CASE("SIGTERM answers the request in flight, then exits 0 and says it stopped cleanly") {
    temp_dir dir;
    const auto db = dir.path() / "seminard.db";
    std::string body = person("in.flight@example.org").dump();
    std::string code;
    std::int64_t date_id = 0;
    {
        server_process server{on_database(db, {"--shutdown-grace", "5"})};
        http_client c{server.port()};
        date_id = seminar_with_date(c, "shutdown", 10, true);
        const auto target = registrations_path(date_id);

        // Header and half the body are in; the server is now mid-request.
        tcp_connection conn{server.port()};
        auto request = format_request("POST", target, body, {{"Content-Type", "application/json"}}, server.port());
        const auto split = request.size() - body.size() / 2;
        REQUIRE(conn.send(request.substr(0, split)));
        std::this_thread::sleep_for(100ms);

        server.signal(SIGTERM);
        REQUIRE(server.wait_for_stderr("SIGTERM", 5s));
        REQUIRE(server.running());
        // Shutdown has begun once the listener is gone: new connections are refused from then on.
        bool refused = false;
        for (int i = 0; i < 200 && !refused; ++i) {
            try {
                tcp_connection probe{server.port()};
                std::this_thread::sleep_for(10ms);
            } catch (const std::system_error&) {
                refused = true;
            }
        }
        REQUIRE(refused);

        REQUIRE(conn.send(request.substr(split)));
        auto r = conn.read_response();
        INFO(r.body);
        REQUIRE(r.status == 201);
        REQUIRE(r.header("Connection") == "close");
        code = r.json().at("code").get<std::string>();

        auto status = server.wait(10s);
        REQUIRE(status);
        REQUIRE(status->exited);
        REQUIRE(status->code == 0);
        REQUIRE(server.stderr_text().find("stopped cleanly") != std::string::npos);
    }
    // The registration answered during shutdown is on disk.
    server_process again{on_database(db)};
    http_client c{again.port()};
    auto items = list_registrations(c, date_id);
    REQUIRE(items.size() == 1);
    REQUIRE(items[0].at("code") == code);
}

TEST_CASE("an idle keep-alive connection does not delay shutdown") {
    server_process server{with_args({"--shutdown-grace", "10", "--idle-timeout", "60"})};
    http_client c{server.port()};
    REQUIRE(c.get("/healthz").status == 200);   // the connection stays open, idle
    tcp_connection never_spoke{server.port()};  // and one that has not sent a byte yet

    const auto started = std::chrono::steady_clock::now();
    server.signal(SIGTERM);
    auto status = server.wait(8s);
    REQUIRE(status);
    REQUIRE(std::chrono::steady_clock::now() - started < 3s);  // far below the 10 s grace period
    REQUIRE(status->exited);
    REQUIRE(status->code == 0);
    REQUIRE(server.stderr_text().find("stopped cleanly") != std::string::npos);
    REQUIRE(never_spoke.wait_closed(1s));
}

TEST_CASE("a client stuck mid-request cannot hold shutdown beyond the grace period") {
    server_process server{with_args({"--shutdown-grace", "1", "--header-timeout", "60"})};
    tcp_connection stuck{server.port()};
    REQUIRE(stuck.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // the header never ends
    std::this_thread::sleep_for(100ms);

    const auto started = std::chrono::steady_clock::now();
    server.signal(SIGTERM);
    auto status = server.wait(8s);
    REQUIRE(status);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    REQUIRE(elapsed < 4s);
    REQUIRE(status->exited);
    REQUIRE(status->code == 0);
    REQUIRE(server.stderr_text().find("stopped cleanly") != std::string::npos);
}

TEST_CASE("a second SIGTERM stops at once") {
    server_process server{with_args({"--shutdown-grace", "30", "--header-timeout", "60"})};
    tcp_connection stuck{server.port()};
    REQUIRE(stuck.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
    std::this_thread::sleep_for(100ms);
    server.signal(SIGTERM);
    REQUIRE(server.wait_for_stderr("SIGTERM", 5s));
    REQUIRE(server.running());
    server.signal(SIGTERM);
    auto status = server.wait(5s);
    REQUIRE(status);
    REQUIRE(status->exited);
}

TEST_CASE("HEAD answers like GET without a body") {
    server_process server;
    http_client c{server.port()};
    auto get = c.get("/healthz");
    auto head = c.request("HEAD", "/healthz");
    REQUIRE(head.status == 200);
    REQUIRE(head.body.empty());
    REQUIRE(head.header("Content-Length") == std::to_string(get.body.size()));
    REQUIRE(c.get("/healthz").status == 200);  // the connection is still in step after the bodiless answer
    REQUIRE(c.connections_opened() == 1);
}

TEST_CASE("Expect 100-continue gets a 100 before the body, then the answer") {
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, "wire-format", 10, true);
    const auto body = person("continue@example.org").dump();
    auto request = format_request("POST",
                                  registrations_path(date_id),
                                  body,
                                  {{"Content-Type", "application/json"}, {"Expect", "100-continue"}},
                                  server.port());
    tcp_connection conn{server.port()};
    REQUIRE(conn.send(request.substr(0, request.size() - body.size())));
    auto interim = conn.read_response(5s);
    REQUIRE(interim.status == 100);
    REQUIRE(conn.send(body));
    auto r = conn.read_response();
    REQUIRE(r.status == 201);
    REQUIRE(r.json().at("status") == "confirmed");
}

TEST_CASE("a chunked request body is read like one with Content-Length") {
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, "wire-format", 10, true);
    const auto body = person("chunked@example.org").dump();
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size() - 10);
    const auto chunked = std::string{size} + "\r\n" + body.substr(0, body.size() - 10) + "\r\na\r\n" +
                         body.substr(body.size() - 10) + "\r\n0\r\n\r\n";
    tcp_connection conn{server.port()};
    conn.send(format_request("POST",
                             registrations_path(date_id),
                             chunked,
                             {{"Content-Type", "application/json; charset=utf-8"}, {"Transfer-Encoding", "chunked"}},
                             server.port()));
    auto r = conn.read_response();
    INFO(r.body);
    REQUIRE(r.status == 201);
}

TEST_CASE("a client that sends its body too slowly is cut off") {
    server_process server{with_args({"--body-timeout", "1"})};
    tcp_connection slow{server.port()};
    REQUIRE(slow.send(format_request("POST",
                                     "/api/v1/dates/1/registrations",
                                     {},
                                     {{"Content-Type", "application/json"}, {"Content-Length", "1000"}},
                                     server.port())));
    const auto started = std::chrono::steady_clock::now();
    bool cut_off = false;
    for (int i = 0; i < 30 && !cut_off; ++i) {
        if (!slow.send("{")) break;
        cut_off = slow.wait_closed(300ms);
    }
    REQUIRE(cut_off);
    REQUIRE(std::chrono::steady_clock::now() - started < 4s);
    require_serving(server.port());
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout") {
    server_process server{with_args({"--idle-timeout", "1"})};
    tcp_connection conn{server.port()};
    conn.send(format_request("GET", "/healthz", {}, {}, server.port()));
    REQUIRE(conn.read_response().status == 200);
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(conn.wait_closed(5s));
    const auto idle = std::chrono::steady_clock::now() - started;
    REQUIRE(idle >= 800ms);
    REQUIRE(idle < 4s);
}

TEST_CASE("Connection close and HTTP/1.0 get one answer, then the server closes") {
    server_process server;
    for (const std::string& request : {std::string{"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
                                       std::string{"GET /healthz HTTP/1.0\r\n\r\n"}}) {
        CAPTURE(request);
        tcp_connection conn{server.port()};
        conn.send(request);
        auto r = conn.read_response();
        REQUIRE(r.status == 200);
        REQUIRE(r.json().at("status") == "ok");
        REQUIRE(conn.wait_closed(3s));
    }
}
