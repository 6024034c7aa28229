// JSON in and out (see json_codec.hpp).
#include "server/handlers/json_codec.hpp"

#include "server/mail/mail_composer.hpp"

#include "domain/admission.hpp"
#include "domain/format_de.hpp"
#include "domain/offer.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "server/http/form.hpp"

#include <set>
#include <unordered_set>
#include <vector>

namespace seminard::server {

std::optional<bool> flag_value(const json& v) {
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string()) {  // form posts send checkboxes as text
        const auto& t = v.get_ref<const std::string&>();
        if (t == "on" || t == "true" || t == "1" || t == "yes") return true;
        if (t == "off" || t == "false" || t == "0" || t == "no" || t.empty()) return false;
    }
    return std::nullopt;
}

namespace {

using domain::field_problem;

std::string_view media_type(std::string_view content_type) {
    auto semi = content_type.find(';');
    auto t = content_type.substr(0, semi);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    return t;
}

/// Reads typed fields from a JSON object and records a field problem for every wrong type or unknown key.
class reader {
public:
    reader(const json& body, std::set<std::string> known) : body_(body) {
        for (auto it = body.begin(); it != body.end(); ++it)
            if (!known.count(it.key())) fields_.emplace(it.key(), field_problem::not_allowed);
    }

    std::optional<std::string> text(const std::string& name) {
        auto it = body_.find(name);
        if (it == body_.end() || it->is_null()) return std::nullopt;
        if (!it->is_string()) {
            fields_.emplace(name, field_problem::invalid_value);
            return std::nullopt;
        }
        return it->get<std::string>();
    }

    /// Present-and-null is distinct from absent: inner nullopt.
    std::optional<std::optional<std::string>> nullable_text(const std::string& name) {
        auto it = body_.find(name);
        if (it == body_.end()) return std::nullopt;
        if (it->is_null()) return std::optional<std::string>{};
        return text(name);
    }

    std::optional<std::int64_t> integer(const std::string& name, std::int64_t min, std::int64_t max) {
        auto it = body_.find(name);
        if (it == body_.end() || it->is_null()) return std::nullopt;
        if (!it->is_number_integer()) {
            fields_.emplace(name, field_problem::invalid_value);
            return std::nullopt;
        }
        // Unsigned values above int64 and anything out of range are refused before any narrowing.
        if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
            fields_.emplace(name, field_problem::invalid_value);
            return std::nullopt;
        }
        auto v = it->get<std::int64_t>();
        if (v < min || v > max) {
            fields_.emplace(name, field_problem::invalid_value);
            return std::nullopt;
        }
        return v;
    }

    std::optional<bool> boolean(const std::string& name) {
        auto it = body_.find(name);
        if (it == body_.end() || it->is_null()) return std::nullopt;
        if (auto v = flag_value(*it)) return v;
        fields_.emplace(name, field_problem::invalid_value);
        return std::nullopt;
    }

    const json* raw(const std::string& name) const {
        auto it = body_.find(name);
        return it == body_.end() ? nullptr : &*it;
    }

    void add(const std::string& name, field_problem p) { fields_.emplace(name, p); }
    bool ok() const { return fields_.empty(); }
    domain::error failure() {
        domain::error e{domain::errc::invalid_fields};
        e.fields = fields_;
        return e;
    }

private:
    const json& body_;
    std::map<std::string, field_problem> fields_;
};

std::string iso(domain::instant t, const date::time_zone* zone) { return domain::to_iso8601(t, zone); }

}  // namespace

domain::result<json> body_object(const http_request& req, bool allow_form) {
    auto type = media_type(req.header("Content-Type"));
    if (iequals(type, "application/json") || (type.empty() && !req.body.empty() && req.body.front() == '{')) {
        // Duplicate keys are refused: parsers disagree on which one wins, so a proxy or a log could read another
        // value than we store (I-JSON, RFC 7493). The callback tracks the keys of every open object.
        std::vector<std::unordered_set<std::string>> open_objects;
        bool duplicate = false;
        auto track = [&](int depth, json::parse_event_t event, json& parsed) {
            (void)depth;
            switch (event) {
                case json::parse_event_t::object_start:
                    open_objects.emplace_back();
                    break;
                case json::parse_event_t::object_end:
                    if (!open_objects.empty()) open_objects.pop_back();
                    break;
                case json::parse_event_t::key: {
                    if (!open_objects.back().insert(parsed.get<std::string>()).second) duplicate = true;
                    break;
                }
                default:
                    break;
            }
            return true;
        };
        auto body = json::parse(req.body, track, false);  // no exceptions: untrusted input
        if (body.is_discarded()) return domain::error{domain::errc::bad_request, "malformed JSON"};
        if (duplicate) return domain::error{domain::errc::bad_request, "duplicate key in a JSON object"};
        if (!body.is_object()) return domain::error{domain::errc::bad_request, "JSON body must be an object"};
        return body;
    }
    if (allow_form && iequals(type, "application/x-www-form-urlencoded")) {
        auto fields = parse_urlencoded(req.body);
        if (!fields) return domain::error{domain::errc::bad_request, "malformed form encoding"};
        json body = json::object();
        for (auto& [k, v] : *fields) {
            if (!domain::valid_utf8(k) || !domain::valid_utf8(v))
                return domain::error{domain::errc::bad_request, "form field is not UTF-8"};
            if (!body.contains(k)) body[k] = v;  // the first value of a repeated field counts
        }
        return body;
    }
    if (type.empty() && req.body.empty()) return json::object();
    return domain::errc::unsupported_media_type;
}

