// Placeholder: being written.
#include "mail_composer.hpp"
