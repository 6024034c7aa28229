// The HTTP front (see http_server.hpp): accept loop, IO threads, two-stage shutdown.
#include "http_server.hpp"

#include <pthread.h>

#include "access_log.hpp"
#include "http_session.hpp"
#include "net.hpp"

#include <csignal>
#include <thread>
#include <vector>

namespace seminard::server {

namespace {
/// How often the shutdown watcher looks whether every connection is gone.
constexpr std::chrono::milliseconds shutdown_poll{25};
}  // namespace

struct http_server::impl {
    config cfg;
    net::io_context ioc;
    tcp::acceptor acceptor;
    net::signal_set signals;
    net::steady_timer watcher;
    session_context sessions;
    std::chrono::steady_clock::time_point shutdown_deadline;
    bool shutting_down = false;
    std::function<void(std::uint16_t)> listening;

    impl(const config& c, const router& routes, std::function<void(std::function<void()>)> run_blocking)
        : cfg(c),
          ioc(static_cast<int>(c.io_threads)),
          acceptor(net::make_strand(ioc)),
          signals(ioc, SIGINT, SIGTERM),
          watcher(ioc),
          sessions(routes, c.limits, c.access_log, std::move(run_blocking)) {
        auto address = net::ip::make_address(cfg.listen_address);
        tcp::endpoint endpoint{address, cfg.listen_port};
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
    }

    void do_accept() {
        acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
                log_event("warn", "accept failed: " + ec.message());
            } else if (sessions.session_count() >= cfg.limits.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);  // over the limit: refuse rather than starve the others
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<http_session>(std::move(socket), sessions)->run();
            }
            if (acceptor.is_open()) do_accept();
        });
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
                ioc.stop();
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
                return;  // nothing keeps the io_context busy any more: run() returns
            }
            if (std::chrono::steady_clock::now() >= shutdown_deadline) {
                log_event("warn", "grace period over: closing the remaining connections");
                ioc.stop();
                return;
            }
            watch_shutdown();
        });
    }
};

http_server::http_server(const config& cfg,
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
    const unsigned n = s.cfg.io_threads > 0 ? s.cfg.io_threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < n; ++i)
        threads.emplace_back([&s] {
            ::pthread_setname_np(::pthread_self(), "sd-io");
            s.ioc.run();
        });
    s.ioc.run();
    for (auto& t : threads) t.join();
}

void http_server::stop() {
    net::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

}  // namespace seminard::server
