//! The local history (issue 6): what `GET /v1/history` said, kept in the encrypted store so the
//! list, the detail view, search, monthly totals and budgets work offline.
//!
//! **Applying the feed.** One row per operation id; a version replaces the stored one only when
//! its `seq` is higher. Feed pages applied in any order, any number of times, give the same table
//! (`tests::sync_in_any_order_any_number_of_times_gives_the_same_history`).
//!
//! **Search.** Chinese has no spaces, so SQLite's `unicode61` tokenizer would make `兰州拉面` one
//! token (a search for `拉面` would miss it) and `trigram` cannot find 1- or 2-character words.
//! The terms are therefore made here, in Rust ([`terms`]), and stored space-separated in an FTS5
//! table (`history_fts`, rowid = `history.rid`, `detail=none`): each run of CJK characters gives
//! every single character and every overlapping bigram (`兰 州 拉 面 兰州 州拉 拉面`); any other
//! run of letters or digits gives one lowercase word (`lucky noodles`). A query is cut the same
//! way ([`match_expression`]): a 1-character CJK run looks for that character, a longer run for
//! all of its bigrams, a Latin word or number as a prefix (`noodle` → `"noodle"*`); all parts
//! must match (AND). Every part is a double-quoted FTS5 string built from our own terms, never
//! from the raw input, so operators and quotes typed by the user are plain text. Indexed: the
//! merchant's name and city, the counterparty's masked name and phone, and the note.
//!
//! **Money rules of the summary.** Spending in a month = succeeded merchant payments of that
//! month (China Standard Time) minus succeeded refunds of that month, per category of the
//! merchant's MCC. Transfers, top-ups and withdrawals are moving money, not spending. `received`
//! is succeeded transfers in. All sums are integer fen with checked arithmetic.
//!
//! **Budgets** are per category and month, local to this profile (the provider has no notion of
//! them, and they are a view over the local history): not synced to other devices. An alert is
//! raised when a category's spending of the current month reaches 80 % and 100 % of its budget,
//! once per category, month and threshold (remembered in `budget_alerts`).

use chrono::{DateTime, FixedOffset, TimeZone as _, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension as _, Row};
use wallet_protocol::api;
use wallet_protocol::category::Category;

use crate::store::{rfc3339, StoreError};
use crate::types::{
    Budget, BudgetAlert, CategoryTotal, Direction, HistoryEntry, HistoryPage, HistoryQuery, Money,
    MonthlySummary, OperationKind,
};

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Page size when the caller names none, and the most one page may hold.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;
/// Up to this many search matches are fetched and sorted; above it the time index is walked.
const SEARCH_SORT_MAX: i64 = 2_000;

/// China Standard Time: months and days as the server counts them.
pub fn cst() -> FixedOffset {
    #[allow(clippy::unwrap_used, reason = "a constant offset well inside ±24 h")]
    FixedOffset::east_opt(8 * 3600).unwrap()
}

/// `YYYY-MM` of a moment, in China Standard Time.
pub fn month_of(t: &DateTime<Utc>) -> String {
    t.with_timezone(&cst()).format("%Y-%m").to_string()
}

/// A well-formed `YYYY-MM` (month 01–12).
pub fn month_well_formed(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(m[5..].parse::<u8>(), Ok(1..=12))
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'      // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'    // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}') // CJK extensions B–F, compatibility supplement
}

/// A run of text: CJK characters, or a word of other letters and digits.
enum Run {
    Cjk(Vec<char>),
    Word(String),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush = |cjk: &mut Vec<char>, word: &mut String, out: &mut Vec<Run>| {
        if !cjk.is_empty() {
            out.push(Run::Cjk(std::mem::take(cjk)));
        }
        if !word.is_empty() {
            out.push(Run::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                flush(&mut cjk, &mut word, &mut out);
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                flush(&mut cjk, &mut word, &mut out);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut cjk, &mut word, &mut out);
        }
    }
    flush(&mut cjk, &mut word, &mut out);
    out
}

/// The search terms of a text, space-separated, as stored in `history_fts`.
pub fn terms(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for run in runs(text) {
        match run {
            Run::Cjk(chars) => {
                out.extend(chars.iter().map(char::to_string));
                out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
            }
            Run::Word(w) => out.push(w),
        }
    }
    out.join(" ")
}

fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The FTS5 MATCH expression for what the user typed, or `None` when it holds nothing to search
/// for (only spaces and punctuation). Built only from quoted terms.
pub fn match_expression(search: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for run in runs(search) {
        match run {
            Run::Cjk(chars) if chars.len() == 1 => parts.push(quoted(&chars[0].to_string())),
            Run::Cjk(chars) => parts.extend(
                chars
                    .windows(2)
                    .map(|w| quoted(&w.iter().collect::<String>())),
            ),
            Run::Word(w) => parts.push(format!("{}*", quoted(&w))),
        }
    }
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn text<T: serde::Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt("a value is not stored as text".into())),
    }
}

fn from_text<T: serde::de::DeserializeOwned>(t: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(t.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown {what} in the local history")))
}

pub fn direction_of(kind: OperationKind) -> Direction {
    match kind {
        OperationKind::Topup | OperationKind::Refund | OperationKind::TransferIn => Direction::In,
        OperationKind::Withdrawal | OperationKind::Payment | OperationKind::TransferOut => {
            Direction::Out
        }
    }
}

/// What [`apply`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub added: u32,
    pub updated: u32,
    /// Whether a row written falls in the current month (CST): budget alerts need a look.
    pub touched_current_month: bool,
}

