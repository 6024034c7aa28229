// Placeholder: being written.
#include "server/mail_composer.hpp"
