// Building answers (see responses.hpp).
#include "server/http/responses.hpp"

#include "server/http/form.hpp"
#include "server/http/json_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace seminard::server {

http_response json_response(int status, const nlohmann::json& body) {
    http_response res;
    res.status = status;
    res.set("Content-Type", "application/json; charset=utf-8");
    res.body = json_text(body);
    return res;
}

http_response error_response(const domain::error& e, domain::lang lang) {
    auto info = domain::describe(e.code);
    nlohmann::json body{{"error", info.code}, {"message", domain::message(e.code, lang)}};
    if (!e.fields.empty()) {
        auto fields = nlohmann::json::object();
        for (const auto& [name, problem] : e.fields)
            fields[name] = {{"code", domain::to_string(problem)}, {"message", domain::message(problem, lang)}};
        body["fields"] = std::move(fields);
    }
    if (e.seats_left) body["seats_left"] = *e.seats_left;
    auto res = json_response(info.http_status, body);
    res.set("Cache-Control", "no-store");
    return res;
}

domain::lang negotiate_language(const http_request& req) {
    if (auto q = query_param(req.query, "lang")) {
        if (*q == "en") return domain::lang::en;
        if (*q == "de") return domain::lang::de;
    }
    // Accept-Language: "en-US,en;q=0.9,de;q=0.8". The highest q among de* and en* wins; ties go to German.
    double best_de = -1, best_en = -1;
    std::string_view header = req.header("Accept-Language");
    while (!header.empty()) {
        auto comma = header.find(',');
        auto item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        auto semi = item.find(';');
        auto tag = item.substr(0, semi);
        double q = 1.0;
        if (semi != std::string_view::npos) {
            auto params = item.substr(semi + 1);
            auto qpos = params.find("q=");
            if (qpos != std::string_view::npos) q = std::atof(std::string{params.substr(qpos + 2)}.c_str());
        }
        auto primary = tag.substr(0, tag.find('-'));
        while (!primary.empty() && primary.back() == ' ') primary.remove_suffix(1);
        if (iequals(primary, "de") && q > best_de) best_de = q;
        if (iequals(primary, "en") && q > best_en) best_en = q;
    }
    return best_en > best_de && best_en > 0 ? domain::lang::en : domain::lang::de;
}

}  // namespace seminard::server
