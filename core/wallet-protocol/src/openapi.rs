//! OpenAPI schemas of request fields: the constraints the provider enforces, written once and
//! used by the wire types' derives (`#[schema(schema_with = ...)]`), so the published document
//! says what the server accepts (docs/api.md).
//!
//! Where a rule cannot be written as a pattern or a bound (a phone number's validity, the ID
//! number's check digit, a password's strength, a new PIN's weakness, a card's Luhn digit, an
//! Ed25519 point), the field names a `format` for it (`phone`, `cn-resident-id`,
//! `new-password`, `new-payment-pin`, `card-number`, `ed25519-public-key`, `emvco-qr`) and
//! its description names the error code the server answers when the rule is broken.

use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::money::MAX_MINOR;

/// No control characters (Unicode `Cc`: what the server's `char::is_control` refuses) and none
/// of the invisible direction and zero-width characters that can disguise a name.
const PRINTABLE: &str =
    "\\x00-\\x1f\\x7f-\\x9f\u{061c}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2060}-\u{2069}\u{feff}";

/// Printable text holding at least one character that is not a space (the server trims).
pub fn text_pattern() -> String {
    format!("^[^{PRINTABLE}]*[^\\s{PRINTABLE}][^{PRINTABLE}]*$")
}

/// Printable text that may be empty or blank (an optional note or description).
pub fn optional_text_pattern() -> String {
    format!("^[^{PRINTABLE}]*$")
}

/// Ids the server makes (`acc_…`, `dev_…`, `ord_…`): what `api::id_well_formed` accepts.
pub const ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,128}$";
/// `Idempotency-Key`: what `api::idempotency_key_well_formed` accepts.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[A-Za-z0-9_-]{8,64}$";

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

fn nullable(builder: ObjectBuilder) -> ObjectBuilder {
    builder.schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

fn format(builder: ObjectBuilder, name: &str) -> ObjectBuilder {
    builder.format(Some(SchemaFormat::Custom(name.to_owned())))
}

fn text(description: &str, max: usize) -> ObjectBuilder {
    string(description)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(text_pattern()))
}

/// A phone number as typed (`13812345678`, `+86 138 1234 5678`): a valid mobile number.
pub fn phone() -> RefOr<Schema> {
    phone_builder().into()
}

/// [`phone`], optional.
pub fn optional_phone() -> RefOr<Schema> {
    nullable(phone_builder()).into()
}

fn phone_builder() -> ObjectBuilder {
    format(
        string(
            "A mobile number as typed: E.164 (`+8613812345678`) or as dialled in mainland China \
             (`13812345678`); spaces, dashes and brackets allowed. A number that is not a valid \
             mobile number answers `PHONE_INVALID`.",
        ),
        "phone",
    )
    .min_length(Some(5))
    .max_length(Some(32))
    .pattern(Some("^\\+?[0-9][0-9 ()-]{3,30}[0-9]$"))
}

/// A 6-digit SMS code.
pub fn otp() -> RefOr<Schema> {
    otp_builder().into()
}

/// [`otp`], optional.
pub fn optional_otp() -> RefOr<Schema> {
    nullable(otp_builder()).into()
}

fn otp_builder() -> ObjectBuilder {
    string("The 6-digit code from the SMS (`OTP_FORMAT_INVALID` otherwise).")
        .min_length(Some(6))
        .max_length(Some(6))
        .pattern(Some("^[0-9]{6}$"))
}

/// The payment PIN to check: 6 digits.
pub fn pin() -> RefOr<Schema> {
    checked_pin_builder().into()
}

fn checked_pin_builder() -> ObjectBuilder {
    format(
        pin_builder(
            "The payment PIN: 6 digits (`PIN_FORMAT_INVALID` otherwise). A wrong one answers \
             `PIN_WRONG` and counts toward the lock (`PIN_LOCKED`).",
        ),
        "payment-pin",
    )
}

/// [`pin`], optional.
pub fn optional_pin() -> RefOr<Schema> {
    nullable(checked_pin_builder()).into()
}

/// A new payment PIN: 6 digits that are not easy to guess.
pub fn new_pin() -> RefOr<Schema> {
    format(
        pin_builder(
            "A new payment PIN: 6 digits. All-same digits, runs, the birthday, part of the phone \
             or ID number and the 100 most common PINs answer `PIN_WEAK`.",
        ),
        "new-payment-pin",
    )
    .into()
}

fn pin_builder(description: &str) -> ObjectBuilder {
    string(description)
        .min_length(Some(6))
        .max_length(Some(6))
        .pattern(Some("^[0-9]{6}$"))
}

/// The login password to check.
pub fn password() -> RefOr<Schema> {
    password_builder().into()
}

/// [`password`], optional.
pub fn optional_password() -> RefOr<Schema> {
    nullable(password_builder()).into()
}

fn password_builder() -> ObjectBuilder {
    format(string("The login password."), "password").min_length(Some(1))
}

