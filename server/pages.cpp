// Placeholder: being written.
#include "pages.hpp"
