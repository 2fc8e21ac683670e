//! Transfers, the offline history and its insight (issue 6): one-line delegations to
//! `wallet_core::Wallet`. Rules (search, summary, budgets) live in wallet-core; the types are
//! the core's own.

use crate::error::WalletError;
use crate::types::{
    Budget, Category, HistoryEntry, HistoryPage, HistoryQuery, HistorySync, MonthlySummary,
    Operation, Recipient, TransferInput,
};
use crate::wallet::Wallet;

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// The masked real name behind a phone number (`RECIPIENT_NOT_FOUND`, `TRANSFER_TO_SELF`).
    pub async fn lookup_recipient(&self, phone: String) -> Result<Recipient, WalletError> {
        Ok(self.core().lookup_recipient(phone).await?)
    }

    /// Wallet → another user's wallet, confirmed by the PIN.
    pub async fn transfer(&self, input: TransferInput) -> Result<Operation, WalletError> {
        Ok(self.core().transfer(input).await?)
    }

    /// Brings the local history up to date (incremental, by cursor).
    pub async fn sync_history(&self) -> Result<HistorySync, WalletError> {
        Ok(self.core().sync_history().await?)
    }

    /// A page of the local history, offline.
    pub fn history(&self, query: HistoryQuery) -> Result<HistoryPage, WalletError> {
        Ok(self.core().history(query)?)
    }

    /// One entry of the local history, offline.
    pub fn history_entry(&self, operation_id: String) -> Result<HistoryEntry, WalletError> {
        Ok(self.core().history_entry(operation_id)?)
    }

    /// A month's totals by category, offline (`None`: this month).
    pub fn monthly_summary(&self, month: Option<String>) -> Result<MonthlySummary, WalletError> {
        Ok(self.core().monthly_summary(month)?)
    }

    pub fn budgets(&self) -> Result<Vec<Budget>, WalletError> {
        Ok(self.core().budgets()?)
    }

    /// Sets a category's monthly budget (as typed), or removes it with `None`.
    pub fn set_budget(
        &self,
        category: Category,
        amount: Option<String>,
    ) -> Result<(), WalletError> {
        Ok(self.core().set_budget(category, amount)?)
    }

    /// The matching entries as CSV (UTF-8 with BOM).
    pub fn export_history_csv(&self, query: HistoryQuery) -> Result<String, WalletError> {
        Ok(self.core().export_history_csv(query)?)
    }
}
