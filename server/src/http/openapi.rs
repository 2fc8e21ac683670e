//! The OpenAPI document, generated from the handlers' annotations and the wire types in
//! `wallet-protocol`. CI compares it with `tests/snapshots/openapi.json`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use wallet_protocol::signing;

use crate::http::routes::{
    cards, devices, login, lost, me, merchants, meta, money, orders, paycode, pin, qr, sandbox,
    signup, transfer, verify,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wallet provider API",
        description = "Accounts, devices, OTP, cards, the payment PIN, money, merchant payments and transfers for the Wallet app. Errors are RFC 9457 \
            `application/problem+json` with a stable `code`. Signed endpoints need the four \
            `x-wallet-*` headers: an Ed25519 signature by an enrolled device over method, path \
            and query, timestamp, nonce and the body's SHA-256 (see `wallet_protocol::signing`)."
    ),
    paths(
        signup::signup,
        login::login,
        login::login_sms,
        verify::verify,
        me::me,
        devices::list_devices,
        devices::revoke_device,
        pin::pin_status,
        pin::set_pin,
        pin::change_pin,
        pin::start_reset,
        pin::finish_reset,
        cards::bind_card,
        cards::verify_card,
        cards::list_cards,
        cards::set_default,
        cards::unbind,
        cards::report_lost,
        money::top_up,
        money::withdraw,
        money::balance,
        money::operation,
        transfer::recipient,
        transfer::send,
        transfer::history,
        qr::resolve,
        qr::pay,
        orders::list,
        orders::confirm,
        orders::decline,
        paycode::seed,
        paycode::settings,
        paycode::put_settings,
        lost::report_lost,
        lost::unfreeze,
        lost::freeze,
        lost::status,
        lost::security_log,
        lost::events,
        lost::settings,
        lost::put_settings,
        lost::start_phone_change,
        lost::finish_phone_change,
        merchants::create,
        merchants::qr,
        merchants::create_order,
        merchants::list_orders,
        merchants::order,
        merchants::refund,
        merchants::charge,
        sandbox::sandbox_outbox,
        meta::health,
        meta::openapi_json,
    ),
    components(schemas(wallet_protocol::Problem, wallet_protocol::ErrorCode)),
    modifiers(&SignedRequests),
    tags(
        (name = "auth", description = "Sign-up, sign-in and device enrolment"),
        (name = "account", description = "The signed-in account"),
        (name = "devices", description = "The account's devices"),
        (name = "pin", description = "The payment PIN"),
        (name = "cards", description = "Bank cards: the number goes only to the bank gateway"),
        (name = "money", description = "Top-ups, withdrawals and the balance, on a double-entry ledger"),
        (name = "transfers", description = "Sending money to another user by phone number, and the incremental history feed"),
        (name = "pay", description = "Paying merchants: scanned QR codes and orders waiting for the payer"),
        (name = "paycode", description = "Payment codes (show to pay): the device's seed and the no-PIN limits"),
        (name = "lost", description = "Lost phone: freeze from anywhere, unfreeze, the security log and device events"),
        (name = "merchants", description = "The merchant API: `Authorization: Bearer <api key>` for the merchant in the path"),
        (name = "sandbox", description = "Tester tools, sandbox mode only"),
        (name = "meta", description = "Health and this document"),
    )
)]
pub struct ApiDoc;

/// Declares the four signing headers as API-key schemes that signed operations require together.
struct SignedRequests;

impl Modify for SignedRequests {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (scheme, header, what) in [
            (
                "wallet_device",
                signing::HEADER_DEVICE,
                "The enrolled device id",
            ),
            (
                "wallet_timestamp",
                signing::HEADER_TIMESTAMP,
                "Unix seconds, within 300 s of the server",
            ),
            (
                "wallet_nonce",
                signing::HEADER_NONCE,
                "16-64 base64url characters, never reused",
            ),
            (
                "wallet_signature",
                signing::HEADER_SIGNATURE,
                "Ed25519 signature, base64url",
            ),
        ] {
            components.add_security_scheme(
                scheme,
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(header, what))),
            );
        }
        components.add_security_scheme(
            "merchant_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The merchant's API key, shown once at creation"))
                    .build(),
            ),
        );
    }
}
