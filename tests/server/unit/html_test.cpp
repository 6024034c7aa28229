// Placeholder: being written.
#include "server/html.hpp"
