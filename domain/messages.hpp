// Human texts for errors, German by default, English on request. The server picks the language.
#pragma once

#include "result.hpp"

#include <string_view>

namespace seminard::domain {

enum class lang { de, en };

/// "de" or "en": the language as URLs, cache keys, JSON and the database write it.
std::string_view lang_code(lang l) noexcept;
/// The language of a code from lang_code(); anything else is German, the default.
lang lang_from_code(std::string_view code) noexcept;

/// One sentence for the person behind the client.
std::string_view message(errc e, lang l) noexcept;
/// One sentence for a single form field.
std::string_view message(field_problem p, lang l) noexcept;

}  // namespace seminard::domain
