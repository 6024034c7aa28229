// JSON in and out (see json_codec.hpp).
#include "server/handlers/json_codec.hpp"

#include "server/mail/mail_composer.hpp"

#include "domain/admission.hpp"
#include "domain/format_de.hpp"
#include "domain/offer.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "server/http/form.hpp"
#include "server/http/idempotency.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <set>
#include <tuple>
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
    /// `prefix` names the problems of a nested object ("booker.", "attendees[2].").
    reader(const json& body, std::set<std::string> known, std::string prefix = {})
        : body_(body), prefix_(std::move(prefix)) {
        for (auto it = body.begin(); it != body.end(); ++it)
            if (!known.count(it.key())) add(it.key(), field_problem::not_allowed);
    }

    std::optional<std::string> text(const std::string& name) {
        auto it = body_.find(name);
        if (it == body_.end() || it->is_null()) return std::nullopt;
        if (!it->is_string()) {
            add(name, field_problem::invalid_value);
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
            add(name, field_problem::invalid_value);
            return std::nullopt;
        }
        // Unsigned values above int64 and anything out of range are refused before any narrowing.
        if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
            add(name, field_problem::invalid_value);
            return std::nullopt;
        }
        auto v = it->get<std::int64_t>();
        if (v < min || v > max) {
            add(name, field_problem::invalid_value);
            return std::nullopt;
        }
        return v;
    }

    std::optional<bool> boolean(const std::string& name) {
        auto it = body_.find(name);
        if (it == body_.end() || it->is_null()) return std::nullopt;
        if (auto v = flag_value(*it)) return v;
        add(name, field_problem::invalid_value);
        return std::nullopt;
    }

    const json* raw(const std::string& name) const {
        auto it = body_.find(name);
        return it == body_.end() ? nullptr : &*it;
    }

    void add(const std::string& name, field_problem p) { fields_.emplace(prefix_ + name, p); }
    /// Takes over the problems of a nested reader.
    void merge(const reader& nested) { fields_.insert(nested.fields_.begin(), nested.fields_.end()); }
    bool ok() const { return fields_.empty(); }
    domain::error failure() {
        domain::error e{domain::errc::invalid_fields};
        e.fields = fields_;
        return e;
    }

private:
    const json& body_;
    std::string prefix_;
    std::map<std::string, field_problem> fields_;
};

std::string iso(domain::instant t, const date::time_zone* zone) { return domain::to_iso8601(t, zone); }

/// Builds the document json::parse would, and stops at the first key its object already holds: the object being
/// built is the set of keys seen (docs/performance.md has what the callback parser with key sets cost).
class strict_document {
public:
    json root;
    bool duplicate = false;

