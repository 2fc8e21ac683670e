//! Web checkout (docs/rules.md §Paying, issue 14): a merchant's site sends the payer to the
//! provider's checkout page for an order; the payer scans its code with the app, or types a
//! phone number and confirms the order in that account's inbox; the page then sends the payer
//! back to the merchant's `return_url` with the result.
//!
//! No money code of its own: a checkout is an order of channel `checkout`, paid through the
//! paths of [`crate::domain::pay`] (`pay_qr` like a dynamic code, `confirm_order` like a remote
//! order). What is new:
//! - **The link** is `/checkout/<token>`: 32 random bytes, shown to the merchant once, kept as a
//!   hash, dead [`LINK_GRACE_SECS`] after the order's expiry (long enough to show the result
//!   and go back). An unknown, malformed or dead token all answer `ORDER_NOT_FOUND`.
//! - **`return_url`** is checked when the checkout is made ([`check_return_url`]): an absolute
//!   `http`/`https` URL with a host, no user name or password, printable ASCII only.
//! - **"Pay with my phone number"** answers the same whether or not the number has an account
//!   (no enumeration); each push counts against the page ([`MAX_PHONE_PUSHES`]) and against
//!   the client IP's signed-out look-up budget, like sign-up and SMS sign-in.
//! - The page itself is served in sandbox mode only, like the POS page: creating a checkout on
//!   a production server answers `SANDBOX_ONLY`, so no merchant hands out a dead link.

use rand::rngs::OsRng;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use wallet_protocol::api::{self, paths, CheckoutCreated, CheckoutPhonePushed, CheckoutView};
use wallet_protocol::phone::mask_e164;
use wallet_protocol::{qr, Currency, ErrorCode, Money, PhoneNumber};

use crate::config::{ORDER_DEFAULT_TTL_SECS, ORDER_MAX_TTL_SECS};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::pay::{cny_amount, description, order_wire, within_payment_limit};
use crate::domain::sandbox::ensure_sandbox;
use crate::domain::state::AppState;
use crate::domain::wire::{merchant_ref, wallet_merchant, wire_status, wire_time};
use crate::secrets;
use crate::store::{
    Channel, CheckoutRow, MerchantRow, NewOrder, OrderRow, OrderState, PushOutcome,
};

/// The prefix of a checkout token.
pub const TOKEN_PREFIX: &str = "chk_";
/// Phone numbers one checkout page may push its order to.
pub const MAX_PHONE_PUSHES: i64 = 5;
/// How long after the order's expiry its link still shows the result.
pub const LINK_GRACE_SECS: i64 = 600;
/// Longest `return_url`.
pub const RETURN_URL_MAX: usize = 2048;

/// A new token: `chk_` + 32 random bytes, base64url.
fn new_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the store keeps of a token (high entropy: a plain SHA-256 is a safe stored form).
fn token_hash(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"WALLET-CHECKOUT-TOKEN-V1\n");
    h.update(token.as_bytes());
    hex::encode(h.finalize())
}

/// Checks a merchant's `return_url` and answers it with its scheme in lower case: an absolute
/// `http` or `https` URL with a host (a name, an IPv4 or a bracketed IPv6 address) and an
/// optional port, no user name or password (`https://shop@evil.example` reads as the shop), no
/// backslash (browsers read it as a slash), printable ASCII only (anything else
/// percent-encoded), at most [`RETURN_URL_MAX`] characters. The reason on refusal.
pub fn check_return_url(url: &str) -> Result<String, &'static str> {
    if url.is_empty() || url.len() > RETURN_URL_MAX {
        return Err("return_url: 1 to 2048 characters");
    }
    if !url.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err("return_url: printable ASCII without spaces (percent-encode the rest)");
    }
    if url.contains('\\') {
        return Err("return_url: no backslash");
    }
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", &url[8..])
    } else if lower.starts_with("http://") {
        ("http", &url[7..])
    } else {
        return Err("return_url: an http or https URL");
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err("return_url: no user name or password");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return Err("return_url: an IPv6 host in brackets");
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("return_url: an IPv6 host in brackets");
        }
        match after {
            "" => (addr, None),
            p => match p.strip_prefix(':') {
                Some(p) => (addr, Some(p)),
                None => return Err("return_url: a host, then an optional :port"),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let host_ok = !host.is_empty()
        && (authority.starts_with('[')
            || host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
    if !host_ok || host.starts_with('.') || host.contains("..") {
        return Err("return_url: a host name or address");
    }
    if let Some(p) = port {
        let ok = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n));
        if !ok {
            return Err("return_url: a port from 1 to 65535");
        }
    }
    Ok(format!("{scheme}://{rest}"))
}

