//! Transfers to other users and the offline history with its insight (issue 6): search,
//! monthly totals, budgets and CSV export. The storage rules, the search design and the money
//! rules of the summary are in [`crate::history`].
//!
//! A transfer is two steps in the app: [`Wallet::lookup_recipient`] shows the recipient's
//! masked real name (`*明`), then [`Wallet::transfer`] with the PIN moves the money. The PIN
//! lives in a `Zeroizing` buffer and goes only into the request body; phone numbers and notes
//! are never logged.

use chrono::Utc;
use reqwest::Method;
use wallet_protocol::api::{self, paths, HistoryFeed, RecipientInfo, RecipientLookupRequest};
use wallet_protocol::{ErrorCode, PhoneNumber};
use zeroize::{Zeroize as _, Zeroizing};

use crate::client::to_json;
use crate::error::WalletError;
use crate::history::{self, QueryError};
use crate::money_flows::{check_pin_format, idempotency_key_or_new, parse_amount};
use crate::types::*;
use crate::wallet::{hidden, invalid, Wallet};

/// Operations per history page asked of the server.
const HISTORY_PAGE: usize = 200;
/// At most this many pages per `sync_history` call (the next call goes on from the cursor).
const HISTORY_PAGES_MAX: usize = 500;
/// A transfer note's length, in characters (the server checks too).
pub const NOTE_MAX_CHARS: usize = 50;

impl Wallet {
    /// Who is behind a phone number, masked (`*明`, `138****5678`), to show before the user
    /// confirms a transfer. `RECIPIENT_NOT_FOUND`, `TRANSFER_TO_SELF`.
    pub async fn lookup_recipient(&self, phone: String) -> Result<Recipient, WalletError> {
        let _flow = self.flow.lock().await;
        let phone = PhoneNumber::parse(&phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        let body = to_json(&RecipientLookupRequest {
            phone: phone.as_e164().to_owned(),
        })?;
        let info: RecipientInfo = self
            .signed_with(Method::POST, paths::TRANSFER_RECIPIENT, Some(&body), None)
            .await?;
        Ok(Recipient {
            name_masked: info.name_masked,
            phone_masked: info.phone_masked,
        })
    }

    /// Sends money from the wallet balance to another user's; the PIN confirms it. Limits and
    /// the cooling-off apply on the server; a retry with the same idempotency key moves money
    /// at most once. The answer is the `transfer_out` operation (also kept in the history).
    pub async fn transfer(&self, input: TransferInput) -> Result<Operation, WalletError> {
        let _flow = self.flow.lock().await;
        let TransferInput {
            to_phone,
            amount,
            note,
            pin,
            idempotency_key,
        } = input;
        let pin = Zeroizing::new(pin);
        let phone =
            PhoneNumber::parse(&to_phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        let amount = parse_amount(&amount)?;
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS || n.chars().any(char::is_control))
        {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                format!("A note is at most {NOTE_MAX_CHARS} characters, on one line"),
            ));
        }
        if let Some(n) = &note {
            wallet_protocol::text::check_visible("note", n).map_err(hidden)?;
        }
        check_pin_format(&pin, "The payment PIN")?;
        let key = idempotency_key_or_new(idempotency_key)?;
        let mut request = api::TransferRequest {
            to_phone: phone.as_e164().to_owned(),
            amount,
            note,
            pin: pin.to_string(),
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.move_money(paths::TRANSFERS, &body?, &key, "transfer")
            .await
    }

    /// Brings the local history up to date: pages `GET /v1/history?after=<cursor>` until the
    /// server has no more, applying each page and its cursor in one transaction. Budget alerts
    /// newly reached this month are returned and handed to the listener.
    pub async fn sync_history(&self) -> Result<HistorySync, WalletError> {
        let _flow = self.flow.lock().await;
        let mut cursor = self.with_store(|s| history::cursor(s.db()))?;
        let mut result = HistorySync {
            added: 0,
            updated: 0,
            alerts: Vec::new(),
        };
        let mut touched = false;
        for _ in 0..HISTORY_PAGES_MAX {
            let path = format!("{}?after={cursor}&limit={HISTORY_PAGE}", paths::HISTORY);
            let feed: HistoryFeed = self.signed_with(Method::GET, &path, None, None).await?;
            let next = feed.cursor.max(cursor);
            let applied = self.with_store(|s| {
                let tx = s.db().unchecked_transaction()?;
                let applied = history::apply(&tx, &feed.operations)?;
                history::save_cursor(&tx, next)?;
                tx.commit()?;
                Ok(applied)
            })?;
            result.added = result.added.saturating_add(applied.added);
            result.updated = result.updated.saturating_add(applied.updated);
            touched |= applied.touched_current_month;
            if !feed.more || next == cursor {
                break;
            }
            cursor = next;
        }
        if touched {
            let month = history::month_of(&Utc::now());
            result.alerts = self.with_store(|s| history::raise_alerts(s.db(), &month))?;
            let listener = self.listener().clone();
            if let Some(l) = listener {
                for a in &result.alerts {
                    l.on_budget_alert(a.clone());
                }
            }
        }
        tracing::info!(
            added = result.added,
            updated = result.updated,
            "history synced"
        );
        Ok(result)
    }

