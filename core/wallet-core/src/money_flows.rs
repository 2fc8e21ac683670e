//! Bank cards, the payment PIN, top-ups, withdrawals and the balance (docs/rules.md §Credentials,
//! §Cards, §Ledger, §Paying).
//!
//! Each flow checks offline what it can first (card number, phone, PIN rules, amount, ids, the
//! idempotency key), then makes signed requests (so a `DEVICE_REVOKED` answer wipes, as
//! everywhere) and keeps what the server said in the local cache: masked cards, the pending card
//! binding and PIN reset, operations and the balance. PINs, the password, the card number and
//! OTPs live in `Zeroizing` buffers, go only into request bodies, and are never logged or stored.
//!
//! Offline behaviour: `balance` answers from the cache, marked `stale`, when the server cannot
//! be reached; `cards` does not (binding, unbinding and paying need the server anyway) and
//! `cached_cards` reads the cache for a screen that must show something offline.
//!
//! The server's answer is the truth: once it has answered, a failure to write the cache is
//! logged and the answer still returned (money may have moved). Only the pending card binding and
//! PIN reset, which the next step needs, must be stored for a flow to succeed.

use chrono::{DateTime, Utc};
use rand::rngs::OsRng;
use rand::RngCore as _;
use reqwest::Method;
use wallet_protocol::api::{
    self, idempotency_key_well_formed, paths, BalanceResponse, BindCardRequest, CardBindingStarted,
    CardInfo, CardList, ChallengeResponse, ChangePinRequest, PinResetRequest,
    PinResetVerifyRequest, PinStatus, SetPinRequest, TopUpRequest, UnbindCardRequest,
    VerifyPinRequest, WithdrawRequest,
};
use wallet_protocol::card::{self, CardNumber};
use wallet_protocol::pin::{self, PinContext, PinWeakness};
use wallet_protocol::{ErrorCode, PhoneNumber};
use zeroize::{Zeroize as _, Zeroizing};

use crate::client::to_json;
use crate::error::WalletError;
use crate::store::{rfc3339, Store, StoreError, StoredPinReset};
use crate::types::*;
use crate::wallet::{invalid, Wallet};

/// How many operations `balance` shows (the server lists at most 20).
const BALANCE_OPERATIONS: usize = 20;

impl Wallet {
    // --- cards, offline ------------------------------------------------------------------------

    /// What a card number is (Luhn, length, scheme, bank, card type), offline. Never fails.
    pub fn inspect_card(number: &str) -> CardInspection {
        card::inspect(number)
    }

    /// Reads an amount the way `top_up` and `withdraw` will (`100`, `12.3`, `¥1,234.50`; at most
    /// two decimals, more than zero), for a confirm step that shows exactly what will be sent.
    pub fn parse_amount(amount: &str) -> Result<Money, WalletError> {
        parse_amount(amount)
    }

    /// Checks a new payment PIN against the rules the client can check: six digits, not one
    /// digit repeated, not a run, not part of the profile's phone number, not a common PIN.
    /// The server checks again, also against the birthday and the ID number.
    pub fn check_new_pin(&self, pin: &str) -> Result<(), WalletError> {
        let phone = {
            let guard = self.lock_store();
            match guard.as_ref() {
                Some(store) => store.profile()?.map(|p| p.phone),
                None => None,
            }
        };
        check_new_pin_with(pin, phone.as_deref())
    }

    // --- payment PIN ---------------------------------------------------------------------------

    pub async fn pin_state(&self) -> Result<PinState, WalletError> {
        let _flow = self.flow.lock().await;
        let status: PinStatus = self
            .signed_with(Method::GET, paths::PIN, None, None)
            .await?;
        Ok(PinState {
            set: status.set,
            locked_until: status.locked_until.as_ref().map(rfc3339),
        })
    }

    /// Sets the first payment PIN (`PIN_ALREADY_SET` when there is one: use `change_pin`).
    pub async fn set_pin(&self, pin: String) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        let pin = Zeroizing::new(pin);
        self.check_new_pin(&pin)?;
        let mut request = SetPinRequest {
            pin: pin.to_string(),
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.signed_empty_with(Method::POST, paths::PIN, Some(&body?), None)
            .await
    }

