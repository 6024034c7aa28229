// Placeholder: being written.
#include "html.hpp"