    bool null() { return put(nullptr); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(json::number_integer_t v) { return put(v); }
    bool number_unsigned(json::number_unsigned_t v) { return put(v); }
    bool number_float(json::number_float_t v, const json::string_t&) { return put(v); }
    bool string(json::string_t& v) { return put(std::move(v)); }
    bool binary(json::binary_t& v) { return put(json::binary(std::move(v))); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& k) {
        auto [at, inserted] = open_.back()->get_ref<json::object_t&>().try_emplace(std::move(k));
        if (!inserted) {
            duplicate = true;
            return false;
        }
        member_ = &at->second;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

private:
    /// Where the next value goes: the root, the end of the open array, or the member whose key came last. Open
    /// containers are never moved: their parent gets nothing new until they are closed.
    json& next() {
        if (open_.empty()) return root;
        if (auto& top = *open_.back(); top.is_array()) return top.get_ref<json::array_t&>().emplace_back();
        return *member_;
    }
    template <class T>
    bool put(T&& v) {
        next() = std::forward<T>(v);
        return true;
    }
    bool open(json empty) {
        auto& slot = next();
        slot = std::move(empty);
        open_.push_back(&slot);
        return true;
    }
    bool close() {
        open_.pop_back();
        return true;
    }

    std::vector<json*> open_;
    json* member_ = nullptr;
};

}  // namespace

domain::result<json> body_object(const http_request& req, bool allow_form) {
    auto type = media_type(req.header("Content-Type"));
    if (iequals(type, "application/json") || (type.empty() && !req.body.empty() && req.body.front() == '{')) {
        // Duplicate keys are refused: parsers disagree on which one wins, so a proxy or a log could read another
        // value than we store (I-JSON, RFC 7493).
        strict_document doc;
        const bool parsed = json::sax_parse(req.body, &doc);
        if (doc.duplicate) return domain::error{domain::errc::bad_request, "duplicate key in a JSON object"};
        if (!parsed) return domain::error{domain::errc::bad_request, "malformed JSON"};
        auto body = std::move(doc.root);
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
            // A form's idempotency key is the router's (a form cannot send the header): no handler sees it.
            if (k == idempotency_form_field) continue;
            // "billing[city]", "answers[topics]" and "attendees[0][answers][level]" fill nested objects, as the
            // JSON body has them; a nested field sent more than once (the boxes of a multiple choice) becomes a list.
            if (const auto open = k.find('['); open != std::string::npos && open > 0 && k.back() == ']') {
                std::vector<std::string> path{k.substr(0, open)};
                for (std::size_t at = open; at < k.size();) {
                    const auto close = k.find(']', at);
                    if (k[at] != '[' || close == std::string::npos || close == at + 1 || path.size() > 4)
                        return domain::error{domain::errc::bad_request, "malformed form field name"};
                    path.push_back(k.substr(at + 1, close - at - 1));
                    if (path.back().find('[') != std::string::npos)
                        return domain::error{domain::errc::bad_request, "malformed form field name"};
                    at = close + 1;
                }
                json* node = &body;
                bool clash = false;
                for (std::size_t i = 0; i + 1 < path.size() && !clash; ++i) {
                    node = &(*node)[path[i]];
                    if (node->is_null()) *node = json::object();
                    clash = !node->is_object();  // "billing" and "billing[x]" both sent: the first counts
                }
                if (clash) continue;
                auto& slot = (*node)[path.back()];
                if (slot.is_null())
                    slot = v;
                else if (slot.is_array())
                    slot.push_back(v);
                else if (slot.is_string())
                    slot = json::array({slot, v});
                continue;
            }
            if (!body.contains(k)) body[k] = v;  // the first value of a repeated field counts
        }
        // Numbered groups ("attendees[0]", "attendees[1]") are a list in the JSON body: in their numbers' order.
        if (auto it = body.find("attendees"); it != body.end() && it->is_object()) {
            std::map<std::size_t, json> rows;
            for (auto row = it->begin(); row != it->end(); ++row) {
                const auto& key = row.key();
                const bool number = !key.empty() && key.size() <= 3 && (key == "0" || key.front() != '0') &&
                                    std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
                if (!number) return domain::error{domain::errc::bad_request, "malformed form field name"};
                rows.emplace(std::stoul(key), row.value());
            }
            json list = json::array();
            for (auto& [n, row] : rows) list.push_back(std::move(row));
            *it = std::move(list);
        }
        return body;
    }
    if (type.empty() && req.body.empty()) return json::object();
    return domain::errc::unsupported_media_type;
}