/// `return_url` with the result in its query: `order_id` and `status` (`paid`, `refunded`,
/// `declined`, `expired`), added before any fragment.
pub fn with_result(return_url: &str, order_id: &str, status: &str) -> String {
    let (base, fragment) = match return_url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (return_url, None),
    };
    let sep = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{sep}order_id={order_id}&status={status}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// `POST /v1/merchants/{id}/checkouts`: an open order of channel `checkout` with its dynamic
/// code, and the page's link (shown once).
pub async fn create(
    state: &AppState,
    m: &MerchantRow,
    req: api::CheckoutCreateRequest,
) -> ApiResult<CheckoutCreated> {
    if !state.sandbox {
        return Err(ApiError::detail(
            ErrorCode::SandboxOnly,
            "the checkout page is served in sandbox mode only",
        ));
    }
    let amount = cny_amount(req.amount)?;
    // A checkout nobody could pay is refused when it is made, not on the payer's phone.
    within_payment_limit(state, amount)?;
    let description = description(req.description)?;
    let ttl = req.expires_in_secs.unwrap_or(ORDER_DEFAULT_TTL_SECS);
    if !(1..=ORDER_MAX_TTL_SECS).contains(&ttl) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("expires_in_secs: 1 to {ORDER_MAX_TTL_SECS}"),
        ));
    }
    let return_url = check_return_url(req.return_url.trim())
        .map_err(|why| ApiError::detail(ErrorCode::MalformedRequest, why))?;
    let now = state.clock.unix();
    let id = secrets::new_id("ord");
    let payload = qr::wallet_dynamic_payload(&wallet_merchant(m), &id, Money::cny(amount))
        .map_err(|e| ApiError::detail(ErrorCode::AmountOverLimit, e.to_string()))?;
    let token = new_token();
    let row = state
        .store
        .insert_checkout(
            NewOrder {
                id,
                merchant_id: m.id.clone(),
                amount,
                currency: Currency::Cny.code().to_owned(),
                description,
                channel: Channel::Checkout,
                payload: Some(payload),
                payer_account_id: None,
                payer_device_id: None,
                expires_at: now + i64::from(ttl),
            },
            token_hash(&token),
            return_url,
            now,
        )
        .await?;
    tracing::info!(merchant = %m.id, order = %row.id, "checkout created");
    Ok(CheckoutCreated {
        order: order_wire(state, &row, m).await?,
        checkout_path: paths::checkout_page(&token),
    })
}

/// A live checkout: its page row, its order and the merchant on record.
pub struct Found {
    pub checkout: CheckoutRow,
    pub order: OrderRow,
    pub merchant: MerchantRow,
}

/// The checkout of `token`, while its link lives; `ORDER_NOT_FOUND` for an unknown, malformed
/// or dead one alike.
pub async fn find(state: &AppState, token: &str) -> ApiResult<Found> {
    ensure_sandbox(state)?;
    let not_found = || ApiError::new(ErrorCode::OrderNotFound);
    if !token.starts_with(TOKEN_PREFIX) || !api::id_well_formed(token) {
        return Err(not_found());
    }
    let now = state.clock.unix();
    let (checkout, order) = state
        .store
        .checkout(&token_hash(token), now)
        .await?
        .ok_or_else(not_found)?;
    if now > order.expires_at + LINK_GRACE_SECS {
        return Err(not_found());
    }
    let merchant = state
        .store
        .merchant(&order.merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("order {} lost its merchant", order.id)))?;
    Ok(Found {
        checkout,
        order,
        merchant,
    })
}

/// What the page shows of a found checkout.
pub fn view_of(f: &Found) -> ApiResult<CheckoutView> {
    let o = &f.order;
    let currency = Currency::from_code(&o.currency)
        .ok_or_else(|| ApiError::internal(format!("order {}: currency", o.id)))?;
    let open = o.status == OrderState::Open;
    Ok(CheckoutView {
        order_id: o.id.clone(),
        merchant: merchant_ref(&f.merchant),
        amount: Money::new(o.amount, currency),
        description: o.description.clone(),
        status: wire_status(o.status),
        payload: if open { o.payload.clone() } else { None },
        expires_at: wire_time(o.expires_at),
        return_url: (!open).then(|| with_result(&f.checkout.return_url, &o.id, o.status.as_str())),
    })
}

