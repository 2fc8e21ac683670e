//! Funding sources (issue 14): each account's default order of sources. The payments and
//! refunds from a card or the phone bill are in `pay.rs` ([`Store::pay_from`],
//! [`Store::refund`]) and settle through [`Store::finish_operation`] like top-ups.

use super::db::{params, OptionalExtension};
use super::{Backend, Store, StoreError};

impl Store {
    /// The account's default order as stored (`balance,card:card_x,carrier`); `None` when the
    /// user never set one.
    pub async fn funding_order(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| c
            .query_row(
                "SELECT sources FROM funding_orders WHERE account_id = ?1",
                [&a],
                |r| r.get(0),
            )
            .optional())
    }

    /// Replaces the account's default order.
    pub async fn set_funding_order(
        &self,
        account_id: &str,
        sources: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let (a, s) = (account_id.to_owned(), sources.to_owned());
        on_backend!(self, |c| {
            c.execute(
                "INSERT INTO funding_orders (account_id, sources, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET sources = excluded.sources, updated_at = excluded.updated_at",
                params![a, s, now],
            )?;
            Ok(())
        })
    }
}