/// Applies operations from the feed (or a flow's own answer): each replaces its stored version
/// only when its `seq` is higher. Runs inside the caller's transaction, if any.
pub fn apply(conn: &Connection, ops: &[api::Operation]) -> Result<Applied> {
    let mut applied = Applied::default();
    let this_month = month_of(&Utc::now());
    let mut find = conn.prepare_cached("SELECT rid, seq FROM history WHERE operation_id = ?1")?;
    for op in ops {
        let existing: Option<(i64, i64)> = find
            .query_row([&op.operation_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let rid = match existing {
            Some((_, seq)) if seq >= op.seq => continue,
            Some((rid, _)) => {
                applied.updated += 1;
                conn.execute("DELETE FROM history_fts WHERE rowid = ?1", [rid])?;
                Some(rid)
            }
            None => {
                applied.added += 1;
                None
            }
        };
        let month = month_of(&op.created_at);
        if month == this_month {
            applied.touched_current_month = true;
        }
        let (merchant_id, merchant_name, merchant_city, mcc) = match &op.merchant {
            Some(m) => (
                Some(m.merchant_id.as_str()),
                Some(m.name.as_str()),
                Some(m.city.as_str()),
                Some(m.mcc.as_str()),
            ),
            None => (None, None, None, None),
        };
        let category = match op.kind {
            OperationKind::Payment | OperationKind::Refund => {
                Some(Category::from_mcc(mcc.unwrap_or("")).as_str())
            }
            _ => None,
        };
        let (cp_name, cp_phone) = match &op.counterparty {
            Some(c) => (Some(c.name_masked.as_str()), Some(c.phone_masked.as_str())),
            None => (None, None),
        };
        let card_last4 = op.card_last4.as_deref().filter(|l| !l.is_empty());
        let mcc = mcc.filter(|m| m.len() == 4 && m.bytes().all(|b| b.is_ascii_digit()));
        let rid: i64 = conn
            .prepare_cached(
                "INSERT OR REPLACE INTO history
                     (rid, operation_id, seq, kind, status, direction, amount_minor, fee_minor,
                      currency, created_ms, created_at, updated_at, month, merchant_id,
                      merchant_name, merchant_city, mcc, category, counterparty_name_masked,
                      counterparty_phone_masked, card_id, card_last4, bank, note, order_id,
                      channel, failure_code, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)
                 RETURNING rid",
            )?
            .query_row(
                params![
                    rid,
                    op.operation_id,
                    op.seq,
                    text(&op.kind)?,
                    text(&op.status)?,
                    text(&direction_of(op.kind))?,
                    op.amount.minor,
                    op.fee.minor,
                    op.amount.currency.code(),
                    op.created_at.timestamp_millis(),
                    rfc3339(&op.created_at),
                    rfc3339(&op.updated_at),
                    month,
                    merchant_id,
                    merchant_name,
                    merchant_city,
                    mcc,
                    category,
                    cp_name,
                    cp_phone,
                    op.card_id,
                    card_last4,
                    op.bank.as_ref().map(text).transpose()?,
                    op.note,
                    op.order_id,
                    op.channel.as_ref().map(text).transpose()?,
                    op.failure_code.as_ref().map(text).transpose()?,
                    op.source.as_ref().map(ToString::to_string),
                ],
                |r| r.get(0),
            )?;
        let searchable = [
            merchant_name,
            merchant_city,
            cp_name,
            cp_phone,
            op.note.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(terms)
        .collect::<Vec<_>>()
        .join(" ");
        conn.prepare_cached("INSERT INTO history_fts (rowid, terms) VALUES (?1, ?2)")?
            .execute(params![rid, searchable])?;
    }
    Ok(applied)
}

/// The history feed's cursor (0 before the first sync).
pub fn cursor(conn: &Connection) -> Result<i64> {
    Ok(conn
        .query_row("SELECT cursor FROM history_cursor WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0))
}

/// Stores the cursor; it only moves forward.
pub fn save_cursor(conn: &Connection, cursor: i64) -> Result<()> {
    if cursor < 0 {
        return Err(StoreError::Corrupt("negative history cursor".into()));
    }
    conn.execute(
        "INSERT INTO history_cursor (id, cursor, updated_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET cursor = MAX(cursor, excluded.cursor),
             updated_at = excluded.updated_at",
        params![cursor, rfc3339(&Utc::now())],
    )?;
    Ok(())
}

const COLUMNS: &str = "operation_id, kind, status, direction, amount_minor, fee_minor, currency,
    created_at, updated_at, month, merchant_id, merchant_name, merchant_city, mcc, category,
    counterparty_name_masked, counterparty_phone_masked, card_id, card_last4, bank, note,
    order_id, channel, failure_code, seq, created_ms, source";

fn entry_from(r: &Row<'_>) -> rusqlite::Result<(HistoryEntryRaw, i64)> {
    Ok((
        HistoryEntryRaw {
            operation_id: r.get(0)?,
            kind: r.get(1)?,
            status: r.get(2)?,
            direction: r.get(3)?,
            amount_minor: r.get(4)?,
            fee_minor: r.get(5)?,
            currency: r.get(6)?,
            created_at: r.get(7)?,
            updated_at: r.get(8)?,
            month: r.get(9)?,
            merchant_id: r.get(10)?,
            merchant_name: r.get(11)?,
            merchant_city: r.get(12)?,
            mcc: r.get(13)?,
            category: r.get(14)?,
            counterparty_name_masked: r.get(15)?,
            counterparty_phone_masked: r.get(16)?,
            card_id: r.get(17)?,
            card_last4: r.get(18)?,
            bank: r.get(19)?,
            note: r.get(20)?,
            order_id: r.get(21)?,
            channel: r.get(22)?,
            failure_code: r.get(23)?,
            seq: r.get(24)?,
            source: r.get(26)?,
        },
        r.get(25)?,
    ))
}

struct HistoryEntryRaw {
    operation_id: String,
    kind: String,
    status: String,
    direction: String,
    amount_minor: i64,
    fee_minor: i64,
    currency: String,
    created_at: String,
    updated_at: String,
    month: String,
    merchant_id: Option<String>,
    merchant_name: Option<String>,
    merchant_city: Option<String>,
    mcc: Option<String>,
    category: Option<String>,
    counterparty_name_masked: Option<String>,
    counterparty_phone_masked: Option<String>,
    card_id: Option<String>,
    card_last4: Option<String>,
    bank: Option<String>,
    note: Option<String>,
    order_id: Option<String>,
    channel: Option<String>,
    failure_code: Option<String>,
    seq: i64,
    source: Option<String>,
}

impl HistoryEntryRaw {
    fn into_entry(self) -> Result<HistoryEntry> {
        let currency = crate::types::Currency::from_code(&self.currency)
            .ok_or_else(|| StoreError::Corrupt("unknown currency in the local history".into()))?;
        Ok(HistoryEntry {
            operation_id: self.operation_id,
            kind: from_text(&self.kind, "operation kind")?,
            status: from_text(&self.status, "operation status")?,
            direction: from_text(&self.direction, "direction")?,
            amount: Money::new(self.amount_minor, currency),
            fee: Money::new(self.fee_minor, currency),
            created_at: self.created_at,
            updated_at: self.updated_at,
            month: self.month,
            merchant_id: self.merchant_id,
            merchant_name: self.merchant_name,
            merchant_city: self.merchant_city,
            mcc: self.mcc,
            category: self.category.as_deref().and_then(Category::parse),
            counterparty_name_masked: self.counterparty_name_masked,
            counterparty_phone_masked: self.counterparty_phone_masked,
            card_id: self.card_id,
            card_last4: self.card_last4,
            bank: self.bank.and_then(|b| from_text(&b, "bank").ok()),
            note: self.note,
            order_id: self.order_id,
            channel: self
                .channel
                .map(|c| from_text(&c, "payment channel"))
                .transpose()?,
            // A code this build does not know (from a newer server) is dropped, not fatal.
            failure_code: self
                .failure_code
                .and_then(|c| from_text(&c, "error code").ok()),
            seq: self.seq,
            source: self.source,
        })
    }
}

/// The opaque page cursor: `<created_ms>_<operation_id>` of the last entry shown.
fn page_cursor(created_ms: i64, id: &str) -> String {
    format!("{created_ms}_{id}")
}

fn parse_page_cursor(c: &str) -> Option<(i64, String)> {
    let (ms, id) = c.split_once('_')?;
    Some((ms.parse().ok()?, id.to_owned()))
}

/// Why a query was refused (bad month, cursor or limit): the message for the user.
#[derive(Debug)]
pub enum QueryError {
    Month,
    Cursor,
    Store(StoreError),
}

impl From<StoreError> for QueryError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<rusqlite::Error> for QueryError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

/// A page of the history matching `q`, newest first (keyset pagination on
/// `(created_ms, operation_id)`).
pub fn page(conn: &Connection, q: &HistoryQuery) -> Result<HistoryPage, QueryError> {
    let mut sql = format!("SELECT {COLUMNS} FROM history WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(search) = q.search.as_deref() {
        if let Some(expr) = match_expression(search) {
            // Few matches: read them and sort them. Many: walk the newest-first index and keep
            // the matching rows (`+rid` stops SQLite from driving the query from the match set,
            // which would fetch and sort every matching row, each a decrypted page read).
            let matches: i64 = conn
                .prepare_cached("SELECT count(*) FROM history_fts WHERE history_fts MATCH ?1")?
                .query_row([&expr], |r| r.get(0))?;
            if matches <= SEARCH_SORT_MAX {
                sql.push_str(
                    " AND rid IN (SELECT rowid FROM history_fts WHERE history_fts MATCH ?)",
                );
            } else {
                sql.push_str(
                    " AND +rid IN (SELECT rowid FROM history_fts WHERE history_fts MATCH ?)",
                );
            }
            args.push(Value::Text(expr));
        }
    }
    if let Some(m) = q.month.as_deref() {
        if !month_well_formed(m) {
            return Err(QueryError::Month);
        }
        sql.push_str(" AND month = ?");
        args.push(Value::Text(m.to_owned()));
    }
    if let Some(k) = q.kind {
        sql.push_str(" AND kind = ?");
        args.push(Value::Text(text(&k)?));
    }
    if let Some(c) = q.card_id.as_deref() {
        sql.push_str(" AND card_id = ?");
        args.push(Value::Text(c.to_owned()));
    }
    if let Some(c) = q.category {
        sql.push_str(" AND category = ?");
        args.push(Value::Text(c.as_str().to_owned()));
    }
    if let Some(b) = q.before.as_deref() {
        let (ms, id) = parse_page_cursor(b).ok_or(QueryError::Cursor)?;
        sql.push_str(" AND (created_ms < ? OR (created_ms = ? AND operation_id < ?))");
        args.push(Value::Integer(ms));
        args.push(Value::Integer(ms));
        args.push(Value::Text(id));
    }
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    sql.push_str(" ORDER BY created_ms DESC, operation_id DESC LIMIT ?");
    // One more than asked: whether there is a next page.
    args.push(Value::Integer(i64::from(limit) + 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), entry_from)?;
    let mut entries = Vec::new();
    let mut last: Option<(i64, String)> = None;
    let mut more = false;
    for row in rows {
        let (raw, ms) = row?;
        if entries.len() == limit as usize {
            more = true;
            break;
        }
        last = Some((ms, raw.operation_id.clone()));
        entries.push(raw.into_entry()?);
    }
    let next_before = if more {
        last.map(|(ms, id)| page_cursor(ms, &id))
    } else {
        None
    };
    Ok(HistoryPage {
        entries,
        next_before,
    })
}

/// One entry by operation id.
pub fn entry(conn: &Connection, id: &str) -> Result<Option<HistoryEntry>> {
    let raw = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM history WHERE operation_id = ?1"),
            [id],
            entry_from,
        )
        .optional()?;
    raw.map(|(r, _)| r.into_entry()).transpose()
}

fn overflow() -> StoreError {
    StoreError::Corrupt("a total does not fit in an amount".into())
}

/// A month's totals (see the module notes for what counts as spending).
pub fn summary(conn: &Connection, month: &str) -> Result<MonthlySummary> {
    let mut per: std::collections::BTreeMap<Category, (i64, u32)> = Default::default();
    let mut spent: i64 = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT category, kind, count(*), sum(amount_minor) FROM history
         WHERE month = ?1 AND status = 'succeeded' AND kind IN ('payment', 'refund')
         GROUP BY category, kind",
    )?;
    let rows = stmt.query_map([month], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (category, kind, count, sum) = row?;
        let category = category
            .as_deref()
            .and_then(Category::parse)
            .unwrap_or(Category::Other);
        let entry = per.entry(category).or_insert((0, 0));
        if kind == "payment" {
            entry.0 = entry.0.checked_add(sum).ok_or_else(overflow)?;
            entry.1 = entry
                .1
                .saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
            spent = spent.checked_add(sum).ok_or_else(overflow)?;
        } else {
            entry.0 = entry.0.checked_sub(sum).ok_or_else(overflow)?;
            spent = spent.checked_sub(sum).ok_or_else(overflow)?;
        }
    }
    let received: i64 = conn.query_row(
        "SELECT coalesce(sum(amount_minor), 0) FROM history
         WHERE month = ?1 AND status = 'succeeded' AND kind = 'transfer_in'",
        [month],
        |r| r.get(0),
    )?;
    let budgets = budgets(conn)?;
    for b in &budgets {
        per.entry(b.category).or_insert((0, 0));
    }
    let mut by_category: Vec<CategoryTotal> = per
        .into_iter()
        .map(|(category, (minor, count))| CategoryTotal {
            category,
            spent: Money::cny(minor),
            count,
            budget: budgets
                .iter()
                .find(|b| b.category == category)
                .map(|b| b.monthly),
        })
        .collect();
    by_category.sort_by(|a, b| {
        b.spent
            .minor
            .cmp(&a.spent.minor)
            .then(a.category.cmp(&b.category))
    });
    Ok(MonthlySummary {
        month: month.to_owned(),
        spent: Money::cny(spent),
        received: Money::cny(received),
        by_category,
    })
}

/// The budgets, in category order.
pub fn budgets(conn: &Connection) -> Result<Vec<Budget>> {
    let mut stmt =
        conn.prepare_cached("SELECT category, monthly_minor FROM budgets ORDER BY category")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (c, minor) = row?;
        if let Some(category) = Category::parse(&c) {
            out.push(Budget {
                category,
                monthly: Money::cny(minor),
            });
        }
    }
    out.sort_by_key(|b| b.category);
    Ok(out)
}

/// Sets (or with `None` removes) a category's monthly budget.
pub fn set_budget(conn: &Connection, category: Category, monthly: Option<Money>) -> Result<()> {
    match monthly {
        Some(m) => conn.execute(
            "INSERT INTO budgets (category, monthly_minor, currency, updated_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (category) DO UPDATE SET monthly_minor = excluded.monthly_minor,
                 currency = excluded.currency, updated_at = excluded.updated_at",
            params![
                category.as_str(),
                m.minor,
                m.currency.code(),
                rfc3339(&Utc::now())
            ],
        )?,
        None => conn.execute(
            "DELETE FROM budgets WHERE category = ?1",
            [category.as_str()],
        )?,
    };
    Ok(())
}

/// The percentages of a monthly budget at which an alert is raised, lowest first.
pub(crate) const BUDGET_ALERT_THRESHOLDS: [u32; 2] = [80, 100];

/// The budget thresholds newly reached in `month`: each (category, month, threshold) once.
/// When 100 % is reached, 80 % is marked as raised too and only the 100 % alert is returned.
pub fn raise_alerts(conn: &Connection, month: &str) -> Result<Vec<BudgetAlert>> {
    let s = summary(conn, month)?;
    let now = rfc3339(&Utc::now());
    let mut alerts = Vec::new();
    for c in s.by_category {
        let Some(budget) = c.budget else { continue };
        let spent = i128::from(c.spent.minor) * 100;
        let whole = i128::from(budget.minor);
        let reached: Vec<u32> = BUDGET_ALERT_THRESHOLDS
            .into_iter()
            .filter(|t| spent >= whole * i128::from(*t))
            .collect();
        let mut new = false;
        for t in &reached {
            new |= conn.execute(
                "INSERT OR IGNORE INTO budget_alerts (category, month, threshold, raised_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![c.category.as_str(), month, t, now],
            )? > 0;
        }
        if let (true, Some(t)) = (new, reached.last()) {
            alerts.push(BudgetAlert {
                category: c.category,
                month: month.to_owned(),
                threshold_percent: *t,
                spent: c.spent,
                budget,
            });
        }
    }
    Ok(alerts)
}

// --- CSV export ---------------------------------------------------------------------------------

/// A text cell: a spreadsheet must not run it as a formula (a leading `=`, `+`, `-`, `@`, tab or
/// carriage return gets a `'` in front), then RFC 4180 quoting.
fn text_cell(s: &str) -> String {
    let safe = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    quote(&safe)
}

/// RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Local time (China Standard Time) as spreadsheets read it: `2026-11-26 13:05:00`.
fn local_time(rfc: &str) -> String {
    DateTime::parse_from_rfc3339(rfc).map_or_else(
        |_| rfc.to_owned(),
        |t| {
            cst()
                .from_utc_datetime(&t.naive_utc())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

/// The CSV header (after the BOM).
pub const CSV_HEADER: &str = "id,time_utc8,kind,status,direction,amount,fee,currency,category,\
merchant,merchant_city,mcc,counterparty,counterparty_phone,card_last4,note,order_id,failure_code";

/// The CSV document of `entries`: UTF-8 with a BOM (spreadsheet programs then read Chinese
/// correctly), CRLF line ends, one header row. `amount` is signed (negative when the balance
/// gave) decimal yuan from integer fen; text cells are formula-safe.
pub fn csv(entries: &[HistoryEntry]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for e in entries {
        let signed = match e.direction {
            Direction::In => e.amount,
            Direction::Out => Money::new(e.amount.minor.saturating_neg(), e.amount.currency),
        };
        let opt = |v: &Option<String>| text_cell(v.as_deref().unwrap_or(""));
        let enum_text = |v: String| quote(&v);
        let cells = [
            text_cell(&e.operation_id),
            quote(&local_time(&e.created_at)),
            enum_text(text(&e.kind).unwrap_or_default()),
            enum_text(text(&e.status).unwrap_or_default()),
            enum_text(text(&e.direction).unwrap_or_default()),
            quote(&signed.decimal()),
            quote(&e.fee.decimal()),
            quote(e.amount.currency.code()),
            quote(e.category.map_or("", Category::as_str)),
            opt(&e.merchant_name),
            opt(&e.merchant_city),
            opt(&e.mcc),
            opt(&e.counterparty_name_masked),
            opt(&e.counterparty_phone_masked),
            opt(&e.card_last4),
            opt(&e.note),
            opt(&e.order_id),
            text_cell(
                &e.failure_code
                    .map(|c| text(&c).unwrap_or_default())
                    .unwrap_or_default(),
            ),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a panic is a failed test")]

    use super::*;
    use crate::test_support::{enrolled, NOWHERE};
    use crate::types::{Bank, OperationStatus, PaymentChannel};
    use crate::Wallet;
    use proptest::prelude::*;

    /// A feed operation; `created` is RFC 3339.
    pub(crate) fn op(
        id: &str,
        seq: i64,
        kind: OperationKind,
        minor: i64,
        created: &str,
    ) -> api::Operation {
        let t = DateTime::parse_from_rfc3339(created)
            .unwrap()
            .with_timezone(&Utc);
        api::Operation {
            operation_id: id.into(),
            kind,
            status: OperationStatus::Succeeded,
            amount: Money::cny(minor),
            fee: Money::cny(0),
            card_id: None,
            card_last4: None,
            bank: None,
            merchant: None,
            order_id: None,
            channel: None,
            failure_code: None,
            counterparty: None,
            note: None,
            seq,
            created_at: t,
            updated_at: t,
            source: None,
        }
    }

    pub(crate) fn payment(
        id: &str,
        seq: i64,
        minor: i64,
        created: &str,
        name: &str,
        mcc: &str,
    ) -> api::Operation {
        api::Operation {
            merchant: Some(api::MerchantRef {
                merchant_id: format!("mch_{name}").replace(' ', "_"),
                name: name.into(),
                city: "上海".into(),
                mcc: mcc.into(),
            }),
            order_id: Some(format!("ord_{id}")),
            channel: Some(PaymentChannel::StaticQr),
            ..op(id, seq, OperationKind::Payment, minor, created)
        }
    }

    pub(crate) fn transfer(
        id: &str,
        seq: i64,
        kind: OperationKind,
        minor: i64,
        created: &str,
        name: &str,
        note: Option<&str>,
    ) -> api::Operation {
        api::Operation {
            counterparty: Some(api::Counterparty {
                name_masked: name.into(),
                phone_masked: "139****0000".into(),
            }),
            note: note.map(Into::into),
            ..op(id, seq, kind, minor, created)
        }
    }

    fn with_db<T>(w: &Wallet, f: impl FnOnce(&Connection) -> T) -> T {
        let guard = w.lock_store();
        f(guard.as_ref().unwrap().db())
    }

    fn ids(page: &HistoryPage) -> Vec<&str> {
        page.entries
            .iter()
            .map(|e| e.operation_id.as_str())
            .collect()
    }

    fn search(w: &Wallet, q: &str) -> Vec<String> {
        let page = w
            .history(HistoryQuery {
                search: Some(q.into()),
                ..HistoryQuery::default()
            })
            .unwrap();
        ids(&page).into_iter().map(String::from).collect()
    }

    #[test]
    fn fts5_is_compiled_into_the_sqlcipher_build() {
        let (_d, _s, w) = enrolled(NOWHERE);
        let on: i64 = with_db(&w, |c| {
            c.query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| {
                r.get(0)
            })
            .unwrap()
        });
        assert_eq!(on, 1);
    }

    #[test]
    fn terms_cut_cjk_into_chars_and_bigrams_and_latin_into_words() {
        assert_eq!(terms("兰州拉面"), "兰 州 拉 面 兰州 州拉 拉面");
        assert_eq!(terms("Lucky Noodles"), "lucky noodles");
        assert_eq!(terms("*明"), "明");
        assert_eq!(terms("138****5678"), "138 5678");
        assert_eq!(terms("KFC肯德基"), "kfc 肯 德 基 肯德 德基");
    }

    #[test]
    fn match_expressions_are_quoted_terms_only() {
        assert_eq!(match_expression("拉面").unwrap(), "\"拉面\"");
        assert_eq!(match_expression("拉").unwrap(), "\"拉\"");
        assert_eq!(
            match_expression("兰州拉面").unwrap(),
            "\"兰州\" \"州拉\" \"拉面\""
        );
        assert_eq!(match_expression("Noodle").unwrap(), "\"noodle\"*");
        assert_eq!(
            match_expression("lucky 拉面").unwrap(),
            "\"lucky\"* \"拉面\""
        );
        // FTS5 syntax typed by the user is only text.
        assert_eq!(
            match_expression("a\" OR * NEAR(b) -c").unwrap(),
            "\"a\"* \"or\"* \"near\"* \"b\"* \"c\"*"
        );
        assert_eq!(match_expression("  \"*( ) "), None);
    }

    fn seeded() -> (
        tempfile::TempDir,
        std::sync::Arc<crate::store::tests::FakeSecrets>,
        Wallet,
    ) {
        let (d, s, w) = enrolled(NOWHERE);
        with_db(&w, |c| {
            apply(
                c,
                &[
                    payment("op_1", 1, 3200, "2026-10-05T04:00:00Z", "兰州拉面", "5812"),
                    payment(
                        "op_2",
                        2,
                        4500,
                        "2026-10-06T04:00:00Z",
                        "Lucky Noodles",
                        "5814",
                    ),
                    transfer(
                        "op_3",
                        3,
                        OperationKind::TransferIn,
                        10000,
                        "2026-10-07T04:00:00Z",
                        "*明",
                        Some("午饭 AA"),
                    ),
                    transfer(
                        "op_4",
                        4,
                        OperationKind::TransferOut,
                        2000,
                        "2026-11-01T04:00:00Z",
                        "**华",
                        Some("Dinner split"),
                    ),
                    payment(
                        "op_5",
                        5,
                        1800,
                        "2026-11-02T04:00:00Z",
                        "全家 FamilyMart",
                        "5411",
                    ),
                ],
            )
            .unwrap();
        });
        (d, s, w)
    }

    #[test]
    fn search_finds_cjk_substrings_latin_prefixes_single_chars_and_mixes() {
        let (_d, _s, w) = seeded();
        assert_eq!(search(&w, "拉面"), ["op_1"]);
        assert_eq!(search(&w, "兰州拉面"), ["op_1"]);
        assert_eq!(search(&w, "noodle"), ["op_2"]);
        assert_eq!(search(&w, "NOODLES"), ["op_2"]);
        assert_eq!(search(&w, "明"), ["op_3"]);
        assert_eq!(search(&w, "华"), ["op_4"]);
        assert_eq!(search(&w, "午饭"), ["op_3"]);
        assert_eq!(search(&w, "dinner"), ["op_4"]);
        assert_eq!(search(&w, "全家 family"), ["op_5"]);
        assert_eq!(search(&w, "上海"), ["op_5", "op_2", "op_1"]);
        assert!(search(&w, "拉面 lucky").is_empty());
        assert!(search(&w, "面拉").is_empty());
        // Operators and quotes are text; nothing breaks.
        assert!(search(&w, "\"noodle OR *").is_empty());
        assert_eq!(search(&w, "Lucky \"Noodles\""), ["op_2"]);
        // Only punctuation: no filter.
        assert_eq!(search(&w, "**").len(), 5);
    }

    #[test]
    fn filters_and_keyset_pages_newest_first() {
        let (_d, _s, w) = seeded();
        let q = |f: HistoryQuery| ids(&w.history(f).unwrap()).join(",");
        assert_eq!(q(HistoryQuery::default()), "op_5,op_4,op_3,op_2,op_1");
        let month = HistoryQuery {
            month: Some("2026-10".into()),
            ..HistoryQuery::default()
        };
        assert_eq!(q(month), "op_3,op_2,op_1");
        let kind = HistoryQuery {
            kind: Some(OperationKind::TransferOut),
            ..HistoryQuery::default()
        };
        assert_eq!(q(kind), "op_4");
        let cat = HistoryQuery {
            category: Some(Category::Food),
            ..HistoryQuery::default()
        };
        assert_eq!(q(cat), "op_2,op_1");
        let mut page = HistoryQuery {
            limit: Some(2),
            ..HistoryQuery::default()
        };
        let mut seen = Vec::new();
        loop {
            let p = w.history(page.clone()).unwrap();
            seen.extend(ids(&p).into_iter().map(String::from));
            match p.next_before {
                Some(b) => page.before = Some(b),
                None => break,
            }
        }
        assert_eq!(seen, ["op_5", "op_4", "op_3", "op_2", "op_1"]);
        let bad = HistoryQuery {
            month: Some("2026-13".into()),
            ..HistoryQuery::default()
        };
        assert_eq!(
            w.history(bad).unwrap_err().code,
            ErrorCodeAlias::MalformedRequest
        );
        let bad = HistoryQuery {
            before: Some("nonsense".into()),
            ..HistoryQuery::default()
        };
        assert_eq!(
            w.history(bad).unwrap_err().code,
            ErrorCodeAlias::MalformedRequest
        );
    }

    use crate::ErrorCode as ErrorCodeAlias;

    #[test]
    fn month_is_china_standard_time() {
        let (_d, _s, w) = enrolled(NOWHERE);
        with_db(&w, |c| {
            // 16:30 UTC on 31 October is 00:30 on 1 November in Beijing.
            apply(
                c,
                &[op(
                    "op_1",
                    1,
                    OperationKind::Topup,
                    100,
                    "2026-10-31T16:30:00Z",
                )],
            )
            .unwrap();
        });
        let e = w.history_entry("op_1".into()).unwrap();
        assert_eq!(e.month, "2026-11");
        assert_eq!(e.direction, Direction::In);
        assert_eq!(
            w.history_entry("op_x".into()).unwrap_err().code,
            ErrorCodeAlias::NotFound
        );
    }

    #[test]
    fn detail_has_merchant_category_status_and_a_higher_seq_wins() {
        let (_d, _s, w) = seeded();
        let e = w.history_entry("op_1".into()).unwrap();
        assert_eq!(e.merchant_name.as_deref(), Some("兰州拉面"));
        assert_eq!(e.merchant_city.as_deref(), Some("上海"));
        assert_eq!(e.mcc.as_deref(), Some("5812"));
        assert_eq!(e.category, Some(Category::Food));
        assert_eq!(e.status, OperationStatus::Succeeded);
        with_db(&w, |c| {
            let mut newer = payment(
                "op_1",
                9,
                3200,
                "2026-10-05T04:00:00Z",
                "兰州牛肉面",
                "5812",
            );
            newer.status = OperationStatus::Failed;
            let older = payment("op_1", 1, 3200, "2026-10-05T04:00:00Z", "兰州拉面", "5812");
            let a = apply(c, &[newer]).unwrap();
            assert_eq!((a.added, a.updated), (0, 1));
            let a = apply(c, &[older]).unwrap();
            assert_eq!((a.added, a.updated), (0, 0));
        });
        let e = w.history_entry("op_1".into()).unwrap();
        assert_eq!(e.status, OperationStatus::Failed);
        assert_eq!(e.seq, 9);
        // The search terms moved with the row.
        assert!(search(&w, "拉面").is_empty());
        assert_eq!(search(&w, "牛肉"), ["op_1"]);
    }

    #[test]
    fn summary_counts_payments_less_refunds_and_not_transfers() {
        let (_d, _s, w) = seeded();
        with_db(&w, |c| {
            let mut refund = payment(
                "op_6",
                6,
                500,
                "2026-10-08T04:00:00Z",
                "Lucky Noodles",
                "5814",
            );
            refund.kind = OperationKind::Refund;
            let mut failed = payment("op_7", 7, 99_900, "2026-10-09T04:00:00Z", "Apple", "5732");
            failed.status = OperationStatus::Failed;
            apply(
                c,
                &[
                    refund,
                    failed,
                    op(
                        "op_8",
                        8,
                        OperationKind::Topup,
                        50_000,
                        "2026-10-09T04:00:00Z",
                    ),
                ],
            )
            .unwrap();
        });
        w.set_budget(Category::Food, Some("100".into())).unwrap();
        w.set_budget(Category::Travel, Some("¥1,000".into()))
            .unwrap();
        let s = w.monthly_summary(Some("2026-10".into())).unwrap();
        assert_eq!(s.spent, Money::cny(3200 + 4500 - 500));
        assert_eq!(s.received, Money::cny(10_000));
        assert_eq!(s.by_category.len(), 2);
        assert_eq!(s.by_category[0].category, Category::Food);
        assert_eq!(s.by_category[0].spent, Money::cny(7200));
        assert_eq!(s.by_category[0].count, 2);
        assert_eq!(s.by_category[0].budget, Some(Money::cny(10_000)));
        assert_eq!(s.by_category[1].category, Category::Travel);
        assert_eq!(s.by_category[1].spent, Money::cny(0));
        let nov = w.monthly_summary(Some("2026-11".into())).unwrap();
        assert_eq!(nov.spent, Money::cny(1800));
        assert_eq!(nov.received, Money::cny(0));
        assert_eq!(
            w.monthly_summary(Some("11/2026".into())).unwrap_err().code,
            ErrorCodeAlias::MalformedRequest
        );
        assert_eq!(w.budgets().unwrap().len(), 2);
        w.set_budget(Category::Travel, None).unwrap();
        assert_eq!(
            w.budgets().unwrap(),
            [Budget {
                category: Category::Food,
                monthly: Money::cny(10_000)
            }]
        );
        assert_eq!(
            w.set_budget(Category::Food, Some("0".into()))
                .unwrap_err()
                .code,
            ErrorCodeAlias::AmountInvalid
        );
    }

    #[test]
    fn budget_alerts_at_80_and_100_percent_once_per_month() {
        let (_d, _s, w) = enrolled(NOWHERE);
        let month = "2026-10";
        w.set_budget(Category::Food, Some("100".into())).unwrap();
        let alerts = |ops: Vec<api::Operation>| {
            with_db(&w, |c| {
                apply(c, &ops).unwrap();
                raise_alerts(c, month).unwrap()
            })
        };
        assert!(alerts(vec![payment(
            "a",
            1,
            7_999,
            "2026-10-01T04:00:00Z",
            "x",
            "5812"
        )])
        .is_empty());
        let a = alerts(vec![payment(
            "b",
            2,
            1,
            "2026-10-02T04:00:00Z",
            "x",
            "5812",
        )]);
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].threshold_percent, a[0].spent, a[0].budget),
            (80, Money::cny(8000), Money::cny(10_000))
        );
        assert!(alerts(vec![payment(
            "c",
            3,
            100,
            "2026-10-03T04:00:00Z",
            "x",
            "5812"
        )])
        .is_empty());
        let a = alerts(vec![payment(
            "d",
            4,
            2_000,
            "2026-10-04T04:00:00Z",
            "x",
            "5812",
        )]);
        assert_eq!(a[0].threshold_percent, 100);
        assert!(alerts(vec![payment(
            "e",
            5,
            2_000,
            "2026-10-05T04:00:00Z",
            "x",
            "5812"
        )])
        .is_empty());
        // Straight past 100 % in another category: one alert, the 100 % one.
        w.set_budget(Category::Groceries, Some("10".into()))
            .unwrap();
        let a = alerts(vec![payment(
            "f",
            6,
            5_000,
            "2026-10-05T04:00:00Z",
            "y",
            "5411",
        )]);
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].category, a[0].threshold_percent),
            (Category::Groceries, 100)
        );
    }

    fn entry(id: &str, dir: Direction, minor: i64) -> HistoryEntry {
        HistoryEntry {
            operation_id: id.into(),
            kind: OperationKind::Payment,
            status: OperationStatus::Succeeded,
            direction: dir,
            amount: Money::cny(minor),
            fee: Money::cny(0),
            created_at: "2026-10-31T16:30:05Z".into(),
            updated_at: "2026-10-31T16:30:05Z".into(),
            month: "2026-11".into(),
            merchant_id: None,
            merchant_name: Some("兰州拉面".into()),
            merchant_city: None,
            mcc: Some("5812".into()),
            category: Some(Category::Food),
            counterparty_name_masked: None,
            counterparty_phone_masked: None,
            card_id: None,
            card_last4: Some("1234".into()),
            bank: Some(Bank::Cmb),
            note: None,
            order_id: None,
            channel: None,
            failure_code: None,
            seq: 1,
            source: None,
        }
    }

    #[test]
    fn csv_has_a_bom_a_header_and_decimal_yuan_from_fen() {
        let out = csv(&[
            entry("op_1", Direction::Out, 1205),
            entry("op_2", Direction::In, 5),
        ]);
        assert!(out.starts_with('\u{feff}'));
        let lines: Vec<&str> = out.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(
            lines[1],
            "op_1,2026-11-01 00:30:05,payment,succeeded,out,-12.05,0.00,CNY,food,兰州拉面,,5812,,,1234,,,"
        );
        assert!(lines[2].starts_with("op_2,2026-11-01 00:30:05,payment,succeeded,in,0.05,"));
        assert_eq!(lines[3], "");
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
    }

    #[test]
    fn csv_quotes_per_rfc_4180() {
        let mut e = entry("op_1", Direction::Out, 100);
        e.note = Some("a, \"b\"\nc".into());
        let out = csv(&[e]);
        assert!(out.contains(",\"a, \"\"b\"\"\nc\","), "{out}");
    }

    #[test]
    fn csv_cells_cannot_start_a_formula() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let mut e = entry("op_1", Direction::Out, 100);
            e.merchant_name = Some(bad.into());
            let out = csv(&[e]);
            let row = out.split("\r\n").nth(1).unwrap().to_owned();
            let cell = row.split(',').nth(9).unwrap();
            assert!(
                cell.starts_with('\'') || cell.starts_with("\"'"),
                "{bad:?} gave {cell:?}"
            );
        }
        // Our own negative amounts stay numbers.
        let out = csv(&[entry("op_1", Direction::Out, 100)]);
        assert!(out.contains(",-1.00,"));
    }

    #[test]
    fn export_goes_over_every_page() {
        let (_d, _s, w) = enrolled(NOWHERE);
        let ops: Vec<api::Operation> = (0..1203)
            .map(|i| {
                payment(
                    &format!("op_{i:05}"),
                    i + 1,
                    100,
                    "2026-10-05T04:00:00Z",
                    "x",
                    "5812",
                )
            })
            .collect();
        with_db(&w, |c| apply(c, &ops).unwrap());
        let out = w
            .export_history_csv(HistoryQuery {
                limit: Some(3),
                ..HistoryQuery::default()
            })
            .unwrap();
        assert_eq!(
            out.split("\r\n").filter(|l| !l.is_empty()).count(),
            1 + 1203
        );
    }

    #[test]
    fn search_pages_alike_with_few_and_with_many_matches() {
        // Above SEARCH_SORT_MAX matches the time index is walked instead: same answers.
        let (_d, _s, w) = enrolled(NOWHERE);
        let n = usize::try_from(SEARCH_SORT_MAX).unwrap() + 150;
        let ops: Vec<api::Operation> = (0..n)
            .map(|i| {
                let name = if i % 10 == 0 {
                    "Lucky Noodles"
                } else {
                    "兰州拉面"
                };
                let t = format!("2026-10-{:02}T{:02}:{:02}:00Z", 1 + i % 28, i % 24, i % 60);
                payment(&format!("op_{i:05}"), i as i64 + 1, 100, &t, name, "5812")
            })
            .collect();
        with_db(&w, |c| apply(c, &ops).unwrap());
        let all = |search: &str| {
            let mut q = HistoryQuery {
                search: Some(search.into()),
                limit: Some(500),
                ..HistoryQuery::default()
            };
            let mut seen = Vec::new();
            loop {
                let p = w.history(q.clone()).unwrap();
                seen.extend(
                    p.entries
                        .into_iter()
                        .map(|e| (e.created_at, e.operation_id)),
                );
                match p.next_before {
                    Some(b) => q.before = Some(b),
                    None => break,
                }
            }
            seen
        };
        let many = all("拉面");
        let few = all("noodle");
        assert_eq!(many.len(), n - n.div_ceil(10));
        assert_eq!(few.len(), n.div_ceil(10));
        for list in [&many, &few] {
            let mut sorted = list.to_vec();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(list, &sorted);
        }
    }

    /// Everything a reader can see of the history, in a stable order.
    fn snapshot(c: &Connection) -> Vec<String> {
        let mut out: Vec<String> = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM history ORDER BY operation_id"
            ))
            .unwrap()
            .query_map([], |r| {
                let n = r.as_ref().column_count();
                let mut row = String::new();
                for i in 0..n {
                    let v: Value = r.get(i)?;
                    row.push_str(&format!("{v:?}|"));
                }
                Ok(row)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut fts: Vec<String> = c
            .prepare("SELECT h.operation_id || ':' || f.terms FROM history_fts f JOIN history h ON h.rid = f.rowid ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.append(&mut fts);
        out
    }

    /// Versions of a few operations: ids 0..4, each version with its own seq (as the server
    /// gives: seq is server-wide, unique per change).
    fn versions() -> impl Strategy<Value = Vec<api::Operation>> {
        prop::collection::vec((0u8..4, 0u8..3, 1i64..100_000, 0u8..3), 1..12).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (id, status, minor, name))| {
                    let mut o = payment(
                        &format!("op_{id}"),
                        i as i64 + 1,
                        minor,
                        "2026-10-05T04:00:00Z",
                        ["兰州拉面", "Lucky Noodles", "全家"][name as usize],
                        "5812",
                    );
                    o.status = [
                        OperationStatus::Pending,
                        OperationStatus::Succeeded,
                        OperationStatus::Failed,
                    ][status as usize];
                    o
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn sync_in_any_order_any_number_of_times_gives_the_same_history(
            ops in versions(),
            page_size in 1usize..5,
            order in prop::collection::vec(any::<prop::sample::Index>(), 0..30),
        ) {
            // Reference: the pages once, in feed order.
            let (_d1, _s1, reference) = enrolled(NOWHERE);
            let pages: Vec<&[api::Operation]> = ops.chunks(page_size).collect();
            with_db(&reference, |c| for p in &pages { apply(c, p).unwrap(); });
            // Shuffled, repeated: every page at least once, then random pages again.
            let (_d2, _s2, shuffled) = enrolled(NOWHERE);
            let mut sequence: Vec<usize> = (0..pages.len()).rev().collect();
            sequence.extend(order.iter().map(|i| i.index(pages.len())));
            with_db(&shuffled, |c| for i in &sequence { apply(c, pages[*i]).unwrap(); });
            let a = with_db(&reference, snapshot);
            let b = with_db(&shuffled, snapshot);
            prop_assert_eq!(a, b);
        }
    }
}
