// Placeholder: being written.
#include "server/mime.hpp"