    /// A page of the local history, newest first, offline. `MALFORMED_REQUEST` for a month
    /// that is not `YYYY-MM` or a `before` that no page gave.
    pub fn history(&self, query: HistoryQuery) -> Result<HistoryPage, WalletError> {
        let guard = self.lock_store();
        let store = guard
            .as_ref()
            .ok_or_else(|| WalletError::from(ErrorCode::NotSignedIn))?;
        history::page(store.db(), &query).map_err(query_error)
    }

    /// One entry of the local history (detail view), offline. `NOT_FOUND` when unknown here.
    pub fn history_entry(&self, operation_id: String) -> Result<HistoryEntry, WalletError> {
        self.with_store(|s| history::entry(s.db(), &operation_id))?
            .ok_or_else(|| WalletError::new(ErrorCode::NotFound, "No such operation"))
    }

    /// A month's totals by category, offline: succeeded payments less refunds; `month` is
    /// `YYYY-MM` (China Standard Time), this month when absent.
    pub fn monthly_summary(&self, month: Option<String>) -> Result<MonthlySummary, WalletError> {
        let month = month.unwrap_or_else(|| history::month_of(&Utc::now()));
        if !history::month_well_formed(&month) {
            return Err(query_error(QueryError::Month));
        }
        self.with_store(|s| history::summary(s.db(), &month))
    }

    /// The monthly budgets of this profile (kept on this device only).
    pub fn budgets(&self) -> Result<Vec<Budget>, WalletError> {
        self.with_store(|s| history::budgets(s.db()))
    }

    /// Sets a category's monthly budget (`amount` as typed, more than zero), or removes it with
    /// `None`. Takes effect for the alerts of the next `sync_history`.
    pub fn set_budget(
        &self,
        category: Category,
        amount: Option<String>,
    ) -> Result<(), WalletError> {
        let amount = amount.as_deref().map(parse_amount).transpose()?;
        self.with_store(|s| history::set_budget(s.db(), category, amount))
    }

    /// The entries matching `query` (all pages; `before` and `limit` are ignored) as CSV:
    /// UTF-8 with a BOM, a header row, signed decimal yuan, formula-safe text cells.
    pub fn export_history_csv(&self, query: HistoryQuery) -> Result<String, WalletError> {
        let guard = self.lock_store();
        let store = guard
            .as_ref()
            .ok_or_else(|| WalletError::from(ErrorCode::NotSignedIn))?;
        let mut q = HistoryQuery {
            before: None,
            limit: Some(history::MAX_LIMIT),
            ..query
        };
        let mut entries = Vec::new();
        loop {
            let page = history::page(store.db(), &q).map_err(query_error)?;
            entries.extend(page.entries);
            match page.next_before {
                Some(b) => q.before = Some(b),
                None => break,
            }
        }
        Ok(history::csv(&entries))
    }

    /// [`Self::export_history_csv`] written to a new file in `dir` (`wallet-history-<unix
    /// seconds>[-n].csv`, never over an existing file), whose path is answered and remembered
    /// in the encrypted store so that [`Self::delete_exports`] can remove it later. The file
    /// itself is plain text outside the wallet: the app says so before saving, and a wipe does
    /// not reach it (docs/rules.md §Insight).
    pub fn save_history_csv(
        &self,
        query: HistoryQuery,
        dir: &std::path::Path,
    ) -> Result<String, WalletError> {
        let csv = self.export_history_csv(query)?;
        let path = write_new_file(dir, "wallet-history", "csv", csv.as_bytes())?;
        self.with_store(|s| {
            let mut paths = s
                .setting::<Vec<String>>(SETTING_EXPORTED_FILES)?
                .unwrap_or_default();
            paths.push(path.clone());
            s.set_setting(SETTING_EXPORTED_FILES, &paths)
        })?;
        tracing::info!("history exported to a CSV file");
        Ok(path)
    }

