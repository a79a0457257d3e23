//! Which addresses a fetch may reach: everything, or only the public internet (with an
//! allowlist), for fetching URLs that strangers give.
//!
//! Policy: under [`AddressPolicy::PublicOnly`] a fetch never connects to a loopback,
//! private, link-local, shared (CGNAT), multicast, reserved or cloud metadata address
//! (see [`AddressClass`]), nor follows a URL whose host is a local name (`localhost`,
//! `*.internal`, … see [`LocalName`]), unless an [`AllowRule`] names it. The check is made
//! where it cannot be dodged: on the URL asked for and on every redirect's target before
//! any request (IP literals, names), and on the addresses a name resolves to, inside the
//! client's DNS resolver, so the address checked is the address connected to (a name
//! that resolves to `127.0.0.1`, at once or only on the second lookup, never reaches it).
//! Under this policy the client uses no proxy, since a proxy would resolve names itself.
//! Entry points: [`AddressPolicy::check_url`] and [`AddressPolicy::check_resolved`]; the
//! fetcher wires them into reqwest (`enforce`).

mod classify;
pub(super) mod enforce;

pub use classify::{AddressClass, LocalName, classify, local_name};

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use url::{Host, Url};

use classify::normalize_name;

/// Which addresses fetches may connect to; [`FetchOptions::address_policy`](super::FetchOptions::address_policy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AddressPolicy {
    /// Any address. The default: the user's own definition files and command lines may
    /// name their own machine and network.
    #[default]
    AllowAll,
    /// Only public addresses, except what `allow` names. For URLs that strangers give
    /// (`serve`'s `/convert`).
    PublicOnly {
        /// Hosts and networks let through all the same (an intranet feed server).
        allow: Vec<AllowRule>,
    },
}

/// One exception to [`AddressPolicy::PublicOnly`]: a host name or a network, on any port
/// or on one.
///
/// Written as text (`FromStr`, `Display`): `feeds.intranet.example`,
/// `feeds.intranet.example:8080`, `10.20.0.0/16`, `10.20.0.5`, `10.20.0.5:8080`, `fd00::/8`,
/// `[fd00::5]:8080`.
///
/// A name rule trusts whatever the name resolves to; with a port, the name may be fetched
/// on that port only. A network rule lets through URLs that name an address in it and,
/// without a port, names that resolve into it; with a port it applies to URLs that name
/// the address itself (the resolver does not see the port, so it cannot check one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowRule {
    /// The host the rule lets through.
    pub host: AllowedHost,
    /// The only port it lets through, or `None` for any.
    pub port: Option<u16>,
}

/// The host part of an [`AllowRule`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AllowedHost {
    /// A host name, lowercase, without a trailing dot; matched exactly (no subdomains).
    Name(String),
    /// A network; one address is a `/32` or `/128`.
    Network(IpNet),
}

/// Why an [`AllowRule`] could not be read from text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allowlist entry `{rule}`: {problem}")]
pub struct AllowRuleError {
    /// The text given.
    pub rule: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Why [`AddressPolicy::PublicOnly`] refused a URL or an address; displays as the end of a
/// sentence (`10.0.0.5 is a private address`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The URL names a non-public address itself.
    #[error("{address} is {class}")]
    Address {
        /// The address in the URL.
        address: IpAddr,
        /// What kind of address it is.
        class: AddressClass,
    },
    /// The URL's host name leads inside by its name alone.
    #[error("`{host}` is {kind}")]
    Name {
        /// The host name.
        host: String,
        /// Why it leads inside.
        kind: LocalName,
    },
    /// The host name resolved to non-public addresses only; this is the first.
    #[error("`{host}` resolves to {address}, {class}")]
    Resolved {
        /// The host name.
        host: String,
        /// The first address it resolved to.
        address: IpAddr,
        /// What kind of address that is.
        class: AddressClass,
    },
    /// The host is allowlisted, but on other ports only.
    #[error(
        "`{host}` is allowlisted on port {} only, not {port}",
        join_ports(allowed)
    )]
    Port {
        /// The host, as in the URL.
        host: String,
        /// The port the URL asks for.
        port: u16,
        /// The ports the allowlist names for it.
        allowed: Vec<u16>,
    },
}

fn join_ports(ports: &[u16]) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    ports.join(", ")
}

impl AddressPolicy {
    /// [`AddressPolicy::PublicOnly`] without exceptions.
    pub fn public_only() -> Self {
        AddressPolicy::PublicOnly { allow: Vec::new() }
    }

