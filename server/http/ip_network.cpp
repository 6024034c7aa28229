// IP networks and forwarded client addresses (see ip_network.hpp).
#include "server/http/ip_network.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace seminard::server {

namespace {

constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// The address part of a hop: "192.0.2.1", "192.0.2.1:4711", "[2001:db8::1]:4711", "2001:db8::1", or with the
/// quotes Forwarded uses.
std::string_view host_of(std::string_view hop) {
    hop = trim(hop);
    if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"') hop = hop.substr(1, hop.size() - 2);
    if (!hop.empty() && hop.front() == '[') {
        const auto close = hop.find(']');
        return close == std::string_view::npos ? std::string_view{} : hop.substr(1, close - 1);
    }
    if (std::count(hop.begin(), hop.end(), ':') == 1) return hop.substr(0, hop.find(':'));
    return hop;
}

/// The hops of X-Forwarded-For ("a, b, c"), or the for= values of Forwarded ("for=a;proto=https, for=b").
std::vector<std::string_view> hops_of(std::string_view x_forwarded_for, std::string_view forwarded) {
    std::vector<std::string_view> hops;
    const bool use_forwarded = trim(x_forwarded_for).empty();
    std::string_view list = use_forwarded ? forwarded : x_forwarded_for;
    while (!list.empty()) {
        const auto comma = list.find(',');
        auto element = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (!use_forwarded) {
            hops.push_back(element);
            continue;
        }
        std::string_view value;  // an element without for= still counts as a hop nobody can vouch for
        while (!element.empty()) {
            const auto semi = element.find(';');
            const auto pair = trim(element.substr(0, semi));
            element = semi == std::string_view::npos ? std::string_view{} : element.substr(semi + 1);
            if (pair.size() > 4 && (pair[0] == 'f' || pair[0] == 'F') && (pair[1] == 'o' || pair[1] == 'O') &&
                (pair[2] == 'r' || pair[2] == 'R') && pair[3] == '=')
                value = pair.substr(4);
        }
        hops.push_back(value);
    }
    return hops;
}

}  // namespace

std::optional<ip_address> parse_ip(std::string_view text) {
    // A zone index ("fe80::1%eth0") is not part of the address.
    text = text.substr(0, text.find('%'));
    // inet_pton wants a terminated string; no address is longer than this.
    constexpr std::size_t longest = 45;
    if (text.empty() || text.size() > longest) return std::nullopt;
    char buf[longest + 1];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    ip_address a;
    if (::inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
        a.v4 = true;
        return a;
    }
    if (::inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
    if (std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), a.bytes.begin())) {
        std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
        std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
        a.v4 = true;
    }
    return a;
}

std::optional<ip_network> ip_network::parse(std::string_view cidr) {
    const auto slash = cidr.find('/');
    auto address = parse_ip(cidr.substr(0, slash));
    if (!address) return std::nullopt;
    const int bits = address->v4 ? 32 : 128;
    int prefix = bits;
    if (slash != std::string_view::npos) {
        const auto digits = cidr.substr(slash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || prefix < 0 || prefix > bits)
            return std::nullopt;
        // A mapped IPv4 address written as IPv6 keeps its prefix relative to the IPv6 bits.
        if (address->v4 && cidr.find(':') != std::string_view::npos) {
            if (prefix < 96) return std::nullopt;
            prefix -= 96;
        }
    }
    for (int i = prefix; i < bits; ++i)
        if (address->bytes[static_cast<std::size_t>(i / 8)] & (0x80 >> (i % 8))) return std::nullopt;
    ip_network n;
    n.bytes_ = address->bytes;
    n.prefix_ = prefix;
    n.v4_ = address->v4;
    return n;
}

bool ip_network::contains(std::string_view address) const noexcept {
    const auto a = parse_ip(address);
    if (!a || a->v4 != v4_) return false;
    for (int i = 0; i < prefix_; ++i) {
        const auto byte = static_cast<std::size_t>(i / 8);
        const auto mask = static_cast<std::uint8_t>(0x80 >> (i % 8));
        if ((a->bytes[byte] & mask) != (bytes_[byte] & mask)) return false;
    }
    return true;
}

std::string ip_network::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    ::inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
    return std::string{buf} + "/" + std::to_string(prefix_);
}

bool contains_any(const std::vector<ip_network>& networks, std::string_view address) noexcept {
    return std::any_of(networks.begin(), networks.end(), [&](const ip_network& n) { return n.contains(address); });
}

std::optional<std::string> canonical_address(std::string_view text) {
    const auto a = parse_ip(text);
    if (!a) return std::nullopt;
    char buf[INET6_ADDRSTRLEN];
    ::inet_ntop(a->v4 ? AF_INET : AF_INET6, a->bytes.data(), buf, sizeof buf);
    return std::string{buf};
}

std::string client_behind_proxies(std::string_view peer,
                                  std::string_view x_forwarded_for,
                                  std::string_view forwarded,
                                  const std::vector<ip_network>& trusted) {
    std::string client = canonical_address(peer).value_or(std::string{peer});
    const auto hops = hops_of(x_forwarded_for, forwarded);
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        const auto address = canonical_address(host_of(*it));
        if (!address) break;
        client = *address;
        if (!contains_any(trusted, client)) break;
    }
    return client;
}

}  // namespace seminard::server
