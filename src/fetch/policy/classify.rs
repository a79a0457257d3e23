//! Tells addresses and host names that lead inside (this machine, the local network, a
//! cloud's metadata service) from public ones.
//!
//! Policy: an address is public unless a range of the IANA special-purpose registries (or a
//! cloud's well-known metadata address) holds it; IPv6 outside global unicast (`2000::/3`)
//! is reserved. IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`, compatible
//! `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that address.
//! Entry points: [`classify`] for addresses, [`local_name`] for host names.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

/// What kind of non-public address an address is; displays as a noun phrase
/// (`a loopback address`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressClass {
    /// `0.0.0.0/8` ("this network") and `::`.
    Unspecified,
    /// `127.0.0.0/8` and `::1`: this machine.
    Loopback,
    /// `10/8`, `172.16/12`, `192.168/16`, unique local `fc00::/7`, site-local `fec0::/10`.
    Private,
    /// `100.64.0.0/10`, carrier-grade NAT.
    Shared,
    /// `169.254.0.0/16` and `fe80::/10`.
    LinkLocal,
    /// A cloud's instance metadata service: `169.254.169.254`, `fd00:ec2::254`,
    /// `100.100.100.200`, `168.63.129.16`.
    CloudMetadata,
    /// `224.0.0.0/4` and `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// `198.18.0.0/15` and `2001:2::/48`.
    Benchmarking,
    /// Any other special-purpose or unallocated range: `240/4`, `192.0.0/24`,
    /// `192.88.99/24`, `2001::/23` (Teredo among them), `100::/64`, IPv6 outside
    /// `2000::/3`.
    Reserved,
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressClass::Unspecified => "an unspecified address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private address",
            AddressClass::Shared => "a shared (carrier-grade NAT) address",
            AddressClass::LinkLocal => "a link-local address",
            AddressClass::CloudMetadata => "a cloud metadata address",
            AddressClass::Multicast => "a multicast address",
            AddressClass::Broadcast => "the broadcast address",
            AddressClass::Documentation => "a documentation address",
            AddressClass::Benchmarking => "a benchmarking address",
            AddressClass::Reserved => "a reserved address",
        })
    }
}

/// Why a host name is taken to lead inside; displays as a noun phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LocalName {
    /// `localhost` and `*.localhost` (RFC 6761).
    ThisMachine,
    /// A cloud metadata service's name: `metadata.google.internal`, `metadata.goog`,
    /// `instance-data`.
    CloudMetadata,
    /// A name under a suffix kept for local networks: `.local`, `.internal`,
    /// `.home.arpa`, `.localdomain`, `.lan`.
    LocalNetwork,
    /// A name of one label (`intranet`), completed by the local search domains.
    SingleLabel,
}

impl fmt::Display for LocalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LocalName::ThisMachine => "a name for this machine",
            LocalName::CloudMetadata => "a cloud metadata service's name",
            LocalName::LocalNetwork => "a name on a local network",
            LocalName::SingleLabel => "a single-label name (completed by the local search domains)",
        })
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix_len: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix_len)
}

const fn v6(segments: [u16; 8], prefix_len: u8) -> Ipv6Net {
    let [a, b, c, d, e, f, g, h] = segments;
    Ipv6Net::new_assert(Ipv6Addr::new(a, b, c, d, e, f, g, h), prefix_len)
}

/// IPv4 ranges that are not public; the first that holds an address names its class.
const V4_RANGES: &[(Ipv4Net, AddressClass)] = &[
    (v4(169, 254, 169, 254, 32), AddressClass::CloudMetadata),
    (v4(100, 100, 100, 200, 32), AddressClass::CloudMetadata),
    (v4(168, 63, 129, 16, 32), AddressClass::CloudMetadata),
    (v4(0, 0, 0, 0, 8), AddressClass::Unspecified),
    (v4(127, 0, 0, 0, 8), AddressClass::Loopback),
    (v4(10, 0, 0, 0, 8), AddressClass::Private),
    (v4(172, 16, 0, 0, 12), AddressClass::Private),
    (v4(192, 168, 0, 0, 16), AddressClass::Private),
    (v4(100, 64, 0, 0, 10), AddressClass::Shared),
    (v4(169, 254, 0, 0, 16), AddressClass::LinkLocal),
    (v4(192, 0, 0, 0, 24), AddressClass::Reserved),
    (v4(192, 0, 2, 0, 24), AddressClass::Documentation),
    (v4(198, 51, 100, 0, 24), AddressClass::Documentation),
    (v4(203, 0, 113, 0, 24), AddressClass::Documentation),
    (v4(198, 18, 0, 0, 15), AddressClass::Benchmarking),
    (v4(192, 88, 99, 0, 24), AddressClass::Reserved),
    (v4(224, 0, 0, 0, 4), AddressClass::Multicast),
    (v4(255, 255, 255, 255, 32), AddressClass::Broadcast),
    (v4(240, 0, 0, 0, 4), AddressClass::Reserved),
];

