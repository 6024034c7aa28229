// IP networks for the configuration: which peers are trusted proxies, and parsing client addresses from the
// X-Forwarded-For and Forwarded headers they send. Pure functions; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::server {

/// An IP address as bytes: IPv4 in the first four. IPv4-mapped IPv6 addresses come out as IPv4.
struct ip_address {
    std::array<std::uint8_t, 16> bytes{};
    bool v4 = false;
};
/// IPv4 or IPv6 text ("192.0.2.1", "2001:db8::1", "fe80::1%eth0" without its zone index); nullopt for anything
/// else.
std::optional<ip_address> parse_ip(std::string_view text);

/// An IPv4 or IPv6 network: "10.0.0.0/8", "2001:db8::/32", or one address ("127.0.0.1" is /32). IPv4-mapped IPv6
/// addresses ("::ffff:10.1.2.3") count as their IPv4 address, so a dual-stack socket's peers match IPv4 networks.
/// A plain value.
class ip_network {
public:
    /// nullopt for anything that is not an address with an optional prefix length within its family's bits, or whose
    /// address has bits set beyond the prefix ("10.0.0.1/8": probably a typo for a host).
    static std::optional<ip_network> parse(std::string_view cidr);

    bool contains(std::string_view address) const noexcept;
    /// "10.0.0.0/8", as it would be parsed again.
    std::string to_string() const;

private:
    std::array<std::uint8_t, 16> bytes_{};
    int prefix_ = 0;
    bool v4_ = false;
};

/// Whether any of `networks` contains `address`.
bool contains_any(const std::vector<ip_network>& networks, std::string_view address) noexcept;

/// The address in canonical text form ("2001:db8::1", "192.0.2.1"; an IPv4-mapped IPv6 address as its IPv4 form),
/// or nullopt when `text` is no IP address.
std::optional<std::string> canonical_address(std::string_view text);

/// The client behind trusted proxies: the rightmost address of the hops in `forwarded_for` (X-Forwarded-For, or
/// else the for= parameters of Forwarded) that is not itself a trusted proxy. Hops are read from the right because
/// only the entries our proxies appended can be trusted; what the client wrote to the left is its own claim. A hop
/// that is no IP address (obfuscated, "unknown", garbage) ends the walk: the last trusted hop counts as the client.
/// `peer` is the socket's peer, already known to be a trusted proxy. Returns the client address, canonical.
std::string client_behind_proxies(std::string_view peer,
                                  std::string_view x_forwarded_for,
                                  std::string_view forwarded,
                                  const std::vector<ip_network>& trusted);

}  // namespace seminard::server