    /// Whether the policy lets `url` be requested; checked on the URL asked for and on
    /// every redirect. An address in the URL is judged here; a name only by itself here
    /// (local names), its addresses by [`AddressPolicy::check_resolved`] on connecting.
    pub fn check_url(&self, url: &Url) -> Result<(), Refusal> {
        let AddressPolicy::PublicOnly { allow } = self else {
            return Ok(());
        };
        let port = url.port_or_known_default();
        match url.host() {
            None => Ok(()),
            Some(Host::Ipv4(address)) => check_address(allow, address.into(), port),
            Some(Host::Ipv6(address)) => check_address(allow, address.into(), port),
            Some(Host::Domain(name)) => check_name(allow, name, port),
        }
    }

    /// Whether the policy lets a connection go to `address`, which the name `host`
    /// resolved to. The port is not known here, so only rules without one apply to the
    /// address (a name rule applies whatever its port: [`AddressPolicy::check_url`]
    /// checked that).
    pub fn check_resolved(&self, host: &str, address: IpAddr) -> Result<(), Refusal> {
        let AddressPolicy::PublicOnly { allow } = self else {
            return Ok(());
        };
        let name = normalize_name(host);
        let address = address.to_canonical();
        let named = |rule: &AllowRule| match &rule.host {
            AllowedHost::Name(allowed) => *allowed == name,
            AllowedHost::Network(network) => rule.port.is_none() && network.contains(&address),
        };
        if allow.iter().any(named) {
            return Ok(());
        }
        match classify(address) {
            Some(class) => Err(Refusal::Resolved {
                host: host.to_owned(),
                address,
                class,
            }),
            None => Ok(()),
        }
    }
}

/// A URL naming `address` on `port`. A rule for the address on another port does not
/// make a public address worse, but names the port when the address is refused.
fn check_address(allow: &[AllowRule], address: IpAddr, port: Option<u16>) -> Result<(), Refusal> {
    let canonical = address.to_canonical();
    let rules = allow.iter().filter(|rule| match &rule.host {
        AllowedHost::Network(network) => network.contains(&canonical),
        AllowedHost::Name(_) => false,
    });
    let verdict = rule_verdict(rules, port);
    if verdict == RuleVerdict::Allowed {
        return Ok(());
    }
    let Some(class) = classify(canonical) else {
        return Ok(());
    };
    Err(match (verdict, port) {
        (RuleVerdict::OtherPorts(allowed), Some(port)) => Refusal::Port {
            host: address.to_string(),
            port,
            allowed,
        },
        _ => Refusal::Address { address, class },
    })
}

/// A URL naming host `name` on `port`. A name allowlisted on other ports is refused: the
/// resolver, which does not see the port, trusts what an allowlisted name resolves to.
fn check_name(allow: &[AllowRule], name: &str, port: Option<u16>) -> Result<(), Refusal> {
    let normalized = normalize_name(name);
    let rules = allow
        .iter()
        .filter(|rule| matches!(&rule.host, AllowedHost::Name(allowed) if *allowed == normalized));
    match (rule_verdict(rules, port), port) {
        (RuleVerdict::Allowed, _) => Ok(()),
        (RuleVerdict::OtherPorts(allowed), Some(port)) => Err(Refusal::Port {
            host: name.to_owned(),
            port,
            allowed,
        }),
        _ => match local_name(name) {
            Some(kind) => Err(Refusal::Name {
                host: name.to_owned(),
                kind,
            }),
            None => Ok(()),
        },
    }
}

/// What the rules that name a host say about it on one port.
#[derive(Debug, PartialEq, Eq)]
enum RuleVerdict {
    /// No rule names the host.
    NotNamed,
    /// A rule lets it through on this port (or any).
    Allowed,
    /// Rules name it on these other ports only.
    OtherPorts(Vec<u16>),
}

fn rule_verdict<'a>(rules: impl Iterator<Item = &'a AllowRule>, port: Option<u16>) -> RuleVerdict {
    let mut others = Vec::new();
    for rule in rules {
        match rule.port {
            None => return RuleVerdict::Allowed,
            Some(rule_port) if Some(rule_port) == port => return RuleVerdict::Allowed,
            Some(rule_port) => others.push(rule_port),
        }
    }
    if others.is_empty() {
        RuleVerdict::NotNamed
    } else {
        RuleVerdict::OtherPorts(others)
    }
}

impl AllowRule {
    /// A rule for host `name` on any port; case and a trailing dot do not matter.
    pub fn name(name: &str) -> Self {
        AllowRule {
            host: AllowedHost::Name(normalize_name(name)),
            port: None,
        }
    }

