// Placeholder: being written.
#include "smtp_client.hpp"
