// The mailer thread (see mailer.hpp).
#include "server/mail/mailer.hpp"

#include <pthread.h>

#include "domain/text.hpp"
#include "server/log/log.hpp"
#include "server/mail/smtp_client.hpp"
#include "server/web/urls.hpp"
#include "storage/store.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

namespace seminard::server {

namespace {

/// Mails are never urgent next to a registration waiting for its answer: let the scheduler prefer the IO threads
/// and the writer. On Linux, nice applies to the calling thread only.
void lower_thread_priority() {
    constexpr int mailer_nice = 10;
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), mailer_nice);
}

struct rendered {
    std::int64_t id;
    composed_mail mail;
};

/// The booker's mail: the booking and its attendees as they are now (a colleague cancelled before the mail was
/// rendered shows as cancelled).
std::optional<composed_mail> render_booking_mail(storage::connection& c,
                                                 const storage::mail_entry& m,
                                                 const site_config& site,
                                                 const mail_config& mail,
                                                 private_link link) {
    auto booking = storage::find_booking(c, *m.booking_id);
    if (!booking) return std::nullopt;
    auto date = storage::find_date(c, booking->date_id);
    if (!date) return std::nullopt;
    auto seminar = storage::find_seminar_by_id(c, date->seminar_id);
    if (!seminar) return std::nullopt;
    mail_input in;
    in.kind = domain::mail_kind::booking;
    in.seminar = std::move(*seminar);
    in.date = std::move(*date);
    in.booked = storage::registrations_of_booking(c, booking->id);
    in.booking = std::move(*booking);
    if (link == private_link::included) in.token = storage::mail_token(c, m).value_or("");
    in.link_redacted = in.token.empty();
    in.lang = m.lang;
    in.public_url = site.public_url;
    in.from_address = mail.from_address;
    in.created_at = m.created_at;
    in.message_id = m.code + "." + std::to_string(m.id) + "@" + split_url(site.public_url).host;
    return compose_mail(in);
}

}  // namespace

std::optional<composed_mail> render_outbox_mail(storage::connection& c,
                                                const storage::mail_entry& m,
                                                const site_config& site,
                                                const mail_config& mail,
                                                private_link link) {
    if (m.booking_id) return render_booking_mail(c, m, site, mail, link);
    auto reg = storage::find_registration(c, m.registration_id);
    if (!reg) return std::nullopt;
    // The mail's date: the registration's, or for a rebooking the date it joined then.
    auto date = storage::find_date(c, m.date_id);
    if (!date) return std::nullopt;
    auto seminar = storage::find_seminar_by_id(c, date->seminar_id);
    if (!seminar) return std::nullopt;
    std::optional<domain::seminar_date> moved_from;
    if (m.moved_from && !(moved_from = storage::find_date(c, *m.moved_from))) return std::nullopt;
    // The registration as the change left it: a confirmation rendered after a later cancellation still confirms.
    reg->status = m.status;
    reg->waitlist_position = m.waitlist_position;
    if (m.status != domain::registration_status::cancelled) reg->cancelled_at.reset();
    mail_input in;
    in.kind = m.kind;
    in.seminar = std::move(*seminar);
    in.date = std::move(*date);
    in.registration = std::move(*reg);
    in.registration.date_id = date->id;
    in.moved_from = std::move(moved_from);
    if (m.person) {
        // The mail goes to the person the seat was taken from, and names who holds it now.
        in.substitute_name = domain::trim(in.registration.person.first_name + " " + in.registration.person.last_name);
        in.registration.person = *m.person;
    }
    if (link == private_link::included) in.token = storage::mail_token(c, m).value_or("");
    in.link_redacted = in.token.empty();
    in.lang = m.lang;
    in.public_url = site.public_url;
    in.from_address = mail.from_address;
    in.calendar_organizer_email = site.calendar_organizer_email;
    in.created_at = m.created_at;
    in.message_id =
        m.code + "." + std::to_string(m.id) + "@" + split_url(site.public_url).host;  // unique across servers
    return compose_mail(in);
}

std::chrono::seconds retry_delay(int attempts_done, std::chrono::seconds base, std::chrono::seconds cap) noexcept {
    auto d = base;
    for (int i = 1; i < attempts_done && d < cap; ++i) d *= 2;
    return std::min(d, cap);
}

bool rush_gauge::should_wait(std::uint64_t commands, std::chrono::steady_clock::time_point now) {
    if (last_sample_ == std::chrono::steady_clock::time_point{}) {
        last_sample_ = now;
        last_commands_ = commands;
        return false;
    }
    const auto elapsed = std::chrono::duration<double>(now - last_sample_).count();
    if (now - last_sample_ >= sample_interval) {
        const double rate = static_cast<double>(commands - last_commands_) / elapsed;
        last_sample_ = now;
        last_commands_ = commands;
        if (rate > per_second_) {
            if (!rush_since_) rush_since_ = now;
        } else {
            rush_since_.reset();
        }
    }
    if (!rush_since_) return false;
    if (now - *rush_since_ < max_wait_) return true;
    // A long rush: let one batch through per second, so that mails keep moving, slowly.
    if (now - last_let_through_ < std::chrono::seconds{1}) return true;
    last_let_through_ = now;
    return false;
}