/// IPv6 ranges that are not public, after the IPv4-carrying forms are unwrapped.
const V6_RANGES: &[(Ipv6Net, AddressClass)] = &[
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 128), AddressClass::Unspecified),
    (v6([0, 0, 0, 0, 0, 0, 0, 1], 128), AddressClass::Loopback),
    (
        v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254], 128),
        AddressClass::CloudMetadata,
    ),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), AddressClass::Private),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), AddressClass::Private),
    (
        v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),
        AddressClass::LinkLocal,
    ),
    (
        v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8),
        AddressClass::Multicast,
    ),
    (
        v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32),
        AddressClass::Documentation,
    ),
    (
        v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20),
        AddressClass::Documentation,
    ),
    (
        v6([0x2001, 0x2, 0, 0, 0, 0, 0, 0], 48),
        AddressClass::Benchmarking,
    ),
    (
        v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23),
        AddressClass::Reserved,
    ),
];

/// Global unicast: every public IPv6 address is in it.
const V6_GLOBAL_UNICAST: Ipv6Net = v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3);
/// IPv4-compatible (deprecated) `::a.b.c.d`.
const V6_COMPATIBLE: Ipv6Net = v6([0, 0, 0, 0, 0, 0, 0, 0], 96);
/// IPv4-translated (SIIT) `::ffff:0:a.b.c.d`.
const V6_TRANSLATED: Ipv6Net = v6([0, 0, 0, 0, 0xffff, 0, 0, 0], 96);
/// The NAT64 well-known prefix `64:ff9b::/96`.
const V6_NAT64: Ipv6Net = v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96);
/// 6to4 `2002:AABB:CCDD::/48` carries `AA.BB.CC.DD`.
const V6_6TO4: Ipv6Net = v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16);

/// The class of `address` when it is not public; `None` for a public address.
pub fn classify(address: IpAddr) -> Option<AddressClass> {
    match address {
        IpAddr::V4(address) => classify_v4(address),
        IpAddr::V6(address) => classify_v6(address),
    }
}

fn classify_v4(address: Ipv4Addr) -> Option<AddressClass> {
    V4_RANGES
        .iter()
        .find(|(range, _)| range.contains(&address))
        .map(|(_, class)| *class)
}

fn classify_v6(address: Ipv6Addr) -> Option<AddressClass> {
    if let Some(class) = V6_RANGES[..2]
        .iter()
        .find(|(range, _)| range.contains(&address))
    {
        return Some(class.1);
    }
    if let Some(embedded) = embedded_v4(address) {
        let class = classify_v4(embedded);
        // `::8.8.8.8` is public only in name: the compatible form is deprecated, and
        // nothing routes it.
        return if class.is_none() && V6_COMPATIBLE.contains(&address) {
            Some(AddressClass::Reserved)
        } else {
            class
        };
    }
    V6_RANGES
        .iter()
        .find(|(range, _)| range.contains(&address))
        .map(|(_, class)| *class)
        .or_else(|| (!V6_GLOBAL_UNICAST.contains(&address)).then_some(AddressClass::Reserved))
}

/// The IPv4 address an IPv6 address carries, in the forms that reach it: mapped,
/// compatible, translated, NAT64 and 6to4.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(mapped) = address.to_ipv4_mapped() {
        return Some(mapped);
    }
    let octets = address.octets();
    let last_four = || Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    if [V6_COMPATIBLE, V6_TRANSLATED, V6_NAT64]
        .iter()
        .any(|range| range.contains(&address))
    {
        Some(last_four())
    } else if V6_6TO4.contains(&address) {
        Some(Ipv4Addr::new(octets[2], octets[3], octets[4], octets[5]))
    } else {
        None
    }
}

/// Suffixes of names kept for local networks (`.internal` holds
/// `metadata.google.internal`).
const LOCAL_SUFFIXES: &[&str] = &["local", "internal", "home.arpa", "localdomain", "lan"];