domain::result<domain::seminar_input> seminar_input_from(const json& body) {
    reader r(
        body,
        {"slug", "title", "description", "location", "price_cents", "currency", "organizer_name", "organizer_email"});
    domain::seminar_input in;
    in.slug = r.text("slug");
    in.title = r.text("title");
    in.description = r.text("description");
    in.location = r.text("location");
    if (auto* p = r.raw("price_cents")) {
        if (p->is_null())
            in.price_cents = std::optional<std::int64_t>{};
        else if (auto v = r.integer("price_cents", 0, domain::limits::max_price_cents))
            in.price_cents = v;
    }
    in.currency = r.text("currency");
    in.organizer_name = r.text("organizer_name");
    in.organizer_email = r.text("organizer_email");
    if (!r.ok()) return r.failure();
    return in;
}

domain::result<domain::date_input> date_input_from(const json& body) {
    reader r(body, {"timezone", "days", "capacity", "waitlist", "registration_closes_at", "status"});
    domain::date_input in;
    in.timezone = r.text("timezone");
    if (auto* days = r.raw("days")) {
        if (!days->is_array()) {
            r.add("days", field_problem::invalid_value);
        } else {
            std::vector<domain::day_input> list;
            for (std::size_t i = 0; i < days->size(); ++i) {
                const auto& d = (*days)[i];
                auto prefix = "days[" + std::to_string(i) + "].";
                if (!d.is_object()) {
                    r.add("days[" + std::to_string(i) + "]", field_problem::invalid_value);
                    continue;
                }
                domain::day_input di;
                for (auto it = d.begin(); it != d.end(); ++it)
                    if (it.key() != "date" && it.key() != "start" && it.key() != "end")
                        r.add(prefix + it.key(), field_problem::not_allowed);
                for (auto [key, target] : {std::pair{"date", &di.day}, {"start", &di.start}, {"end", &di.end}}) {
                    auto it = d.find(key);
                    if (it == d.end())
                        r.add(prefix + key, field_problem::required);
                    else if (!it->is_string())
                        r.add(prefix + key, field_problem::invalid_value);
                    else
                        *target = it->get<std::string>();
                }
                list.push_back(std::move(di));
            }
            in.days = std::move(list);
        }
    }
    if (auto v = r.integer("capacity", 0, domain::limits::max_capacity)) in.capacity = static_cast<int>(*v);
    in.waitlist = r.boolean("waitlist");
    in.registration_closes_at = r.nullable_text("registration_closes_at");
    in.status = r.text("status");
    if (!r.ok()) return r.failure();
    return in;
}

domain::result<domain::registration_input> registration_input_from(const json& body) {
    // "website" is the honeypot of the HTML form; "date_id" comes with the form's date choice.
    reader r(body,
             {"first_name",
              "last_name",
              "email",
              "company",
              "job_title",
              "phone",
              "privacy_consent",
              "website",
              "date_id",
              "lang"});
    domain::registration_input in;
    in.first_name = r.text("first_name").value_or("");
    in.last_name = r.text("last_name").value_or("");
    in.email = r.text("email").value_or("");
    in.company = r.text("company").value_or("");
    in.job_title = r.text("job_title").value_or("");
    in.phone = r.text("phone").value_or("");
    in.privacy_consent = r.boolean("privacy_consent").value_or(false);
    if (!r.ok()) return r.failure();
    return in;
}

json seminar_json(const domain::seminar& s) {
    json j{{"slug", s.slug},
           {"title", s.title},
           {"description", s.description},
           {"location", s.location},
           {"price_cents", s.price_cents ? json(*s.price_cents) : json(nullptr)},
           {"currency", s.currency},
           {"organizer_name", s.organizer_name},
           {"organizer_email", s.organizer_email},
           {"created_at", iso(s.created_at, nullptr)},
           {"updated_at", iso(s.updated_at, nullptr)}};
    return j;
}

