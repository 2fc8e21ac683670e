//! The OpenAPI document, generated from the handlers' annotations and the wire types in
//! `wallet-protocol`. CI compares it with `tests/snapshots/openapi.json`.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{AllOfBuilder, ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use wallet_protocol::signing;

use crate::http::routes::{
    cards, checkout, devices, login, lost, me, merchants, meta, money, notices, orders, paycode,
    pin, qr, sandbox, signup, sms_pay, sources, transfer, verify,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wallet provider API",
        description = "Accounts, devices, OTP, cards, the payment PIN, money, merchant payments and transfers for the Wallet app. Errors are RFC 9457 \
            `application/problem+json` with a stable `code`. Signed endpoints need the four \
            `x-wallet-*` headers: an Ed25519 signature by an enrolled device over method, path \
            and query, timestamp, nonce and the body's SHA-256 (see `wallet_protocol::signing`). \
            Every answer carries an `X-Request-Id` header (the request's own when it sent a sane \
            one: 1-64 of A-Z a-z 0-9 . _ -), also in problem+json as `request_id`. A request \
            the server does not finish in its time limit answers 503 `REQUEST_TIMEOUT`; one \
            that changes something runs on to its end, so a retry with the same \
            `Idempotency-Key` learns its outcome."
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
        pin::verify_pin,
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
        sources::list,
        sources::set_order,
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
        notices::list,
        notices::settings,
        notices::put_settings,
        notices::rotate_secret,
        checkout::create,
        checkout::view,
        checkout::push_phone,
        sandbox::sandbox_outbox,
        sms_pay::put_settings,
        sms_pay::list_products,
        sms_pay::put_product,
        sms_pay::delete_product,
        sms_pay::inbound,
        meta::health,
        meta::ready,
        meta::openapi_json,
    ),
    components(schemas(
        wallet_protocol::Problem,
        wallet_protocol::ErrorCode,
        wallet_protocol::source::FundingSource
    )),
    modifiers(&SignedRequests, &CommonAnswers, &CrossFieldRules),
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
        (name = "checkout", description = "Web checkout: what the provider's checkout page calls (no sign-in: the page's token is the capability; sandbox mode only)"),
        (name = "sandbox", description = "Tester tools, sandbox mode only"),
        (name = "meta", description = "Liveness, readiness and this document"),
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

/// What a signed request can be refused with before its handler runs (`AuthenticatedDevice`).
const SIGNED_REFUSALS: &str =
    "SIGNATURE_MISSING, SIGNATURE_INVALID, TIMESTAMP_SKEW, NONCE_REUSED, \
     DEVICE_UNKNOWN, DEVICE_REVOKED: the signature or the device";

/// Documents, on every operation, the answers that come from the shared extractors rather
/// than from the handler: so the document lists every status a route can answer
/// (`server/tests/suite/common` checks each answer the tests get against it).
///
/// - signed operations (`wallet_device`): 401 for the signature or the device, 400
///   `MALFORMED_REQUEST` for a body over 1 MiB or not the expected JSON;
/// - merchant operations (`merchant_key`): 401 `MERCHANT_KEY_INVALID`;
/// - every operation with a JSON body: 400 `MALFORMED_REQUEST`;
/// - every operation with path parameters: 400 `MALFORMED_REQUEST` for a path that cannot be
///   read;
/// - every operation: 503 `REQUEST_TIMEOUT` past the server's time limit (`http::observe`).
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                common_answers(op);
            }
        }
    }
}

fn common_answers(op: &mut Operation) {
    let schemes: Vec<String> = op
        .security
        .iter()
        .flatten()
        .filter_map(|s| serde_json::to_value(s).ok())
        .filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
        .flatten()
        .collect();
    let signed = schemes.iter().any(|s| s == "wallet_device");
    let merchant = schemes.iter().any(|s| s == "merchant_key");
    if signed {
        add_problem(op, "401", SIGNED_REFUSALS);
        add_problem(
            op,
            "400",
            "MALFORMED_REQUEST: the body is over 1 MiB or not the expected JSON",
        );
    }
    if merchant {
        add_problem(op, "401", "MERCHANT_KEY_INVALID");
    }
    if op.request_body.is_some() {
        add_problem(
            op,
            "400",
            "MALFORMED_REQUEST: the body is not the expected JSON",
        );
    }
    // `http::observe`: any request can outlast the server's time limit.
    add_problem(
        op,
        "503",
        "REQUEST_TIMEOUT: not finished in the server's time limit (a request that changes something runs on; retry with the same Idempotency-Key)",
    );
    let in_path = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Path);
    if in_path {
        add_problem(op, "400", "MALFORMED_REQUEST: the path cannot be read");
    }
}

/// Adds a problem+json answer for `status`, or names `codes` in the one already there.
fn add_problem(op: &mut Operation, status: &str, codes: &str) {
    let responses = &mut op.responses.responses;
    match responses.get_mut(status) {
        Some(RefOr::T(existing)) => {
            let first = codes.split([':', ',']).next().unwrap_or(codes);
            if !existing.description.contains(first) {
                existing.description = format!("{}; {codes}", existing.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert(status.to_owned(), RefOr::T(problem_response(codes)));
        }
    }
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            wallet_protocol::error::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The request rules across fields (`wallet_protocol::openapi::cross_field_rules`): each
/// component becomes `allOf` its derived schema and its rule.
struct CrossFieldRules;

impl Modify for CrossFieldRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, rule) in wallet_protocol::openapi::cross_field_rules() {
            if let Some(schema) = components.schemas.remove(name) {
                components.schemas.insert(
                    name.to_owned(),
                    AllOfBuilder::new().item(schema).item(rule).into(),
                );
            }
        }
    }
}
