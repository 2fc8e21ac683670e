//! Funding sources (docs/rules.md §Funding sources): the balance, a bound card, the phone bill;
//! the default order the user sets (`GET`/`PUT /v1/sources`) and the choice of a source for one
//! payment. The payment itself is [`crate::domain::pay`]'s; a card or phone-bill payment runs
//! begin (the store, one transaction, through `rules::admit_payment`) → gateway
//! ([`crate::domain::money::settle_source_operation`]) → finish, like a top-up, and the
//! reconciler settles a lost answer once.

use wallet_protocol::api::{FundingSources, SourceOption, SourceOrderUpdate};
use wallet_protocol::phone::mask_e164;
use wallet_protocol::source::{self, FundingSource};
use wallet_protocol::{ErrorCode, Money};

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::rules;
use crate::domain::state::AppState;
use crate::domain::wire::card_info;
use crate::store::CardRow;

fn invalid(detail: &str) -> ApiError {
    ApiError::detail(ErrorCode::SourceInvalid, detail.to_owned())
}

/// The default order as stored; the balance alone when the user never set one.
async fn stored_order(state: &AppState, account_id: &str) -> ApiResult<Vec<FundingSource>> {
    Ok(match state.store.funding_order(account_id).await? {
        None => vec![FundingSource::Balance],
        Some(text) => FundingSource::parse_list(&text)
            .map_err(|_| ApiError::internal(format!("account {account_id}: funding order")))?,
    })
}

/// The default order with only what can pay now: cards unbound or reported lost since it was
/// set drop out.
pub(crate) async fn usable_order(
    state: &AppState,
    account_id: &str,
) -> ApiResult<Vec<FundingSource>> {
    let cards = state.store.cards(account_id).await?;
    Ok(stored_order(state, account_id)
        .await?
        .into_iter()
        .filter(|s| match s.card_id() {
            Some(id) => cards.iter().any(|c| c.id == id && c.status == "active"),
            None => true,
        })
        .collect())
}

/// A source this account may pay from now: its card must be bound here and not reported lost.
pub(crate) async fn checked(
    state: &AppState,
    account_id: &str,
    source: &FundingSource,
) -> ApiResult<Option<CardRow>> {
    let Some(card_id) = source.card_id() else {
        return Ok(None);
    };
    let card = state
        .store
        .card(account_id, card_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::CardNotFound))?;
    if card.status != "active" {
        return Err(ErrorCode::CardSuspended.into());
    }
    Ok(Some(card))
}

/// The source a payment of `amount` uses ([`rules::pick_source`]): the one chosen on the
/// confirm screen, else the first of the default order that can pay.
pub(crate) async fn choose(
    state: &AppState,
    account_id: &str,
    chosen: Option<&FundingSource>,
    amount: i64,
) -> ApiResult<FundingSource> {
    let picked = match chosen {
        Some(s) => s.clone(),
        None => {
            let order = usable_order(state, account_id).await?;
            let balance = if order.first() == Some(&FundingSource::Balance) {
                state.store.balance(account_id).await?
            } else {
                0
            };
            rules::pick_source(None, &order, balance, amount)
        }
    };
    checked(state, account_id, &picked).await?;
    Ok(picked)
}

/// Whether a payment code's charge may be paid at once from the balance (it is first in the
/// default order), and whether another source could pay when the balance is short.
pub(crate) async fn charge_plan(state: &AppState, account_id: &str) -> ApiResult<(bool, bool)> {
    let order = usable_order(state, account_id).await?;
    let balance_first = order.first().is_none_or(|s| *s == FundingSource::Balance);
    let other = order.iter().any(FundingSource::via_gateway);
    Ok((balance_first, other))
}

/// `GET /v1/sources`.
pub async fn sources(state: &AppState, account_id: &str) -> ApiResult<FundingSources> {
    let order = usable_order(state, account_id).await?;
    let mut sources = vec![SourceOption {
        source: FundingSource::Balance,
        kind: source::SourceKind::Balance,
        usable: true,
        balance: Some(Money::cny(state.store.balance(account_id).await?)),
        card: None,
        phone_masked: None,
        monthly_remaining: None,
    }];
    for card in state.store.cards(account_id).await? {
        sources.push(SourceOption {
            source: FundingSource::Card(card.id.clone()),
            kind: source::SourceKind::Card,
            usable: card.status == "active",
            balance: None,
            card: Some(card_info(&card)?),
            phone_masked: None,
            monthly_remaining: None,
        });
    }
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::DeviceUnknown))?;
    // The carrier's word on what is left this month; none when it cannot be reached.
    let remaining = state
        .carrier
        .monthly_remaining(&account.phone, state.clock.unix())
        .await
        .ok();
    sources.push(SourceOption {
        source: FundingSource::Carrier,
        kind: source::SourceKind::Carrier,
        usable: true,
        balance: None,
        card: None,
        phone_masked: Some(mask_e164(&account.phone)),
        monthly_remaining: remaining.map(Money::cny),
    });
    Ok(FundingSources { order, sources })
}

/// `PUT /v1/sources`: a new default order. Needs no PIN: it only says where money the user
/// confirms (with the PIN) comes from.
pub async fn set_order(
    state: &AppState,
    account_id: &str,
    req: SourceOrderUpdate,
) -> ApiResult<FundingSources> {
    source::check_order(&req.order).map_err(|_| invalid("order: 1 to 12 sources, each once"))?;
    for s in &req.order {
        checked(state, account_id, s).await?;
    }
    state
        .store
        .set_funding_order(
            account_id,
            &FundingSource::join(&req.order),
            state.clock.unix(),
        )
        .await?;
    tracing::info!(account = %account_id, order = %FundingSource::join(&req.order), "default funding order set");
    sources(state, account_id).await
}
