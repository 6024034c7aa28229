// The organiser's CSV exports: one date, or every date of a seminar. Streamed from a database cursor in pieces.
#include "server/handlers/routes.hpp"

#include "domain/csv.hpp"
#include "domain/schedule.hpp"
#include "server/http/form.hpp"
#include "storage/export_cursor.hpp"
#include "storage/store.hpp"

#include <map>

namespace seminard::server {

namespace {

/// About this much CSV is produced per piece; memory holds one piece at a time.
constexpr std::size_t piece_size = 64 * 1024;

struct export_spec {
    std::vector<std::int64_t> date_ids;
    std::map<std::int64_t, const date::time_zone*> zones;
    std::map<std::int64_t, std::string> labels;  ///< only for seminar-wide exports
    bool with_date = false;                      ///< seminar-wide: a leading date column, even with no dates
    std::optional<domain::registration_status> status;
    domain::csv_dialect dialect = domain::csv_dialect::plain;
    domain::lang lang = domain::lang::de;
    domain::seminar seminar;  ///< its billing mode and questions decide the columns beyond the fixed ones
};

class csv_source : public body_source {
public:
    csv_source(storage::db_options db, export_spec spec) : db_(std::move(db)), spec_(std::move(spec)) {}

    bool next(std::string& out) override {
        if (!cursor_) {
            cursor_ = std::make_unique<storage::export_cursor>(db_, spec_.date_ids, spec_.status);
            extras_ = cursor_->columns(spec_.seminar);  // in the export's own snapshot
            out += domain::csv_header(spec_.dialect, spec_.lang, spec_.with_date, extras_);
        }
        while (out.size() < piece_size) {
            auto r = cursor_->next();
            if (!r) return false;
            auto label = spec_.labels.find(r->date_id);
            out += domain::csv_row(*r,
                                   spec_.zones[r->date_id],
                                   spec_.dialect,
                                   spec_.lang,
                                   label == spec_.labels.end() ? std::string_view{} : std::string_view{label->second},
                                   extras_);
        }
        return true;
    }

private:
    storage::db_options db_;
    export_spec spec_;
    std::unique_ptr<storage::export_cursor> cursor_;
    domain::csv_extras extras_;
};

/// dialect and status from the query; a 422 error names the bad parameter.
std::optional<domain::error> read_query(const http_request& req, export_spec& spec) {
    domain::error problems{domain::errc::invalid_fields};
    if (auto v = query_param(req.query, "dialect")) {
        if (*v == "excel")
            spec.dialect = domain::csv_dialect::excel;
        else if (*v != "plain")
            problems.fields.emplace("dialect", domain::field_problem::invalid_value);
    }
    if (auto v = query_param(req.query, "status")) {
        spec.status = domain::parse_registration_status(*v);
        if (!spec.status) problems.fields.emplace("status", domain::field_problem::invalid_value);
    }
    if (problems.fields.empty()) return std::nullopt;
    return problems;
}

http_response csv_response(const services& svc, export_spec spec, const std::string& filename) {
    http_response res;
    res.set("Content-Type", "text/csv; charset=utf-8; header=present");
    // The name is built from the slug ([a-z0-9-]) and digits only: nothing in it can break the header.
    res.set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    res.set("Cache-Control", "no-store");
    res.stream = std::make_shared<csv_source>(svc.cfg.db, std::move(spec));
    return res;
}

}  // namespace

void add_export_routes(router& r, services& svc) {
    r.add(
        "GET", "/api/v1/dates/{id}/registrations.csv", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
            auto id = parse_id(ex->param("id"));
            if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
            export_spec spec;
            spec.lang = ex->lang;
            if (auto problem = read_query(ex->request(), spec)) return ex->respond(error_response(*problem, ex->lang));
            svc.read(ex, [&svc, ex, id = *id, spec = std::move(spec)](storage::connection& c) mutable {
                auto d = storage::find_date(c, id);
                if (!d) return error_response(domain::errc::not_found, ex->lang);
                auto s = storage::find_seminar_by_id(c, d->seminar_id);
                if (!s) return error_response(domain::errc::not_found, ex->lang);
                spec.date_ids = {id};
                spec.seminar = *s;
                spec.zones[id] = domain::find_zone(d->timezone);
                auto first = d->days.empty() ? std::to_string(id) : domain::format_day(d->days.front().day);
                return csv_response(svc, std::move(spec), s->slug + "-" + first + "-anmeldungen.csv");
            });
        });

    r.add("GET",
          "/api/v1/seminars/{slug}/registrations.csv",
          access::organiser,
          [&svc](const std::shared_ptr<exchange>& ex) {
              export_spec spec;
              spec.lang = ex->lang;
              if (auto problem = read_query(ex->request(), spec))
                  return ex->respond(error_response(*problem, ex->lang));
              svc.read(ex, [&svc, ex, spec = std::move(spec)](storage::connection& c) mutable {
                  auto s = storage::find_seminar(c, ex->param("slug"));
                  if (!s) return error_response(domain::errc::not_found, ex->lang);
                  spec.with_date = true;
                  spec.seminar = *s;
                  for (const auto& d : storage::dates_of(c, s->id)) {
                      spec.date_ids.push_back(d.id);
                      spec.zones[d.id] = domain::find_zone(d.timezone);
                      spec.labels[d.id] =
                          d.days.empty() ? std::to_string(d.id) : domain::format_day(d.days.front().day);
                  }
                  return csv_response(svc, std::move(spec), s->slug + "-anmeldungen.csv");
              });
          });
}

}  // namespace seminard::server
