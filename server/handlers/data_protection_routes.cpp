// The data-protection routes: a person's own data for download (GDPR Art. 15 and 20).
#include "domain/admission.hpp"
#include "domain/format_de.hpp"
#include "domain/schedule.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"
#include "server/log/log.hpp"
#include "server/web/pages.hpp"
#include "storage/consent.hpp"
#include "storage/erasure.hpp"
#include "storage/personal_data.hpp"
#include "storage/store.hpp"

#include <optional>

namespace seminard::server {

namespace {

json date_facts(const domain::seminar& s, const domain::seminar_date& d, domain::lang lang) {
    json days = json::array();
    for (const auto& day : d.days)
        days.push_back({{"date", domain::format_day(day.day)},
                        {"start", domain::format_clock(day.start)},
                        {"end", domain::format_clock(day.end)}});
    return {{"seminar", {{"slug", s.slug}, {"title", s.title}, {"location", s.location}}},
            {"date",
             {{"id", d.id},
              {"timezone", d.timezone},
              {"days", std::move(days)},
              {"schedule", domain::format_schedule(d.days, lang)},
              {"status", domain::to_string(d.status)}}}};
}

json consent_json(domain::instant at, const std::optional<storage::consent_version>& v) {
    json j = {{"privacy_consent_at", domain::to_iso8601(at)}};
    j["notice_version"] = v ? json(v->id) : json(nullptr);
    j["notice_sha256"] = v ? json(v->sha256) : json(nullptr);
    return j;
}

json mails_json(const std::vector<storage::mail_summary>& mails) {
    json out = json::array();
    for (const auto& m : mails) {
        json j = {{"kind", m.kind}, {"state", m.state}, {"created_at", domain::to_iso8601(m.created_at)}};
        j["subject"] = m.subject.empty() ? json(nullptr) : json(m.subject);
        j["sent_at"] = m.sent_at ? json(domain::to_iso8601(*m.sent_at)) : json(nullptr);
        out.push_back(std::move(j));
    }
    return out;
}

json personal_data_json(const storage::personal_data& data, domain::instant now, domain::lang lang) {
    json registrations = json::array();
    for (const auto& own : data.registrations) {
        const auto& r = own.registration;
        auto j = date_facts(own.seminar, own.date, lang);
        j["code"] = r.code;
        j["status"] = domain::to_string(r.status);
        if (r.waitlist_position) j["waitlist_position"] = *r.waitlist_position;
        j["attendee"] = person_json(r.person);
        j["billing"] = billing_json(r.billing);
        j["answers"] = answers_json(r.answers);
        j["answered"] = answered_json(r.answers);
        j["booking"] = r.booking_code.empty() ? json(nullptr) : json(r.booking_code);
        j["consent"] = consent_json(r.consent_at, own.consent);
        j["created_at"] = domain::to_iso8601(r.created_at);
        j["updated_at"] = domain::to_iso8601(r.updated_at);
        j["cancelled_at"] = r.cancelled_at ? json(domain::to_iso8601(*r.cancelled_at)) : json(nullptr);
        j["mails"] = mails_json(own.mails);
        json history = json::array();
        for (const auto& h : own.history)
            history.push_back({{"at", domain::to_iso8601(h.at)},
                               {"actor", h.actor},
                               {"event", h.event},
                               {"detail", json::parse(h.detail)}});
        j["history"] = std::move(history);
        registrations.push_back(std::move(j));
    }
    json bookings = json::array();
    for (const auto& own : data.bookings) {
        const auto& b = own.booking;
        auto j = date_facts(own.seminar, own.date, lang);
        j["code"] = b.code;
        j["booker"] = person_json(b.booker);
        j["billing"] = billing_json(b.billing);
        j["attendee_codes"] = own.attendee_codes;
        j["consent"] = consent_json(b.consent_at, own.consent);
        j["created_at"] = domain::to_iso8601(b.created_at);
        j["mails"] = mails_json(own.mails);
        bookings.push_back(std::move(j));
    }
    return {{"email", data.email},
            {"generated_at", domain::to_iso8601(now)},
            {"registrations", std::move(registrations)},
            {"bookings", std::move(bookings)}};
}

/// The texts a registration agrees to, in both languages; a changed text is a new version.
void keep_consent_version(services& svc) {
    const retention_terms terms{svc.cfg.retention_days, svc.cfg.mail_retention_days};
    const auto notice =
        privacy_notice_text(domain::lang::de, terms) + "\n" + privacy_notice_text(domain::lang::en, terms);
    const auto wording = consent_wording(domain::lang::de) + "\n" + consent_wording(domain::lang::en);
    auto kept = svc.writer.run<std::int64_t>(
        [notice, wording, now = svc.now()](storage::connection& c) -> domain::result<std::int64_t> {
            return storage::record_consent_version(c, notice, wording, now);
        });
    if (!kept) log_event("warn", "the privacy notice's version could not be recorded: registrations name none");
}

json erased_json(const storage::erasure_count& n) {
    return {{"erased", {{"registrations", n.registrations}, {"bookings", n.bookings}}}};
}

own_data_page page_of(storage::personal_data data) {
    own_data_page page;
    page.email = std::move(data.email);
    for (auto& own : data.registrations) {
        own_data_page::entry e{std::move(own.seminar), std::move(own.date), std::move(own.registration), {}, {}, {}};
        if (own.consent) e.notice_sha256 = own.consent->sha256;
        for (auto& m : own.mails)
            e.mails.push_back({std::move(m.kind), std::move(m.state), std::move(m.subject), m.created_at});
        for (auto& h : own.history) e.history.push_back({h.at, std::move(h.event)});
        page.registrations.push_back(std::move(e));
    }
    for (const auto& b : data.bookings) page.booking_codes.push_back(b.booking.code);
    return page;
}

/// Retention runs in small rounds on the writer, so that a round never holds registrations up for long.
constexpr auto retention_interval = std::chrono::minutes{5};
constexpr int retention_batch = 200;

void enable_retention(services& svc) {
    const int days = svc.cfg.retention_days;
    const int mail_days = svc.cfg.mail_retention_days;
    if (days == 0 && mail_days == 0) return;
    // Copies, not the services: the writer may run a last chore while they are taken down.
    svc.writer.every(retention_interval, [clock = svc.clock, w = &svc.writer, days, mail_days](storage::connection& c) {
        const auto now = clock();
        // Never during a rush: a registration in the last minute puts the round off to the next one.
        if (auto newest = storage::newest_registration_at(c); newest && now - *newest < std::chrono::minutes{1})
            return false;
        bool changed = false;
        if (days > 0) {
            const auto today = date::sys_days{date::floor<date::days>(now)};
            const auto n =
                storage::erase_ended_dates(c, date::year_month_day{today - date::days{days}}, retention_batch, now);
            changed = n.registrations + n.bookings > 0;
        }
        if (mail_days > 0 && storage::drop_sent_mail_bodies(c, now - date::days{mail_days}, retention_batch) > 0)
            changed = true;
        if (changed) w->truncate_log_soon();  // the old page versions leave the files too
        return changed;
    });
}

}  // namespace

void add_data_protection_routes(router& r, services& svc) {
    enable_retention(svc);
    keep_consent_version(svc);
    r.add("GET", "/api/v1/consent-versions", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.read(ex, [](storage::connection& c) {
            json items = json::array();
            for (const auto& v : storage::list_consent_versions(c))
                items.push_back({{"id", v.id},
                                 {"sha256", v.sha256},
                                 {"created_at", domain::to_iso8601(v.created_at)},
                                 {"notice", v.notice},
                                 {"wording", v.wording}});
            return json_response(200, json{{"items", std::move(items)}});
        });
    });

