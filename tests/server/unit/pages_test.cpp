// Placeholder: being written.
#include "server/pages.hpp"
