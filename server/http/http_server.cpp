// The HTTP front (see http_server.hpp): accept loop, IO threads, two-stage shutdown.
#include "server/http/http_server.hpp"

#include <pthread.h>

#include "server/http/http_session.hpp"
#include "server/http/ip_network.hpp"
#include "server/http/net.hpp"
#include "server/log/log.hpp"

#include <csignal>
#include <thread>
#include <vector>

namespace seminard::server {

namespace {
/// How often the shutdown watcher looks whether every connection is gone.
constexpr std::chrono::milliseconds shutdown_poll{25};
/// Out of file descriptors, the acceptor rests this long before it tries again: accepting at once would only fail
/// again (and spin a core), while the open connections go on and free descriptors as they close.
constexpr std::chrono::milliseconds accept_pause{100};
/// Failed accepts are logged once per this interval, with their count, not once each.
constexpr std::chrono::seconds accept_log_interval{10};

bool out_of_descriptors(const beast::error_code& ec) {
    return ec == net::error::no_descriptors || ec == std::errc::too_many_files_open_in_system ||
           ec == std::errc::too_many_files_open;
}
}  // namespace

/// One io_context per IO thread, each run by its own thread alone; a connection lives on one of them for its whole
/// life. A context with one thread needs no strands: a connection's handlers cannot run at the same time, and
/// handlers it posts to itself skip the scheduler's lock (a shared context with strands cost measurably more:
/// docs/performance.md).
struct http_server::impl {
    http_config cfg;
    /// Declared before the contexts, so that it outlives them: destroying a stopped context destroys the handlers
    /// it still holds, and with them sessions, which leave this registry.
    session_context sessions;
    /// contexts[0] runs on the thread that calls run(): the acceptor, signals and shutdown live there.
    std::vector<std::unique_ptr<net::io_context>> contexts;
    net::io_context& ioc;
    /// Keeps the other contexts running while they have no connection, until shutdown is over.
    std::vector<net::executor_work_guard<net::io_context::executor_type>> idle_guards;
    std::size_t next_context = 0;
    tcp::acceptor acceptor;
    net::signal_set signals;
    net::steady_timer watcher;
    net::steady_timer accept_timer;
    std::chrono::steady_clock::time_point shutdown_deadline;
    bool shutting_down = false;
    // Failed accepts since the last log line about them (acceptor's thread only).
    std::uint64_t accept_failures = 0;
    std::chrono::steady_clock::time_point accept_failures_logged{};
    std::string last_accept_error;
    std::function<void(std::uint16_t)> listening;

    impl(const http_config& c, const router& routes, std::function<void(std::function<void()>)> run_blocking)
        : cfg(c),
          sessions(routes, c, std::move(run_blocking)),
          contexts(make_contexts(c.io_threads)),
          ioc(*contexts.front()),
          acceptor(ioc),
          signals(ioc, SIGINT, SIGTERM),
          watcher(ioc),
          accept_timer(ioc) {
        auto address = net::ip::make_address(cfg.listen_address);
        tcp::endpoint endpoint{address, cfg.listen_port};
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
    }

    static std::vector<std::unique_ptr<net::io_context>> make_contexts(unsigned threads) {
        std::vector<std::unique_ptr<net::io_context>> v;
        const unsigned n = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
        for (unsigned i = 0; i < n; ++i) v.push_back(std::make_unique<net::io_context>(1));
        return v;
    }

    /// The contexts take new connections in turn.
    net::io_context& context_for_next_connection() {
        auto& context = *contexts[next_context];
        next_context = (next_context + 1) % contexts.size();
        return context;
    }

    /// Stops every context at once (a second signal, or the grace period is over).
    void stop_all() {
        for (auto& context : contexts) context->stop();
    }

    void do_accept() {
        // The handler runs on the acceptor's context; the socket already belongs to the connection's.
        acceptor.async_accept(context_for_next_connection(), [this](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
                note_accept_failure(ec);
                if (out_of_descriptors(ec)) return pause_accepting();
            } else {
                start_session(std::move(socket));
            }
            if (acceptor.is_open()) do_accept();
        });
    }