    /// A rule for every address of `network` on any port.
    pub fn network(network: IpNet) -> Self {
        AllowRule {
            host: AllowedHost::Network(network),
            port: None,
        }
    }

    /// The same rule for `port` only.
    pub fn on_port(self, port: u16) -> Self {
        AllowRule {
            port: Some(port),
            ..self
        }
    }
}

impl FromStr for AllowRule {
    type Err = AllowRuleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let problem = |problem| AllowRuleError {
            rule: text.to_owned(),
            problem,
        };
        let trimmed = text.trim();
        // `[v6]:port`, `[v6]`, `v4:port`, `name:port`; a bare IPv6 address or network has
        // several colons and no port.
        let (host, port) = if let Some(rest) = trimmed.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| problem("`[` without `]`"))?;
            match after {
                "" => (host, None),
                _ => (
                    host,
                    Some(
                        after
                            .strip_prefix(':')
                            .ok_or_else(|| problem("expected `:PORT` after `]`"))?,
                    ),
                ),
            }
        } else {
            match trimmed.split_once(':') {
                Some((host, port)) if !port.contains(':') => (host, Some(port)),
                _ => (trimmed, None),
            }
        };
        let port = port
            .map(|port| port.parse::<u16>())
            .transpose()
            .map_err(|_| problem("the port is not a number from 0 to 65535"))?;
        if host.is_empty() {
            return Err(problem("no host"));
        }
        let host = if let Ok(network) = host.parse::<IpNet>() {
            AllowedHost::Network(network.trunc())
        } else if let Ok(address) = host.parse::<IpAddr>() {
            AllowedHost::Network(IpNet::from(address))
        } else if host.contains('/') {
            return Err(problem("not a network (`10.0.0.0/8`, `fd00::/8`)"));
        } else {
            match Host::parse(host).map_err(|_| problem("not a host name or address"))? {
                Host::Domain(name) => AllowedHost::Name(normalize_name(&name)),
                Host::Ipv4(address) => AllowedHost::Network(IpNet::from(IpAddr::from(address))),
                Host::Ipv6(address) => AllowedHost::Network(IpNet::from(IpAddr::from(address))),
            }
        };
        Ok(AllowRule { host, port })
    }
}