    // Erasure: the rows stay (seats, waiting list, statistics), what names the person goes; then the log is
    // truncated so that no older page version keeps it in the files.
    r.add("POST", "/api/v1/registrations/{code}/erase", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto code = domain::canonical_code(ex->param("code"));
        if (code.empty()) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        svc.write<storage::erasure_count>(
            ex,
            [code, now = svc.now()](storage::connection& c) {
                return storage::erase_registration(c, code, "organiser", now);
            },
            [&svc](const storage::erasure_count& n) {
                if (n.registrations > 0) svc.writer.truncate_log_soon();
                auto res = json_response(200, erased_json(n));
                res.set("Cache-Control", "no-store");
                return res;
            });
    });

    r.add("POST", "/api/v1/erasures", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto body = body_object(ex->request(), false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        domain::error refused{domain::errc::invalid_fields};
        auto& problems = refused.fields;
        std::string email;
        for (const auto& [k, v] : body->items()) {
            if (k != "email")
                problems.emplace(k, domain::field_problem::not_allowed);
            else if (!v.is_string() || v.get<std::string>().find('@') == std::string::npos)
                problems.emplace(k, domain::field_problem::invalid_email);
            else
                email = v.get<std::string>();
        }
        if (problems.empty() && email.empty()) problems.emplace("email", domain::field_problem::required);
        if (!problems.empty()) return ex->respond(error_response(refused, ex->lang));
        svc.write<storage::erasure_count>(
            ex,
            [email, now = svc.now()](storage::connection& c) -> domain::result<storage::erasure_count> {
                return storage::erase_address(c, email, "organiser", now);
            },
            [&svc](const storage::erasure_count& n) {
                if (n.registrations > 0 || n.bookings > 0) svc.writer.truncate_log_soon();
                auto res = json_response(200, erased_json(n));
                res.set("Cache-Control", "no-store");
                return res;
            });
    });

    r.add("GET", "/registrations/{token}/daten", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto reg = storage::find_registration_by_token(c, token);
            if (!reg) return not_found_page(svc, ex->lang);
            return private_page(
                render_own_data(
                    page_context_of(svc, ex->lang), page_of(storage::personal_data_of(c, reg->person.email)), token),
                svc);
        });
    });

    // The private link opens the person's data: every registration under its address, not only this one.
    r.add("GET", "/api/v1/registrations/{token}/export", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto reg = storage::find_registration_by_token(c, token);
            if (!reg) return error_response(domain::errc::not_found, ex->lang);
            const auto data = storage::personal_data_of(c, reg->person.email);
            auto res = json_response(200, personal_data_json(data, svc.now(), ex->lang));
            res.set("Cache-Control", "no-store");
            res.set("Content-Disposition", "attachment; filename=\"meine-daten-" + reg->code + ".json\"");
            return res;
        });
    });
}

}  // namespace seminard::server
