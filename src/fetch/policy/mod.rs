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
mod rule;

pub use classify::{AddressClass, LocalName, classify, local_name};
pub use rule::{AllowRule, AllowRuleError, AllowedHost};

use std::net::IpAddr;

use url::{Host, Url};

use classify::normalize_name;
use rule::{RuleVerdict, rule_verdict};

/// Which addresses fetches may connect to; [`FetchOptions::address_policy`](super::FetchOptions::address_policy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AddressPolicy {
    /// Any address. The default: the user's own definition files and command lines may
    /// name their own machine and network.
    #[default]
    AllowAll,
    /// Only public addresses, except what `allow` names. For URLs that strangers give
    /// (`serve`'s `/convert`). The client then uses no proxy (a proxy would resolve names
    /// where the policy cannot see the addresses).
    PublicOnly {
        /// Hosts and networks let through all the same (an intranet feed server).
        allow: Vec<AllowRule>,
    },
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
    fn a_refusal_reads_as_the_end_of_the_fetch_error() {
        let target = url("http://10.0.0.5/");
        let refusal = AddressPolicy::public_only()
            .check_url(&target)
            .expect_err("private");
        let err = crate::fetch::FetchError::Refused {
            url: target,
            redirect: None,
            refusal: Box::new(refusal),
        };
        assert_eq!(
            err.to_string(),
            "fetching `http://10.0.0.5/`: refused: 10.0.0.5 is a private address \
             (address policy: public only)"
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
}
