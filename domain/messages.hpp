// Human texts for errors, German by default, English on request. The server picks the language.
#pragma once

#include "result.hpp"

#include <string_view>

namespace seminard::domain {

enum class lang { de, en };

/// One sentence for the person behind the client.
std::string_view message(errc e, lang l) noexcept;
/// One sentence for a single form field.
std::string_view message(field_problem p, lang l) noexcept;

}  // namespace seminard::domain
