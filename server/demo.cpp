// The demo data (see demo.hpp): facts from PRODUCT.md in our own words, placeholder organiser, example.org.
#include "server/demo.hpp"

#include "domain/schedule.hpp"
#include "domain/validation.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

constexpr std::string_view demo_zone = "Europe/Berlin";
constexpr unsigned first_day = 27;  ///< of January
constexpr unsigned last_day = 28;

/// 27./28. January of `year`, 09:00-17:00, 12 seats and a waiting list.
domain::date_input january_date(int year) {
    const auto day = [year](unsigned d) {
        return domain::format_day(date::year_month_day{date::year{year}, date::January, date::day{d}});
    };
    domain::date_input in;
    in.timezone = std::string{demo_zone};
    in.days = std::vector<domain::day_input>{{day(first_day), "09:00", "17:00"}, {day(last_day), "09:00", "17:00"}};
    in.capacity = 12;
    in.waitlist = true;
    return in;
}

}  // namespace

int next_demo_year(domain::instant now) {
    const auto* zone = domain::find_zone(demo_zone);
    const auto local =
        date::floor<date::days>(zone ? zone->to_local(now) : date::local_seconds{now.time_since_epoch()});
    const date::year_month_day today{date::sys_days{local.time_since_epoch()}};
    const auto year = today.year();
    const bool still_ahead = today <= date::year_month_day{year, date::January, date::day{last_day}};
    return static_cast<int>(still_ahead ? year : year + date::years{1});
}

bool seed_demo(storage::writer& w, domain::instant now) {
    auto r = w.run<bool>([now](storage::connection& c) -> domain::result<bool> {
        if (!storage::list_seminars(c).empty()) return false;
        domain::seminar_input in;
        in.slug = "linkedin-marketing-fuer-unternehmen";
        in.title = "LinkedIn Marketing für Unternehmen";
        in.description =
            "Zwei Tage Praxis für Unternehmen, die LinkedIn gezielt nutzen wollen – in drei Schwerpunkten:\n"
            "1. Neukunden gewinnen: Profil, Unternehmensseite und Inhalte, die Anfragen bringen.\n"
            "2. Social Selling: Kontakte aufbauen, Gespräche beginnen, Beziehungen pflegen.\n"
            "3. Fachkräfte finden: Arbeitgebermarke zeigen und passende Kandidaten ansprechen.\n"
            "Mit vielen Beispielen aus dem B2B-Alltag und Übungen am eigenen Profil.";
        in.location = "Seminarzentrum Musterstadt, Beispielstraße 1, 85000 Musterstadt bei München";
        in.price_cents = std::optional<std::int64_t>{149000};
        in.currency = "EUR";
        in.organizer_name = "Muster Kommunikation GmbH";
        in.organizer_email = "seminare@example.org";
        // Companies book it: an invoice address when they want one, and two questions that help plan the days.
        in.billing = "optional";
        domain::question_input focus{"schwerpunkt",
                                     "multi",
                                     "Welche Schwerpunkte interessieren Sie besonders?",
                                     "Which topics interest you most?",
                                     "Wir gewichten die Übungen danach.",
                                     "We weight the exercises accordingly.",
                                     false,
                                     {{"neukunden", "Neukunden gewinnen", "Winning new customers"},
                                      {"social_selling", "Social Selling", "Social selling"},
                                      {"fachkraefte", "Fachkräfte finden", "Finding skilled staff"}}};
        domain::question_input questions{"fragen",
                                         "textarea",
                                         "Was möchten Sie im Seminar unbedingt klären?",
                                         "What would you like the seminar to answer?",
                                         {},
                                         {},
                                         false,
                                         {}};
        in.questions = std::vector<domain::question_input>{focus, questions};
        auto s = domain::make_seminar(in);
        if (!s) return std::move(s).err();
        auto created = storage::create_seminar(c, std::move(*s), now);
        if (!created) return std::move(created).err();
        // The January a year before the next one is past: it shows as past and takes no registrations.
        const int next = next_demo_year(now);
        for (auto input : {january_date(next - 1), january_date(next)}) {
            auto d = domain::make_date(input);
            if (!d) return std::move(d).err();
            d->seminar_id = created->id;
            auto stored = storage::create_date(c, std::move(*d), now);
            if (!stored) return std::move(stored).err();
        }
        return true;
    });
    return r.ok() && r.value();
}

}  // namespace seminard::server
