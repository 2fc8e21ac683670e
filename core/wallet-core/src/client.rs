//! The HTTP client for the provider API: HTTPS (rustls), device-signed requests, problem+json.
//!
//! Certificates are checked by the platform, as a phone app's own HTTP stack would
//! (`rustls-platform-verifier`): Android's TrustManager (the host initialises it once over JNI,
//! `mobile-bindings/README.md`), Security.framework on iOS and macOS, the system CA files on
//! Linux. No root list is compiled in, so a CA the user or the OS distrusts is distrusted here too.
//!
//! It refuses plain `http://` except to loopback, signs the exact path, query and body bytes it
//! sends, and turns every answer into either the expected wire type or a [`ClientError`]. It
//! never logs request bodies (they carry passwords and codes).
//!
//! It follows no redirect, signed or not: a `3xx` answer is [`ClientError::Redirect`]
//! (`SERVER_REDIRECT`). Following one would resend the body (a password, a PIN) and the
//! signature headers to wherever the answer points, plain HTTP included, where a replay inside
//! the 5-minute window would be accepted. The provider never redirects its API.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore as _;
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use rustls_platform_verifier::BuilderVerifierExt as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;
use wallet_protocol::api::IDEMPOTENCY_KEY_HEADER;
use wallet_protocol::signing::{self, SignedParts};
use wallet_protocol::ErrorCode;
use zeroize::Zeroizing;

use crate::store::DeviceKey;

/// Why a call to the provider failed. Messages carry no request bodies or personal data.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    #[error("{0}")]
    InsecureUrl(String),
    #[error("the server could not be reached: {0}")]
    Network(String),
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    /// A `3xx` answer: never followed.
    #[error("the server answered {status}, a redirect{}; redirects are not followed", to_where(.location.as_deref()))]
    Redirect {
        status: StatusCode,
        /// Scheme, host and port of the `Location`, if any: no path or query (they could
        /// carry personal data).
        location: Option<String>,
    },
    /// The server answered with a problem+json error.
    #[error("{code}: {message}")]
    Server {
        code: ErrorCode,
        message: String,
        retry_after_secs: Option<u64>,
    },
}

type Result<T, E = ClientError> = std::result::Result<T, E>;

/// The identity a signed request is made with.
pub(crate) struct DeviceAuth<'a> {
    pub device_id: &'a str,
    pub key: &'a DeviceKey,
}

/// The provider API at one base URL.
#[derive(Debug, Clone)]
pub(crate) struct ApiClient {
    http: reqwest::Client,
    base: Url,
}

impl ApiClient {
    /// Checks the URL (HTTPS, or HTTP to loopback only) and builds the client; for HTTPS, with
    /// the platform's verifier ([`tls_config`]).
    pub fn new(server_url: &str) -> Result<Self> {
        let base = check_server_url(server_url)?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("wallet-core/", env!("CARGO_PKG_VERSION")));
        // Plain HTTP goes to loopback only and is never redirected, so a loopback client needs
        // no trust store (and works on a machine without CA files).
        if base.scheme() == "https" {
            builder = builder.use_preconfigured_tls(tls_config()?);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Network(format!("HTTP client setup failed: {e}")))?;
        Ok(Self { http, base })
    }

    /// The base URL in normal form (no trailing slash), as compared across runs.
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    fn url(&self, path: &str) -> Result<Url> {
        // Keep any path prefix of the base (`https://host/wallet` + `/v1/me`).
        let joined = format!("{}{}", self.base_url(), path);
        Url::parse(&joined).map_err(|_| ClientError::Protocol(format!("bad request path {path}")))
    }

    /// An unsigned JSON POST (sign-up, sign-in, verification).
    pub async fn post<B: Serialize, R: DeserializeOwned>(&self, path: &str, body: &B) -> Result<R> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ClientError::Protocol(format!("request not serialisable: {e}")))?;
        let url = self.url(path)?;
        let resp = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(bytes)
            .send()
            .await
            .map_err(network)?;
        read_json(resp).await
    }

    /// A device-signed request with a body already serialised to JSON (callers holding secrets
    /// serialise into [`Zeroizing`] bytes) and, for money-moving requests, an `Idempotency-Key`.
    pub async fn signed_with<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        auth: &DeviceAuth<'_>,
        idempotency_key: Option<&str>,
    ) -> Result<R> {
        let resp = self
            .send_signed(method, path, body, auth, idempotency_key)
            .await?;
        read_json(resp).await
    }

    /// [`Self::signed_with`] for answers without a body (204).
    pub async fn signed_empty_with(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        auth: &DeviceAuth<'_>,
        idempotency_key: Option<&str>,
    ) -> Result<()> {
        let resp = self
            .send_signed(method, path, body, auth, idempotency_key)
            .await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(read_problem(resp).await)
        }
    }

    async fn send_signed(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        auth: &DeviceAuth<'_>,
        idempotency_key: Option<&str>,
    ) -> Result<reqwest::Response> {
        let url = self.url(path)?;
        let bytes = body.unwrap_or_default();
        // Sign what goes on the wire: the URL's own path and query after normalisation.
        let path_and_query = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let mut raw_nonce = [0u8; 16];
        OsRng.fill_bytes(&mut raw_nonce);
        let nonce = URL_SAFE_NO_PAD.encode(raw_nonce);
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signing::sign(
            auth.key.signing_key(),
            &SignedParts {
                method: method.as_str(),
                path_and_query: &path_and_query,
                timestamp,
                nonce: &nonce,
                body: bytes,
            },
        );
        let mut req = self
            .http
            .request(method, url)
            .header(signing::HEADER_DEVICE, auth.device_id)
            .header(signing::HEADER_TIMESTAMP, timestamp.to_string())
            .header(signing::HEADER_NONCE, nonce)
            .header(signing::HEADER_SIGNATURE, signature);
        if let Some(key) = idempotency_key {
            // Not signed: the server ties the key to the device and the request it came with.
            req = req.header(IDEMPOTENCY_KEY_HEADER, key);
        }
        if body.is_some() {
            // reqwest owns (and frees, unzeroised) this copy: the one copy the wire needs.
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.to_vec());
        }
        req.send().await.map_err(network)
    }
}