/// A new login password (zxcvbn score 3 or more).
pub fn new_password() -> RefOr<Schema> {
    format(
        string(
            "A new login password. One that zxcvbn scores below 3 (with the phone, name and ID \
             number as known words) answers `PASSWORD_WEAK` with the feedback in `detail`.",
        ),
        "new-password",
    )
    .min_length(Some(1))
    .into()
}

/// The 18-character resident ID number.
pub fn id_number() -> RefOr<Schema> {
    id_number_builder().into()
}

/// [`id_number`], optional.
pub fn optional_id_number() -> RefOr<Schema> {
    nullable(id_number_builder()).into()
}

fn id_number_builder() -> ObjectBuilder {
    format(
        string(
            "18-character resident ID number (`X` in either case last). A wrong birth date or \
             check digit answers `ID_NUMBER_INVALID`.",
        ),
        "cn-resident-id",
    )
    .min_length(Some(18))
    .max_length(Some(18))
    .pattern(Some("^[0-9]{17}[0-9Xx]$"))
}

/// The last 6 characters of the resident ID number.
pub fn optional_id_last6() -> RefOr<Schema> {
    nullable(
        string("The last 6 characters of the resident ID number (`X` in either case).")
            .min_length(Some(6))
            .max_length(Some(6))
            .pattern(Some("^[0-9Xx]{6}$")),
    )
    .into()
}

/// A real name, as on the resident ID card.
pub fn real_name() -> RefOr<Schema> {
    text(
        "Real name, as on the resident ID card: 1 to 64 characters.",
        64,
    )
    .into()
}

/// [`real_name`], optional.
pub fn optional_real_name() -> RefOr<Schema> {
    nullable(text("The account's real name: 1 to 64 characters.", 64)).into()
}

/// A device's name or platform.
pub fn device_label() -> RefOr<Schema> {
    text(
        "1 to 64 characters, no control characters (`MALFORMED_REQUEST` otherwise).",
        64,
    )
    .into()
}

/// An Ed25519 public key, base64url without padding.
pub fn public_key() -> RefOr<Schema> {
    format(
        string(
            "Ed25519 public key made on the device: 32 bytes, base64url without padding. A key \
             that is not a point of the curve answers `MALFORMED_REQUEST`.",
        ),
        "ed25519-public-key",
    )
    .min_length(Some(43))
    .max_length(Some(43))
    .pattern(Some("^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$"))
    .into()
}

/// A card number.
pub fn card_number() -> RefOr<Schema> {
    format(
        string(
            "Full card number: 12 to 19 digits, spaces or dashes between them allowed. A number \
             that fails its scheme's length or the Luhn check, or of no supported scheme, answers \
             `CARD_NUMBER_INVALID`. Never stored, never logged.",
        ),
        "card-number",
    )
    .min_length(Some(12))
    .max_length(Some(40))
    .pattern(Some("^[0-9](?:[ -]?[0-9]){11,18}$"))
    .into()
}

/// A scanned QR payload.
pub fn qr_payload() -> RefOr<Schema> {
    format(
        string(
            "The scanned text (an EMVCo merchant-presented payload for a payable code): at most \
             512 characters. A damaged code answers `QR_*`; one of another network, a link or \
             text `QR_NOT_PAYABLE`.",
        ),
        "emvco-qr",
    )
    .min_length(Some(1))
    .max_length(Some(512))
    .into()
}

/// One of the server's ids, optional.
pub fn optional_id() -> RefOr<Schema> {
    nullable(string("An id the server gave.").pattern(Some(ID_PATTERN))).into()
}

/// A merchant's name (EMVCo tag 59).
pub fn merchant_name() -> RefOr<Schema> {
    text("Up to 25 characters (EMVCo tag 59).", 25).into()
}

/// A merchant's city (EMVCo tag 60).
pub fn merchant_city() -> RefOr<Schema> {
    text("Up to 15 characters (EMVCo tag 60).", 15).into()
}

/// A merchant category code.
pub fn mcc() -> RefOr<Schema> {
    string("4 digits, ISO 18245.")
        .min_length(Some(4))
        .max_length(Some(4))
        .pattern(Some("^[0-9]{4}$"))
        .into()
}

/// A merchant's `return_url` (web checkout).
pub fn return_url() -> RefOr<Schema> {
    format(
        string(
            "An absolute `http` or `https` URL with a host and no user name or password, at \
             most 2048 characters and no spaces (`MALFORMED_REQUEST` otherwise).",
        ),
        "return-url",
    )
    .min_length(Some(10))
    .max_length(Some(2048))
    .pattern(Some("^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$"))
    .into()
}

/// An order's or a charge's description, optional.
pub fn optional_description() -> RefOr<Schema> {
    nullable(
        string("At most 64 characters, no control characters; blank is none.")
            .max_length(Some(64))
            .pattern(Some(optional_text_pattern())),
    )
    .into()
}

/// An SMS product's description (issue 14).
pub fn sms_product_description() -> RefOr<Schema> {
    text("1 to 32 characters, shown in the SMS to the payer.", 32).into()
}

