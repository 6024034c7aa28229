// The demo data (see demo.hpp): facts from PRODUCT.md in our own words, placeholder organiser, example.org.
#include "server/demo.hpp"

#include "domain/schedule.hpp"
#include "domain/validation.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

domain::date_input two_days(std::string first, std::string second) {
    domain::date_input in;
    in.timezone = "Europe/Berlin";
    in.days =
        std::vector<domain::day_input>{{std::move(first), "09:00", "17:00"}, {std::move(second), "09:00", "17:00"}};
    in.capacity = 12;
    in.waitlist = true;
    return in;
}

}  // namespace

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
        auto s = domain::make_seminar(in);
        if (!s) return std::move(s).err();
        auto created = storage::create_seminar(c, std::move(*s), now);
        if (!created) return std::move(created).err();
        // The January 2026 date is past by now: it shows as past and takes no registrations.
        for (auto input : {two_days("2026-01-27", "2026-01-28"), two_days("2027-01-27", "2027-01-28")}) {
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
