//! The outbound HTTP port of merchant notices: POSTs a signed notice to a merchant's
//! `notify_url` and says what came back. No redirects are followed (a `3xx` is a failed
//! attempt), no proxy from the environment is used, and every attempt has a short timeout.
//!
//! Outside sandbox mode the provider never calls a private address (SSRF: a merchant must not
//! make the provider reach its own network): URLs naming one are refused, and host names are
//! resolved by [`PublicOnly`], which drops every address that is not public, so a name that
//! resolves (or later rebinds) to one fails to connect. In sandbox mode loopback and private
//! addresses are allowed, for testers' local receivers (docs/decisions.md).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What one POST came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostOutcome {
    /// An HTTP answer (any status).
    Status(u16),
    /// No answer within the timeout.
    Timeout,
    /// No connection (refused, unreachable, no public address).
    Connect,
    /// Anything else (TLS, a broken answer).
    Other(String),
}

impl PostOutcome {
    /// Whether the merchant acknowledged the notice (a `2xx`).
    pub fn acknowledged(&self) -> bool {
        matches!(self, PostOutcome::Status(s) if (200..300).contains(s))
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            PostOutcome::Status(s) => Some(*s),
            _ => None,
        }
    }

    /// A short reason for the delivery log (`http 500`, `timeout`, `connect`).
    pub fn reason(&self) -> String {
        match self {
            PostOutcome::Status(s) => format!("http {s}"),
            PostOutcome::Timeout => "timeout".to_owned(),
            PostOutcome::Connect => "connect".to_owned(),
            PostOutcome::Other(e) => e.clone(),
        }
    }
}

/// Whether the provider may call `ip` outside sandbox mode: not loopback, private, link-local,
/// shared (CGNAT), unspecified, broadcast, multicast, documentation, benchmarking or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // 2001:db8::/32 documentation, 64:ff9b::/96 NAT64 (could reach private v4)
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                || first == 0x0064
                // ::/96 IPv4-compatible (deprecated)
                || v6.segments()[..6].iter().all(|s| *s == 0))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

/// The address a URL names literally (`http://10.0.0.1/`, `http://[::1]/`), if it does.
pub fn host_ip(url: &reqwest::Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// A resolver that answers only public addresses (outside sandbox mode).
#[derive(Debug, Default)]
pub struct PublicOnly;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The public addresses `host` resolves to; an error when it has none.
async fn public_addrs(host: String) -> Result<Addrs, BoxError> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
        .await?
        .filter(|a| is_public(a.ip()))
        .collect();
    if found.is_empty() {
        return Err(format!("{host} has no public address").into());
    }
    Ok(Box::new(found.into_iter()))
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(public_addrs(name.as_str().to_owned()))
    }
}

/// The HTTP client notices go out with.
#[derive(Debug, Clone)]
pub struct HttpNotifier {
    client: reqwest::Client,
    /// Whether private addresses may be called (sandbox mode).
    allow_private: bool,
}

impl HttpNotifier {
    pub fn new(allow_private: bool, timeout: Duration) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(3)))
            .user_agent(concat!("wallet-server-notices/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            client: builder.build()?,
            allow_private,
        })
    }

    /// POSTs `body` (JSON) with `headers` to `url`. Outside sandbox mode an address that is not
    /// public is never connected to.
    pub async fn post(
        &self,
        url: &reqwest::Url,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
    ) -> PostOutcome {
        if !self.allow_private && host_ip(url).is_some_and(|ip| !is_public(ip)) {
            return PostOutcome::Connect;
        }
        let mut req = self
            .client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        match req.send().await {
            Ok(res) => PostOutcome::Status(res.status().as_u16()),
            Err(e) if e.is_timeout() => PostOutcome::Timeout,
            Err(e) if e.is_connect() => PostOutcome::Connect,
            Err(e) if e.is_redirect() => PostOutcome::Other("redirect".to_owned()),
            Err(_) => PostOutcome::Other("request failed".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "192.0.2.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
            "::7f00:1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "1.1.1.1", "203.0.114.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
