// Markup builders (see markup.hpp).
#include "server/web/markup.hpp"

#include "server/web/html.hpp"

namespace seminard::server::markup {

void attribute(std::string& out, std::string_view name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    html::append_attr(out, value);
    out += '"';
}

void element(std::string& out, std::string_view tag, std::string_view cls, std::string_view text) {
    out += '<';
    out += tag;
    if (!cls.empty()) attribute(out, "class", cls);
    out += '>';
    html::append_text(out, text);
    out += "</";
    out += tag;
    out += '>';
}

void link(std::string& out, std::string_view href, std::string_view text, std::string_view cls) {
    out += "<a";
    if (!cls.empty()) attribute(out, "class", cls);
    attribute(out, "href", href);
    out += '>';
    html::append_text(out, text);
    out += "</a>";
}

void lines(std::string& out, const std::vector<std::string>& ls) {
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (i) out += "<br>";
        html::append_text(out, ls[i]);
    }
}

void fact(std::string& out, std::string_view term, std::string_view value) {
    if (value.empty()) return;
    element(out, "dt", {}, term);
    element(out, "dd", {}, value);
}

}  // namespace seminard::server::markup
