// The few markup builders every page renderer shares: each appends to one string and escapes every value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seminard::server::markup {

/// Appends ` name="value"` with the value escaped.
void attribute(std::string& out, std::string_view name, std::string_view value);
/// Appends `<tag class="…">text</tag>` with the text escaped; no class attribute when `cls` is empty.
void element(std::string& out, std::string_view tag, std::string_view cls, std::string_view text);
/// Appends `<a href="…">text</a>`.
void link(std::string& out, std::string_view href, std::string_view text, std::string_view cls = {});
/// Appends the lines escaped and separated by `<br>`.
void lines(std::string& out, const std::vector<std::string>& ls);
/// Appends one `<dt>`/`<dd>` pair of a fact list; nothing when the value is empty.
void fact(std::string& out, std::string_view term, std::string_view value);

}  // namespace seminard::server::markup
