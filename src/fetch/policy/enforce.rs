//! Wires an [`AddressPolicy`] into reqwest: a DNS resolver that drops the addresses the
//! policy refuses, and a redirect policy that checks every hop's URL.
//!
//! Policy: the resolver is where the address connected to is chosen, so it is where the
//! address is checked (no second lookup can differ). Names are resolved with the system
//! resolver (`getaddrinfo` on tokio's blocking pool, as reqwest's own resolver does). A
//! refusal travels inside reqwest's error as a [`Refused`], which [`find_refused`] digs
//! out again. Entry point: [`guard`].

use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::blocking::ClientBuilder;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;
use url::Url;

use super::{AddressPolicy, Refusal};

/// A refusal on its way through reqwest: what was refused and, for a redirect, where to.
#[derive(Debug)]
pub(in crate::fetch) struct Refused {
    /// The redirect target refused, if it was one.
    pub(in crate::fetch) redirect: Option<Url>,
    /// Why.
    pub(in crate::fetch) refusal: Refusal,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused: {}", self.refusal)
    }
}

impl StdError for Refused {}

/// `builder` with `policy` enforced on every connection and redirect, following at most
/// `max_redirects`. Under [`AddressPolicy::AllowAll`] it is only the redirect limit.
pub(in crate::fetch) fn guard(
    builder: ClientBuilder,
    policy: &AddressPolicy,
    max_redirects: usize,
) -> ClientBuilder {
    let limited = redirect::Policy::limited(max_redirects);
    if *policy == AddressPolicy::AllowAll {
        return builder.redirect(limited);
    }
    let policy = Arc::new(policy.clone());
    let redirects = {
        let policy = Arc::clone(&policy);
        redirect::Policy::custom(move |attempt| match policy.check_url(attempt.url()) {
            Ok(()) => limited.redirect(attempt),
            Err(refusal) => {
                let redirect = Some(attempt.url().clone());
                attempt.error(Refused { redirect, refusal })
            }
        })
    };
    builder
        .redirect(redirects)
        .dns_resolver(Arc::new(PolicyResolver { policy }))
        // A proxy would resolve the names itself, out of the resolver's sight.
        .no_proxy()
}

/// Resolves names with the system resolver and keeps the addresses `policy` allows.
struct PolicyResolver {
    policy: Arc<AddressPolicy>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed =
                allowed_addresses(&policy, &host, resolved).map_err(|refusal| Refused {
                    redirect: None,
                    refusal,
                })?;
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The addresses of `resolved` that `policy` allows for `host`; when it allows none of
/// them, the refusal of the first.
fn allowed_addresses(
    policy: &AddressPolicy,
    host: &str,
    resolved: Vec<SocketAddr>,
) -> Result<Vec<SocketAddr>, Refusal> {
    let mut first_refusal = None;
    let allowed: Vec<SocketAddr> = resolved
        .into_iter()
        .filter(|address| match policy.check_resolved(host, address.ip()) {
            Ok(()) => true,
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
                false
            }
        })
        .collect();
    match first_refusal {
        Some(refusal) if allowed.is_empty() => Err(refusal),
        _ => Ok(allowed),
    }
}

/// The refusal somewhere in `error`'s chain of causes, if the policy caused it.
pub(in crate::fetch) fn find_refused(error: &reqwest::Error) -> Option<&Refused> {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(error) = cause {
        if let Some(refused) = error.downcast_ref::<Refused>() {
            return Some(refused);
        }
        cause = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use super::*;
    use crate::fetch::AllowRule;
    use crate::fetch::policy::AddressClass;

    fn socket(ip: impl Into<IpAddr>) -> SocketAddr {
        SocketAddr::new(ip.into(), 0)
    }

    #[test]
    fn refused_addresses_are_dropped_and_all_refused_is_a_refusal() {
        let policy = AddressPolicy::public_only();
        let public = socket(Ipv4Addr::new(93, 184, 215, 14));
        let loopback = socket(Ipv4Addr::LOCALHOST);

        let mixed = allowed_addresses(&policy, "rebind.example", vec![loopback, public]);
        assert_eq!(mixed.expect("one public address"), [public]);

        let refused = allowed_addresses(
            &policy,
            "rebind.example",
            vec![loopback, socket(Ipv6Addr::LOCALHOST)],
        )
        .expect_err("only loopback");
        assert_eq!(
            refused,
            Refusal::Resolved {
                host: "rebind.example".into(),
                address: Ipv4Addr::LOCALHOST.into(),
                class: AddressClass::Loopback,
            }
        );
        assert_eq!(
            refused.to_string(),
            "`rebind.example` resolves to 127.0.0.1, a loopback address"
        );
    }

    #[test]
    fn the_resolver_looks_names_up_and_checks_what_they_resolve_to() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let resolve = |policy: AddressPolicy| {
            let resolver = PolicyResolver {
                policy: Arc::new(policy),
            };
            let name: Name = "localhost".parse().expect("a name");
            runtime
                .block_on(resolver.resolve(name))
                .map(|addresses| addresses.collect::<Vec<_>>())
        };

        let err = resolve(AddressPolicy::public_only()).expect_err("localhost is loopback");
        let refused = err.downcast_ref::<Refused>().expect("a refusal");
        assert!(
            matches!(
                &refused.refusal,
                Refusal::Resolved { host, class: AddressClass::Loopback, .. } if host == "localhost"
            ),
            "{refused:?}"
        );

        let loopback_allowed = AddressPolicy::PublicOnly {
            allow: vec![
                "127.0.0.0/8".parse().expect("rule"),
                "::1".parse().expect("rule"),
            ],
        };
        let addresses = resolve(loopback_allowed).expect("allowlisted");
        assert!(!addresses.is_empty());
        assert!(
            addresses.iter().all(|a| a.ip().is_loopback()),
            "{addresses:?}"
        );

        let name_allowed = AddressPolicy::PublicOnly {
            allow: vec![AllowRule::name("LocalHost.").on_port(8080)],
        };
        assert!(resolve(name_allowed).is_ok());
    }

    #[test]
    fn a_refused_lookup_reaches_the_caller_through_reqwest_and_nothing_connects() {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("address").port();
        let client = guard(
            reqwest::blocking::Client::builder(),
            &AddressPolicy::public_only(),
            10,
        )
        .build()
        .expect("client");

        // Past the URL check (which would refuse `localhost` by name): the resolver alone.
        let err = client
            .get(format!("http://localhost:{port}/"))
            .send()
            .expect_err("refused");

        let refused = find_refused(&err).expect("the refusal in the chain");
        assert!(
            matches!(&refused.refusal, Refusal::Resolved { host, .. } if host == "localhost"),
            "{refused:?}"
        );
        let accepted = listener.accept();
        assert!(
            matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "the server was contacted: {accepted:?}"
        );
    }
}
