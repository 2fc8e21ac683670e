//! Stable error codes shared by every layer (HTTP, FFI, Tauri, UI, CLI).
//!
//! Shells branch on [`ErrorCode`], never on messages. Codes are part of the public contract:
//! never rename one; add new ones at the end of their group.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($( $(#[$meta:meta])* $variant:ident = $wire:literal, $status:literal, $title:literal; )*) => {
        /// Every error the product can report, as a stable SCREAMING_SNAKE code.
        ///
        /// Its OpenAPI schema is written by hand below: the derive listed the Rust variant
        /// names (`MalformedRequest`), not the wire strings this type serialises to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum ErrorCode {
            $( $(#[$meta])* #[serde(rename = $wire)] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as its wire string, e.g. `"DEVICE_REVOKED"`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $wire,)* }
            }

            /// The HTTP status the server answers with for this code.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// A short English title, for logs and problem+json `title`. Shells localise by code.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    // --- input validation (client and server) ---
    /// The request body or a field could not be parsed.
    MalformedRequest = "MALFORMED_REQUEST", 400, "The request could not be read";
    PhoneInvalid = "PHONE_INVALID", 400, "The phone number is not valid";
    IdNumberInvalid = "ID_NUMBER_INVALID", 400, "The resident ID number is not valid";
    NameInvalid = "NAME_INVALID", 400, "The name is not valid";
    PasswordWeak = "PASSWORD_WEAK", 400, "The password is too weak";
    OtpFormatInvalid = "OTP_FORMAT_INVALID", 400, "The verification code must be 6 digits";
    /// A name, note, device or merchant name holds an invisible text-direction control or
    /// zero-width character (`wallet_protocol::text`); the detail names the field.
    TextHiddenCharacter = "TEXT_HIDDEN_CHARACTER", 400, "The text holds an invisible direction or zero-width character";
    // --- account and credentials ---
    PhoneTaken = "PHONE_TAKEN", 409, "This phone number already has an account";
    /// Phone number or password wrong (never says which).
    CredentialsInvalid = "CREDENTIALS_INVALID", 401, "Phone number or password is wrong";
    OtpInvalid = "OTP_INVALID", 401, "The verification code is wrong";
    OtpExpired = "OTP_EXPIRED", 401, "The verification code has expired";
    ChallengeNotFound = "CHALLENGE_NOT_FOUND", 404, "No verification is waiting for this code";
    RateLimited = "RATE_LIMITED", 429, "Too many attempts; try again later";
    // --- request signing and devices ---
    SignatureMissing = "SIGNATURE_MISSING", 401, "The request is not signed";
    SignatureInvalid = "SIGNATURE_INVALID", 401, "The request signature is not valid";
    TimestampSkew = "TIMESTAMP_SKEW", 401, "The device clock is too far off";
    NonceReused = "NONCE_REUSED", 401, "The request was replayed";
    DeviceUnknown = "DEVICE_UNKNOWN", 401, "This device is not known";
    DeviceRevoked = "DEVICE_REVOKED", 401, "This device was signed out";
    // --- cards, PIN and money (issue 3) ---
    /// A card number fails Luhn, its scheme's length, or is not a supported scheme.
    CardNumberInvalid = "CARD_NUMBER_INVALID", 400, "The card number is not valid";
    CardAlreadyBound = "CARD_ALREADY_BOUND", 409, "This card is already bound to the account";
    CardNotFound = "CARD_NOT_FOUND", 404, "No such card on this account";
    /// The card was reported lost (by the user here, or at the bank): it cannot move money.
    CardSuspended = "CARD_SUSPENDED", 409, "This card is suspended because it was reported lost";
    /// Withdrawals go only to debit cards.
    CardNotDebit = "CARD_NOT_DEBIT", 409, "Withdrawals go only to a debit card";
    NoCard = "NO_CARD", 409, "Bind a bank card first";
    /// The bank says the cardholder is not the account's real name.
    CardHolderMismatch = "CARD_HOLDER_MISMATCH", 422, "The cardholder is not the account holder";
    /// The bank refused the card or the payment without giving a reason.
    CardDeclined = "CARD_DECLINED", 402, "The bank declined";
    /// The bank says the card was reported lost or stolen.
    CardReportedLost = "CARD_REPORTED_LOST", 402, "The bank says this card was reported lost";
    BankInsufficientFunds = "BANK_INSUFFICIENT_FUNDS", 402, "The card does not have enough money";
    BankUnavailable = "BANK_UNAVAILABLE", 503, "The bank could not be reached; try again later";
    BindingNotFound = "BINDING_NOT_FOUND", 404, "No card binding is waiting for this code";
    PinFormatInvalid = "PIN_FORMAT_INVALID", 400, "The payment PIN must be 6 digits";
    /// All-same digits, a run, the birthday, part of the phone or ID number, or a common PIN.
    PinWeak = "PIN_WEAK", 400, "This payment PIN is too easy to guess";
    PinNotSet = "PIN_NOT_SET", 409, "Set a payment PIN first";
    PinAlreadySet = "PIN_ALREADY_SET", 409, "A payment PIN is already set";
    PinWrong = "PIN_WRONG", 401, "The payment PIN is wrong";
    /// Five wrong PINs: locked for 3 hours; `retry_after_secs` says how long.
    PinLocked = "PIN_LOCKED", 423, "The payment PIN is locked after too many wrong tries";
    AmountInvalid = "AMOUNT_INVALID", 400, "The amount is not valid";
    /// Over the per-payment limit.
    AmountOverLimit = "AMOUNT_OVER_LIMIT", 422, "The amount is over the limit for one payment";
    /// Over what is left of today's limit.
    DailyLimitReached = "DAILY_LIMIT_REACHED", 422, "Today's limit is reached";
    /// The wallet balance is too low.
    BalanceInsufficient = "BALANCE_INSUFFICIENT", 422, "The balance is not enough";
    IdempotencyKeyMissing = "IDEMPOTENCY_KEY_MISSING", 400, "The Idempotency-Key header is missing or not valid";
    /// The same key was sent before with a different request.
    IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED", 422, "This Idempotency-Key was used for a different request";
    /// The action needs the payment PIN and none was sent: a top-up, or switching no-PIN
    /// payments on or raising their limits.
    PinRequired = "PIN_REQUIRED", 401, "This needs the payment PIN";
    // --- QR pay, payment codes, orders and merchants (issue 4) ---
    /// The payload is empty or only whitespace.
    QrEmpty = "QR_EMPTY", 400, "The QR code is empty";
    /// The CRC in tag 63 does not match the payload.
    QrCrcMismatch = "QR_CRC_MISMATCH", 400, "The QR code is damaged (checksum mismatch)";
    /// A tag/length/value triple is cut short, has a non-numeric tag or length, or overruns.
    QrMalformedTlv = "QR_MALFORMED_TLV", 400, "The QR code is not well formed";
    /// A mandatory EMVCo field (00, 52, 53, 58, 59, 60, 63, a merchant account) is absent.
    QrMissingField = "QR_MISSING_FIELD", 400, "The QR code lacks a required field";
    /// A field is present but its value breaks the spec (e.g. amount `10.`, country `B`).
    QrInvalidField = "QR_INVALID_FIELD", 400, "A field of the QR code is not valid";
    /// The QR code is readable but is not one this wallet pays (another network, a link, text).
    QrNotPayable = "QR_NOT_PAYABLE", 422, "This QR code cannot be paid with this wallet";
    /// An image could not be read as a picture.
    QrImageUnreadable = "QR_IMAGE_UNREADABLE", 400, "The image could not be read";
    /// The image holds no QR code that could be decoded.
    QrNotFound = "QR_NOT_FOUND", 422, "No QR code was found in the image";
    MerchantNotFound = "MERCHANT_NOT_FOUND", 404, "No such merchant";
    /// The merchant API key is missing, wrong, or belongs to another merchant.
    MerchantKeyInvalid = "MERCHANT_KEY_INVALID", 401, "The merchant API key is not valid";
    MerchantInvalid = "MERCHANT_INVALID", 400, "The merchant name, city or category code is not valid";
    OrderNotFound = "ORDER_NOT_FOUND", 404, "No such order";
    OrderAlreadyPaid = "ORDER_ALREADY_PAID", 409, "This order is already paid";
    OrderExpired = "ORDER_EXPIRED", 409, "This order has expired";
    /// The order was declined by the payer or cancelled.
    OrderClosed = "ORDER_CLOSED", 409, "This order is closed";
    /// A static code needs the payer to enter an amount.
    AmountRequired = "AMOUNT_REQUIRED", 400, "Enter the amount to pay";
    /// A dynamic code locks its amount; another amount was sent.
    AmountLocked = "AMOUNT_LOCKED", 409, "The amount of this code is fixed";
    /// Refund over what is left to refund, or of an order that was not paid.
    RefundNotAllowed = "REFUND_NOT_ALLOWED", 409, "This refund is not possible";
    /// Unknown, expired, or revoked payment code (never says which).
    PaycodeInvalid = "PAYCODE_INVALID", 422, "The payment code is not valid; ask for a fresh one";
    /// The payment code was already used once.
    PaycodeUsed = "PAYCODE_USED", 409, "This payment code was already used; ask for a fresh one";
    /// The device has no payment-code seed yet (client side: provision one online first).
    PaycodeNotProvisioned = "PAYCODE_NOT_PROVISIONED", 409, "Payment codes are not set up on this device yet";
    /// A remote order names a phone number that has no Wallet account.
    PayerNotFound = "PAYER_NOT_FOUND", 404, "No Wallet account has this phone number";
    /// A merchant's `notify_url` is not an http(s) URL the provider may call (outside sandbox
    /// mode: not a private, loopback or link-local address); the detail says why.
    NotifyUrlInvalid = "NOTIFY_URL_INVALID", 422, "The notice URL is not valid";
    // --- lost phone (issue 5) ---
    /// The account was reported lost (by its holder or support): no money leaves or enters it
    /// until it is unfrozen on a new device (`POST /v1/unfreeze`).
    AccountFrozen = "ACCOUNT_FROZEN", 423, "The account is frozen because the phone was reported lost";
    /// After an unfreeze or a new device, large withdrawals and transfers wait 24 hours;
    /// `retry_after_secs` and the detail say when the wait ends.
    CoolingOff = "COOLING_OFF", 423, "This is not possible yet: the account is in its cooling-off period";
    /// Unfreeze asked of an account that is not frozen.
    NotFrozen = "NOT_FROZEN", 409, "The account is not frozen";
    /// The ID number given to unfreeze does not match the account (never says more).
    UnfreezeDenied = "UNFREEZE_DENIED", 403, "The identity check failed";
    /// Sign-in by SMS code alone is switched off for this account (the default).
    SmsLoginDisabled = "SMS_LOGIN_DISABLED", 403, "Sign-in with an SMS code alone is switched off";
    // --- transfers (issue 6) ---
    /// No Wallet account has this phone number (transfers look the recipient up first).
    RecipientNotFound = "RECIPIENT_NOT_FOUND", 404, "No Wallet account has this phone number";
    /// A transfer to one's own account.
    TransferToSelf = "TRANSFER_TO_SELF", 422, "You cannot send money to yourself";
    /// The recipient's account cannot take money now (it is frozen).
    RecipientUnavailable = "RECIPIENT_UNAVAILABLE", 409, "The recipient cannot receive money right now";
    // --- funding sources (issue 14) ---
    /// Not `balance`, `card:<id>` or `carrier`, or a default order that is empty or names one
    /// source twice.
    SourceInvalid = "SOURCE_INVALID", 422, "That is not a funding source";
    /// The carrier refused to bill the phone (a barred or unknown line).
    CarrierDeclined = "CARRIER_DECLINED", 402, "The carrier declined to put this on the phone bill";
    /// Over what the carrier's monthly cap for the number still allows.
    CarrierCapReached = "CARRIER_CAP_REACHED", 402, "This month's phone-bill limit is reached";
    /// No answer from the carrier; a payment asked for stays pending and settles by itself.
    CarrierUnavailable = "CARRIER_UNAVAILABLE", 503, "The carrier could not be reached; try again later";
    /// A payment of this order from a card or the phone bill is waiting for its gateway.
    PaymentPending = "PAYMENT_PENDING", 409, "A payment of this order is still being processed";
    // --- generic server ---
    NotFound = "NOT_FOUND", 404, "Not found";
    Forbidden = "FORBIDDEN", 403, "Not allowed";
    SandboxOnly = "SANDBOX_ONLY", 403, "Only available in sandbox mode";
    Internal = "INTERNAL", 500, "Something went wrong on our side";
    /// A known path asked with a method it does not take (the `Allow` header lists those it does).
    MethodNotAllowed = "METHOD_NOT_ALLOWED", 405, "This route does not take this method";
    /// The server did not finish the request in its time limit. A money-moving request runs on
    /// to its end regardless: retry with the same `Idempotency-Key` to learn its outcome.
    RequestTimeout = "REQUEST_TIMEOUT", 503, "The server took too long to answer; try again";
    /// `GET /readyz`: this instance cannot serve now (its database does not answer).
    NotReady = "NOT_READY", 503, "The server is not ready to serve requests";
    // --- client only ---
    NotSignedIn = "NOT_SIGNED_IN", 401, "Not signed in";
    AlreadySignedIn = "ALREADY_SIGNED_IN", 409, "Already signed in on this profile";
    NoPendingVerification = "NO_PENDING_VERIFICATION", 409, "There is no sign-up or sign-in waiting for a code";
    StoreKeyMissing = "STORE_KEY_MISSING", 500, "The key for the local database is missing from the secret store";
    StoreKeyWrong = "STORE_KEY_WRONG", 500, "The key in the secret store does not open the local database";
    StoreCorrupt = "STORE_CORRUPT", 500, "The local database is damaged";
    StoreIo = "STORE_IO", 500, "The local database could not be read or written";
    SecretStoreUnavailable = "SECRET_STORE_UNAVAILABLE", 500, "No secret store is reachable";
    Network = "NETWORK", 503, "The server could not be reached";
    InsecureServerUrl = "INSECURE_SERVER_URL", 400, "Plain HTTP is only allowed to this computer";
    /// The server answered something this client cannot understand.
    Protocol = "PROTOCOL", 502, "The server sent an answer this app does not understand";
    /// The profile was enrolled on another server than the one it was pointed at; nothing was
    /// sent. The detail names both.
    ServerMismatch = "SERVER_MISMATCH", 409, "This profile belongs to another server";
    /// The server answered with a redirect, which this app never follows (a signed request
    /// must not be replayed elsewhere).
    ServerRedirect = "SERVER_REDIRECT", 502, "The server answered with a redirect, which this app does not follow";
    /// The desktop app locked itself after being idle (or on request): nothing but unlocking
    /// with the payment PIN (or signing out) is answered until then.
    AppLocked = "APP_LOCKED", 423, "Wallet is locked: unlock it with the payment PIN";
}

