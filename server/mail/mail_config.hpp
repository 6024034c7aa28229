// How mails to attendees leave the outbox: the SMTP server, the sender, and the retry schedule.
#pragma once

#include <chrono>
#include <string>

namespace seminard::server {

struct mail_config {
    std::string smtp;          ///< "HOST:PORT" of the SMTP server that delivers; empty: mails stay in the outbox
    std::string from_address;  ///< From of every mail (Reply-To: the organiser); empty: the seminar's organiser
    std::chrono::seconds retry_base{30};    ///< first retry after a temporary failure; doubles, at most retry_cap
    std::chrono::seconds retry_cap{3600};   ///< longest wait between two attempts
    int max_attempts = 12;                  ///< then the mail is `failed` (about 6 hours with the defaults)
    std::chrono::seconds smtp_timeout{30};  ///< each step of an SMTP conversation
};

}  // namespace seminard::server
