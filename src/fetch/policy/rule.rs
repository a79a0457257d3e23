//! Exceptions to [`AddressPolicy::PublicOnly`](super::AddressPolicy::PublicOnly): host names
//! and networks, on any port or one, written as text.
//!
//! Policy: a rule is read strictly (a bad port, network or host is an [`AllowRuleError`]
//! naming the entry) and written back as the same text; host names are compared lowercase
//! without a trailing dot, networks with their host bits cleared. Entry points: `FromStr`
//! for [`AllowRule`], and `rule_verdict` for what the rules naming a host say on a port.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use url::Host;

use super::classify::normalize_name;

/// One exception to [`AddressPolicy::PublicOnly`](super::AddressPolicy::PublicOnly): a host name or a network, on any port
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
///
/// In configuration files (serde) it is the same text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
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

/// What the rules that name a host say about it on one port.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum RuleVerdict {
    /// No rule names the host.
    NotNamed,
    /// A rule lets it through on this port (or any).
    Allowed,
    /// Rules name it on these other ports only.
    OtherPorts(Vec<u16>),
}

/// What `rules` (those naming one host) say about that host on `port`.
pub(super) fn rule_verdict<'a>(
    rules: impl Iterator<Item = &'a AllowRule>,
    port: Option<u16>,
) -> RuleVerdict {
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

impl TryFrom<String> for AllowRule {
    type Error = AllowRuleError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<AllowRule> for String {
    fn from(rule: AllowRule) -> Self {
        rule.to_string()
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
    use super::*;

    fn rule(text: &str) -> AllowRule {
        text.parse().expect("test rule")
    }

    #[test]
    fn allow_rules_are_text_in_configuration_files() {
        #[derive(Debug, serde::Deserialize, serde::Serialize)]
        struct Settings {
            allow: Vec<AllowRule>,
        }
        let settings: Settings =
            toml::from_str(r#"allow = ["feeds.intranet:8080", "10.20.0.0/16"]"#).expect("valid");
        assert_eq!(
            settings.allow,
            [
                rule("feeds.intranet:8080"),
                AllowRule::network("10.20.0.0/16".parse().expect("net"))
            ]
        );
        assert_eq!(
            toml::to_string(&settings).expect("serializes"),
            "allow = [\"feeds.intranet:8080\", \"10.20.0.0/16\"]\n"
        );
        let err = toml::from_str::<Settings>(r#"allow = ["10.0.0.0/33"]"#).expect_err("bad net");
        assert!(
            err.to_string().contains("allowlist entry `10.0.0.0/33`"),
            "{err}"
        );
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
