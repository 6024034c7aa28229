// The organiser's view of the outbox: every mail to attendees with its delivery state, and each mail as an .eml
// file that any mail program opens (or that can be sent by hand when no SMTP server is configured).
#include "server/handlers/routes.hpp"

#include "domain/admission.hpp"
#include "domain/schedule.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/http/form.hpp"
#include "server/mail/mailer.hpp"
#include "storage/outbox.hpp"

namespace seminard::server {

namespace {

json optional_time(const std::optional<domain::instant>& t) {
    return t ? json(domain::to_iso8601(*t, nullptr)) : json(nullptr);
}

json mail_json(const storage::mail_entry& m, const site_urls& urls) {
    const auto self = urls.outbox_mail(m.id);
    return json{{"id", m.id},
                {"kind", domain::to_string(m.kind)},
                {"state", storage::to_string(m.state)},
                // A booker's mail belongs to the booking, every other to one registration.
                {"registration", m.booking_id ? json(nullptr) : json(m.code)},
                {"booking", m.booking_id ? json(m.code) : json(nullptr)},
                {"date_id", m.date_id},
                {"registration_status", m.booking_id ? json(nullptr) : json(domain::to_string(m.status))},
                {"waitlist_position", m.waitlist_position ? json(*m.waitlist_position) : json(nullptr)},
                {"language", domain::lang_code(m.lang)},
                {"to", m.recipient.empty() ? json(nullptr) : json(m.recipient)},
                {"subject", m.subject.empty() ? json(nullptr) : json(m.subject)},
                {"created_at", domain::to_iso8601(m.created_at, nullptr)},
                {"attempts", m.attempts},
                {"next_attempt_at", optional_time(m.next_attempt_at)},
                {"last_error", m.last_error.empty() ? json(nullptr) : json(m.last_error)},
                {"sent_at", optional_time(m.sent_at)},
                {"links", {{"self", self}, {"message", self + ".eml"}}}};
}

/// "42" or "42.eml" from the last path segment.
struct mail_ref {
    std::int64_t id = 0;
    bool eml = false;
};
std::optional<mail_ref> parse_mail_ref(std::string_view s) {
    constexpr std::string_view suffix = ".eml";
    mail_ref ref;
    if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
        ref.eml = true;
        s.remove_suffix(suffix.size());
    }
    auto id = parse_id(s);
    if (!id) return std::nullopt;
    ref.id = *id;
    return ref;
}

}  // namespace

void add_outbox_routes(router& r, services& svc) {
    r.add("GET", "/api/v1/outbox", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& query = ex->request().query;
        domain::error problems{domain::errc::invalid_fields};
        storage::mail_filter filter;
        if (auto v = query_param(query, "state")) {
            filter.state = storage::parse_mail_state(*v);
            if (!filter.state) problems.fields.emplace("state", domain::field_problem::invalid_value);
        }
        if (auto v = query_param(query, "date_id")) {
            filter.date_id = parse_id(*v);
            if (!filter.date_id) problems.fields.emplace("date_id", domain::field_problem::invalid_value);
        }
        if (auto v = query_param(query, "registration")) {
            auto code = domain::canonical_code(*v);
            if (code.empty())
                problems.fields.emplace("registration", domain::field_problem::invalid_value);
            else
                filter.code = code;
        }
        const auto paging = read_page_query(query, problems);
        const int limit = paging.limit;
        const std::int64_t cursor = paging.cursor;
        if (!problems.fields.empty()) return ex->respond(error_response(problems, ex->lang));
        svc.read(ex, [&svc, filter, limit, cursor](storage::connection& c) {
            auto page = storage::list_mails(c, filter, limit, cursor);
            json items = json::array();
            for (const auto& m : page.items) items.push_back(mail_json(m, svc.urls));
            auto res = json_response(200, page_json(std::move(items), page.total, page.next_cursor));
            res.set("Cache-Control", "no-store");
            return res;
        });
    });

    r.add("GET", "/api/v1/outbox/{mail}", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto ref = parse_mail_ref(ex->param("mail"));
        if (!ref) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        svc.read(ex, [&svc, ex, ref = *ref](storage::connection& c) {
            auto m = storage::find_mail(c, ref.id);
            if (!m) return error_response(domain::errc::not_found, ex->lang);
            if (!ref.eml) {
                auto res = json_response(200, mail_json(*m, svc.urls));
                res.set("Cache-Control", "no-store");
                return res;
            }
            // A mail the mailer has not rendered yet is rendered now, the same way (it holds a private link only
            // while pending, and this route is the organiser's).
            auto message = storage::mail_message(c, m->id);
            if (!message) {
                auto mail = render_outbox_mail(c, *m, svc.cfg.site, svc.cfg.mail);
                if (!mail) return error_response(domain::errc::not_found, ex->lang);
                message = std::move(mail->message);
            }
            http_response res;
            res.status = 200;
            res.set("Content-Type", "message/rfc822");
            res.set("Content-Disposition", "attachment; filename=\"seminard-mail-" + std::to_string(m->id) + ".eml\"");
            res.set("Cache-Control", "no-store");
            res.body = std::move(*message);
            return res;
        });
    });
}

}  // namespace seminard::server
