// Placeholder: being written.
#include "server/smtp_client.hpp"