    /// The files [`Self::save_history_csv`] wrote that are still there, oldest first.
    pub fn exported_files(&self) -> Result<Vec<String>, WalletError> {
        let paths = self.with_store(|s| s.setting::<Vec<String>>(SETTING_EXPORTED_FILES))?;
        Ok(paths
            .unwrap_or_default()
            .into_iter()
            .filter(|p| std::path::Path::new(p).is_file())
            .collect())
    }

    /// Deletes every file [`Self::save_history_csv`] wrote (offered on sign-out, before the
    /// store and its list of exports are wiped); answers how many were deleted. Files already
    /// gone count as done; one that cannot be deleted stays on the list and is the error.
    pub fn delete_exports(&self) -> Result<u32, WalletError> {
        let guard = self.lock_store();
        let store = guard
            .as_ref()
            .ok_or_else(|| WalletError::from(ErrorCode::NotSignedIn))?;
        let paths = store
            .setting::<Vec<String>>(SETTING_EXPORTED_FILES)?
            .unwrap_or_default();
        let mut deleted = 0u32;
        let mut kept = Vec::new();
        let mut first_error = None;
        for p in paths {
            match std::fs::remove_file(&p) {
                Ok(()) => deleted += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    first_error.get_or_insert(WalletError::new(
                        ErrorCode::StoreIo,
                        format!("An exported file could not be deleted: {e}"),
                    ));
                    kept.push(p);
                }
            }
        }
        store.set_setting(SETTING_EXPORTED_FILES, &kept)?;
        tracing::info!(deleted, "exported files deleted");
        first_error.map_or(Ok(deleted), Err)
    }
}

/// Setting: the paths of the CSV files this profile exported (JSON array of strings).
const SETTING_EXPORTED_FILES: &str = "exported_files";