mailer::mailer(const site_config& site,
               const mail_config& mail,
               const storage::db_options& db,
               storage::writer& w,
               std::function<domain::instant()> clock)
    : site_(site), mail_(mail), writer_(w), clock_(std::move(clock)) {
    // Open before the thread starts, so that a database that cannot be opened fails the start, not later.
    auto conn = std::make_shared<storage::connection>(db, storage::access::read_only);
    thread_ = std::thread([this, conn] {
        ::pthread_setname_np(::pthread_self(), "sd-mailer");
        lower_thread_priority();
        auto last_generation = writer_.generation() - 1;  // look once at start: mails left by the last run
        auto last_delivery_check = std::chrono::steady_clock::time_point{};
        rush_gauge rush{rush_rate, rush_max_wait};
        std::unique_lock lock{mutex_};
        while (!stopping_) {
            lock.unlock();
            bool busy = false;
            try {
                const auto now = std::chrono::steady_clock::now();
                const bool wait = rush.should_wait(writer_.commands() - own_commands_, now);
                const auto generation = writer_.generation();
                if (!wait && generation != last_generation) {
                    last_generation = generation;
                    busy = render_pending(*conn);
                }
                // Retries fall due with time, not with commits: look at least once a second.
                if (!wait && !mail_.smtp.empty() && (busy || now - last_delivery_check >= std::chrono::seconds{1})) {
                    last_delivery_check = now;
                    busy = deliver_due(*conn) || busy;
                }
            } catch (const std::exception& e) {
                log_event("error", std::string{"mailer: "} + e.what());
            }
            lock.lock();
            if (!busy) wake_.wait_for(lock, poll_interval, [this] { return stopping_; });
        }
    });
}

mailer::~mailer() { stop(); }

void mailer::stop() {
    {
        std::lock_guard lock{mutex_};
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool mailer::render_pending(storage::connection& c) {
    auto pending = storage::pending_mails(c, batch_size);
    if (pending.empty()) return false;
    std::vector<rendered> out;
    std::vector<std::int64_t> orphans;
    for (const auto& m : pending) {
        if (auto mail = render_outbox_mail(c, m, site_, mail_))
            out.push_back({m.id, std::move(*mail)});
        else
            orphans.push_back(m.id);
    }
    ++own_commands_;
    auto stored = writer_.run<int>([&out, &orphans](storage::connection& w) -> domain::result<int> {
        for (const auto& r : out)
            storage::store_rendered_mail(w, r.id, r.mail.from, r.mail.to, r.mail.subject, r.mail.message);
        for (auto id : orphans) storage::mark_mail_failed(w, id, "the registration, its date or seminar is gone");
        return static_cast<int>(out.size());
    });
    if (!stored) {
        log_event("error", "mailer: could not store rendered mails");
        return false;
    }
    return true;
}

bool mailer::deliver_due(storage::connection& c) {
    auto endpoint = parse_smtp_endpoint(mail_.smtp);
    if (!endpoint) return false;
    auto due = storage::due_mails(c, clock_(), batch_size);
    if (due.empty()) return false;
    smtp_options opt;
    opt.timeout = mail_.smtp_timeout;
    opt.helo_name = split_url(site_.public_url).host;
    for (const auto& m : due) {
        {
            std::lock_guard lock{mutex_};
            if (stopping_) return false;
        }
        // The server took it already; only our record of that failed. Never send it again: record it again.
        if (delivered_unrecorded_.count(m.id)) {
            ++own_commands_;
            auto recorded = writer_.run<int>([&](storage::connection& w) -> domain::result<int> {
                storage::mark_mail_sent(w, m.id, clock_());
                return 0;
            });
            if (recorded) delivered_unrecorded_.erase(m.id);
            continue;
        }
        auto message = storage::mail_message(c, m.id);
        if (!message) continue;
        // The confirmation's private link was never stored in the clear: the message that goes out is rendered now,
        // with the token opened from its seal, and exists only for this attempt.
        if (!m.token_sealed.empty()) {
            if (auto with_link = render_outbox_mail(c, m, site_, mail_, private_link::included))
                message = std::move(with_link->message);
        }
        auto result = smtp_send(*endpoint, opt, m.sender, m.recipient, *message);
        const auto now = clock_();
        const int attempts = m.attempts + 1;
        ++own_commands_;
        auto done = writer_.run<int>([&](storage::connection& w) -> domain::result<int> {
            switch (result.outcome) {
                case delivery_outcome::delivered:
                    storage::mark_mail_sent(w, m.id, now);
                    break;
                case delivery_outcome::retry_later:
                    if (attempts >= mail_.max_attempts)
                        storage::mark_mail_failed(w, m.id, result.detail);
                    else
                        storage::mark_mail_retry(
                            w, m.id, now + retry_delay(attempts, mail_.retry_base, mail_.retry_cap), result.detail);
                    break;
                case delivery_outcome::rejected:
                    storage::mark_mail_failed(w, m.id, result.detail);
                    break;
            }
            return 0;
        });
        if (!done) {
            log_event("error", "mailer: could not record a delivery");
            if (result.outcome == delivery_outcome::delivered) delivered_unrecorded_.insert(m.id);
        }
        if (result.outcome != delivery_outcome::delivered)
            log_event("warn", "mailer: mail " + std::to_string(m.id) + " not delivered: " + result.detail);
        // The server is down or busy: the other mails would only wait for the same timeout. Next round.
        if (result.outcome == delivery_outcome::retry_later) break;
    }
    return true;
}

}  // namespace seminard::server