impl fmt::Display for AllowRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match &self.host {
            AllowedHost::Name(name) => name.clone(),
            AllowedHost::Network(network) if network.prefix_len() == network.max_prefix_len() => {
                network.addr().to_string()
            }
            AllowedHost::Network(network) => network.to_string(),
        };
        match (self.port, &self.host) {
            (None, _) => f.write_str(&host),
            (Some(port), AllowedHost::Network(IpNet::V6(_))) => write!(f, "[{host}]:{port}"),
            (Some(port), _) => write!(f, "{host}:{port}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL")
    }

    fn rule(text: &str) -> AllowRule {
        text.parse().expect("test rule")
    }

    fn public_only(rules: &[&str]) -> AddressPolicy {
        AddressPolicy::PublicOnly {
            allow: rules.iter().map(|text| rule(text)).collect(),
        }
    }

    #[test]
    fn allow_all_lets_everything_through() {
        let policy = AddressPolicy::default();
        assert_eq!(policy, AddressPolicy::AllowAll);
        assert!(policy.check_url(&url("http://127.0.0.1:8080/")).is_ok());
        assert!(policy.check_url(&url("http://localhost/")).is_ok());
        assert!(
            policy
                .check_resolved("x.example", Ipv4Addr::LOCALHOST.into())
                .is_ok()
        );
    }

    #[test]
    fn public_only_refuses_inside_addresses_in_any_spelling() {
        let policy = AddressPolicy::public_only();
        for text in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://10.0.0.5/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://0.0.0.0/",
            "https://100.64.1.1/",
        ] {
            assert!(
                matches!(policy.check_url(&url(text)), Err(Refusal::Address { .. })),
                "{text}"
            );
        }
        let refusal = policy
            .check_url(&url("http://10.0.0.5/"))
            .expect_err("private");
        assert_eq!(refusal.to_string(), "10.0.0.5 is a private address");
        assert!(policy.check_url(&url("https://93.184.215.14/")).is_ok());
        assert!(policy.check_url(&url("https://[2606:4700::1]/")).is_ok());
    }

    #[test]
    fn public_only_refuses_local_names_and_leaves_the_rest_to_the_resolver() {
        let policy = AddressPolicy::public_only();
        for text in [
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://printer.local/",
            "http://intranet/",
        ] {
            assert!(
                matches!(policy.check_url(&url(text)), Err(Refusal::Name { .. })),
                "{text}"
            );
        }
        assert_eq!(
            policy
                .check_url(&url("http://localhost:8080/"))
                .expect_err("local")
                .to_string(),
            "`localhost` is a name for this machine"
        );
        assert!(policy.check_url(&url("https://feeds.example.org/")).is_ok());
        assert!(
            policy
                .check_resolved("feeds.example.org", Ipv4Addr::new(10, 1, 2, 3).into())
                .is_err()
        );
        assert!(
            policy
                .check_resolved("feeds.example.org", Ipv4Addr::new(93, 184, 215, 14).into())
                .is_ok()
        );
    }

    #[test]
    fn allow_rules_let_named_hosts_and_networks_through() {
        let policy = public_only(&["feeds.intranet.example", "10.20.0.0/16", "127.0.0.1:8080"]);
        assert!(policy.check_url(&url("http://10.20.3.4/")).is_ok());
        assert!(policy.check_url(&url("http://[::ffff:10.20.3.4]/")).is_ok());
        assert!(policy.check_url(&url("http://10.21.0.1/")).is_err());
        assert!(policy.check_url(&url("http://127.0.0.1:8080/feed")).is_ok());
        assert_eq!(
            policy
                .check_url(&url("http://127.0.0.1:9090/"))
                .expect_err("other port")
                .to_string(),
            "`127.0.0.1` is allowlisted on port 8080 only, not 9090"
        );
        assert!(policy.check_url(&url("http://127.0.0.2:8080/")).is_err());
        // Names resolving into an allowed network, and an allowed name's addresses.
        let private = IpAddr::from(Ipv4Addr::new(10, 20, 0, 9));
        assert!(policy.check_resolved("x.example", private).is_ok());
        assert!(
            policy
                .check_resolved(
                    "FEEDS.intranet.example.",
                    Ipv4Addr::new(192, 168, 1, 1).into()
                )
                .is_ok()
        );
        // A network rule with a port cannot vouch for a name: the resolver sees no port.
        assert!(
            policy
                .check_resolved("x.example", Ipv4Addr::LOCALHOST.into())
                .is_err()
        );
    }

    #[test]
    fn a_name_allowed_on_one_port_is_refused_on_the_others() {
        let policy = public_only(&["localhost:8080"]);
        assert!(policy.check_url(&url("http://localhost:8080/")).is_ok());
        assert!(matches!(
            policy.check_url(&url("http://localhost/")),
            Err(Refusal::Port { port: 80, .. })
        ));
    }

    #[test]
    fn allow_rules_read_and_write_as_text() {
        for (text, expected) in [
            (
                "feeds.intranet.example",
                AllowRule::name("feeds.intranet.example"),
            ),
            ("Feeds.Example.", AllowRule::name("feeds.example")),
            (
                "feeds.example:8080",
                AllowRule::name("feeds.example").on_port(8080),
            ),
            (
                "10.20.0.0/16",
                AllowRule::network("10.20.0.0/16".parse().expect("net")),
            ),
            (
                "10.20.0.7/16",
                AllowRule::network("10.20.0.0/16".parse().expect("net")),
            ),
            (
                "10.0.0.5",
                AllowRule::network("10.0.0.5/32".parse().expect("net")),
            ),
            (
                "10.0.0.5:8080",
                AllowRule::network("10.0.0.5/32".parse().expect("net")).on_port(8080),
            ),
            (
                "fd00::/8",
                AllowRule::network("fd00::/8".parse().expect("net")),
            ),
            (
                "[fd00::5]:8080",
                AllowRule::network("fd00::5/128".parse().expect("net")).on_port(8080),
            ),
        ] {
            assert_eq!(rule(text), expected, "{text}");
        }
        for text in [
            "feeds.example:8080",
            "10.20.0.0/16",
            "10.0.0.5",
            "[fd00::5]:8080",
            "fd00::/8",
        ] {
            assert_eq!(rule(text).to_string(), text);
        }
        for text in [
            "",
            ":80",
            "host:port",
            "host:70000",
            "[fd00::1",
            "10.0.0.0/33",
            "a b",
        ] {
            let err = text.parse::<AllowRule>().expect_err("not a rule");
            assert!(
                err.to_string()
                    .starts_with(&format!("allowlist entry `{text}`: ")),
                "{err}"
            );
        }
    }
}
