//! Transfers between users and the incremental history feed (issue 6, docs/rules.md §Paying, §Insight).
//!
//! - **Recipient look-up** (`POST /v1/transfers/recipient`): a phone number → the masked real
//!   name (`*明`, `**华`) and masked phone, so the sender can see who gets the money before the
//!   PIN. Rate limited per device (`--recipient-lookups-per-hour`): it answers whether a phone
//!   number has an account, so it must not become a directory. `RECIPIENT_NOT_FOUND`,
//!   `TRANSFER_TO_SELF`. A transfer to a number the device has not looked up that hour counts
//!   as a look-up (before the PIN), so a 1-fen transfer is no way around the budget.
//! - **Transfer** (`POST /v1/transfers`, `Idempotency-Key`): validate (amount, per-transfer
//!   limit, note) → a retry of an accepted request answers the first result without the PIN →
//!   sender frozen / cooling-off → the PIN → the recipient (not found, self) → one write
//!   transaction ([`crate::store::Store::transfer`]) that re-checks frozen, cooling-off, the
//!   recipient's freeze (`RECIPIENT_UNAVAILABLE`), the daily limit and the balance, writes both
//!   operations, the ledger transaction and the recipient's `transfer_received` event.
//!   The PIN comes before the recipient is named in an answer (five wrong PINs lock it).
//! - **History** (`GET /v1/history?after=&limit=`): the account's operations whose `seq` is
//!   above `after`, by `seq`. `seq` increases server-wide at every insert or change of an
//!   operation row (database triggers), so a client that applies each entry by operation id
//!   and asks again from `cursor` ends with the server's view, without duplicates.

use sha2::{Digest, Sha256};
use wallet_protocol::api::{HistoryFeed, Operation, RecipientInfo, TransferRequest};
use wallet_protocol::identity::mask_name;
use wallet_protocol::phone::mask_e164;
use wallet_protocol::{text, Currency, ErrorCode, Money, PhoneNumber};

use crate::config::day_start_cst;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::money::{existing_operation, operations_wire};
use crate::domain::pin::verify_pin;
use crate::domain::rules::{self, AdmissionLimits};
use crate::domain::state::AppState;
use crate::secrets;
use crate::store::{AccountRow, NewTransfer, OpKind, TransferOutcome};

/// The longest note, in characters.
pub const NOTE_MAX_CHARS: usize = 50;
/// `GET /v1/history` page size when none is asked for.
pub const HISTORY_PAGE_DEFAULT: u32 = 100;
/// The largest `GET /v1/history` page.
pub const HISTORY_PAGE_MAX: u32 = 500;

fn parse_phone(phone: &str) -> ApiResult<PhoneNumber> {
    PhoneNumber::parse(phone).map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))
}

/// The account behind `phone`, never the caller's own.
async fn recipient(
    state: &AppState,
    account_id: &str,
    phone: &PhoneNumber,
) -> ApiResult<AccountRow> {
    let account = state
        .store
        .account_by_phone(phone.as_e164())
        .await?
        .ok_or(ApiError::new(ErrorCode::RecipientNotFound))?;
    if account.id == account_id {
        return Err(ErrorCode::TransferToSelf.into());
    }
    Ok(account)
}

/// `POST /v1/transfers/recipient`.
pub async fn lookup(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    phone: &str,
) -> ApiResult<RecipientInfo> {
    let phone = parse_phone(phone)?;
    count_lookup(state, device_id, &phone).await?;
    let account = recipient(state, account_id, &phone).await?;
    Ok(RecipientInfo {
        name_masked: mask_name(&account.name),
        phone_masked: mask_e164(&account.phone),
    })
}

/// Counts a look-up of `phone` against the device's budget (`--recipient-lookups-per-hour`),
/// or answers `RATE_LIMITED`. A transfer names its recipient too, so it goes through here:
/// free for a number the device looked up this hour, one look-up otherwise.
async fn count_lookup(state: &AppState, device_id: &str, phone: &PhoneNumber) -> ApiResult<()> {
    crate::domain::standing::count_lookup(
        state,
        &format!("device:{device_id}"),
        phone,
        state.limits.recipient_lookups_per_hour,
    )
    .await
}

/// The note as stored: trimmed, `None` when empty; at most [`NOTE_MAX_CHARS`] characters and
/// no control characters (`MALFORMED_REQUEST`); no invisible direction or zero-width
/// characters (`TEXT_HIDDEN_CHARACTER`).
pub fn clean_note(note: Option<&str>) -> ApiResult<Option<String>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("the note is longer than {NOTE_MAX_CHARS} characters"),
        ));
    }
    if note.chars().any(char::is_control) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            "the note holds control characters",
        ));
    }
    text::check_visible("note", note)?;
    Ok(Some(note.to_owned()))
}

fn checked_amount(amount: Money, per_transfer: i64) -> ApiResult<i64> {
    if amount.currency != Currency::Cny {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "transfers are in CNY",
        ));
    }
    if amount.minor <= 0 || amount.minor > wallet_protocol::money::MAX_MINOR {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "the amount must be more than zero",
        ));
    }
    if amount.minor > per_transfer {
        return Err(ApiError::detail(
            ErrorCode::AmountOverLimit,
            format!(
                "at most {} per transfer",
                Money::cny(per_transfer).display()
            ),
        ));
    }
    Ok(amount.minor)
}