/// JSON bytes of a request body, wiped from memory when dropped.
pub(crate) fn to_json<B: Serialize + ?Sized>(body: &B) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(body)
        .map(Zeroizing::new)
        .map_err(|e| ClientError::Protocol(format!("request not serialisable: {e}")))
}

/// TLS 1.2/1.3 over ring with the platform's certificate verifier and trust store. Fails
/// where the platform has no trust store to offer (a Linux system without CA files; an Android
/// host that did not initialise the verifier fails at the first handshake instead).
pub(crate) fn tls_config() -> Result<rustls::ClientConfig> {
    let setup = |e: rustls::Error| ClientError::Network(format!("TLS setup failed: {e}"));
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(setup)?
    .with_platform_verifier()
    .map_err(setup)?
    .with_no_client_auth())
}

/// HTTPS anywhere; plain HTTP only to this computer (127.0.0.0/8, ::1, localhost).
pub(crate) fn check_server_url(server_url: &str) -> Result<Url> {
    let url = Url::parse(server_url.trim()).map_err(|_| {
        ClientError::InsecureUrl(format!("the server URL {server_url:?} is not a valid URL"))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ClientError::InsecureUrl(format!(
            "refusing plain HTTP to {}: use https:// (plain HTTP is only allowed to this computer)",
            url.host_str().unwrap_or("?")
        )))
        }
        other => {
            return Err(ClientError::InsecureUrl(format!(
                "unsupported URL scheme {other:?}: use https://"
            )))
        }
    }
    if url.host_str().is_none_or(str::is_empty) || url.cannot_be_a_base() {
        return Err(ClientError::InsecureUrl(
            "the server URL has no host".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::InsecureUrl(
            "the server URL must not have a query or fragment".into(),
        ));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn network(e: reqwest::Error) -> ClientError {
    // Without the URL: a query string could one day hold a phone number.
    let e = e.without_url();
    if e.is_builder() {
        ClientError::Protocol(format!("request could not be built: {e}"))
    } else {
        ClientError::Network(e.to_string())
    }
}

async fn read_json<R: DeserializeOwned>(resp: reqwest::Response) -> Result<R> {
    let status = resp.status();
    if status.is_redirection() {
        return Err(redirect(&resp));
    }
    if !status.is_success() {
        return Err(read_problem(resp).await);
    }
    let bytes = resp.bytes().await.map_err(network)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        // serde's message may quote values from the body; report only where it broke.
        ClientError::Protocol(format!(
            "{status} answer is not the expected JSON ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

fn to_where(location: Option<&str>) -> String {
    location.map(|l| format!(" to {l}")).unwrap_or_default()
}

/// A redirect answer, with where it pointed (origin only).
fn redirect(resp: &reqwest::Response) -> ClientError {
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| resp.url().join(l).ok())
        .map(|u| u.origin().ascii_serialization());
    ClientError::Redirect {
        status: resp.status(),
        location,
    }
}

/// Turns an error answer into [`ClientError::Server`] when it is problem+json with a known code.
async fn read_problem(resp: reqwest::Response) -> ClientError {
    let status = resp.status();
    if status.is_redirection() {
        return redirect(&resp);
    }
    let header_retry = retry_after(resp.headers());
    let is_json = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    let bytes = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => return network(e),
    };
    if is_json {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            if let Some(code_str) = v.get("code").and_then(|c| c.as_str()) {
                let Ok(code) =
                    serde_json::from_value::<ErrorCode>(serde_json::Value::from(code_str))
                else {
                    return ClientError::Protocol(format!(
                        "{status} with an error code this app does not know: {code_str}"
                    ));
                };
                let message = v
                    .get("detail")
                    .and_then(|d| d.as_str())
                    .or_else(|| v.get("title").and_then(|t| t.as_str()))
                    .unwrap_or(code.title())
                    .to_owned();
                let retry_after_secs = v
                    .get("retry_after_secs")
                    .and_then(|r| r.as_u64())
                    .or(header_retry);
                return ClientError::Server {
                    code,
                    message,
                    retry_after_secs,
                };
            }
        }
    }
    match status {
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => {
            ClientError::Network(format!("the server answered {status}"))
        }
        _ => ClientError::Protocol(format!("{status} without a problem+json body")),
    }
}

fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::net::TcpListener;

    use super::*;

    /// One HTTP request off the wire: its head (request line and headers) and its body.
    fn read_request(reader: &mut BufReader<std::net::TcpStream>) -> (String, Vec<u8>) {
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            head.push_str(&line);
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        (head, body)
    }

    /// A loopback HTTP server for tests that answers each connection with the next of
    /// `answers` (status, JSON body) and hands back the raw requests it read.
    pub(crate) fn scripted_server(
        answers: Vec<(u16, String)>,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for (status, body) in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let (mut head, req_body) = read_request(&mut reader);
                head.push_str(&String::from_utf8_lossy(&req_body));
                seen.push(head);
                let content_type = if status >= 400 {
                    "application/problem+json"
                } else {
                    "application/json"
                };
                let mut stream = reader.into_inner();
                write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
            }
            seen
        });
        (url, handle)
    }

    #[tokio::test]
    async fn idempotency_key_goes_in_its_header_with_the_signed_body() {
        let (url, server) = scripted_server(vec![(200, "{}".into()), (204, String::new())]);
        let client = ApiClient::new(&url).unwrap();
        let key = DeviceKey::generate();
        let auth = DeviceAuth {
            device_id: "dev_1",
            key: &key,
        };
        let body =
            to_json(&serde_json::json!({"amount": {"minor": 100, "currency": "CNY"}})).unwrap();
        let _: serde_json::Value = client
            .signed_with(
                Method::POST,
                "/v1/topups",
                Some(&body),
                &auth,
                Some("key-12345678"),
            )
            .await
            .unwrap();
        client
            .signed_empty_with(Method::POST, "/v1/pin", None, &auth, None)
            .await
            .unwrap();
        let seen = server.join().unwrap();
        let first = seen[0].to_ascii_lowercase();
        assert!(first.starts_with("post /v1/topups "), "{first}");
        assert!(
            first.contains("idempotency-key: key-12345678\r\n"),
            "{first}"
        );
        assert!(first.contains(&signing::HEADER_SIGNATURE.to_ascii_lowercase()));
        assert!(
            first.ends_with(r#"{"amount":{"currency":"cny","minor":100}}"#),
            "{first}"
        );
        assert!(!seen[1].to_ascii_lowercase().contains("idempotency-key"));
    }

    /// A real HTTP server on a free loopback port that answers its one connection with
    /// `status` and `Location: location`, and hands back the request it read.
    fn redirecting_server(
        status: u16,
        location: String,
    ) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let (head, _body) = read_request(&mut reader);
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            head
        });
        (url, handle)
    }

    /// Where a followed redirect would land: a listener that must see no connection.
    fn trap() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        (listener, url)
    }

    fn untouched(trap: &TcpListener) {
        // Give a follow-up request time to arrive, then check that none did.
        std::thread::sleep(Duration::from_millis(200));
        match trap.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Ok((_, peer)) => panic!("the redirect was followed (connection from {peer})"),
            Err(e) => panic!("accept: {e}"),
        }
    }

    /// issue 13: a signed request with a body is answered 307/308 towards another server: the
    /// client neither follows (the body and signature never reach the target) nor accepts it,
    /// and says SERVER_REDIRECT.
    #[tokio::test]
    async fn signed_requests_do_not_follow_redirects() {
        for status in [301u16, 302, 303, 307, 308] {
            let (target, elsewhere) = trap();
            let (url, server) = redirecting_server(status, format!("{elsewhere}/v1/topups?x=1"));
            let client = ApiClient::new(&url).unwrap();
            let key = DeviceKey::generate();
            let auth = DeviceAuth {
                device_id: "dev_1",
                key: &key,
            };
            let body = to_json(&serde_json::json!({"pin": "135792"})).unwrap();
            let err = client
                .signed_with::<serde_json::Value>(
                    Method::POST,
                    "/v1/topups",
                    Some(&body),
                    &auth,
                    Some("key-12345678"),
                )
                .await
                .unwrap_err();
            let ClientError::Redirect {
                status: seen,
                location,
            } = &err
            else {
                panic!("{status}: {err:?}");
            };
            assert_eq!(seen.as_u16(), status);
            // The origin only: no path or query from the Location in messages.
            assert_eq!(location.as_deref(), Some(elsewhere.as_str()));
            assert!(!err.to_string().contains("x=1"), "{err}");
            let wallet_error = crate::WalletError::from(err);
            assert_eq!(wallet_error.code, ErrorCode::ServerRedirect);
            assert!(server.join().unwrap().starts_with("POST /v1/topups "));
            untouched(&target);
            // An answer without a body is not a success either.
            let (target, elsewhere) = trap();
            let (url, server) = redirecting_server(status, format!("{elsewhere}/v1/pin"));
            let client = ApiClient::new(&url).unwrap();
            let err = client
                .signed_empty_with(Method::POST, "/v1/pin", Some(&body), &auth, None)
                .await
                .unwrap_err();
            assert!(matches!(err, ClientError::Redirect { .. }), "{err:?}");
            server.join().unwrap();
            untouched(&target);
        }
    }

    /// Unsigned requests (sign-in: the password is in the body) do not follow either, not
    /// even to plain HTTP elsewhere.
    #[tokio::test]
    async fn unsigned_requests_do_not_follow_redirects() {
        let (target, elsewhere) = trap();
        let (url, server) = redirecting_server(307, format!("{elsewhere}/v1/login"));
        let client = ApiClient::new(&url).unwrap();
        let err = client
            .post::<_, serde_json::Value>(
                "/v1/login",
                &serde_json::json!({"phone": "+8613812345678", "password": "secret"}),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::Redirect { .. }), "{err:?}");
        server.join().unwrap();
        untouched(&target);
        // Towards plain HTTP on another host: refused the same way (nothing is resolved).
        let (url, server) = redirecting_server(302, "http://wallet.example/v1/login".into());
        let err = ApiClient::new(&url)
            .unwrap()
            .post::<_, serde_json::Value>("/v1/login", &serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ClientError::Redirect { location: Some(l), .. } if l == "http://wallet.example"),
            "{err:?}"
        );
        server.join().unwrap();
    }

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for ok in [
            "https://wallet.example",
            "https://wallet.example/api/",
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://[::1]:3000",
            "http://localhost:8080",
            "http://LOCALHOST",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://wallet.example",
            "http://192.168.1.10:8080",
            "http://[::2]:80",
            "http://localhost.evil.example",
            "ftp://wallet.example",
            "file:///etc/passwd",
            "not a url",
            "https://wallet.example/?x=1",
        ] {
            assert!(
                matches!(check_server_url(bad), Err(ClientError::InsecureUrl(_))),
                "{bad}"
            );
        }
    }

    /// An HTTPS client is built with the platform's verifier and this machine's CA files.
    #[test]
    fn https_client_uses_the_platform_verifier() {
        let config = tls_config().unwrap();
        assert!(!config.crypto_provider().cipher_suites.is_empty());
        assert!(ApiClient::new("https://wallet.example").is_ok());
    }

    /// The trust roots are the platform's, with no list compiled in: where the platform offers
    /// none (here `SSL_CERT_FILE` pointing at an empty file, which Linux's loader honours), an
    /// HTTPS client cannot be built, while a loopback HTTP one still can. Runs in a child
    /// process because the environment is process-wide.
    #[cfg(target_os = "linux")]
    #[test]
    fn no_platform_roots_no_https() {
        const NAME: &str = "client::tests::no_platform_roots_no_https";
        if std::env::var_os("WALLET_TEST_NO_ROOTS").is_some() {
            let err = ApiClient::new("https://wallet.example").unwrap_err();
            assert!(err.to_string().contains("No CA certificates"), "{err}");
            assert!(ApiClient::new("http://127.0.0.1:9").is_ok());
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--test-threads=1"])
            .env("WALLET_TEST_NO_ROOTS", "1")
            .env("SSL_CERT_FILE", &empty)
            .env("SSL_CERT_DIR", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn base_url_keeps_prefix() {
        let c = ApiClient::new("https://wallet.example/api/").unwrap();
        assert_eq!(c.base_url(), "https://wallet.example/api");
        assert_eq!(
            c.url("/v1/me").unwrap().as_str(),
            "https://wallet.example/api/v1/me"
        );
    }
}