/// Cloud metadata services' own names.
const METADATA_NAMES: &[&str] = &[
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Why `host` (a host name, not an address) leads inside, if it does. Case and a trailing
/// dot do not matter.
pub fn local_name(host: &str) -> Option<LocalName> {
    let host = normalize_name(host);
    let is_under = |suffix: &str| {
        host == suffix
            || host
                .strip_suffix(suffix)
                .is_some_and(|rest| rest.ends_with('.'))
    };
    if is_under("localhost") {
        Some(LocalName::ThisMachine)
    } else if METADATA_NAMES.contains(&host.as_str()) {
        Some(LocalName::CloudMetadata)
    } else if LOCAL_SUFFIXES.iter().any(|suffix| is_under(suffix)) {
        Some(LocalName::LocalNetwork)
    } else if !host.contains('.') {
        Some(LocalName::SingleLabel)
    } else {
        None
    }
}

/// A host name as compared: lowercase, without a trailing dot.
pub(super) fn normalize_name(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(address: &str) -> Option<AddressClass> {
        classify(address.parse().expect("test address"))
    }

    #[test]
    fn addresses_are_classified_by_the_special_purpose_ranges() {
        use AddressClass::*;
        let table: &[(&str, Option<AddressClass>)] = &[
            // Public.
            ("8.8.8.8", None),
            ("1.1.1.1", None),
            ("93.184.215.14", None),
            ("2606:4700:4700::1111", None),
            ("2001:4860:4860::8888", None),
            // Edges of the private ranges.
            ("9.255.255.255", None),
            ("10.0.0.0", Some(Private)),
            ("10.255.255.255", Some(Private)),
            ("11.0.0.0", None),
            ("172.15.255.255", None),
            ("172.16.0.0", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("172.32.0.0", None),
            ("192.167.255.255", None),
            ("192.168.0.1", Some(Private)),
            ("192.169.0.0", None),
            ("fc00::1", Some(Private)),
            ("fd12:3456::1", Some(Private)),
            ("fec0::1", Some(Private)),
            // This machine and nowhere.
            ("127.0.0.1", Some(Loopback)),
            ("127.255.255.254", Some(Loopback)),
            ("::1", Some(Loopback)),
            ("0.0.0.0", Some(Unspecified)),
            ("0.1.2.3", Some(Unspecified)),
            ("::", Some(Unspecified)),
            // Link-local and metadata.
            ("169.254.0.1", Some(LinkLocal)),
            ("169.254.169.254", Some(CloudMetadata)),
            ("fd00:ec2::254", Some(CloudMetadata)),
            ("100.100.100.200", Some(CloudMetadata)),
            ("168.63.129.16", Some(CloudMetadata)),
            ("fe80::1", Some(LinkLocal)),
            ("febf::1", Some(LinkLocal)),
            // Carrier-grade NAT.
            ("100.63.255.255", None),
            ("100.64.0.0", Some(Shared)),
            ("100.127.255.255", Some(Shared)),
            ("100.128.0.0", None),
            // Multicast, broadcast, reserved.
            ("224.0.0.1", Some(Multicast)),
            ("239.255.255.250", Some(Multicast)),
            ("ff02::1", Some(Multicast)),
            ("255.255.255.255", Some(Broadcast)),
            ("240.0.0.1", Some(Reserved)),
            ("192.0.0.8", Some(Reserved)),
            ("192.88.99.1", Some(Reserved)),
            ("2001::1", Some(Reserved)),
            ("100::1", Some(Reserved)),
            ("4000::1", Some(Reserved)),
            // Documentation and benchmarking.
            ("192.0.2.1", Some(Documentation)),
            ("198.51.100.7", Some(Documentation)),
            ("203.0.113.255", Some(Documentation)),
            ("2001:db8::1", Some(Documentation)),
            ("3fff::1", Some(Documentation)),
            ("198.18.0.1", Some(Benchmarking)),
            ("198.19.255.255", Some(Benchmarking)),
            ("198.20.0.0", None),
            ("2001:2::1", Some(Benchmarking)),
        ];
        for (address, expected) in table {
            assert_eq!(class_of(address), *expected, "{address}");
        }
    }

    #[test]
    fn ipv6_forms_carrying_an_ipv4_address_are_judged_by_it() {
        use AddressClass::*;
        let table: &[(&str, Option<AddressClass>)] = &[
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:7f00:1", Some(Loopback)),
            ("::ffff:10.1.2.3", Some(Private)),
            ("::ffff:169.254.169.254", Some(CloudMetadata)),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some(Loopback)),
            ("::10.0.0.1", Some(Private)),
            // Compatible but public: deprecated, so still refused.
            ("::8.8.8.8", Some(Reserved)),
            ("::ffff:0:127.0.0.1", Some(Loopback)),
            ("64:ff9b::127.0.0.1", Some(Loopback)),
            ("64:ff9b::c0a8:101", Some(Private)),
            ("64:ff9b::8.8.8.8", None),
            ("2002:7f00:1::", Some(Loopback)),
            ("2002:a9fe:a9fe::1", Some(CloudMetadata)),
            ("2002:808:808::1", None),
        ];
        for (address, expected) in table {
            assert_eq!(class_of(address), *expected, "{address}");
        }
    }

    #[test]
    fn names_that_lead_inside_are_recognised() {
        use LocalName::*;
        let table: &[(&str, Option<LocalName>)] = &[
            ("localhost", Some(ThisMachine)),
            ("LOCALHOST.", Some(ThisMachine)),
            ("app.localhost", Some(ThisMachine)),
            ("metadata.google.internal", Some(CloudMetadata)),
            ("metadata.google.internal.", Some(CloudMetadata)),
            ("metadata", Some(CloudMetadata)),
            ("printer.local", Some(LocalNetwork)),
            ("db.corp.internal", Some(LocalNetwork)),
            ("router.home.arpa", Some(LocalNetwork)),
            ("intranet", Some(SingleLabel)),
            ("example.org", None),
            ("feeds.example.com.", None),
            // A suffix is a whole label.
            ("notlocalhost.example", None),
            ("mylocal", Some(SingleLabel)),
            ("example.international", None),
        ];
        for (host, expected) in table {
            assert_eq!(local_name(host), *expected, "{host}");
        }
    }

    #[test]
    fn classes_read_as_noun_phrases() {
        assert_eq!(AddressClass::Private.to_string(), "a private address");
        assert_eq!(
            LocalName::ThisMachine.to_string(),
            "a name for this machine"
        );
    }
}