/// The OpenAPI schema of [`ErrorCode`]: a string enum of the codes exactly as they are sent.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "Every error the product can report, as a stable SCREAMING_SNAKE code.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ErrorCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ErrorCode")
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// RFC 9457 problem details with the stable `code` extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type: `https://wallet.example/problems/<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    /// Human-readable detail without personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Seconds until a rate-limited or locked action may be tried again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// The request's id, as in the `X-Request-Id` answer header and the server's logs: quote it
    /// to support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            type_uri: format!(
                "https://wallet.example/problems/{}",
                code.as_str().to_ascii_lowercase().replace('_', "-")
            ),
            title: code.title().to_owned(),
            status: code.http_status(),
            code,
            detail: None,
            retry_after_secs: None,
            request_id: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }
}

/// Media type of problem responses.
pub const PROBLEM_JSON: &str = "application/problem+json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_screaming_snake() {
        assert_eq!(ErrorCode::DeviceRevoked.as_str(), "DEVICE_REVOKED");
        assert_eq!(
            serde_json::to_string(&ErrorCode::StoreKeyWrong).unwrap(),
            "\"STORE_KEY_WRONG\""
        );
        let back: ErrorCode = serde_json::from_str("\"NONCE_REUSED\"").unwrap();
        assert_eq!(back, ErrorCode::NonceReused);
    }

    #[test]
    fn wire_strings_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_'));
        }
    }

    /// The published schema lists the codes as sent (`MALFORMED_REQUEST`), every one of them.
    #[cfg(feature = "openapi")]
    #[test]
    fn openapi_schema_lists_the_wire_strings() {
        use utoipa::PartialSchema as _;
        let schema = serde_json::to_value(ErrorCode::schema()).unwrap();
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let wire: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, wire);
        assert!(listed.contains(&"MALFORMED_REQUEST"));
        assert_eq!(schema["type"], "string");
    }

    #[test]
    fn problem_round_trips_with_type_field() {
        let p = Problem::new(ErrorCode::RateLimited).with_retry_after(30);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "https://wallet.example/problems/rate-limited");
        assert_eq!(json["status"], 429);
        assert_eq!(json["code"], "RATE_LIMITED");
        let back: Problem = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }
}