/// Writes `bytes` to `<dir>/<stem>-<unix seconds>[-n].<ext>`, never over an existing file.
fn write_new_file(
    dir: &std::path::Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<String, WalletError> {
    use std::io::Write as _;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let io = |e: std::io::Error| WalletError::new(ErrorCode::StoreIo, e.to_string());
    std::fs::create_dir_all(dir).map_err(io)?;
    for n in 0..100u32 {
        let name = if n == 0 {
            format!("{stem}-{secs}.{ext}")
        } else {
            format!("{stem}-{secs}-{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(bytes).map_err(io)?;
                return Ok(path.display().to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(e)),
        }
    }
    Err(WalletError::new(ErrorCode::StoreIo, "no free file name"))
}

fn query_error(e: QueryError) -> WalletError {
    match e {
        QueryError::Month => WalletError::new(
            ErrorCode::MalformedRequest,
            "A month is written YYYY-MM, e.g. 2026-11",
        ),
        QueryError::Cursor => WalletError::new(
            ErrorCode::MalformedRequest,
            "That page marker did not come from a history page",
        ),
        QueryError::Store(e) => e.into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a panic is a failed test")]

    use super::*;
    use crate::client::tests::scripted_server;
    use crate::history::tests::{payment, transfer as wire_transfer};
    use crate::test_support::*;
    use std::sync::{Arc, Mutex};

    const PIN: &str = "147258";

    fn input(phone: &str, amount: &str, pin: &str) -> TransferInput {
        TransferInput {
            to_phone: phone.into(),
            amount: amount.into(),
            note: None,
            pin: pin.into(),
            idempotency_key: None,
        }
    }

    fn now() -> String {
        rfc3339(&Utc::now())
    }
    use crate::store::rfc3339;

    #[tokio::test]
    async fn transfer_inputs_are_checked_before_anything_is_sent() {
        let (_d, _s, w) = enrolled(NOWHERE);
        let code = |r: Result<Operation, WalletError>| r.unwrap_err().code;
        assert_eq!(
            code(w.transfer(input("12", "10", PIN)).await),
            ErrorCode::PhoneInvalid
        );
        assert_eq!(
            code(w.transfer(input("13912345678", "0", PIN)).await),
            ErrorCode::AmountInvalid
        );
        assert_eq!(
            code(w.transfer(input("13912345678", "10", "12345")).await),
            ErrorCode::PinFormatInvalid
        );
        let mut long = input("13912345678", "10", PIN);
        long.note = Some("字".repeat(51));
        assert_eq!(code(w.transfer(long).await), ErrorCode::MalformedRequest);
        let mut bad_key = input("13912345678", "10", PIN);
        bad_key.idempotency_key = Some("x".into());
        assert_eq!(
            code(w.transfer(bad_key).await),
            ErrorCode::IdempotencyKeyMissing
        );
        assert_eq!(
            code(
                w.lookup_recipient("abc".into())
                    .await
                    .map(|_| unreachable_op())
            ),
            ErrorCode::PhoneInvalid
        );
    }

    fn unreachable_op() -> Operation {
        unreachable!()
    }

    #[tokio::test]
    async fn lookup_then_transfer_sends_e164_pin_note_and_key_and_keeps_the_operation() {
        let info = RecipientInfo {
            name_masked: "*明".into(),
            phone_masked: "139****5678".into(),
        };
        let op = wire_transfer(
            "op_t",
            7,
            OperationKind::TransferOut,
            1250,
            &now(),
            "*明",
            Some("午饭"),
        );
        let (url, server) = scripted_server(vec![
            (200, serde_json::to_string(&info).unwrap()),
            (200, serde_json::to_string(&op).unwrap()),
        ]);
        let (_d, _s, w) = enrolled(&url);
        let r = w.lookup_recipient("139 1234 5678".into()).await.unwrap();
        assert_eq!(r.name_masked, "*明");
        let mut i = input("13912345678", "12.50", PIN);
        i.note = Some(" 午饭 ".into());
        i.idempotency_key = Some("transfer-key-1".into());
        let got = w.transfer(i).await.unwrap();
        assert_eq!(got.kind, OperationKind::TransferOut);
        assert_eq!(got.counterparty_name_masked.as_deref(), Some("*明"));
        assert_eq!(got.note.as_deref(), Some("午饭"));
        assert_eq!(got.seq, 7);
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("POST /v1/transfers/recipient "));
        assert!(
            seen[0].ends_with(r#"{"phone":"+8613912345678"}"#),
            "{}",
            seen[0]
        );
        assert!(seen[1].starts_with("POST /v1/transfers "));
        assert!(seen[1].contains("idempotency-key: transfer-key-1\r\n"));
        assert!(seen[1].ends_with(
            r#"{"to_phone":"+8613912345678","amount":{"minor":1250,"currency":"CNY"},"note":"午饭","pin":"147258"}"#
        ), "{}", seen[1]);
        // In the operations cache and in the offline history.
        assert_eq!(w.with_store(|s| s.operations(5)).unwrap()[0], got);
        let e = w.history_entry("op_t".into()).unwrap();
        assert_eq!(e.direction, Direction::Out);
        assert_eq!(e.counterparty_phone_masked.as_deref(), Some("139****0000"));
    }

    #[tokio::test]
    async fn transfer_errors_keep_their_codes() {
        let problem = |code: &str| {
            serde_json::json!({"type": "about:blank", "title": "x", "status": 422, "code": code, "detail": "x"})
                .to_string()
        };
        let (url, server) = scripted_server(vec![
            (404, problem("RECIPIENT_NOT_FOUND")),
            (422, problem("TRANSFER_TO_SELF")),
            (409, problem("RECIPIENT_UNAVAILABLE")),
        ]);
        let (_d, _s, w) = enrolled(&url);
        assert_eq!(
            w.lookup_recipient("13912345678".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::RecipientNotFound
        );
        assert_eq!(
            w.lookup_recipient("13812345678".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::TransferToSelf
        );
        assert_eq!(
            w.transfer(input("13912345678", "1", PIN))
                .await
                .unwrap_err()
                .code,
            ErrorCode::RecipientUnavailable
        );
        let seen = server.join().unwrap();
        assert!(!seen.is_empty());
        assert!(w
            .history(HistoryQuery::default())
            .unwrap()
            .entries
            .is_empty());
    }

    #[derive(Default)]
    struct Alerts(Mutex<Vec<BudgetAlert>>);
    impl EventListener for Alerts {
        fn on_event(&self, _event: DeviceEvent) {}
        fn on_budget_alert(&self, alert: BudgetAlert) {
            self.0.lock().unwrap().push(alert);
        }
    }

    #[tokio::test]
    async fn sync_pages_until_done_keeps_the_cursor_and_raises_budget_alerts() {
        let t = now();
        let feed = |ops: Vec<api::Operation>, cursor: i64, more: bool| {
            serde_json::to_string(&HistoryFeed {
                operations: ops,
                cursor,
                more,
            })
            .unwrap()
        };
        let mut failed = payment("op_2", 3, 9000, &t, "兰州拉面", "5812");
        failed.status = OperationStatus::Failed;
        let (url, server) = scripted_server(vec![
            (
                200,
                feed(
                    vec![
                        payment("op_1", 1, 5000, &t, "兰州拉面", "5812"),
                        payment("op_2", 2, 9000, &t, "兰州拉面", "5812"),
                    ],
                    2,
                    true,
                ),
            ),
            (200, feed(vec![failed], 3, false)),
            // The next sync: nothing new.
            (200, feed(vec![], 3, false)),
        ]);
        let (_d, _s, w) = enrolled(&url);
        let listener = Arc::new(Alerts::default());
        w.set_event_listener(listener.clone());
        w.set_budget(Category::Food, Some("60".into())).unwrap();
        let s = w.sync_history().await.unwrap();
        assert_eq!((s.added, s.updated), (2, 1));
        // 50 of 60 spent (the failed payment does not count): the 80 % alert.
        assert_eq!(s.alerts.len(), 1);
        assert_eq!(s.alerts[0].threshold_percent, 80);
        assert_eq!(listener.0.lock().unwrap().len(), 1);
        let s = w.sync_history().await.unwrap();
        assert_eq!((s.added, s.updated, s.alerts.len()), (0, 0, 0));
        let seen = server.join().unwrap();
        assert!(
            seen[0].starts_with("GET /v1/history?after=0&limit=200 "),
            "{}",
            seen[0]
        );
        assert!(seen[1].starts_with("GET /v1/history?after=2&limit=200 "));
        assert!(seen[2].starts_with("GET /v1/history?after=3&limit=200 "));
        let page = w.history(HistoryQuery::default()).unwrap();
        assert_eq!(page.entries.len(), 2);
        assert_eq!(
            w.history_entry("op_2".into()).unwrap().status,
            OperationStatus::Failed
        );
    }

    #[tokio::test]
    async fn offline_history_works_signed_in_and_is_refused_signed_out() {
        let (_d, w) = signed_out();
        assert_eq!(
            w.history(HistoryQuery::default()).unwrap_err().code,
            ErrorCode::NotSignedIn
        );
        assert_eq!(w.budgets().unwrap_err().code, ErrorCode::NotSignedIn);
        let (_d, _s, w) = enrolled(NOWHERE);
        assert_eq!(w.sync_history().await.unwrap_err().code, ErrorCode::Network);
        assert!(w
            .history(HistoryQuery::default())
            .unwrap()
            .entries
            .is_empty());
        assert_eq!(w.monthly_summary(None).unwrap().spent, Money::cny(0));
    }

    /// issue 13: exports are remembered (in the encrypted store, not beside the files) and
    /// deleted on request, however many; a file the user already removed counts as done;
    /// nothing else in the folder is touched.
    #[test]
    fn exports_are_remembered_and_deleted_on_request() {
        let (_d, _s, w) = enrolled(NOWHERE);
        let downloads = tempfile::tempdir().unwrap();
        let theirs = downloads.path().join("wallet-history-notes.txt");
        std::fs::write(&theirs, "the user's own file").unwrap();
        let a = w
            .save_history_csv(HistoryQuery::default(), downloads.path())
            .unwrap();
        let b = w
            .save_history_csv(HistoryQuery::default(), downloads.path())
            .unwrap();
        let c = w
            .save_history_csv(HistoryQuery::default(), downloads.path())
            .unwrap();
        assert_ne!(a, b);
        assert!(a.ends_with(".csv") && a.contains("wallet-history-"), "{a}");
        let csv = std::fs::read_to_string(&a).unwrap();
        assert!(csv.starts_with('\u{feff}'), "{csv:?}");
        assert_eq!(
            w.exported_files().unwrap(),
            vec![a.clone(), b.clone(), c.clone()]
        );
        // The list lives in the encrypted store, not in a file beside the exports.
        let listed = w
            .with_store(|s| s.setting::<Vec<String>>(SETTING_EXPORTED_FILES))
            .unwrap()
            .unwrap();
        assert_eq!(listed.len(), 3);
        assert!(!downloads.path().read_dir().unwrap().any(|f| {
            let name = f.unwrap().file_name();
            let name = name.to_string_lossy();
            !name.starts_with("wallet-history-")
        }));
        std::fs::remove_file(&b).unwrap();
        assert_eq!(w.exported_files().unwrap(), vec![a.clone(), c.clone()]);
        assert_eq!(w.delete_exports().unwrap(), 2);
        for p in [&a, &b, &c] {
            assert!(!std::path::Path::new(p).exists(), "{p}");
        }
        assert!(theirs.exists());
        assert!(w.exported_files().unwrap().is_empty());
        assert_eq!(w.delete_exports().unwrap(), 0);
        let (_d, w) = signed_out();
        assert_eq!(w.delete_exports().unwrap_err().code, ErrorCode::NotSignedIn);
        assert_eq!(
            w.save_history_csv(HistoryQuery::default(), downloads.path())
                .unwrap_err()
                .code,
            ErrorCode::NotSignedIn
        );
    }
}
