//! Transfers, the offline history and its insight (issue 6): mirror types and one-line
//! delegations to `wallet_core::Wallet`. Rules (search, summary, budgets) live in wallet-core.

use crate::error::WalletError;
use crate::types::{Bank, Money, Operation, OperationKind, OperationStatus, PaymentChannel};
use crate::wallet::Wallet;

/// Who is behind a phone number, masked, shown before the user confirms a transfer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Recipient {
    /// `*明`, `**华`.
    pub name_masked: String,
    pub phone_masked: String,
}

impl From<wallet_core::Recipient> for Recipient {
    fn from(r: wallet_core::Recipient) -> Self {
        Self {
            name_masked: r.name_masked,
            phone_masked: r.phone_masked,
        }
    }
}

/// What `transfer` needs. The PIN is dropped from memory after use.
#[derive(Clone, uniffi::Record)]
pub struct TransferInput {
    pub to_phone: String,
    /// As typed: `20`, `12.50`, `¥1,000`.
    pub amount: String,
    pub note: Option<String>,
    pub pin: String,
    /// A retry with the same key never moves money twice. Made fresh when absent.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for TransferInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferInput")
            .field("amount", &self.amount)
            .finish_non_exhaustive()
    }
}

impl From<TransferInput> for wallet_core::TransferInput {
    fn from(i: TransferInput) -> Self {
        Self {
            to_phone: i.to_phone,
            amount: i.amount,
            note: i.note,
            pin: i.pin,
            idempotency_key: i.idempotency_key,
        }
    }
}

/// Spending categories from merchant category codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Category {
    Food,
    Groceries,
    Transport,
    Travel,
    Shopping,
    Bills,
    Health,
    Education,
    Entertainment,
    Services,
    Other,
}

impl From<wallet_core::Category> for Category {
    fn from(c: wallet_core::Category) -> Self {
        use wallet_core::Category as C;
        match c {
            C::Food => Self::Food,
            C::Groceries => Self::Groceries,
            C::Transport => Self::Transport,
            C::Travel => Self::Travel,
            C::Shopping => Self::Shopping,
            C::Bills => Self::Bills,
            C::Health => Self::Health,
            C::Education => Self::Education,
            C::Entertainment => Self::Entertainment,
            C::Services => Self::Services,
            C::Other => Self::Other,
        }
    }
}

impl From<Category> for wallet_core::Category {
    fn from(c: Category) -> Self {
        match c {
            Category::Food => Self::Food,
            Category::Groceries => Self::Groceries,
            Category::Transport => Self::Transport,
            Category::Travel => Self::Travel,
            Category::Shopping => Self::Shopping,
            Category::Bills => Self::Bills,
            Category::Health => Self::Health,
            Category::Education => Self::Education,
            Category::Entertainment => Self::Entertainment,
            Category::Services => Self::Services,
            Category::Other => Self::Other,
        }
    }
}

/// Which way money moved for the wallet balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Direction {
    In,
    Out,
}

impl From<wallet_core::Direction> for Direction {
    fn from(d: wallet_core::Direction) -> Self {
        match d {
            wallet_core::Direction::In => Self::In,
            wallet_core::Direction::Out => Self::Out,
        }
    }
}

/// One entry of the local history (list and detail view).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryEntry {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub direction: Direction,
    pub amount: Money,
    pub fee: Money,
    pub created_at: String,
    pub updated_at: String,
    /// `YYYY-MM`, China Standard Time.
    pub month: String,
    pub merchant_id: Option<String>,
    pub merchant_name: Option<String>,
    pub merchant_city: Option<String>,
    pub mcc: Option<String>,
    pub category: Option<Category>,
    pub counterparty_name_masked: Option<String>,
    pub counterparty_phone_masked: Option<String>,
    pub card_id: Option<String>,
    pub card_last4: Option<String>,
    pub bank: Option<Bank>,
    pub note: Option<String>,
    pub order_id: Option<String>,
    pub channel: Option<PaymentChannel>,
    /// A stable code (e.g. `CARD_DECLINED`).
    pub failure_code: Option<String>,
    pub seq: i64,
}

impl From<wallet_core::HistoryEntry> for HistoryEntry {
    fn from(e: wallet_core::HistoryEntry) -> Self {
        Self {
            operation_id: e.operation_id,
            kind: e.kind.into(),
            status: e.status.into(),
            direction: e.direction.into(),
            amount: e.amount.into(),
            fee: e.fee.into(),
            created_at: e.created_at,
            updated_at: e.updated_at,
            month: e.month,
            merchant_id: e.merchant_id,
            merchant_name: e.merchant_name,
            merchant_city: e.merchant_city,
            mcc: e.mcc,
            category: e.category.map(Into::into),
            counterparty_name_masked: e.counterparty_name_masked,
            counterparty_phone_masked: e.counterparty_phone_masked,
            card_id: e.card_id,
            card_last4: e.card_last4,
            bank: e.bank.map(Into::into),
            note: e.note,
            order_id: e.order_id,
            channel: e.channel.map(Into::into),
            failure_code: e.failure_code.map(|c| c.as_str().to_owned()),
            seq: e.seq,
        }
    }
}

