// seminard's entry point: parse options, build the pieces, run, shut down in order.
#include "domain/schedule.hpp"
#include "server/demo.hpp"
#include "server/handlers/admin_token.hpp"
#include "server/handlers/routes.hpp"
#include "server/http/http_server.hpp"
#include "server/log/log.hpp"
#include "server/mail/mailer.hpp"
#include "server/options.hpp"
#include "server/user_command.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

using namespace seminard;

namespace {

/// Only for builds on glibc's malloc (SEMINARD_TCMALLOC=OFF; tcmalloc ignores mallopt). glibc gives freed memory
/// back to the kernel as soon as 128 KiB are free at a heap's top, which under a rush of registrations meant madvise
/// and page faults on every batch (docs/performance.md). Keep up to 64 MiB per heap; map only blocks of 4 MiB or more.
void tune_allocator() {
#if !SEMINARD_TCMALLOC
    constexpr int keep_free_bytes = 64 << 20;
    constexpr int map_from_bytes = 4 << 20;
    ::mallopt(M_TRIM_THRESHOLD, keep_free_bytes);
    ::mallopt(M_MMAP_THRESHOLD, map_from_bytes);
#endif
}

/// Every connection is a descriptor: take the soft limit up to the hard one, the administrator's real cap (the
/// soft default of 1024 would run out long before --max-connections).
void raise_descriptor_limit() {
    ::rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

domain::instant system_now() { return date::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

/// The real time, or (--clock-start) a clock that started at the given instant and runs at the real pace.
std::function<domain::instant()> make_clock(std::optional<domain::instant> start) {
    const auto offset = start ? *start - system_now() : std::chrono::seconds{0};
    return [offset] { return system_now() + offset; };
}

}  // namespace

int main(int argc, char** argv) {
    tune_allocator();
    raise_descriptor_limit();
    // A file size limit (ulimit -f) reached is a write error for SQLite to report, like a full disk, not a reason
    // for the kernel to kill the server mid-answer.
    std::signal(SIGXFSZ, SIG_IGN);
    if (argc > 1 && std::string_view{argv[1]} == "user")
        return server::run_user_command(
            {argv + 2, argv + argc}, std::getenv("SEMINARD_PASSWORD"), std::cin, std::cout, std::cerr);
    const char* env_token = std::getenv("SEMINARD_ADMIN_TOKEN");
    auto opts = server::parse_options({argv + 1, argv + argc}, env_token ? env_token : "");
    if (!opts.error.empty()) {
        std::cerr << "seminard: " << opts.error << "\n";
        return 2;
    }
    if (opts.show_help) {
        std::cout << server::usage_text();
        return 0;
    }
    auto cfg = opts.cfg;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    if (cfg.http.io_threads == 0) cfg.http.io_threads = cores;
    if (cfg.reader_threads == 0) cfg.reader_threads = std::max(2u, cores);

    try {
        std::filesystem::path db_path{cfg.app.db.path};
        if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path());

        const auto key_path =
            cfg.key_file.empty() ? storage::default_key_path(cfg.app.db.path) : std::filesystem::path{cfg.key_file};
        cfg.app.db.key = std::make_shared<const storage::secret_key>(storage::secret_key::load_or_create(key_path));
        storage::writer writer{cfg.app.db};  // opens, migrates, starts the writer thread
        storage::reader_pool readers{cfg.app.db, cfg.reader_threads};

        auto token = server::setup_admin_token(writer, cfg.app.admin_token);
        const auto clock = make_clock(cfg.clock_start);
        if (cfg.clock_start) server::log_event("info", "the clock starts at " + domain::to_iso8601(clock()));
        if (cfg.demo && server::seed_demo(writer, clock())) server::log_event("info", "seeded the demo seminar");

        // The server binds first: with port 0 the public URL that every link is built from depends on the port.
        server::router routes;
        server::http_server http{cfg.http, routes, [&readers](std::function<void()> work) {
                                     readers.post([work = std::move(work)](storage::connection&) { work(); });
                                 }};
        if (cfg.app.site.public_url.empty()) {
            const auto& address = cfg.http.listen_address;
            auto host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
            cfg.app.site.public_url = "http://" + host + ":" + std::to_string(http.port());
        }
        server::services svc{cfg.app, writer, readers};
        svc.clock = clock;
        svc.admin_token_hash = token.hash;
        server::add_routes(routes, svc);
        server::mailer mail{cfg.app.site, cfg.app.mail, cfg.app.db, writer, svc.clock};
        http.on_listening([&](std::uint16_t port) {
            std::printf("seminard listening on %s (port %u, database %s)\n",
                        cfg.app.site.public_url.c_str(),
                        port,
                        cfg.app.db.path.c_str());
            if (!token.shown_once.empty())
                std::printf("organiser token (shown once, only its hash is stored): %s\n", token.shown_once.c_str());
            std::fflush(stdout);
        });
        http.run();
        // In-flight requests are answered; now the writer commits what is left and the database closes.
        mail.stop();
        readers.stop();
        writer.stop();
        server::log_event("info",
                          "stopped cleanly (writer: " + std::to_string(writer.commands()) + " commands in " +
                              std::to_string(writer.batches()) + " commits)");
    } catch (const std::exception& e) {
        server::log_event("error", std::string{"cannot run: "} + e.what());
        return 1;
    }
    return 0;
}