/// `GET /v1/checkout/{token}`.
pub async fn view(state: &AppState, token: &str) -> ApiResult<CheckoutView> {
    view_of(&find(state, token).await?)
}

/// `POST /v1/checkout/{token}/phone`: the order waits in the inbox of the account that has
/// this number, if one does; the answer is the same either way.
pub async fn push_phone(
    state: &AppState,
    token: &str,
    ip: &str,
    req: api::CheckoutPhoneRequest,
) -> ApiResult<CheckoutPhonePushed> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let found = find(state, token).await?;
    if found.order.status != OrderState::Open {
        return Err(closed(found.order.status));
    }
    // Within the client IP's budget of numbers, shared with sign-up and SMS sign-in.
    crate::domain::standing::count_lookup(
        state,
        &format!("ip:{ip}"),
        &phone,
        state.limits.signed_out_lookups_per_hour,
    )
    .await?;
    let payer = state
        .store
        .account_by_phone(phone.as_e164())
        .await?
        .map(|a| a.id);
    let now = state.clock.unix();
    match state
        .store
        .push_checkout(&token_hash(token), payer.clone(), MAX_PHONE_PUSHES, now)
        .await?
    {
        PushOutcome::Pushed(order) => {
            if let Some(payer) = &payer {
                crate::domain::standing::order_waiting(state, payer, &order.id).await;
            }
            tracing::info!(order = %order.id, "checkout pushed to a phone number");
        }
        PushOutcome::NotFound => return Err(ErrorCode::OrderNotFound.into()),
        PushOutcome::NotOpen(order) => return Err(closed(order.status)),
        PushOutcome::TooMany => {
            tracing::info!(order = %found.order.id, "checkout phone pushes refused: too many");
            let left = (found.order.expires_at - now).max(1);
            return Err(ApiError::rate_limited(u64::try_from(left).unwrap_or(1)));
        }
    }
    Ok(CheckoutPhonePushed {
        phone_masked: mask_e164(phone.as_e164()),
    })
}

fn closed(s: OrderState) -> ApiError {
    match s {
        OrderState::Paid | OrderState::Refunded => ErrorCode::OrderAlreadyPaid.into(),
        OrderState::Expired => ErrorCode::OrderExpired.into(),
        OrderState::Open | OrderState::Declined => ErrorCode::OrderClosed.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_urls_are_http_or_https_with_a_host() {
        for ok in [
            "https://shop.example/thanks",
            "http://127.0.0.1:8080/return?cart=7",
            "HTTPS://Shop.Example",
            "https://[::1]:8443/r#top",
            "https://shop.example:65535/a/b?x=1&y=%E4%BD%A0",
        ] {
            assert!(check_return_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_return_url("HTTPS://Shop.Example/A").unwrap(),
            "https://Shop.Example/A"
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://shop.example/",
            "//shop.example/",
            "https://",
            "https:///path",
            "https://user:pw@shop.example/",
            "https://shop.example@evil.example/",
            "https://shop.example:0/",
            "https://shop.example:70000/",
            "https://shop.example:/",
            "https://shop example/",
            "https://shop.example/ü",
            "https://shop.example\\@evil.example/",
            "https://[nothost]/",
            "https://..example/",
            "shop.example/thanks",
        ] {
            assert!(check_return_url(bad).is_err(), "{bad:?}");
        }
        assert!(check_return_url(&format!("https://a.example/{}", "x".repeat(2048))).is_err());
    }

    #[test]
    fn the_result_goes_into_the_query_before_any_fragment() {
        assert_eq!(
            with_result("https://s.example/r", "ord_1", "paid"),
            "https://s.example/r?order_id=ord_1&status=paid"
        );
        assert_eq!(
            with_result("https://s.example/r?cart=7#done", "ord_1", "expired"),
            "https://s.example/r?cart=7&order_id=ord_1&status=expired#done"
        );
        assert_eq!(
            with_result("https://s.example/r?", "ord_1", "declined"),
            "https://s.example/r?order_id=ord_1&status=declined"
        );
    }

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == 4 + 43, "{a}");
        assert!(api::id_well_formed(&a));
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert!(!token_hash(&a).contains(&a[4..]));
    }
}
