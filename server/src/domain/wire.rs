//! Rows as the wire shows them: every conversion from a store row to a `wallet_protocol` type
//! in one place, so each service answers in the published vocabulary.

use chrono::{DateTime, Utc};
use wallet_protocol::api::{
    AccountProfile, CardInfo, CardStatus, Counterparty, MerchantRef, Operation, OperationKind,
    OperationStatus, OrderStatus, PaymentChannel,
};
use wallet_protocol::card::{Bank, CardScheme, CardType};
use wallet_protocol::phone::mask_e164;
use wallet_protocol::qr::WalletMerchant;
use wallet_protocol::{Currency, ErrorCode, Money, ResidentId};

use crate::domain::{ApiError, ApiResult};
use crate::store::{
    AccountRow, CardRow, Channel, MerchantRow, OpKind, OpStatus, OperationRow, OrderState,
};

pub(crate) fn wire_time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The account as its holder sees it: only the last 4 of the ID number.
pub(crate) fn profile(account: &AccountRow) -> ApiResult<AccountProfile> {
    let id = ResidentId::parse(&account.id_number)
        .map_err(|e| ApiError::internal(format!("account {}: {e}", account.id)))?;
    Ok(AccountProfile {
        account_id: account.id.clone(),
        phone: account.phone.clone(),
        phone_masked: mask_e164(&account.phone),
        name: account.name.clone(),
        id_last4: id.last4().to_owned(),
        created_at: wire_time(account.created_at),
    })
}

pub fn card_info(row: &CardRow) -> ApiResult<CardInfo> {
    Ok(CardInfo {
        card_id: row.id.clone(),
        bank: parse_bank(row.bank.as_deref()),
        scheme: CardScheme::from_code(&row.scheme).ok_or_else(|| {
            ApiError::internal(format!("card {}: scheme {:?}", row.id, row.scheme))
        })?,
        card_type: CardType::from_code(&row.card_type).ok_or_else(|| {
            ApiError::internal(format!("card {}: type {:?}", row.id, row.card_type))
        })?,
        last4: row.last4.clone(),
        status: if row.status == "active" {
            CardStatus::Active
        } else {
            CardStatus::Suspended
        },
        is_default: row.is_default,
        bound_at: wire_time(row.bound_at),
    })
}

pub(crate) fn parse_bank(s: Option<&str>) -> Option<Bank> {
    s.and_then(Bank::from_code)
}

pub(crate) fn to_wire(
    row: &OperationRow,
    card: Option<&CardRow>,
    merchant: Option<&MerchantRow>,
) -> ApiResult<Operation> {
    let (card_last4, bank) = card.map_or((None, None), |c| {
        (Some(c.last4.clone()), parse_bank(c.bank.as_deref()))
    });
    // A card payment (or its refund) names its card like a top-up does.
    let card_id = row.any_card_id().map(str::to_owned);
    let channel = row
        .channel
        .as_deref()
        .map(Channel::parse)
        .transpose()
        .map_err(ApiError::internal)?
        .map(wire_channel);
    let currency = Currency::from_code(&row.currency)
        .ok_or_else(|| ApiError::internal(format!("currency {:?}", row.currency)))?;
    Ok(Operation {
        operation_id: row.id.clone(),
        kind: match row.kind {
            OpKind::Topup => OperationKind::Topup,
            OpKind::Withdrawal => OperationKind::Withdrawal,
            OpKind::Payment => OperationKind::Payment,
            OpKind::Refund => OperationKind::Refund,
            OpKind::TransferOut => OperationKind::TransferOut,
            OpKind::TransferIn => OperationKind::TransferIn,
        },
        status: match row.status {
            OpStatus::Processing | OpStatus::Pending => OperationStatus::Pending,
            OpStatus::Succeeded => OperationStatus::Succeeded,
            OpStatus::Failed => OperationStatus::Failed,
        },
        amount: Money::new(row.amount, currency),
        fee: Money::new(row.fee, currency),
        card_id,
        card_last4,
        bank,
        merchant: merchant.map(merchant_ref),
        order_id: row.order_id.clone(),
        channel,
        failure_code: row
            .failure_code
            .as_deref()
            .and_then(|c| ErrorCode::ALL.iter().copied().find(|e| e.as_str() == c)),
        counterparty: row.counterparty.as_ref().map(|c| Counterparty {
            name_masked: c.name_masked.clone(),
            phone_masked: c.phone_masked.clone(),
        }),
        note: row.note.clone(),
        seq: row.seq,
        created_at: wire_time(row.created_at),
        updated_at: wire_time(row.updated_at),
        source: match row.kind {
            OpKind::Payment | OpKind::Refund => Some(
                row.source
                    .as_deref()
                    .unwrap_or("balance")
                    .parse()
                    .map_err(|_| ApiError::internal(format!("operation {}: source", row.id)))?,
            ),
            _ => None,
        },
    })
}

pub fn merchant_ref(m: &MerchantRow) -> MerchantRef {
    MerchantRef {
        merchant_id: m.id.clone(),
        name: m.name.clone(),
        city: m.city.clone(),
        mcc: m.mcc.clone(),
    }
}

pub fn wire_channel(c: Channel) -> PaymentChannel {
    match c {
        Channel::StaticQr => PaymentChannel::StaticQr,
        Channel::DynamicQr => PaymentChannel::DynamicQr,
        Channel::Paycode => PaymentChannel::Paycode,
        Channel::RemoteOrder => PaymentChannel::RemoteOrder,
        Channel::Sms => PaymentChannel::Sms,
        Channel::Checkout => PaymentChannel::Checkout,
    }
}

pub(crate) fn wire_status(s: OrderState) -> OrderStatus {
    match s {
        OrderState::Open => OrderStatus::Open,
        OrderState::Paid => OrderStatus::Paid,
        OrderState::Refunded => OrderStatus::Refunded,
        OrderState::Declined => OrderStatus::Declined,
        OrderState::Expired => OrderStatus::Expired,
    }
}

pub(crate) fn wallet_merchant(m: &MerchantRow) -> WalletMerchant {
    WalletMerchant {
        merchant_id: m.id.clone(),
        name: m.name.clone(),
        city: m.city.clone(),
        mcc: m.mcc.clone(),
    }
}
