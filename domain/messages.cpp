// Human texts for errors (see messages.hpp).
#include "messages.hpp"

namespace seminard::domain {

std::string_view message(errc e, lang l) noexcept {
    const bool de = l == lang::de;
    switch (e) {
        case errc::bad_request:
            return de ? "Die Anfrage ist fehlerhaft und konnte nicht gelesen werden." : "The request is malformed.";
        case errc::invalid_fields:
            return de ? "Bitte prüfen Sie die markierten Angaben." : "Please check the fields marked.";
        case errc::unauthorized:
            return de ? "Anmeldung als Veranstalter erforderlich." : "Organiser authentication required.";
        case errc::forbidden:
            return de ? "Dafür fehlt die Berechtigung." : "You are not allowed to do this.";
        case errc::not_found:
            return de ? "Nicht gefunden." : "Not found.";
        case errc::method_not_allowed:
            return de ? "Diese Methode ist hier nicht erlaubt." : "This method is not allowed here.";
        case errc::full:
            return de ? "Dieser Termin ist leider ausgebucht." : "Sorry, this date is fully booked.";
        case errc::not_enough_seats:
            return de ? "Für diese Buchung sind nicht mehr genug Plätze frei."
                      : "There are not enough seats left for this booking.";
        case errc::already_registered:
            return de ? "Mit dieser E-Mail-Adresse besteht für diesen Termin bereits eine Anmeldung."
                      : "This e-mail address is already registered for this date.";
        case errc::registration_closed:
            return de ? "Für diesen Termin ist keine Anmeldung mehr möglich." : "Registration for this date is closed.";
        case errc::already_cancelled:
            return de ? "Diese Anmeldung ist bereits storniert." : "This registration is already cancelled.";
        case errc::cancellation_closed:
            return de ? "Die Frist zum Selbststornieren ist abgelaufen. Bitte wenden Sie sich an den Veranstalter."
                      : "The deadline for cancelling yourself has passed. Please contact the organiser.";
        case errc::slug_taken:
            return de ? "Diese Kurzbezeichnung ist bereits vergeben." : "This slug is already taken.";
        case errc::account_exists:
            return de ? "Für diese E-Mail-Adresse gibt es bereits ein Konto."
                      : "An account with this e-mail address exists.";
        case errc::capacity_below_confirmed:
            return de ? "Die Platzzahl darf nicht unter die Zahl der bestätigten Anmeldungen sinken."
                      : "Capacity cannot go below the number of confirmed registrations.";
        case errc::date_cancelled:
            return de ? "Dieser Termin ist abgesagt und kann nicht mehr geändert werden."
                      : "This date is cancelled and cannot be changed.";
        case errc::request_in_progress:
            return de ? "Diese Anfrage wird gerade bearbeitet. Bitte senden Sie sie in Kürze noch einmal."
                      : "This request is still being processed. Please send it again shortly.";
        case errc::idempotency_key_reused:
            return de ? "Dieser Idempotency-Key gehört zu einer anderen Anfrage. Bitte verwenden Sie einen neuen."
                      : "This Idempotency-Key belongs to a different request. Please use a new one.";
        case errc::invalid_idempotency_key:
            return de ? "Der Idempotency-Key muss aus 1 bis 255 druckbaren ASCII-Zeichen bestehen."
                      : "The Idempotency-Key must be 1 to 255 printable ASCII characters.";
        case errc::payload_too_large:
            return de ? "Die Anfrage ist zu groß." : "The request body is too large.";
        case errc::unsupported_media_type:
            return de ? "Dieses Datenformat wird nicht unterstützt. Bitte JSON oder ein Formular senden."
                      : "Unsupported content type. Please send JSON or a form.";
        case errc::too_many_requests:
            return de ? "Zu viele Anmeldungen in kurzer Zeit. Bitte versuchen Sie es in Kürze noch einmal."
                      : "Too many submissions in a short time. Please try again shortly.";
        case errc::too_many_attempts:
            return de ? "Zu viele fehlgeschlagene Versuche. Bitte warten Sie, bevor Sie es noch einmal versuchen."
                      : "Too many failed attempts. Please wait before you try again.";
        case errc::header_too_large:
            return de ? "Die Kopfzeilen der Anfrage sind zu groß." : "The request headers are too large.";
        case errc::unavailable:
            return de ? "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."
                      : "The service is unavailable right now. Please try again shortly.";
        case errc::internal:
            return de ? "Ein interner Fehler ist aufgetreten." : "An internal error occurred.";
    }
    return {};
}

std::string_view message(field_problem p, lang l) noexcept {
    const bool de = l == lang::de;
    switch (p) {
        case field_problem::required:
            return de ? "Bitte ausfüllen." : "Required.";
        case field_problem::too_long:
            return de ? "Zu lang." : "Too long.";
        case field_problem::invalid_email:
            return de ? "Bitte eine gültige E-Mail-Adresse angeben." : "Please enter a valid e-mail address.";
        case field_problem::invalid_format:
            return de ? "Ungültiges Format." : "Invalid format.";
        case field_problem::invalid_value:
            return de ? "Ungültiger Wert." : "Invalid value.";
        case field_problem::must_accept:
            return de ? "Bitte stimmen Sie der Datenschutzerklärung zu." : "Please accept the privacy policy.";
        case field_problem::unknown_zone:
            return de ? "Unbekannte Zeitzone." : "Unknown time zone.";
        case field_problem::not_allowed:
            return de ? "Hier nicht erlaubt." : "Not allowed here.";
        case field_problem::nonexistent_time:
            return de ? "Diese Uhrzeit gibt es an diesem Tag in dieser Zeitzone nicht (die Uhr wird umgestellt)."
                      : "This time does not exist on that day in this time zone (the clocks change).";
    }
    return {};
}

std::string_view lang_code(lang l) noexcept { return l == lang::en ? "en" : "de"; }

lang lang_from_code(std::string_view code) noexcept { return code == "en" ? lang::en : lang::de; }

}  // namespace seminard::domain