namespace {

/// A string member of an object, or a problem under `field` for a wrong type.
std::string string_member(reader& r, const json& object, const char* member, const std::string& field) {
    auto it = object.find(member);
    if (it == object.end() || it->is_null()) return {};
    if (!it->is_string()) {
        r.add(field, field_problem::invalid_value);
        return {};
    }
    return it->get<std::string>();
}

/// `{"de": "…", "en": "…"}` (or a plain string: German) under `field`.
std::pair<std::string, std::string> localized_member(reader& r,
                                                     const json& object,
                                                     const char* member,
                                                     const std::string& field) {
    auto it = object.find(member);
    if (it == object.end() || it->is_null()) return {};
    if (it->is_string()) return {it->get<std::string>(), {}};
    if (!it->is_object()) {
        r.add(field, field_problem::invalid_value);
        return {};
    }
    for (auto k = it->begin(); k != it->end(); ++k)
        if (k.key() != "de" && k.key() != "en") r.add(field + "." + k.key(), field_problem::not_allowed);
    return {string_member(r, *it, "de", field + ".de"), string_member(r, *it, "en", field + ".en")};
}

std::vector<domain::question_input> questions_from(reader& r, const json& list) {
    std::vector<domain::question_input> out;
    if (!list.is_array()) {
        r.add("questions", field_problem::invalid_value);
        return out;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto field = "questions[" + std::to_string(i) + "]";
        const auto& item = list[i];
        if (!item.is_object()) {
            r.add(field, field_problem::invalid_value);
            continue;
        }
        for (auto k = item.begin(); k != item.end(); ++k)
            if (k.key() != "key" && k.key() != "type" && k.key() != "label" && k.key() != "help" &&
                k.key() != "required" && k.key() != "options")
                r.add(field + "." + k.key(), field_problem::not_allowed);
        domain::question_input q;
        q.key = string_member(r, item, "key", field + ".key");
        q.type = string_member(r, item, "type", field + ".type");
        std::tie(q.label_de, q.label_en) = localized_member(r, item, "label", field + ".label");
        std::tie(q.help_de, q.help_en) = localized_member(r, item, "help", field + ".help");
        if (auto req = item.find("required"); req != item.end() && !req->is_null()) {
            if (req->is_boolean())
                q.required = req->get<bool>();
            else
                r.add(field + ".required", field_problem::invalid_value);
        }
        if (auto opts = item.find("options"); opts != item.end() && !opts->is_null()) {
            if (!opts->is_array()) {
                r.add(field + ".options", field_problem::invalid_value);
            } else {
                for (std::size_t j = 0; j < opts->size(); ++j) {
                    const auto of = field + ".options[" + std::to_string(j) + "]";
                    const auto& o = (*opts)[j];
                    if (!o.is_object()) {
                        r.add(of, field_problem::invalid_value);
                        continue;
                    }
                    for (auto k = o.begin(); k != o.end(); ++k)
                        if (k.key() != "key" && k.key() != "label")
                            r.add(of + "." + k.key(), field_problem::not_allowed);
                    domain::option_input oi;
                    oi.key = string_member(r, o, "key", of + ".key");
                    std::tie(oi.label_de, oi.label_en) = localized_member(r, o, "label", of + ".label");
                    q.options.push_back(std::move(oi));
                }
            }
        }
        out.push_back(std::move(q));
    }
    return out;
}

constexpr std::array<const char*, 8> billing_fields = {
    "company", "street", "postal_code", "city", "country", "vat_id", "po_number", "email"};

std::optional<domain::billing_input> billing_from(reader& r, const json& object) {
    if (object.is_null()) return std::nullopt;
    if (!object.is_object()) {
        r.add("billing", field_problem::invalid_value);
        return std::nullopt;
    }
    for (auto k = object.begin(); k != object.end(); ++k)
        if (std::find_if(billing_fields.begin(), billing_fields.end(), [&](const char* f) { return k.key() == f; }) ==
            billing_fields.end())
            r.add("billing." + k.key(), field_problem::not_allowed);
    domain::billing_input in;
    in.company = string_member(r, object, "company", "billing.company");
    in.street = string_member(r, object, "street", "billing.street");
    in.postal_code = string_member(r, object, "postal_code", "billing.postal_code");
    in.city = string_member(r, object, "city", "billing.city");
    in.country = string_member(r, object, "country", "billing.country");
    in.vat_id = string_member(r, object, "vat_id", "billing.vat_id");
    in.po_number = string_member(r, object, "po_number", "billing.po_number");
    in.email = string_member(r, object, "email", "billing.email");
    return in;
}

std::map<std::string, domain::answer_input> answers_from(reader& r, const json& object) {
    std::map<std::string, domain::answer_input> out;
    if (object.is_null()) return out;
    if (!object.is_object()) {
        r.add("answers", field_problem::invalid_value);
        return out;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        domain::answer_input a;
        if (it->is_string()) {
            a.kind = domain::answer_input::shape::text;
            a.text = it->get<std::string>();
        } else if (it->is_boolean()) {
            a.kind = domain::answer_input::shape::flag;
            a.flag = it->get<bool>();
        } else if (it->is_array() && std::all_of(it->begin(), it->end(), [](const json& v) { return v.is_string(); })) {
            a.kind = domain::answer_input::shape::list;
            for (const auto& v : *it) a.list.push_back(v.get<std::string>());
        } else if (it->is_null()) {
            continue;  // as if not answered
        } else {
            r.add("answers." + it.key(), field_problem::invalid_value);
            continue;
        }
        out.emplace(it.key(), std::move(a));
    }
    return out;
}

}  // namespace

