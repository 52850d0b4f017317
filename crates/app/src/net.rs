//! Who is on the other end: the client address of a request, taking `X-Forwarded-For` into
//! account only when the connection comes from a proxy the operator named (`--trusted-proxy`).
//! Without that rule every user behind a load balancer would share its address (and one user's
//! failed logins would lock out all), or anyone could claim any address by sending the header.

use std::net::IpAddr;
use std::str::FromStr;

/// An address or a network of addresses (`10.0.0.0/8`, `::1`, `192.168.1.10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let bad = || format!("“{s}”不是有效的地址或网段（例：10.0.0.0/8、127.0.0.1、::1）");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        Ok(Cidr { addr, prefix })
    }
}

/// A web origin a browser may call the API from (`--cors-origin`): `scheme://host[:port]`,
/// exactly as a browser sends it in its `Origin` header (lower-case, no path, no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Origin {
    type Err = String;

    fn from_str(s: &str) -> Result<Origin, String> {
        let s = s.trim();
        let bad = |why: &str| format!("“{s}”不是有效的来源（{why}；例：https://app.example.org、http://localhost:3000）");
        let (scheme, rest) = s.split_once("://").ok_or_else(|| bad("应以 http:// 或 https:// 开头"))?;
        if scheme != "http" && scheme != "https" {
            return Err(bad("应以 http:// 或 https:// 开头"));
        }
        if rest.contains(['/', '?', '#', '@', '*']) {
            return Err(bad("只写协议、主机和端口，不带路径、斜杠或通配符"));
        }
        let port = if let Some(bracketed) = rest.strip_prefix('[') {
            // An IPv6 address: [::1] or [::1]:8443.
            let (v6, tail) = bracketed.split_once(']').ok_or_else(|| bad("IPv6 地址应写在方括号内"))?;
            if v6.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(bad("IPv6 地址无效"));
            }
            match tail {
                "" => None,
                t => Some(t.strip_prefix(':').ok_or_else(|| bad("端口应写在冒号后"))?),
            }
        } else {
            let (host, port) = match rest.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (rest, None),
            };
            if host.is_empty() || !host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.') {
                return Err(bad("主机名只能含小写字母、数字、“-”和“.”"));
            }
            port
        };
        if let Some(p) = port
            && !p.parse::<u16>().is_ok_and(|p| p > 0)
        {
            return Err(bad("端口应为 1–65535"));
        }
        Ok(Origin(s.to_string()))
    }
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:1.2.3.4`) are IPv4 addresses.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The client's address: the peer itself, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` (read from the right) that is not itself a trusted proxy. A
/// header that cannot be read leaves the peer's address.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[Cidr]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    // Several headers are one list, in order.
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>().map(canonical) else { return client };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn a_forwarded_header_from_an_untrusted_peer_is_ignored() {
        assert_eq!(client_address(ip("203.0.113.9"), &["1.2.3.4"], &nets(&["10.0.0.0/8"])), ip("203.0.113.9"));
        assert_eq!(client_address(ip("10.0.0.2"), &["1.2.3.4"], &[]), ip("10.0.0.2"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1"]);
        assert_eq!(client_address(ip("10.0.0.2"), &["198.51.100.7"], &trusted), ip("198.51.100.7"));
        // A client that sends its own header cannot choose its address: the proxy appends the real one.
        assert_eq!(client_address(ip("10.0.0.2"), &["6.6.6.6, 198.51.100.7"], &trusted), ip("198.51.100.7"));
        // Two proxies in a row.
        assert_eq!(client_address(ip("127.0.0.1"), &["198.51.100.7, 10.1.1.1"], &trusted), ip("198.51.100.7"));
        assert_eq!(client_address(ip("127.0.0.1"), &["198.51.100.7", "10.1.1.1"], &trusted), ip("198.51.100.7"));
        // No header, or garbage: the proxy's own address.
        assert_eq!(client_address(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), &["not-an-address"], &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn networks_parse_and_match_both_families() {
        let v4: Cidr = "192.168.0.0/16".parse().unwrap();
        assert!(v4.contains(ip("192.168.3.4")));
        assert!(v4.contains(ip("::ffff:192.168.3.4")));
        assert!(!v4.contains(ip("192.169.0.1")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")));
        assert!(!v6.contains(ip("fe80::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        for bad in ["", "10.0.0.0/33", "::1/129", "10.0.0/8", "abc", "10.0.0.0/-1"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn origins_are_scheme_host_and_port_as_a_browser_sends_them() {
        for good in ["https://app.example.org", "http://localhost:3000", "http://127.0.0.1:8080", "https://[::1]:8443", "http://[::1]"] {
            assert_eq!(good.parse::<Origin>().map(|o| o.as_str().to_string()), Ok(good.to_string()));
        }
        for bad in [
            "",
            "app.example.org",
            "ftp://x.org",
            "https://x.org/",
            "https://x.org/app",
            "https://*.x.org",
            "*",
            "https://X.org",
            "http://x.org:0",
            "http://x.org:99999",
            "https://",
            "https://[zz]",
        ] {
            let e = bad.parse::<Origin>().expect_err(bad);
            assert!(e.contains("来源"), "{e}");
        }
    }
}