    /// Changes the PIN; the current one proves the user (`PIN_WRONG` says how many tries are
    /// left, `PIN_LOCKED` when none are).
    pub async fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        let old_pin = Zeroizing::new(old_pin);
        let new_pin = Zeroizing::new(new_pin);
        check_pin_format(&old_pin, "The current payment PIN")?;
        self.check_new_pin(&new_pin)?;
        let mut request = ChangePinRequest {
            old_pin: old_pin.to_string(),
            new_pin: new_pin.to_string(),
        };
        let body = to_json(&request);
        request.old_pin.zeroize();
        request.new_pin.zeroize();
        self.signed_empty_with(Method::POST, paths::PIN_CHANGE, Some(&body?), None)
            .await
    }

    /// Checks the payment PIN with the provider and changes nothing (the desktop app lock asks
    /// it before unlocking). Wrong tries count toward the PIN's 5-try lock: `PIN_WRONG`,
    /// `PIN_LOCKED`, `PIN_NOT_SET`.
    pub async fn verify_pin(&self, pin: String) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        let pin = Zeroizing::new(pin);
        check_pin_format(&pin, "The payment PIN")?;
        let mut request = VerifyPinRequest {
            pin: pin.to_string(),
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.signed_empty_with(Method::POST, paths::PIN_VERIFY, Some(&body?), None)
            .await
    }

    /// Starts resetting a forgotten or locked PIN: the login password, then an SMS code goes to
    /// the account's phone. The reset waits in the local store, so another process on this
    /// device can finish it with [`Self::finish_pin_reset`].
    pub async fn start_pin_reset(
        &self,
        password: String,
    ) -> Result<PendingVerification, WalletError> {
        let _flow = self.flow.lock().await;
        let password = Zeroizing::new(password);
        if password.is_empty() {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                "Enter the account's login password",
            ));
        }
        let mut request = PinResetRequest {
            password: password.to_string(),
        };
        let body = to_json(&request);
        request.password.zeroize();
        let answer: ChallengeResponse = self
            .signed_with(Method::POST, paths::PIN_RESET, Some(&body?), None)
            .await?;
        let reset = StoredPinReset {
            challenge_id: answer.challenge_id,
            phone_masked: answer.phone_masked,
            expires_at: answer.expires_at,
        };
        self.with_store(|s| s.save_pin_reset(&reset))?;
        Ok(PendingVerification {
            purpose: ChallengePurpose::PinReset,
            phone_masked: reset.phone_masked,
            expires_at: rfc3339(&reset.expires_at),
        })
    }

    /// Finishes the PIN reset with the SMS code and the new PIN; this also lifts a lock.
    pub async fn finish_pin_reset(&self, code: String, new_pin: String) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        let code = Zeroizing::new(code.trim().to_owned());
        let new_pin = Zeroizing::new(new_pin);
        if !api::otp_well_formed(&code) {
            return Err(ErrorCode::OtpFormatInvalid.into());
        }
        self.check_new_pin(&new_pin)?;
        let reset = self.with_store(Store::pin_reset)?.ok_or_else(|| {
            WalletError::new(
                ErrorCode::NoPendingVerification,
                "No PIN reset is waiting for a code: start one with the login password",
            )
        })?;
        if reset.expires_at <= Utc::now() || !api::id_well_formed(&reset.challenge_id) {
            self.with_store(Store::clear_pin_reset)?;
            return Err(WalletError::new(
                ErrorCode::OtpExpired,
                "The verification code has expired: start the PIN reset again for a new one",
            ));
        }
        let mut request = PinResetVerifyRequest {
            code: code.to_string(),
            new_pin: new_pin.to_string(),
        };
        let body = to_json(&request);
        request.code.zeroize();
        request.new_pin.zeroize();
        let answer = self
            .signed_empty_with(
                Method::POST,
                &paths::pin_reset_verify(&reset.challenge_id),
                Some(&body?),
                None,
            )
            .await;
        match answer {
            Ok(()) => {
                self.cache(Store::clear_pin_reset);
                Ok(())
            }
            Err(e) => {
                if matches!(e.code, ErrorCode::ChallengeNotFound | ErrorCode::OtpExpired) {
                    // Dead on the server: forget it so the next attempt starts afresh.
                    self.with_store(Store::clear_pin_reset)?;
                }
                Err(e)
            }
        }
    }

    // --- bank cards ----------------------------------------------------------------------------

    /// Starts binding a card: the number goes to the server (and on to the bank) only; the bank
    /// sends a code to `bank_phone`. Only the masked binding is kept locally.
    pub async fn bind_card(
        &self,
        number: String,
        bank_phone: String,
    ) -> Result<PendingCardBinding, WalletError> {
        let _flow = self.flow.lock().await;
        let number = Zeroizing::new(number);
        let card =
            CardNumber::parse(&number).map_err(|e| invalid(ErrorCode::CardNumberInvalid, e))?;
        let phone =
            PhoneNumber::parse(&bank_phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        let mut request = BindCardRequest {
            number: card.digits().to_owned(),
            bank_phone: phone.as_e164().to_owned(),
        };
        drop(card);
        let body = to_json(&request);
        request.number.zeroize();
        let started: CardBindingStarted = self
            .signed_with(Method::POST, paths::CARDS, Some(&body?), None)
            .await?;
        let pending = PendingCardBinding {
            binding_id: started.binding_id,
            phone_masked: started.phone_masked,
            expires_at: rfc3339(&started.expires_at),
            bank: started.bank,
            scheme: started.scheme,
            card_type: started.card_type,
            last4: started.last4,
        };
        self.with_store(|s| s.save_card_binding(&pending))?;
        Ok(pending)
    }

    /// Completes the pending card binding with the bank's SMS code.
    pub async fn verify_card(&self, code: String) -> Result<Card, WalletError> {
        let _flow = self.flow.lock().await;
        let code = Zeroizing::new(code.trim().to_owned());
        if !api::otp_well_formed(&code) {
            return Err(ErrorCode::OtpFormatInvalid.into());
        }
        let pending = self.with_store(Store::card_binding)?.ok_or_else(|| {
            WalletError::new(
                ErrorCode::BindingNotFound,
                "No card binding is waiting for a code: start with the card number",
            )
        })?;
        let expired =
            DateTime::parse_from_rfc3339(&pending.expires_at).map_or(true, |t| t <= Utc::now());
        if expired || !api::id_well_formed(&pending.binding_id) {
            self.with_store(Store::clear_card_binding)?;
            return Err(WalletError::new(
                ErrorCode::OtpExpired,
                "The bank's code has expired: bind the card again for a new one",
            ));
        }
        let mut request = api::CardVerifyRequest {
            code: code.to_string(),
        };
        let body = to_json(&request);
        request.code.zeroize();
        let answer: Result<CardInfo, WalletError> = self
            .signed_with(
                Method::POST,
                &paths::card_binding_verify(&pending.binding_id),
                Some(&body?),
                None,
            )
            .await;
        match answer {
            Ok(info) => {
                let card = to_card(info);
                self.cache(|s| {
                    s.clear_card_binding()?;
                    s.upsert_card(&card)
                });
                Ok(card)
            }
            Err(e) => {
                if matches!(
                    e.code,
                    ErrorCode::BindingNotFound
                        | ErrorCode::OtpExpired
                        | ErrorCode::CardAlreadyBound
                ) {
                    // The binding is over on the server: a new code cannot help.
                    self.with_store(Store::clear_card_binding)?;
                }
                Err(e)
            }
        }
    }

    /// The bound cards from the server (default first); the local cache is replaced with them.
    /// `NETWORK` when the server cannot be reached: see [`Self::cached_cards`].
    pub async fn cards(&self) -> Result<Vec<Card>, WalletError> {
        let _flow = self.flow.lock().await;
        let list: CardList = self
            .signed_with(Method::GET, paths::CARDS, None, None)
            .await?;
        let cards: Vec<Card> = list.cards.into_iter().map(to_card).collect();
        self.cache(|s| s.replace_cards(&cards));
        Ok(cards)
    }

    /// The cards as last seen from the server, offline (masked; may be out of date).
    pub fn cached_cards(&self) -> Result<Vec<Card>, WalletError> {
        self.with_store(Store::cards)
    }

    /// Makes a card the one top-ups and withdrawals use when none is named.
    pub async fn set_default_card(&self, card_id: String) -> Result<Card, WalletError> {
        let _flow = self.flow.lock().await;
        check_card_id(&card_id)?;
        let info: CardInfo = self
            .signed_with(Method::POST, &paths::card_default(&card_id), None, None)
            .await?;
        let card = to_card(info);
        self.cache(|s| s.upsert_card(&card));
        Ok(card)
    }

    /// Unbinds a card; the payment PIN confirms it.
    pub async fn unbind_card(&self, card_id: String, pin: String) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        let pin = Zeroizing::new(pin);
        check_card_id(&card_id)?;
        check_pin_format(&pin, "The payment PIN")?;
        let mut request = UnbindCardRequest {
            pin: pin.to_string(),
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.signed_empty_with(
            Method::POST,
            &paths::card_unbind(&card_id),
            Some(&body?),
            None,
        )
        .await?;
        // The server may have made another card the default: `cards` shows it.
        self.cache(|s| s.remove_card(&card_id));
        Ok(())
    }

    /// Reports a card lost: it is suspended at once and moves no money.
    pub async fn report_card_lost(&self, card_id: String) -> Result<Card, WalletError> {
        let _flow = self.flow.lock().await;
        check_card_id(&card_id)?;
        let info: CardInfo = self
            .signed_with(Method::POST, &paths::card_report_lost(&card_id), None, None)
            .await?;
        let card = to_card(info);
        self.cache(|s| s.upsert_card(&card));
        Ok(card)
    }

    // --- money ---------------------------------------------------------------------------------

    /// Moves money from a bound card into the wallet; the PIN confirms it (it pulls money from
    /// the user's card). The answer is the operation: `succeeded`,
    /// `pending` (the bank has not answered yet; `balance` or `operation` shows the outcome) or
    /// `failed` with its `failure_code` (e.g. `CARD_DECLINED`): a refused payment is an
    /// operation, not an error. Errors are for requests that could not be made at all.
    pub async fn top_up(&self, input: TopUpInput) -> Result<Operation, WalletError> {
        let _flow = self.flow.lock().await;
        let TopUpInput {
            amount,
            card_id,
            pin,
            idempotency_key,
        } = input;
        let pin = Zeroizing::new(pin);
        let amount = parse_amount(&amount)?;
        if let Some(id) = &card_id {
            check_card_id(id)?;
        }
        check_pin_format(&pin, "The payment PIN")?;
        let key = idempotency_key_or_new(idempotency_key)?;
        let mut request = TopUpRequest {
            amount,
            card_id,
            pin: Some(pin.to_string()),
        };
        let body = to_json(&request);
        if let Some(p) = request.pin.as_mut() {
            p.zeroize();
        }
        self.move_money(paths::TOPUPS, &body?, &key, "top-up").await
    }

    /// Moves money from the wallet to a bound debit card; the PIN confirms it. A fee may be
    /// kept (`fee`); the card receives `amount - fee`. Outcomes as for [`Self::top_up`].
    pub async fn withdraw(&self, input: WithdrawInput) -> Result<Operation, WalletError> {
        let _flow = self.flow.lock().await;
        let WithdrawInput {
            amount,
            card_id,
            pin,
            idempotency_key,
        } = input;
        let pin = Zeroizing::new(pin);
        let amount = parse_amount(&amount)?;
        if let Some(id) = &card_id {
            check_card_id(id)?;
        }
        check_pin_format(&pin, "The payment PIN")?;
        let key = idempotency_key_or_new(idempotency_key)?;
        let mut request = WithdrawRequest {
            amount,
            card_id,
            pin: pin.to_string(),
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.move_money(paths::WITHDRAWALS, &body?, &key, "withdrawal")
            .await
    }

    /// The balance, the latest operations and today's limits, from the server; when it cannot
    /// be reached, the last confirmed figures with `stale: true` (`NETWORK` if there are none).
    pub async fn balance(&self) -> Result<Balance, WalletError> {
        let _flow = self.flow.lock().await;
        let answer: Result<BalanceResponse, WalletError> = self
            .signed_with(Method::GET, paths::BALANCE, None, None)
            .await;
        match answer {
            Ok(b) => {
                let balance = Balance {
                    balance: b.balance,
                    operations: b.operations.into_iter().map(to_operation).collect(),
                    limits: to_limits(b.limits),
                    as_of: rfc3339(&Utc::now()),
                    stale: false,
                };
                self.cache(|s| {
                    s.save_balance(
                        balance.balance,
                        &balance.limits,
                        &balance.operations,
                        &balance.as_of,
                    )
                });
                Ok(balance)
            }
            Err(e) if e.code == ErrorCode::Network => {
                match self.with_store(|s| s.cached_balance(BALANCE_OPERATIONS))? {
                    Some(cached) => Ok(cached),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// One operation, fresh from the server (e.g. to see a pending one resolve).
    pub async fn operation(&self, operation_id: String) -> Result<Operation, WalletError> {
        let _flow = self.flow.lock().await;
        if !api::id_well_formed(&operation_id) {
            return Err(WalletError::new(ErrorCode::NotFound, "No such operation"));
        }
        let op: api::Operation = self
            .signed_with(Method::GET, &paths::operation(&operation_id), None, None)
            .await?;
        let op = to_operation(op);
        self.cache(|s| s.upsert_operation(&op));
        Ok(op)
    }

    // --- internals -----------------------------------------------------------------------------

    /// Runs `f` on the open store (`NOT_SIGNED_IN` when there is none).
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, WalletError> {
        let guard = self.lock_store();
        let store = guard
            .as_ref()
            .ok_or_else(|| WalletError::from(ErrorCode::NotSignedIn))?;
        Ok(f(store)?)
    }

    /// Writes what the server answered to the local cache, best effort: a failure is logged,
    /// never turned into an error (the server's answer stands).
    pub(crate) fn cache(&self, f: impl FnOnce(&Store) -> Result<(), StoreError>) {
        if let Err(e) = self.with_store(f) {
            tracing::warn!(code = %e.code, "could not update the local cache");
        }
    }

    /// Sends a money-moving request with its idempotency key and caches the operation.
    pub(crate) async fn move_money(
        &self,
        path: &str,
        body: &[u8],
        key: &str,
        what: &str,
    ) -> Result<Operation, WalletError> {
        let answer: Result<api::Operation, WalletError> = self
            .signed_with(Method::POST, path, Some(body), Some(key))
            .await;
        let op = match answer {
            Ok(op) => {
                // Into the local history too (the higher `seq` wins, so a later sync agrees).
                self.cache(|s| crate::history::apply(s.db(), std::slice::from_ref(&op)).map(drop));
                to_operation(op)
            }
            Err(mut e) => {
                if e.code == ErrorCode::Network {
                    // The request may have arrived: only a retry with the same key is safe.
                    e.message = format!(
                        "{} The {what} may or may not have been received: retry with the \
                         idempotency key {key} and it happens at most once.",
                        e.message
                    );
                }
                return Err(e);
            }
        };
        tracing::info!(kind = ?op.kind, status = ?op.status, "money operation answered");
        self.cache(|s| s.upsert_operation(&op));
        Ok(op)
    }
}

/// The client's PIN rules (the phone is the profile's, when known).
fn check_new_pin_with(pin: &str, phone: Option<&str>) -> Result<(), WalletError> {
    let ctx = PinContext {
        phone_digits: phone,
        ..PinContext::default()
    };
    pin::check_pin(pin, &ctx).map_err(|w| {
        let code = match w {
            PinWeakness::Format => ErrorCode::PinFormatInvalid,
            _ => ErrorCode::PinWeak,
        };
        invalid(code, w)
    })
}

/// An existing PIN is only checked for shape: a malformed one is refused without costing a try.
pub(crate) fn check_pin_format(pin: &str, which: &str) -> Result<(), WalletError> {
    if pin::pin_well_formed(pin) {
        Ok(())
    } else {
        Err(WalletError::new(
            ErrorCode::PinFormatInvalid,
            format!("{which} is exactly 6 digits from 0 to 9"),
        ))
    }
}

fn check_card_id(card_id: &str) -> Result<(), WalletError> {
    if api::id_well_formed(card_id) {
        Ok(())
    } else {
        Err(WalletError::new(
            ErrorCode::CardNotFound,
            "No such card on this account",
        ))
    }
}

pub(crate) fn parse_amount(input: &str) -> Result<Money, WalletError> {
    Money::parse(input, Currency::Cny).map_err(|e| invalid(ErrorCode::AmountInvalid, e))
}

/// The caller's key when well-formed, or a fresh random one.
pub(crate) fn idempotency_key_or_new(key: Option<String>) -> Result<String, WalletError> {
    match key {
        Some(k) if idempotency_key_well_formed(&k) => Ok(k),
        Some(_) => Err(WalletError::new(
            ErrorCode::IdempotencyKeyMissing,
            "An idempotency key is 8 to 64 of the characters A-Z a-z 0-9 - _",
        )),
        None => {
            let mut raw = [0u8; 16];
            OsRng.fill_bytes(&mut raw);
            Ok(hex::encode(raw))
        }
    }
}

pub(crate) fn to_card(c: CardInfo) -> Card {
    Card {
        card_id: c.card_id,
        bank: c.bank,
        scheme: c.scheme,
        card_type: c.card_type,
        last4: c.last4,
        status: c.status,
        is_default: c.is_default,
        bound_at: rfc3339(&c.bound_at),
    }
}

pub(crate) fn to_operation(o: api::Operation) -> Operation {
    let (merchant_id, merchant_name, mcc) = match o.merchant {
        Some(m) => (Some(m.merchant_id), Some(m.name), Some(m.mcc)),
        None => (None, None, None),
    };
    let (counterparty_name_masked, counterparty_phone_masked) = match o.counterparty {
        Some(c) => (Some(c.name_masked), Some(c.phone_masked)),
        None => (None, None),
    };
    Operation {
        operation_id: o.operation_id,
        kind: o.kind,
        status: o.status,
        amount: o.amount,
        fee: o.fee,
        card_id: o.card_id,
        // Kept only as four digits (the cache refuses anything else).
        card_last4: o.card_last4.filter(|l| !l.is_empty()),
        bank: o.bank,
        merchant_id,
        merchant_name,
        mcc,
        order_id: o.order_id,
        channel: o.channel,
        failure_code: o.failure_code,
        counterparty_name_masked,
        counterparty_phone_masked,
        note: o.note,
        seq: o.seq,
        created_at: rfc3339(&o.created_at),
        updated_at: rfc3339(&o.updated_at),
        source: o.source.map(|s| s.to_string()),
    }
}

fn to_limits(l: api::MoneyLimits) -> MoneyLimits {
    MoneyLimits {
        topup_per_payment: l.topup_per_payment,
        topup_daily_remaining: l.topup_daily_remaining,
        withdraw_per_payment: l.withdraw_per_payment,
        withdraw_daily_remaining: l.withdraw_daily_remaining,
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::client::tests::scripted_server;
    use crate::store::tests::{sample_card, sample_operation};
    use crate::test_support::*;

    const PHONE: &str = "+8613812345678";

    fn top_up(amount: &str, card: Option<&str>, key: Option<&str>) -> TopUpInput {
        TopUpInput {
            amount: amount.into(),
            card_id: card.map(Into::into),
            pin: "280419".into(),
            idempotency_key: key.map(Into::into),
        }
    }

    fn withdraw(amount: &str, pin: &str) -> WithdrawInput {
        WithdrawInput {
            amount: amount.into(),
            card_id: None,
            pin: pin.into(),
            idempotency_key: None,
        }
    }

    fn wire_operation(status: OperationStatus) -> String {
        let t = DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        serde_json::to_string(&api::Operation {
            operation_id: "op_1".into(),
            kind: OperationKind::Topup,
            status,
            amount: Money::cny(10_000),
            fee: Money::cny(0),
            card_id: Some("card_1".into()),
            card_last4: Some("1234".into()),
            bank: Some(Bank::Cmb),
            merchant: None,
            order_id: None,
            channel: None,
            failure_code: None,
            counterparty: None,
            note: None,
            seq: 1,
            created_at: t,
            updated_at: t,
            source: None,
        })
        .unwrap()
    }

    /// Every value in every table, as text: what "stored locally" means.
    fn everything_stored(w: &Wallet) -> String {
        let guard = w.lock_store();
        let conn = guard.as_ref().unwrap().conn();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut all = String::new();
        for t in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                for i in 0..n {
                    let v: rusqlite::types::Value = row.get(i).unwrap();
                    all.push_str(&format!("{v:?}|"));
                }
            }
        }
        all
    }

    #[tokio::test]
    async fn inputs_are_checked_before_anything_else() {
        let (_dir, w) = signed_out();
        let code = |r: Result<Operation, WalletError>| r.unwrap_err().code;
        for bad in ["", "abc", "12.345", "-1", "1e3", "0", "0.00"] {
            assert_eq!(
                code(w.top_up(top_up(bad, None, None)).await),
                ErrorCode::AmountInvalid,
                "{bad:?}"
            );
        }
        let err = w.top_up(top_up("12.345", None, None)).await.unwrap_err();
        assert!(err.message.contains("two decimals"), "{}", err.message);
        assert_eq!(
            code(w.top_up(top_up("10", Some("../x"), None)).await),
            ErrorCode::CardNotFound
        );
        assert_eq!(
            code(w.top_up(top_up("10", None, Some("short"))).await),
            ErrorCode::IdempotencyKeyMissing
        );
        assert_eq!(
            code(w.withdraw(withdraw("10", "12345")).await),
            ErrorCode::PinFormatInvalid
        );
        // A top-up needs the PIN too, checked before anything is sent.
        for bad in ["", "12345", "12345a"] {
            let mut input = top_up("10", None, None);
            input.pin = bad.into();
            assert_eq!(
                code(w.top_up(input).await),
                ErrorCode::PinFormatInvalid,
                "{bad:?}"
            );
        }
        assert_eq!(
            code(w.withdraw(withdraw("1.001", "123456")).await),
            ErrorCode::AmountInvalid
        );
        let bind = |n: &str, p: &str| w.bind_card(n.into(), p.into());
        assert_eq!(
            bind("6225880137706867", PHONE).await.unwrap_err().code,
            ErrorCode::CardNumberInvalid
        );
        assert_eq!(
            bind("4111111111111111", "12345").await.unwrap_err().code,
            ErrorCode::PhoneInvalid
        );
        let err = bind("6225880137706867", PHONE).await.unwrap_err();
        assert!(!err.message.contains("6225880137706867"), "{}", err.message);
        assert_eq!(
            w.set_pin("111111".into()).await.unwrap_err().code,
            ErrorCode::PinWeak
        );
        assert_eq!(
            w.set_pin("12345a".into()).await.unwrap_err().code,
            ErrorCode::PinFormatInvalid
        );
        assert_eq!(
            w.verify_card("12".into()).await.unwrap_err().code,
            ErrorCode::OtpFormatInvalid
        );
        assert_eq!(
            w.finish_pin_reset("123456".into(), "123456".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::PinWeak
        );
        assert_eq!(
            w.operation("op/../x".into()).await.unwrap_err().code,
            ErrorCode::NotFound
        );
        assert_eq!(
            w.unbind_card("a b".into(), "135792".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::CardNotFound
        );
        // Valid inputs get as far as the missing sign-in.
        assert_eq!(
            code(
                w.top_up(top_up("¥1,000.50", None, Some("key-0001-abcd")))
                    .await
            ),
            ErrorCode::NotSignedIn
        );
        assert_eq!(
            w.bind_card("4111 1111 1111 1111".into(), PHONE.into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::NotSignedIn
        );
        assert_eq!(w.balance().await.unwrap_err().code, ErrorCode::NotSignedIn);
        assert_eq!(w.cached_cards().unwrap_err().code, ErrorCode::NotSignedIn);
    }

    #[test]
    fn new_pin_rules_use_the_profile_phone() {
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        let err = w.check_new_pin("381234").unwrap_err();
        assert_eq!(err.code, ErrorCode::PinWeak);
        assert!(err.message.contains("phone number"), "{}", err.message);
        assert!(!err.message.contains("381234"));
        assert!(w.check_new_pin("135792").is_ok());
        for (pin, rule) in [
            ("000000", "same digit"),
            ("345678", "run"),
            ("876543", "run"),
            ("123123", "common"),
        ] {
            let err = w.check_new_pin(pin).unwrap_err();
            assert_eq!(err.code, ErrorCode::PinWeak, "{pin}");
            assert!(err.message.contains(rule), "{pin}: {}", err.message);
        }
        let (_dir, signed_out) = signed_out();
        assert!(signed_out.check_new_pin("381234").is_ok());
        assert_eq!(
            signed_out.check_new_pin("１２３４５６").unwrap_err().code,
            ErrorCode::PinFormatInvalid
        );
    }

    #[tokio::test]
    async fn balance_offline_is_the_cache_marked_stale() {
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        assert_eq!(w.balance().await.unwrap_err().code, ErrorCode::Network);
        let limits = MoneyLimits {
            topup_per_payment: Money::cny(5_000_000),
            topup_daily_remaining: Money::cny(5_000_000),
            withdraw_per_payment: Money::cny(5_000_000),
            withdraw_daily_remaining: Money::cny(5_000_000),
        };
        let op = sample_operation("op_1", "2030-01-01T00:00:00Z");
        w.with_store(|s| {
            s.save_balance(
                Money::cny(7000),
                &limits,
                std::slice::from_ref(&op),
                "2030-01-01T00:00:01Z",
            )
        })
        .unwrap();
        let b = w.balance().await.unwrap();
        assert!(b.stale);
        assert_eq!(b.balance, Money::cny(7000));
        assert_eq!(b.as_of, "2030-01-01T00:00:01Z");
        assert_eq!(b.operations, vec![op]);
        // Cards are not answered from the cache; `cached_cards` is.
        w.with_store(|s| s.replace_cards(&[sample_card("card_1", true)]))
            .unwrap();
        assert_eq!(w.cards().await.unwrap_err().code, ErrorCode::Network);
        assert_eq!(w.cached_cards().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn top_up_sends_an_idempotency_key_and_caches_the_operation() {
        let (url, server) = scripted_server(vec![
            (200, wire_operation(OperationStatus::Pending)),
            (200, wire_operation(OperationStatus::Succeeded)),
        ]);
        let (_dir, _secrets, w) = enrolled(&url);
        let op = w.top_up(top_up("100", None, None)).await.unwrap();
        assert_eq!(op.status, OperationStatus::Pending);
        assert_eq!(op.created_at, "2030-01-01T00:00:00Z");
        let op = w
            .top_up(top_up("100.00", Some("card_1"), Some("my-key-123")))
            .await
            .unwrap();
        assert_eq!(op.status, OperationStatus::Succeeded);
        let seen = server.join().unwrap();
        let key_of = |req: &str| -> String {
            req.lines()
                .find_map(|l| l.strip_prefix("idempotency-key: "))
                .unwrap()
                .trim()
                .to_owned()
        };
        let generated = key_of(&seen[0]);
        assert_eq!(generated.len(), 32);
        assert!(idempotency_key_well_formed(&generated));
        assert!(seen[0].ends_with(
            r#"{"amount":{"minor":10000,"currency":"CNY"},"card_id":null,"pin":"280419"}"#
        ));
        assert_eq!(key_of(&seen[1]), "my-key-123");
        assert!(seen[1].contains(r#""card_id":"card_1""#));
        // One cached row, updated in place.
        let ops = w.with_store(|s| s.operations(20)).unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].status, OperationStatus::Succeeded);
    }

    #[tokio::test]
    async fn unreachable_top_up_names_the_key_to_retry_with() {
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        let err = w
            .top_up(top_up("100", None, Some("retry-me-0001")))
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Network);
        assert!(err.message.contains("retry-me-0001"), "{}", err.message);
    }

    #[tokio::test]
    async fn card_binding_keeps_only_the_masked_card() {
        let expires = Utc::now() + chrono::Duration::minutes(5);
        let started = CardBindingStarted {
            binding_id: "bind_1".into(),
            phone_masked: "+86 138****5678".into(),
            expires_at: expires,
            bank: Some(Bank::Cmb),
            scheme: CardScheme::Unionpay,
            card_type: CardType::Debit,
            last4: "1111".into(),
        };
        let info = CardInfo {
            card_id: "card_9".into(),
            bank: Some(Bank::Cmb),
            scheme: CardScheme::Unionpay,
            card_type: CardType::Debit,
            last4: "1111".into(),
            status: CardStatus::Active,
            is_default: true,
            bound_at: expires,
        };
        let (url, server) = scripted_server(vec![
            (202, serde_json::to_string(&started).unwrap()),
            (200, serde_json::to_string(&info).unwrap()),
        ]);
        let (_dir, _secrets, w) = enrolled(&url);
        let number = "4111 1111 1111 1111";
        let pending = w
            .bind_card(number.into(), "13812345678".into())
            .await
            .unwrap();
        assert_eq!(pending.last4, "1111");
        assert_eq!(w.with_store(Store::card_binding).unwrap(), Some(pending));
        let card = w.verify_card(" 907531 ".into()).await.unwrap();
        assert_eq!(card.card_id, "card_9");
        assert!(card.is_default);
        assert_eq!(w.cached_cards().unwrap(), vec![card]);
        assert_eq!(w.with_store(Store::card_binding).unwrap(), None);
        let seen = server.join().unwrap();
        assert!(seen[0].contains(r#""number":"4111111111111111""#));
        assert!(seen[0].contains(r#""bank_phone":"+8613812345678""#));
        assert!(seen[1].starts_with("POST /v1/cards/bindings/bind_1/verify "));
        let stored = everything_stored(&w);
        assert!(stored.contains("1111"));
        assert!(!stored.contains("4111111111111111"), "{stored}");
        assert!(!stored.contains("907531"), "{stored}");
    }

    #[tokio::test]
    async fn a_pin_reset_started_in_one_process_finishes_in_another() {
        let challenge = ChallengeResponse {
            challenge_id: "ch_7".into(),
            purpose: ChallengePurpose::PinReset,
            phone_masked: "+86 138****5678".into(),
            expires_at: Utc::now() + chrono::Duration::minutes(5),
        };
        let (url, server) = scripted_server(vec![
            (202, serde_json::to_string(&challenge).unwrap()),
            (204, String::new()),
        ]);
        let (dir, secrets, first) = enrolled(&url);
        let pending = first
            .start_pin_reset("correct-Horse-battery-staple-93".into())
            .await
            .unwrap();
        assert_eq!(pending.purpose, ChallengePurpose::PinReset);
        drop(first);
        let second = Wallet::open(config(dir.path(), &url), secrets).unwrap();
        second
            .finish_pin_reset("654321".into(), "135792".into())
            .await
            .unwrap();
        assert_eq!(second.with_store(Store::pin_reset).unwrap(), None);
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("POST /v1/pin/reset "));
        assert!(seen[1].starts_with("POST /v1/pin/reset/ch_7 "));
        assert!(seen[1].ends_with(r#"{"code":"654321","new_pin":"135792"}"#));
        let stored = everything_stored(&second);
        assert!(!stored.contains("battery") && !stored.contains("135792"));
        // Nothing waiting any more.
        assert_eq!(
            second
                .finish_pin_reset("654321".into(), "135792".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::NoPendingVerification
        );
    }

    /// The app lock's check: the PIN goes to `POST /v1/pin/verify` and nowhere else; a wrong
    /// one is the provider's `PIN_WRONG`; a malformed one is refused before anything is sent.
    #[tokio::test]
    async fn verify_pin_asks_the_provider_and_keeps_nothing() {
        let wrong = r#"{"type":"about:blank","title":"Wrong PIN","status":401,"code":"PIN_WRONG","detail":"4 tries left."}"#;
        let (url, server) = scripted_server(vec![(204, String::new()), (401, wrong.into())]);
        let (_dir, _secrets, w) = enrolled(&url);
        assert_eq!(
            w.verify_pin("12345".into()).await.unwrap_err().code,
            ErrorCode::PinFormatInvalid
        );
        w.verify_pin("135792".into()).await.unwrap();
        assert_eq!(
            w.verify_pin("000001".into()).await.unwrap_err().code,
            ErrorCode::PinWrong
        );
        let seen = server.join().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen[0].starts_with("POST /v1/pin/verify "));
        assert!(seen[0].ends_with(r#"{"pin":"135792"}"#));
        let stored = everything_stored(&w);
        assert!(!stored.contains("135792") && !stored.contains("000001"));
    }

    #[test]
    fn server_urls_are_checked_and_normalised() {
        assert_eq!(
            Wallet::check_server_url(" https://sandbox.example/ ").unwrap(),
            "https://sandbox.example"
        );
        assert_eq!(
            Wallet::check_server_url("https://sandbox.example/wallet/").unwrap(),
            "https://sandbox.example/wallet"
        );
        for bad in [
            "http://sandbox.example",
            "ftp://x.example",
            "https://x.example/?a=1",
            "",
        ] {
            assert_eq!(
                Wallet::check_server_url(bad).unwrap_err().code,
                ErrorCode::InsecureServerUrl,
                "{bad}"
            );
        }
        assert!(Wallet::check_server_url("http://localhost:8080").is_ok());
    }

    #[tokio::test]
    async fn device_revoked_on_a_card_request_wipes() {
        let problem = r#"{"type":"about:blank","title":"This device was signed out","status":401,"code":"DEVICE_REVOKED"}"#;
        let (url, _server) = scripted_server(vec![(401, problem.into())]);
        let (dir, secrets, w) = enrolled(&url);
        let err = w.cards().await.unwrap_err();
        assert_eq!(err.code, ErrorCode::DeviceRevoked);
        assert!(!dir.path().join("wallet.db").exists());
        assert!(secrets.entries.lock().unwrap().is_empty());
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let (_dir, w) = signed_out();
        assert_send(&w.pin_state());
        assert_send(&w.set_pin(String::new()));
        assert_send(&w.change_pin(String::new(), String::new()));
        assert_send(&w.start_pin_reset(String::new()));
        assert_send(&w.finish_pin_reset(String::new(), String::new()));
        assert_send(&w.bind_card(String::new(), String::new()));
        assert_send(&w.verify_card(String::new()));
        assert_send(&w.cards());
        assert_send(&w.set_default_card(String::new()));
        assert_send(&w.unbind_card(String::new(), String::new()));
        assert_send(&w.report_card_lost(String::new()));
        assert_send(&w.top_up(top_up("1", None, None)));
        assert_send(&w.withdraw(withdraw("1", "")));
        assert_send(&w.balance());
        assert_send(&w.operation(String::new()));
    }
}
