// The organiser token (see admin_token.hpp).
#include "server/handlers/admin_token.hpp"

#include "storage/store.hpp"

#include <stdexcept>

namespace seminard::server {

namespace {
constexpr std::string_view setting_key = "admin_token_sha256";

std::optional<storage::digest> from_hex(std::string_view hex) {
    storage::digest d{};
    if (hex.size() != d.size() * 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < d.size(); ++i) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        d[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return d;
}
}  // namespace

admin_token_setup setup_admin_token(storage::writer& w, const std::string& configured) {
    if (!configured.empty()) return {storage::sha256(configured), {}, "configured"};
    auto r = w.run<admin_token_setup>([](storage::connection& c) -> domain::result<admin_token_setup> {
        if (auto stored = storage::get_setting(c, setting_key)) {
            if (auto d = from_hex(*stored)) return admin_token_setup{*d, {}, "database"};
        }
        auto token = storage::new_token();
        auto hash = storage::sha256(token);
        storage::put_setting(c, setting_key, storage::to_hex(hash));
        return admin_token_setup{hash, token, "generated"};
    });
    if (!r) throw std::runtime_error("cannot set up the organiser token: " + r.err().detail);
    return r.value();
}

}  // namespace seminard::server