domain::result<domain::seminar_input> seminar_input_from(const json& body) {
    reader r(body,
             {"slug",
              "title",
              "description",
              "location",
              "price_cents",
              "currency",
              "organizer_name",
              "organizer_email",
              "billing",
              "questions",
              "cancellation_terms",
              "self_cancel_days"});
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
    in.billing = r.text("billing");
    if (const auto* q = r.raw("questions"); q && !q->is_null()) in.questions = questions_from(r, *q);
    in.cancellation_terms = r.text("cancellation_terms");
    if (auto* d = r.raw("self_cancel_days")) {
        // Any integer that fits is read here; the domain says which are allowed (0..365).
        if (d->is_null())
            in.self_cancel_days = std::optional<int>{};
        else if (auto v =
                     r.integer("self_cancel_days", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
            in.self_cancel_days = static_cast<int>(*v);
    }
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
              "lang",
              "billing",
              "answers"});
    domain::registration_input in;
    in.first_name = r.text("first_name").value_or("");
    in.last_name = r.text("last_name").value_or("");
    in.email = r.text("email").value_or("");
    in.company = r.text("company").value_or("");
    in.job_title = r.text("job_title").value_or("");
    in.phone = r.text("phone").value_or("");
    in.privacy_consent = r.boolean("privacy_consent").value_or(false);
    if (const auto* b = r.raw("billing")) in.billing = billing_from(r, *b);
    if (const auto* a = r.raw("answers")) in.answers = answers_from(r, *a);
    if (!r.ok()) return r.failure();
    return in;
}

bool honeypot_filled(const json& body) {
    auto it = body.find("website");
    return it != body.end() && it->is_string() && !it->get<std::string>().empty();
}

domain::result<substitute_input> substitute_input_from(const json& body) {
    reader r(body, {"first_name", "last_name", "email", "company", "job_title", "phone", "registration"});
    substitute_input in;
    in.person.first_name = r.text("first_name").value_or("");
    in.person.last_name = r.text("last_name").value_or("");
    in.person.email = r.text("email").value_or("");
    in.person.company = r.text("company").value_or("");
    in.person.job_title = r.text("job_title").value_or("");
    in.person.phone = r.text("phone").value_or("");
    in.person.privacy_consent = true;  // the one who names a substitute speaks for them, as a booker does
    in.registration = r.text("registration").value_or("");
    if (!r.ok()) return r.failure();
    return in;
}

domain::result<move_input> move_input_from(const json& body) {
    reader r(body, {"date_id", "if_full"});
    move_input in;
    if (auto id = r.integer("date_id", 1, std::numeric_limits<std::int64_t>::max())) in.date_id = *id;
    if (!r.raw("date_id") || r.raw("date_id")->is_null()) r.add("date_id", domain::field_problem::required);
    if (auto rule = r.text("if_full")) {
        if (*rule == "refuse")
            in.refuse_when_full = true;
        else if (*rule != "waitlist")
            r.add("if_full", domain::field_problem::invalid_value);
    }
    if (!r.ok()) return r.failure();
    return in;
}

