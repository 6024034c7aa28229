// The mailer: renders the outbox's mails and, with --smtp, delivers them with retries. One background thread of
// low priority, so that a rush of registrations is answered first and its mails follow when the rush is over.
#pragma once

#include "server/mail/mail_composer.hpp"
#include "server/mail/mail_config.hpp"
#include "server/web/site.hpp"
#include "storage/outbox.hpp"
#include "storage/writer.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace seminard::server {

/// Whether a rendered confirmation carries its private link: only the message that goes out does; the copy the outbox
/// keeps (and the organiser downloads) names it without giving it.
enum class private_link { redacted, included };

/// Renders one outbox entry: the registration as the entry recorded it, the seminar and the date as they are now.
/// nullopt when the registration, date or seminar is gone. Runs on any connection (a reader's, or the mailer's).
/// With private_link::included, a confirmation whose sealed token cannot be opened (the key file was replaced)
/// comes out redacted.
std::optional<composed_mail> render_outbox_mail(storage::connection& c,
                                                const storage::mail_entry& m,
                                                const site_config& site,
                                                const mail_config& mail,
                                                private_link link = private_link::redacted);

/// How long to wait before the next attempt after `attempts_done` failed ones: base, 2·base, 4·base, … at most cap.
std::chrono::seconds retry_delay(int attempts_done, std::chrono::seconds base, std::chrono::seconds cap) noexcept;

/// Whether mails should wait because the writer is in a rush of other work (a popular date just opened): more than
/// `per_second` commands a second since the last sample. After `max_wait` of rush, one batch a second goes through,
/// so that a long rush slows mails down but never stops them. Not thread-safe: the mailer thread's own.
class rush_gauge {
public:
    rush_gauge(double per_second, std::chrono::seconds max_wait) : per_second_(per_second), max_wait_(max_wait) {}
    /// `commands`: the writer's count of commands not ours, at `now`.
    bool should_wait(std::uint64_t commands, std::chrono::steady_clock::time_point now);

    /// How often the rate is sampled; decisions in between repeat the last one.
    static constexpr std::chrono::milliseconds sample_interval{200};

private:
    double per_second_;
    std::chrono::seconds max_wait_;
    std::uint64_t last_commands_ = 0;
    std::chrono::steady_clock::time_point last_sample_{};
    std::optional<std::chrono::steady_clock::time_point> rush_since_;
    std::chrono::steady_clock::time_point last_let_through_{};
};

/// Owns its thread and a read-only connection; changes go through the writer (so they are durable like the rest).
/// Construct after site.public_url is final; stop() before the writer stops. Thread-safe.
class mailer {
public:
    mailer(const site_config& site,
           const mail_config& mail,
           const storage::db_options& db,
           storage::writer& w,
           std::function<domain::instant()> clock);
    ~mailer();
    mailer(const mailer&) = delete;
    mailer& operator=(const mailer&) = delete;

    /// Finishes the mail in hand, then ends the thread. Idempotent. Unsent mails stay in the outbox for the next
    /// start.
    void stop();

    /// How often the thread looks for new work when nothing wakes it (a commit is noticed within this time).
    static constexpr std::chrono::milliseconds poll_interval{200};
    /// Mails rendered per writer command, and delivered per round.
    static constexpr int batch_size = 50;
    /// Above this many other writes a second, mails wait (at most rush_max_wait) so that the writer answers
    /// registrations first; a mail weighs like a registration or more on the writer and its fsync.
    static constexpr double rush_rate = 100;
    static constexpr std::chrono::seconds rush_max_wait{30};

private:
    void loop();
    /// Each returns whether it did something (so the loop goes on without sleeping).
    bool render_pending(storage::connection& c);
    bool deliver_due(storage::connection& c);

    const site_config& site_;
    const mail_config& mail_;
    storage::writer& writer_;
    std::function<domain::instant()> clock_;
    std::uint64_t own_commands_ = 0;  ///< writer commands the mailer submitted (the thread's own)
    /// Mails the SMTP server accepted whose "sent" could not be recorded (disk full, a lock held elsewhere): they
    /// are recorded again, never delivered again. The thread's own.
    std::set<std::int64_t> delivered_unrecorded_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace seminard::server