json date_json(const domain::seminar& s,
               const domain::seminar_date& d,
               const domain::date_availability& a,
               domain::instant now,
               domain::lang lang,
               const site_urls& links) {
    const auto* zone = domain::find_zone(d.timezone);
    auto intervals = domain::day_intervals(d);
    json days = json::array();
    for (std::size_t i = 0; i < d.days.size(); ++i) {
        days.push_back({{"date", domain::format_day(d.days[i].day)},
                        {"start", domain::format_clock(d.days[i].start)},
                        {"end", domain::format_clock(d.days[i].end)},
                        {"starts_at", i < intervals.size() ? iso(intervals[i].start, zone) : ""},
                        {"ends_at", i < intervals.size() ? iso(intervals[i].end, zone) : ""}});
    }
    const auto offer = domain::offer_of(d, a, now);

    return json{{"id", d.id},
                {"seminar", s.slug},
                {"timezone", d.timezone},
                {"days", std::move(days)},
                {"schedule", domain::format_schedule(d.days, lang)},
                {"capacity", d.capacity},
                {"waitlist", d.waitlist},
                {"status", domain::to_string(d.status)},
                {"sequence", d.sequence},
                {"registration_closes_at", iso(domain::closes_at(d), zone)},
                {"registration_open", offer.registration_open},
                {"past", offer.past},
                {"seats_left", offer.seats_left},
                {"confirmed", a.confirmed},
                {"waitlist_length", a.waitlisted},
                {"links", {{"register", links.date_registrations_api(d.id)}, {"calendar", links.date_calendar(d.id)}}}};
}

json page_json(json items, std::int64_t total, std::optional<std::int64_t> next_cursor) {
    return json{{"items", std::move(items)},
                {"total", total},
                {"next_cursor", next_cursor ? json(std::to_string(*next_cursor)) : json(nullptr)}};
}

json registration_json(const domain::registration& r) {
    return json{{"code", r.code},
                {"date_id", r.date_id},
                {"status", domain::to_string(r.status)},
                {"waitlist_position", r.waitlist_position ? json(*r.waitlist_position) : json(nullptr)},
                {"first_name", r.person.first_name},
                {"last_name", r.person.last_name},
                {"email", r.person.email},
                {"company", r.person.company},
                {"job_title", r.person.job_title},
                {"phone", r.person.phone},
                {"privacy_consent_at", iso(r.consent_at, nullptr)},
                {"created_at", iso(r.created_at, nullptr)},
                {"cancelled_at", r.cancelled_at ? json(iso(*r.cancelled_at, nullptr)) : json(nullptr)}};
}

namespace {

std::string status_text(const domain::registration& r, domain::lang lang) {
    const bool de = lang == domain::lang::de;
    switch (r.status) {
        case domain::registration_status::confirmed:
            return de ? "Anmeldung bestätigt" : "Registration confirmed";
        case domain::registration_status::waitlisted:
            return (de ? "Warteliste, Platz " : "Waiting list, position ") +
                   std::to_string(r.waitlist_position.value_or(0));
        case domain::registration_status::cancelled:
            return de ? "Anmeldung storniert" : "Registration cancelled";
    }
    return {};
}

}  // namespace

json confirmation_json(domain::seminar s,
                       domain::seminar_date d,
                       domain::registration r,
                       std::string_view token,
                       std::string_view invite_key,
                       domain::lang lang,
                       const site_urls& links) {
    const auto self = links.registration_api(token);
    // The same mail the outbox holds for this registration (its text part), so that scripts can send it themselves.
    mail_input mail;
    mail.kind = r.status == domain::registration_status::cancelled ? mail_kind::cancelled : mail_kind::registered;
    mail.seminar = std::move(s);
    mail.date = std::move(d);
    mail.registration = std::move(r);
    mail.token = std::string{token};
    mail.lang = lang;
    mail.public_url = links.base();
    const auto& reg = mail.registration;
    json j{{"code", reg.code},
           {"status", domain::to_string(reg.status)},
           {"created_at", iso(reg.created_at, nullptr)},
           {"confirmation",
            {{"status_text", status_text(reg, lang)},
             {"schedule", domain::format_schedule(mail.date.days, lang)},
             {"price", domain::format_price(mail.seminar.price_cents, mail.seminar.currency, lang)},
             {"email",
              {{"to", reg.person.email},
               {"from", mail.seminar.organizer_email},
               {"subject", mail_subject(mail)},
               {"text", mail_text(mail)}}}}},
           {"links",
            {{"self", self},
             {"page", links.registration_page(token)},
             {"ics", links.invite(invite_key)},
             {"cancel", self}}}};
    if (reg.waitlist_position) j["waitlist_position"] = *reg.waitlist_position;
    if (!token.empty()) j["token"] = std::string{token};
    return j;
}

json attendee_view_json(const domain::seminar& s,
                        const domain::seminar_date& d,
                        const domain::registration& r,
                        std::string_view token,
                        std::string_view invite_key,
                        domain::instant now,
                        domain::lang lang,
                        const site_urls& links) {
    auto j = confirmation_json(s, d, r, token, invite_key, lang, links);
    auto date = date_json(s, d, {}, now, lang, links);
    for (auto key : {"seats_left", "confirmed", "waitlist_length", "capacity"}) date.erase(key);
    j["attendee"] = {{"first_name", r.person.first_name},
                     {"last_name", r.person.last_name},
                     {"email", r.person.email},
                     {"company", r.person.company},
                     {"job_title", r.person.job_title},
                     {"phone", r.person.phone}};
    j["cancelled_at"] = r.cancelled_at ? json(iso(*r.cancelled_at, nullptr)) : json(nullptr);
    j["seminar"] = {{"slug", s.slug}, {"title", s.title}, {"location", s.location}};
    j["date"] = std::move(date);
    return j;
}

}  // namespace seminard::server