/// Filters for the offline history list; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct HistoryQuery {
    pub search: Option<String>,
    pub month: Option<String>,
    pub kind: Option<OperationKind>,
    pub card_id: Option<String>,
    pub category: Option<Category>,
    pub before: Option<String>,
    pub limit: Option<u32>,
}

impl From<HistoryQuery> for wallet_core::HistoryQuery {
    fn from(q: HistoryQuery) -> Self {
        Self {
            search: q.search,
            month: q.month,
            kind: q.kind.map(Into::into),
            card_id: q.card_id,
            category: q.category.map(Into::into),
            before: q.before,
            limit: q.limit,
        }
    }
}

/// A page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub next_before: Option<String>,
}

impl From<wallet_core::HistoryPage> for HistoryPage {
    fn from(p: wallet_core::HistoryPage) -> Self {
        Self {
            entries: p.entries.into_iter().map(Into::into).collect(),
            next_before: p.next_before,
        }
    }
}

/// A budget threshold (80 or 100 %) reached this month.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BudgetAlert {
    pub category: Category,
    pub month: String,
    pub threshold_percent: u32,
    pub spent: Money,
    pub budget: Money,
}

impl From<wallet_core::BudgetAlert> for BudgetAlert {
    fn from(a: wallet_core::BudgetAlert) -> Self {
        Self {
            category: a.category.into(),
            month: a.month,
            threshold_percent: a.threshold_percent,
            spent: a.spent.into(),
            budget: a.budget.into(),
        }
    }
}

/// What one `sync_history` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistorySync {
    pub added: u32,
    pub updated: u32,
    pub alerts: Vec<BudgetAlert>,
}

impl From<wallet_core::HistorySync> for HistorySync {
    fn from(s: wallet_core::HistorySync) -> Self {
        Self {
            added: s.added,
            updated: s.updated,
            alerts: s.alerts.into_iter().map(Into::into).collect(),
        }
    }
}

/// One category of a month.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CategoryTotal {
    pub category: Category,
    pub spent: Money,
    pub count: u32,
    pub budget: Option<Money>,
}

/// A month's totals (spending = succeeded payments less refunds).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MonthlySummary {
    pub month: String,
    pub spent: Money,
    pub received: Money,
    pub by_category: Vec<CategoryTotal>,
}

impl From<wallet_core::MonthlySummary> for MonthlySummary {
    fn from(s: wallet_core::MonthlySummary) -> Self {
        Self {
            month: s.month,
            spent: s.spent.into(),
            received: s.received.into(),
            by_category: s
                .by_category
                .into_iter()
                .map(|c| CategoryTotal {
                    category: c.category.into(),
                    spent: c.spent.into(),
                    count: c.count,
                    budget: c.budget.map(Into::into),
                })
                .collect(),
        }
    }
}

/// A monthly budget of one category (kept on this device).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Budget {
    pub category: Category,
    pub monthly: Money,
}

impl From<wallet_core::Budget> for Budget {
    fn from(b: wallet_core::Budget) -> Self {
        Self {
            category: b.category.into(),
            monthly: b.monthly.into(),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// The masked real name behind a phone number (`RECIPIENT_NOT_FOUND`, `TRANSFER_TO_SELF`).
    pub async fn lookup_recipient(&self, phone: String) -> Result<Recipient, WalletError> {
        Ok(self.core().lookup_recipient(phone).await?.into())
    }

    /// Wallet → another user's wallet, confirmed by the PIN.
    pub async fn transfer(&self, input: TransferInput) -> Result<Operation, WalletError> {
        Ok(self.core().transfer(input.into()).await?.into())
    }

    /// Brings the local history up to date (incremental, by cursor).
    pub async fn sync_history(&self) -> Result<HistorySync, WalletError> {
        Ok(self.core().sync_history().await?.into())
    }

    /// A page of the local history, offline.
    pub fn history(&self, query: HistoryQuery) -> Result<HistoryPage, WalletError> {
        Ok(self.core().history(query.into())?.into())
    }

    /// One entry of the local history, offline.
    pub fn history_entry(&self, operation_id: String) -> Result<HistoryEntry, WalletError> {
        Ok(self.core().history_entry(operation_id)?.into())
    }

    /// A month's totals by category, offline (`None`: this month).
    pub fn monthly_summary(&self, month: Option<String>) -> Result<MonthlySummary, WalletError> {
        Ok(self.core().monthly_summary(month)?.into())
    }

    pub fn budgets(&self) -> Result<Vec<Budget>, WalletError> {
        Ok(self.core().budgets()?.into_iter().map(Into::into).collect())
    }

    /// Sets a category's monthly budget (as typed), or removes it with `None`.
    pub fn set_budget(
        &self,
        category: Category,
        amount: Option<String>,
    ) -> Result<(), WalletError> {
        Ok(self.core().set_budget(category.into(), amount)?)
    }

    /// The matching entries as CSV (UTF-8 with BOM).
    pub fn export_history_csv(&self, query: HistoryQuery) -> Result<String, WalletError> {
        Ok(self.core().export_history_csv(query.into())?)
    }
}