domain::result<domain::booking_input> booking_input_from(const json& body) {
    // "date_id", "rows" and "action" come with the HTML form (its date choice, its rows, "add another").
    reader r(body,
             {"booker",
              "billing",
              "attendees",
              "privacy_consent",
              "if_not_all_fit",
              "website",
              "lang",
              "date_id",
              "rows",
              "action"});
    domain::booking_input in;
    if (const auto* b = r.raw("booker"); b && b->is_object()) {
        reader booker(*b, {"first_name", "last_name", "email", "company", "phone"}, "booker.");
        in.booker.first_name = booker.text("first_name").value_or("");
        in.booker.last_name = booker.text("last_name").value_or("");
        in.booker.email = booker.text("email").value_or("");
        in.booker.company = booker.text("company").value_or("");
        in.booker.phone = booker.text("phone").value_or("");
        r.merge(booker);
    } else if (b && !b->is_null()) {
        r.add("booker", field_problem::invalid_value);
    }
    if (const auto* b = r.raw("billing")) in.billing = billing_from(r, *b);
    if (const auto* list = r.raw("attendees"); list && list->is_array()) {
        for (std::size_t i = 0; i < list->size() && i <= domain::limits::booking_attendees; ++i) {
            const auto& item = (*list)[i];
            const auto prefix = "attendees[" + std::to_string(i) + "]";
            domain::registration_input a;
            if (item.is_object()) {
                reader one(item, {"first_name", "last_name", "email", "job_title", "answers"}, prefix + ".");
                a.first_name = one.text("first_name").value_or("");
                a.last_name = one.text("last_name").value_or("");
                a.email = one.text("email").value_or("");
                a.job_title = one.text("job_title").value_or("");
                if (const auto* answers = one.raw("answers")) a.answers = answers_from(one, *answers);
                r.merge(one);
            } else {
                r.add(prefix, field_problem::invalid_value);
            }
            in.attendees.push_back(std::move(a));
        }
    } else if (list && !list->is_null()) {
        r.add("attendees", field_problem::invalid_value);
    }
    in.privacy_consent = r.boolean("privacy_consent").value_or(false);
    in.if_not_all_fit = r.text("if_not_all_fit").value_or("");
    if (!r.ok()) return r.failure();
    return in;
}

json localized_json(const domain::localized_text& t) {
    json j{{"de", t.de}};
    if (!t.en.empty()) j["en"] = t.en;
    return j;
}

json questions_json(const std::vector<domain::question>& questions) {
    json out = json::array();
    for (const auto& q : questions) {
        json item{{"key", q.key},
                  {"type", domain::to_string(q.type)},
                  {"label", localized_json(q.label)},
                  {"required", q.required}};
        if (!q.help.de.empty()) item["help"] = localized_json(q.help);
        if (!q.options.empty()) {
            json options = json::array();
            for (const auto& o : q.options) options.push_back({{"key", o.key}, {"label", localized_json(o.label)}});
            item["options"] = std::move(options);
        }
        out.push_back(std::move(item));
    }
    return out;
}

json billing_json(const std::optional<domain::billing_address>& b) {
    if (!b) return nullptr;
    return json{{"company", b->company},
                {"street", b->street},
                {"postal_code", b->postal_code},
                {"city", b->city},
                {"country", b->country},
                {"vat_id", b->vat_id},
                {"po_number", b->po_number},
                {"email", b->email}};
}

namespace {

json answer_value(const domain::answer& a) {
    switch (a.type) {
        case domain::question_type::text:
        case domain::question_type::textarea:
            return a.text;
        case domain::question_type::choice:
            return a.chosen.empty() ? json(nullptr) : json(a.chosen.front().key);
        case domain::question_type::multi: {
            json keys = json::array();
            for (const auto& o : a.chosen) keys.push_back(o.key);
            return keys;
        }
        case domain::question_type::checkbox:
            return a.checked;
    }
    return nullptr;
}

}  // namespace

json answers_json(const std::vector<domain::answer>& answers) {
    json out = json::object();
    for (const auto& a : answers) out[a.key] = answer_value(a);
    return out;
}

json answered_json(const std::vector<domain::answer>& answers) {
    json out = json::array();
    for (const auto& a : answers)
        out.push_back(
            {{"key", a.key},
             {"type", domain::to_string(a.type)},
             {"question", localized_json(a.question)},
             {"value", answer_value(a)},
             {"text",
              {{"de", domain::answer_text(a, domain::lang::de)}, {"en", domain::answer_text(a, domain::lang::en)}}}});
    return out;
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
           {"billing", domain::to_string(s.billing)},
           {"questions", questions_json(s.questions)},
           {"cancellation_terms", s.cancellation_terms},
           {"self_cancel_days", s.self_cancel_days ? json(*s.self_cancel_days) : json(nullptr)},
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

json person_json(const domain::attendee& p) {
    return {{"first_name", p.first_name},
            {"last_name", p.last_name},
            {"email", p.email},
            {"company", p.company},
            {"job_title", p.job_title},
            {"phone", p.phone}};
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
                {"billing", billing_json(r.billing)},
                {"answers", answers_json(r.answers)},
                {"answered", answered_json(r.answers)},
                {"privacy_consent_at", iso(r.consent_at, nullptr)},
                {"created_at", iso(r.created_at, nullptr)},
                {"cancelled_at", r.cancelled_at ? json(iso(*r.cancelled_at, nullptr)) : json(nullptr)},
                {"booking", r.booking_code.empty() ? json(nullptr) : json(r.booking_code)}};
}

