// Placeholder
#include "smtp_sink.hpp"
