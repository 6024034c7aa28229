// Tests of IP networks (--trusted-proxy) and of reading the client behind trusted proxies from X-Forwarded-For and
// Forwarded.
#include "server/http/ip_network.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using seminard::server::canonical_address;
using seminard::server::client_behind_proxies;
using seminard::server::ip_network;

TEST_CASE("networks are parsed strictly and match their addresses", "[ip_network]") {
    auto ten = ip_network::parse("10.0.0.0/8");
    REQUIRE(ten);
    CHECK(ten->to_string() == "10.0.0.0/8");
    CHECK(ten->contains("10.1.2.3"));
    CHECK(ten->contains("::ffff:10.1.2.3"));  // a dual-stack socket's mapped IPv4 peer
    CHECK_FALSE(ten->contains("11.0.0.1"));
    CHECK_FALSE(ten->contains("::1"));
    CHECK_FALSE(ten->contains("not an address"));

    auto host = ip_network::parse("127.0.0.1");
    REQUIRE(host);
    CHECK(host->to_string() == "127.0.0.1/32");
    CHECK(host->contains("127.0.0.1"));
    CHECK_FALSE(host->contains("127.0.0.2"));

    auto v6 = ip_network::parse("2001:db8::/32");
    REQUIRE(v6);
    CHECK(v6->contains("2001:db8:ffff::1"));
    CHECK_FALSE(v6->contains("2001:db9::1"));
    CHECK(ip_network::parse("::/0")->contains("::1"));
    CHECK(ip_network::parse("0.0.0.0/0")->contains("192.0.2.1"));

    for (const char* bad : {"",
                            "10.0.0.0/",
                            "10.0.0.0/33",
                            "10.0.0.0/-1",
                            "10.0.0.1/8",
                            "2001:db8::/129",
                            "10.0.0.0/8x",
                            "example.org",
                            "10.0.0",
                            "1.2.3.4/08a",
                            "::ffff:10.0.0.0/95"}) {
        INFO(bad);
        CHECK_FALSE(ip_network::parse(bad));
    }
}

TEST_CASE("addresses are compared in canonical form", "[ip_network]") {
    CHECK(canonical_address("2001:DB8:0:0::1") == "2001:db8::1");
    CHECK(canonical_address("::ffff:192.0.2.1") == "192.0.2.1");
    CHECK(canonical_address("192.0.2.1") == "192.0.2.1");
    CHECK_FALSE(canonical_address("192.0.2.1:80"));
    CHECK_FALSE(canonical_address("unknown"));
}

TEST_CASE("the client is the rightmost hop that is not a trusted proxy", "[ip_network]") {
    const std::vector<ip_network> trusted{*ip_network::parse("127.0.0.1"), *ip_network::parse("10.0.0.0/8")};
    CHECK(client_behind_proxies("127.0.0.1", "198.51.100.7", "", trusted) == "198.51.100.7");
    // Whatever the client wrote on the left is its own claim: the proxy appended the address it saw.
    CHECK(client_behind_proxies("127.0.0.1", "203.0.113.1, 198.51.100.7", "", trusted) == "198.51.100.7");
    // Two trusted proxies in a row (a load balancer, then nginx): the client is behind both.
    CHECK(client_behind_proxies("127.0.0.1", "198.51.100.7, 10.1.1.1", "", trusted) == "198.51.100.7");
    // Only trusted hops: the leftmost is as far as we can see.
    CHECK(client_behind_proxies("127.0.0.1", "10.2.2.2, 10.1.1.1", "", trusted) == "10.2.2.2");
    // No header: the proxy itself.
    CHECK(client_behind_proxies("127.0.0.1", "", "", trusted) == "127.0.0.1");
    // A hop that is no address ends the walk at the last one we can vouch for.
    CHECK(client_behind_proxies("127.0.0.1", "198.51.100.7, garbage", "", trusted) == "127.0.0.1");
    CHECK(client_behind_proxies("127.0.0.1", "198.51.100.7:4711", "", trusted) == "198.51.100.7");
    CHECK(client_behind_proxies("127.0.0.1", "[2001:db8::7]:4711", "", trusted) == "2001:db8::7");
    CHECK(client_behind_proxies("::ffff:127.0.0.1", " 2001:DB8::7 ", "", trusted) == "2001:db8::7");
}

TEST_CASE("Forwarded counts when X-Forwarded-For is absent", "[ip_network]") {
    const std::vector<ip_network> trusted{*ip_network::parse("127.0.0.1")};
    CHECK(client_behind_proxies("127.0.0.1", "", "for=198.51.100.7;proto=https", trusted) == "198.51.100.7");
    CHECK(client_behind_proxies("127.0.0.1", "", R"(for="[2001:db8::5]:4711", for=198.51.100.9)", trusted) ==
          "198.51.100.9");
    CHECK(client_behind_proxies("127.0.0.1", "", "For=198.51.100.7", trusted) == "198.51.100.7");
    CHECK(client_behind_proxies("127.0.0.1", "", "for=_hidden", trusted) == "127.0.0.1");
    CHECK(client_behind_proxies("127.0.0.1", "", "proto=https", trusted) == "127.0.0.1");
    // X-Forwarded-For wins when both are sent.
    CHECK(client_behind_proxies("127.0.0.1", "198.51.100.1", "for=198.51.100.2", trusted) == "198.51.100.1");
}