/// A transfer's note, optional.
pub fn optional_note() -> RefOr<Schema> {
    nullable(
        string("At most 50 characters, no control characters; blank is none. Both sides see it.")
            .max_length(Some(50))
            .pattern(Some(optional_text_pattern())),
    )
    .into()
}

/// An 18-digit payment code.
pub fn paycode() -> RefOr<Schema> {
    string(
        "The 18-digit payment code the payer shows. Unknown, expired or revoked codes answer \
         `PAYCODE_INVALID`.",
    )
    .min_length(Some(18))
    .max_length(Some(18))
    .pattern(Some("^[0-9]{18}$"))
    .into()
}

/// An amount of money that moves: CNY, more than zero, at most `MAX_MINOR`.
pub fn amount() -> RefOr<Schema> {
    amount_builder(
        1,
        "An amount that moves: CNY, more than zero (`AMOUNT_INVALID` otherwise). Limits per \
         payment and per day answer `AMOUNT_OVER_LIMIT` and `DAILY_LIMIT_REACHED`.",
    )
    .into()
}

/// [`amount`], optional.
pub fn optional_amount() -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null).build())
        .item(amount_builder(
            1,
            "An amount that moves: CNY, more than zero (`AMOUNT_INVALID` otherwise).",
        ))
        .into()
}

/// A limit the user sets: CNY, zero or more.
pub fn limit_amount() -> RefOr<Schema> {
    amount_builder(
        0,
        "A limit: CNY, zero or more (`AMOUNT_INVALID` otherwise); above the server's ceiling \
         answers `AMOUNT_OVER_LIMIT`.",
    )
    .into()
}

fn amount_builder(min: i64, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .property(
            "minor",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(
                    utoipa::openapi::schema::KnownFormat::Int64,
                )))
                .minimum(Some(min))
                .maximum(Some(MAX_MINOR)),
        )
        .required("minor")
        .property(
            "currency",
            string("ISO 4217: only CNY moves money.").enum_values(Some(["CNY"])),
        )
        .required("currency")
}

/// Rules across fields that a field's schema cannot state, as `(component, rule)`: the
/// server's document combines each component with its rule (`allOf`).
pub fn cross_field_rules() -> Vec<(&'static str, RefOr<Schema>)> {
    let null = || ObjectBuilder::new().schema_type(Type::Null);
    let flag = |on: bool| {
        ObjectBuilder::new()
            .schema_type(Type::Boolean)
            .enum_values(Some([on]))
    };
    vec![
        (
            "ReportLostRequest",
            OneOfBuilder::new()
                .description(Some(
                    "The identity: `name` with `id_last6`, or `password` alone \
                     (`MALFORMED_REQUEST` otherwise).",
                ))
                .item(
                    ObjectBuilder::new()
                        .property("name", text("The account's real name.", 64))
                        .required("name")
                        .property(
                            "id_last6",
                            string("The last 6 characters of the ID number.")
                                .pattern(Some("^[0-9Xx]{6}$")),
                        )
                        .required("id_last6")
                        .property("password", null()),
                )
                .item(
                    ObjectBuilder::new()
                        .property("password", password_builder())
                        .required("password")
                        .property("name", null())
                        .property("id_last6", null()),
                )
                .into(),
        ),
        (
            "AccountSettingsUpdate",
            OneOfBuilder::new()
                .description(Some(
                    "Switching SMS-only sign-in on needs the payment PIN \
                     (`PIN_FORMAT_INVALID` without it); switching it off needs nothing.",
                ))
                .item(ObjectBuilder::new().property("sms_login_enabled", flag(false)))
                .item(
                    ObjectBuilder::new()
                        .property("sms_login_enabled", flag(true))
                        .property("pin", checked_pin_builder())
                        .required("pin"),
                )
                .into(),
        ),
        (
            "PhoneChangeVerifyRequest",
            OneOfBuilder::new()
                .description(Some(
                    "`old_challenge_id` and `old_code` go together (`MALFORMED_REQUEST` \
                     otherwise).",
                ))
                .item(
                    ObjectBuilder::new()
                        .property(
                            "old_challenge_id",
                            string("From the start answer.").pattern(Some(ID_PATTERN)),
                        )
                        .required("old_challenge_id")
                        .property("old_code", otp_builder())
                        .required("old_code"),
                )
                .item(
                    ObjectBuilder::new()
                        .property("old_challenge_id", null())
                        .property("old_code", null()),
                )
                .into(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_pattern_matches_real_keys() {
        // The last character of 43 base64url characters carries 2 bits that must be zero.
        let schema = serde_json::to_value(public_key()).unwrap();
        let pattern = schema["pattern"].as_str().unwrap();
        let last_class = &pattern[pattern.rfind('[').unwrap()..];
        for seed in 0u8..32 {
            let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
            let encoded = crate::signing::encode_public_key(&key);
            assert_eq!(encoded.len(), 43);
            let last = encoded.chars().last().unwrap_or_default();
            assert!(last_class.contains(last), "{encoded} vs {pattern}");
        }
    }
}