    void start_session(tcp::socket socket) {
        beast::error_code ec;
        const auto endpoint = socket.remote_endpoint(ec);
        if (ec) return;  // the peer is gone already
        // A dual-stack socket's IPv4 peers arrive mapped ("::ffff:192.0.2.1"); count and log them as IPv4.
        auto peer = canonical_address(endpoint.address().to_string()).value_or(endpoint.address().to_string());
        // Over a limit: refuse this one rather than starve the others.
        if (sessions.session_count() >= cfg.limits.max_connections || !sessions.admit(peer)) {
            socket.close(ec);
            return;
        }
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<http_session>(std::move(socket), sessions, std::move(peer))->run();
    }

    void pause_accepting() {
        accept_timer.expires_after(accept_pause);
        accept_timer.async_wait([this](beast::error_code ec) {
            if (!ec && acceptor.is_open()) do_accept();
        });
    }

    /// One log line for the first failure, then at most one per interval with the count since the last line.
    void note_accept_failure(const beast::error_code& ec) {
        ++accept_failures;
        last_accept_error = ec.message();
        const auto now = std::chrono::steady_clock::now();
        if (now - accept_failures_logged < accept_log_interval) return;
        log_event("warn",
                  "accept failed " + std::to_string(accept_failures) +
                      " time(s) since the last report: " + last_accept_error +
                      (out_of_descriptors(ec) ? " (out of file descriptors: pausing new connections, serving the "
                                                "open ones)"
                                              : ""));
        accept_failures = 0;
        accept_failures_logged = now;
    }

    void wait_signal() {
        signals.async_wait([this](beast::error_code ec, int sig) {
            if (ec) return;
            if (!shutting_down) {
                log_event("info",
                          std::string{"signal "} + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                              ": finishing in-flight requests (again to stop at once)");
                begin_shutdown();
                wait_signal();
            } else {
                log_event("warn", "second signal: stopping now");
                stop_all();
            }
        });
    }

    /// Stage one: stop accepting, close idle connections, let busy ones finish their answer.
    void begin_shutdown() {
        if (shutting_down) return;
        shutting_down = true;
        sessions.stopping = true;
        net::post(acceptor.get_executor(), [this] {
            beast::error_code ignored;
            acceptor.close(ignored);
            accept_timer.cancel();
        });
        std::vector<std::shared_ptr<http_session>> live;
        {
            std::lock_guard lock(sessions.mutex);
            for (auto& [_, weak] : sessions.sessions)
                if (auto s = weak.lock()) live.push_back(std::move(s));
        }
        for (auto& s : live) s->shutdown();
        shutdown_deadline = std::chrono::steady_clock::now() + cfg.limits.shutdown_grace;
        watch_shutdown();
    }

    /// Stage two: once nothing is left (or the grace period is over), let run() return.
    void watch_shutdown() {
        watcher.expires_after(shutdown_poll);
        watcher.async_wait([this](beast::error_code ec) {
            if (ec) return;
            if (sessions.session_count() == 0) {
                signals.cancel();
                idle_guards.clear();
                return;  // nothing keeps the contexts busy any more: run() returns
            }
            if (std::chrono::steady_clock::now() >= shutdown_deadline) {
                log_event("warn", "grace period over: closing the remaining connections");
                stop_all();
                return;
            }
            watch_shutdown();
        });
    }
};

http_server::http_server(const http_config& cfg,
                         const router& routes,
                         std::function<void(std::function<void()>)> run_blocking)
    : impl_(std::make_unique<impl>(cfg, routes, std::move(run_blocking))) {}

http_server::~http_server() = default;

std::uint16_t http_server::port() const noexcept { return impl_->acceptor.local_endpoint().port(); }

void http_server::on_listening(std::function<void(std::uint16_t)> f) { impl_->listening = std::move(f); }

void http_server::run() {
    auto& s = *impl_;
    const auto bound_port = port();
    s.do_accept();
    s.wait_signal();
    if (s.listening) s.listening(bound_port);
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < s.contexts.size(); ++i) {
        auto& context = *s.contexts[i];
        s.idle_guards.push_back(net::make_work_guard(context));
        threads.emplace_back([&context] {
            ::pthread_setname_np(::pthread_self(), "sd-io");
            context.run();
        });
    }
    s.ioc.run();
    s.idle_guards.clear();  // run() also returns after stop_all(); the others have been stopped then
    for (auto& t : threads) t.join();
}

void http_server::stop() {
    net::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

}  // namespace seminard::server
