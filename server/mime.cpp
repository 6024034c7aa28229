// Placeholder: being written.
#include "mime.hpp"
