// The one way domain rules collect per-field problems and check free text; shared by the rules' sources only.
#pragma once

#include "limits.hpp"
#include "result.hpp"
#include "text.hpp"

#include <map>
#include <string>
#include <string_view>

namespace seminard::domain {

/// Collects field problems; the first problem per field wins.
class field_checker {
public:
    void add(const std::string& field, field_problem p) { fields_.emplace(field, p); }
    bool ok() const { return fields_.empty(); }
    bool has(const std::string& field) const { return fields_.count(field) != 0; }
    /// Adds every problem of `e` (a failure of a nested rule) to these.
    void merge(const error& e) { fields_.insert(e.fields.begin(), e.fields.end()); }
    error failure() && {
        error e{errc::invalid_fields};
        e.fields = std::move(fields_);
        return e;
    }

    /// Trims, then checks required-ness, UTF-8, control characters and length. Returns the trimmed text.
    std::string text(
        const std::string& field, std::string_view raw, std::size_t max_len, bool required, bool multiline = false) {
        if (!valid_utf8(raw)) {
            add(field, field_problem::invalid_format);
            return {};
        }
        auto v = trim(raw);
        if (v.empty()) {
            if (required) add(field, field_problem::required);
            return v;
        }
        if (has_control_chars(v, multiline))
            add(field, field_problem::invalid_format);
        else if (utf8_length(v) > max_len)
            add(field, field_problem::too_long);
        return v;
    }

    std::string email(const std::string& field, std::string_view raw, bool required) {
        auto v = text(field, raw, limits::email, required);
        if (!v.empty() && !has(field) && !plausible_email(v)) add(field, field_problem::invalid_email);
        return v;
    }

private:
    std::map<std::string, field_problem> fields_;
};

}  // namespace seminard::domain