json booking_json(const domain::booking& b,
                  const std::vector<domain::registration>& registrations,
                  std::string_view token,
                  const domain::seminar& s,
                  const domain::seminar_date& d,
                  domain::lang lang,
                  const site_urls& links) {
    json people = json::array();
    for (const auto& r : registrations) {
        json one{{"code", r.code},
                 {"status", domain::to_string(r.status)},
                 {"first_name", r.person.first_name},
                 {"last_name", r.person.last_name},
                 {"email", r.person.email},
                 {"job_title", r.person.job_title},
                 {"answers", answers_json(r.answers)},
                 {"cancelled_at", r.cancelled_at ? json(iso(*r.cancelled_at, nullptr)) : json(nullptr)}};
        if (r.waitlist_position) one["waitlist_position"] = *r.waitlist_position;
        people.push_back(std::move(one));
    }
    json j{{"code", b.code},
           {"date_id", b.date_id},
           {"booker",
            {{"first_name", b.booker.first_name},
             {"last_name", b.booker.last_name},
             {"email", b.booker.email},
             {"company", b.booker.company},
             {"phone", b.booker.phone}}},
           {"billing", billing_json(b.billing)},
           {"registrations", std::move(people)},
           {"seminar", {{"slug", s.slug}, {"title", s.title}, {"location", s.location}}},
           {"schedule", domain::format_schedule(d.days, lang)},
           {"privacy_consent_at", iso(b.consent_at, nullptr)},
           {"created_at", iso(b.created_at, nullptr)}};
    if (!token.empty()) {
        j["token"] = std::string{token};
        j["links"] = {{"self", links.booking_api(token)}, {"page", links.booking_page(token)}};
    }
    return j;
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
    mail.created_at = mail.registration.created_at;  // the mail's time: what the deadline is judged against
    const auto& reg = mail.registration;
    // Built member by member: an initializer list copies every value, the mail text among them.
    json email = json::object();
    email["to"] = reg.person.email;
    email["from"] = mail.seminar.organizer_email;
    email["subject"] = mail_subject(mail);
    email["text"] = mail_text(mail);
    json confirmation = json::object();
    confirmation["status_text"] = status_text(reg, lang);
    confirmation["schedule"] = domain::format_schedule(mail.date.days, lang);
    confirmation["price"] = domain::format_price(mail.seminar.price_cents, mail.seminar.currency, lang);
    confirmation["email"] = std::move(email);
    json urls = json::object();
    urls["self"] = self;
    urls["page"] = links.registration_page(token);
    urls["ics"] = links.invite(invite_key);
    urls["cancel"] = self;
    json j = json::object();
    j["code"] = reg.code;
    j["status"] = domain::to_string(reg.status);
    j["created_at"] = iso(reg.created_at, nullptr);
    j["confirmation"] = std::move(confirmation);
    j["links"] = std::move(urls);
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
    j["attendee"] = person_json(r.person);
    j["billing"] = billing_json(r.billing);
    j["answers"] = answers_json(r.answers);
    j["answered"] = answered_json(r.answers);
    j["cancelled_at"] = r.cancelled_at ? json(iso(*r.cancelled_at, nullptr)) : json(nullptr);
    // Whether DELETE works now, and until when it does: the same rule the writer applies.
    j["cancellable"] = domain::self_cancellable(s, d, r, now);
    j["cancellable_until"] = r.status == domain::registration_status::cancelled
                                 ? json(nullptr)
                                 : json(iso(domain::self_cancel_deadline(s, d), nullptr));
    j["seminar"] = {{"slug", s.slug}, {"title", s.title}, {"location", s.location}};
    j["date"] = std::move(date);
    return j;
}

}  // namespace seminard::server