/// What makes two transfer requests "the same" for an idempotency key (never the PIN).
fn request_hash(to_e164: &str, amount: i64, note: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(b"transfer\n");
    h.update(to_e164.as_bytes());
    h.update(format!("\n{amount}\nCNY\n").as_bytes());
    // Length-prefixed: no note and an empty one differ from any other note.
    match note {
        None => h.update(b"-"),
        Some(n) => h.update(format!("{}:{n}", n.len()).as_bytes()),
    }
    hex::encode(h.finalize())
}

/// `POST /v1/transfers`: answers the sender's `transfer_out` operation.
pub async fn transfer(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    key: &str,
    req: &TransferRequest,
) -> ApiResult<Operation> {
    let l = &state.limits;
    let phone = parse_phone(&req.to_phone)?;
    let amount = checked_amount(req.amount, l.transfer_limit_fen)?;
    let note = clean_note(req.note.as_deref())?;
    let hash = request_hash(phone.as_e164(), amount, note.as_deref());
    // A retry of a request already accepted answers it without asking for the PIN again.
    if let Some(existing) = existing_operation(state, account_id, key, &hash).await? {
        return Ok(existing);
    }
    crate::domain::standing::ensure_outflow_allowed(state, account_id, OpKind::TransferOut, amount)
        .await?;
    // `RECIPIENT_NOT_FOUND` answers a look-up: within the same budget, before the PIN.
    count_lookup(state, device_id, &phone).await?;
    verify_pin(state, account_id, &req.pin).await?;
    let to = recipient(state, account_id, &phone).await?;
    let now = state.clock.unix();
    let limits = AdmissionLimits {
        daily: l.transfer_daily_limit_fen,
        cooling_off: l.cooling_off_limit_fen,
    };
    let outcome = state
        .store
        .transfer(
            NewTransfer {
                transfer_id: secrets::new_id("tr"),
                out_id: secrets::new_id("op"),
                in_id: secrets::new_id("op"),
                from_account: account_id.to_owned(),
                to_account: to.id.clone(),
                amount,
                currency: Currency::Cny.code().to_owned(),
                note,
                idempotency_key: key.to_owned(),
                request_hash: hash,
                now,
                day_start: day_start_cst(now),
            },
            move |facts| rules::admit(OpKind::TransferOut, amount, facts, limits, now),
        )
        .await?;
    let row = match outcome {
        TransferOutcome::Sent(row) => {
            tracing::info!(account = %account_id, recipient = %to.id, operation = %row.id, transfer = ?row.transfer_id, "transfer");
            row
        }
        TransferOutcome::Existing(row) => row,
        TransferOutcome::KeyReused => return Err(ErrorCode::IdempotencyKeyReused.into()),
        TransferOutcome::Refused(refusal) => {
            return Err(crate::domain::standing::refused(state, account_id, refusal))
        }
        TransferOutcome::RecipientUnavailable => {
            tracing::info!(account = %account_id, recipient = %to.id, "transfer refused: recipient frozen");
            return Err(ErrorCode::RecipientUnavailable.into());
        }
    };
    crate::domain::wire::to_wire(&row, None, None)
}

/// `GET /v1/history`. A pure read: it never asks the bank. Unresolved operations settle by the
/// reconciler (or a balance look) and then come again with a higher `seq`.
pub async fn history(
    state: &AppState,
    account_id: &str,
    after: Option<i64>,
    limit: Option<u32>,
) -> ApiResult<HistoryFeed> {
    let after = after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            "`after` is a cursor: 0 or more",
        ));
    }
    let limit = limit
        .unwrap_or(HISTORY_PAGE_DEFAULT)
        .clamp(1, HISTORY_PAGE_MAX);
    // One more than asked: whether there is more.
    let mut rows = state.store.history(account_id, after, limit + 1).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let cursor = rows.last().map_or(after, |r| r.seq);
    Ok(HistoryFeed {
        operations: operations_wire(state, account_id, &rows).await?,
        cursor,
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_bounded_and_printable() {
        assert_eq!(clean_note(None).unwrap(), None);
        assert_eq!(clean_note(Some("  ")).unwrap(), None);
        assert_eq!(clean_note(Some(" 午饭 ")).unwrap().as_deref(), Some("午饭"));
        let fifty = "饭".repeat(50);
        assert_eq!(clean_note(Some(&fifty)).unwrap(), Some(fifty.clone()));
        assert!(clean_note(Some(&format!("{fifty}饭"))).is_err());
        assert!(clean_note(Some("a\u{0}b")).is_err());
        assert!(clean_note(Some("a\nb")).is_err());
    }

    #[test]
    fn the_request_hash_covers_recipient_amount_and_note() {
        let base = request_hash("+8613812345678", 100, None);
        assert_ne!(base, request_hash("+8613812345679", 100, None));
        assert_ne!(base, request_hash("+8613812345678", 101, None));
        assert_ne!(base, request_hash("+8613812345678", 100, Some("-")));
        assert_eq!(base, request_hash("+8613812345678", 100, None));
    }
}
