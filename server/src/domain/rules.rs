//! The decisions of money movement as pure functions: which operation may start (admission)
//! and what the ledger posts when the bank answers (settlement). The store reads the facts and
//! applies the outcome inside one transaction; the rules themselves live here, testable
//! without a database, and are the same on every storage engine.

use wallet_protocol::source::FundingSource;

use crate::store::{
    AdmissionFacts, ChargeDecision, Leg, OpKind, OpStatus, OperationRow, OrderEffect, Refusal,
    Resolution, Settlement, CLEARING_ACCOUNT, FEES_ACCOUNT, REFUND_CLEARING_ACCOUNT,
};

/// The limits an operation is admitted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionLimits {
    /// The most of this kind an account may move in a day (China Standard Time).
    pub daily: i64,
    /// During a cooling-off, the most that may leave the account in all (every outflow added
    /// up, from the cooling-off's start).
    pub cooling_off: i64,
}

/// The payer's no-PIN payment-code limits, already clipped to the provider's ceilings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoPinLimits {
    pub per_payment: i64,
    pub daily: i64,
}

/// May an operation of `kind` for `amount` start? A frozen account moves nothing; during a
/// cooling-off the outflows (withdrawals, transfers, merchant payments) together stay under
/// the cooling-off cap; the day's total of the kind stays under its limit; an outflow never
/// takes more than the balance.
pub fn admit(
    kind: OpKind,
    amount: i64,
    facts: &AdmissionFacts,
    limits: AdmissionLimits,
    now: i64,
) -> Result<(), Refusal> {
    standing(kind, amount, facts, limits.cooling_off, now)?;
    within_day(amount, facts, limits.daily)?;
    if is_outflow(kind) {
        covered(amount, facts)?;
    }
    Ok(())
}

/// May a payment of `amount` from `source` start? As [`admit`] for every source alike (the
/// freeze, the cooling-off's cap over every outflow, the day's limit), except that only a
/// payment from the balance needs the balance to cover it: a card or the phone bill is asked
/// by its gateway.
pub fn admit_payment(
    source: &FundingSource,
    amount: i64,
    facts: &AdmissionFacts,
    limits: AdmissionLimits,
    now: i64,
) -> Result<(), Refusal> {
    standing(OpKind::Payment, amount, facts, limits.cooling_off, now)?;
    within_day(amount, facts, limits.daily)?;
    if !source.via_gateway() {
        covered(amount, facts)?;
    }
    Ok(())
}

/// The source a payment of `amount` uses: the one chosen, else the first of the default
/// `order` that can pay (the balance only when `balance` covers the amount; `order` holds only
/// sources usable now). When none can, the balance, whose refusal says why.
pub fn pick_source(
    chosen: Option<&FundingSource>,
    order: &[FundingSource],
    balance: i64,
    amount: i64,
) -> FundingSource {
    if let Some(chosen) = chosen {
        return chosen.clone();
    }
    order
        .iter()
        .find(|s| s.via_gateway() || balance >= amount)
        .cloned()
        .unwrap_or(FundingSource::Balance)
}

/// A payment code's charge under the default order: it is paid at once (no PIN) only from the
/// balance, so only when the balance is the first source that can pay; otherwise, or when the
/// balance is short and another source could pay, it waits for the payer's PIN and pays from
/// the default order then.
pub fn charge_from(
    decision: Result<ChargeDecision, Refusal>,
    balance_first: bool,
    other_source: bool,
) -> Result<ChargeDecision, Refusal> {
    match decision {
        Ok(ChargeDecision::PayNow) if !balance_first => Ok(ChargeDecision::AwaitPin),
        Err(Refusal::BalanceInsufficient { .. }) if other_source => Ok(ChargeDecision::AwaitPin),
        other => other,
    }
}

/// The ledger accounts the gateways settle through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementAccounts<'a> {
    /// The bank's (`bank:sandbox`): top-ups, withdrawals, card payments and their refunds.
    pub bank: &'a str,
    /// The carrier's (`carrier:sandbox`): phone-bill payments and their refunds.
    pub carrier: &'a str,
}

/// A merchant's charge of a payment code for `amount`: admitted like any payment (the
/// balance is checked when it is paid), then paid at once only within the payer's no-PIN
/// limits and never during a cooling-off, when every payment needs the PIN.
pub fn charge(
    amount: i64,
    facts: &AdmissionFacts,
    no_pin_today: i64,
    limits: AdmissionLimits,
    no_pin: Option<NoPinLimits>,
    now: i64,
) -> Result<ChargeDecision, Refusal> {
    standing(OpKind::Payment, amount, facts, limits.cooling_off, now)?;
    within_day(amount, facts, limits.daily)?;
    let cooling = facts.cooling_off_until.is_some_and(|until| until > now);
    let without_pin = !cooling
        && no_pin.is_some_and(|l| {
            amount <= l.per_payment && no_pin_today.saturating_add(amount) <= l.daily
        });
    if !without_pin {
        return Ok(ChargeDecision::AwaitPin);
    }
    covered(amount, facts)?;
    Ok(ChargeDecision::PayNow)
}

/// Money that leaves the wallet for a card, another user or a merchant: what the
/// cooling-off cap and the balance check apply to.
fn is_outflow(kind: OpKind) -> bool {
    matches!(
        kind,
        OpKind::Withdrawal | OpKind::TransferOut | OpKind::Payment
    )
}

fn within_day(amount: i64, facts: &AdmissionFacts, daily: i64) -> Result<(), Refusal> {
    let remaining = daily.saturating_sub(facts.used_today).max(0);
    if amount > remaining {
        return Err(Refusal::DailyLimit { remaining });
    }
    Ok(())
}

fn covered(amount: i64, facts: &AdmissionFacts) -> Result<(), Refusal> {
    if facts.balance < amount {
        return Err(Refusal::BalanceInsufficient {
            balance: facts.balance,
        });
    }
    Ok(())
}

/// The account's standing alone (the first part of [`admit`], also checked early, before a
/// PIN is asked for): frozen moves nothing; during a cooling-off an outflow that would take
/// what left since it started over `cooling_off_cap` waits.
pub fn standing(
    kind: OpKind,
    amount: i64,
    facts: &AdmissionFacts,
    cooling_off_cap: i64,
    now: i64,
) -> Result<(), Refusal> {
    if facts.frozen {
        return Err(Refusal::Frozen);
    }
    match facts.cooling_off_until {
        Some(until) if is_outflow(kind) && until > now => {
            let remaining = cooling_off_cap
                .saturating_sub(facts.cooling_off_spent)
                .max(0);
            if amount > remaining {
                return Err(Refusal::CoolingOff { until, remaining });
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// What the ledger posts when the bank answers `resolution` for `op`, settling with the
/// bank's `settlement` account. `None` for kinds no bank settles (they post when made).
///
/// Card and phone-bill payments and refunds ([`settle_source`]) settle with the bank's or the
/// carrier's account of `accounts`; everything else as [`settle`].
pub fn settle_with(
    op: &OperationRow,
    resolution: &Resolution,
    accounts: SettlementAccounts<'_>,
) -> Option<Settlement> {
    if op.via_gateway() {
        let settlement = if op.via_carrier() {
            accounts.carrier
        } else {
            accounts.bank
        };
        return settle_source(op, resolution, settlement);
    }
    settle(op, resolution, accounts.bank)
}

/// A card or phone-bill payment or refund, when its gateway answers:
///
/// - payment approved: settlement → merchant, and the order is paid;
/// - payment failed: nothing moved; the order no longer waits for it;
/// - refund approved: refund clearing → settlement (the merchant's money was reserved when
///   the refund started);
/// - refund failed: refund clearing → merchant (the reserve is released), and the order's
///   refunded amount goes down again;
/// - no answer yet: pending, nothing posts.
pub fn settle_source(
    op: &OperationRow,
    resolution: &Resolution,
    settlement: &str,
) -> Option<Settlement> {
    let kind = if settlement.starts_with("carrier:") {
        "carrier"
    } else {
        "bank"
    };
    let merchant = format!("merchant:{}", op.merchant_id.as_deref()?);
    let leg = |account: &str, kind: &'static str, amount: i64| Leg {
        account: account.to_owned(),
        kind,
        amount,
    };
    let (status, failure, posting, order) = match (resolution, op.kind) {
        (Resolution::Pending, OpKind::Payment | OpKind::Refund) => {
            (OpStatus::Pending, None, None, None)
        }
        (Resolution::Approved, OpKind::Payment) => (
            OpStatus::Succeeded,
            None,
            Some((
                "payment",
                vec![
                    leg(settlement, kind, -op.amount),
                    leg(&merchant, "merchant", op.amount),
                ],
            )),
            Some(OrderEffect::Paid),
        ),
        (Resolution::Failed(code), OpKind::Payment) => (
            OpStatus::Failed,
            Some(code.clone()),
            None,
            Some(OrderEffect::Release),
        ),
        (Resolution::Approved, OpKind::Refund) => (
            OpStatus::Succeeded,
            None,
            Some((
                "refund_settle",
                vec![
                    leg(REFUND_CLEARING_ACCOUNT, "clearing", -op.amount),
                    leg(settlement, kind, op.amount),
                ],
            )),
            None,
        ),
        (Resolution::Failed(code), OpKind::Refund) => (
            OpStatus::Failed,
            Some(code.clone()),
            Some((
                "refund_release",
                vec![
                    leg(REFUND_CLEARING_ACCOUNT, "clearing", -op.amount),
                    leg(&merchant, "merchant", op.amount),
                ],
            )),
            Some(OrderEffect::RefundReleased),
        ),
        _ => return None,
    };
    Some(Settlement {
        status,
        failure,
        posting,
        order,
    })
}
///
/// - top-up approved: settlement → wallet;
/// - withdrawal approved: clearing → settlement (amount − fee) + fees (fee); the money left
///   the wallet when it was reserved;
/// - withdrawal failed: clearing → wallet (the reserve is released);
/// - top-up failed: nothing moved;
/// - no answer yet: pending, nothing posts.
pub fn settle(op: &OperationRow, resolution: &Resolution, settlement: &str) -> Option<Settlement> {
    let wallet = crate::store::wallet_account(&op.account_id);
    let leg = |account: &str, kind: &'static str, amount: i64| Leg {
        account: account.to_owned(),
        kind,
        amount,
    };
    let done = |status, failure: Option<&String>, posting| Settlement {
        status,
        failure: failure.cloned(),
        posting,
        order: None,
    };
    Some(match (resolution, op.kind) {
        (_, OpKind::Payment | OpKind::Refund | OpKind::TransferOut | OpKind::TransferIn) => {
            return None
        }
        (Resolution::Pending, _) => done(OpStatus::Pending, None, None),
        (Resolution::Approved, OpKind::Topup) => done(
            OpStatus::Succeeded,
            None,
            Some((
                "topup",
                vec![
                    leg(settlement, "bank", -op.amount),
                    leg(&wallet, "customer", op.amount),
                ],
            )),
        ),
        (Resolution::Approved, OpKind::Withdrawal) => done(
            OpStatus::Succeeded,
            None,
            Some((
                "withdrawal_settle",
                vec![
                    leg(CLEARING_ACCOUNT, "clearing", -op.amount),
                    leg(settlement, "bank", op.amount - op.fee),
                    leg(FEES_ACCOUNT, "fees", op.fee),
                ],
            )),
        ),
        (Resolution::Failed(code), OpKind::Topup) => done(OpStatus::Failed, Some(code), None),
        (Resolution::Failed(code), OpKind::Withdrawal) => done(
            OpStatus::Failed,
            Some(code),
            Some((
                "withdrawal_release",
                vec![
                    leg(CLEARING_ACCOUNT, "clearing", -op.amount),
                    leg(&wallet, "customer", op.amount),
                ],
            )),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: AdmissionLimits = AdmissionLimits {
        daily: 10_000,
        cooling_off: 500,
    };

    fn facts(balance: i64, used_today: i64) -> AdmissionFacts {
        AdmissionFacts {
            frozen: false,
            cooling_off_until: None,
            cooling_off_spent: 0,
            used_today,
            balance,
        }
    }

    #[test]
    fn admission_refuses_in_the_documented_order() {
        let frozen = AdmissionFacts {
            frozen: true,
            ..facts(0, 0)
        };
        assert_eq!(
            admit(OpKind::Withdrawal, 100, &frozen, LIMITS, 0),
            Err(Refusal::Frozen)
        );
        let cooling = AdmissionFacts {
            cooling_off_until: Some(50),
            ..facts(10_000, 0)
        };
        assert_eq!(
            admit(OpKind::Withdrawal, 501, &cooling, LIMITS, 10),
            Err(Refusal::CoolingOff {
                until: 50,
                remaining: 500
            })
        );
        assert_eq!(admit(OpKind::Withdrawal, 500, &cooling, LIMITS, 10), Ok(()));
        assert_eq!(admit(OpKind::Withdrawal, 501, &cooling, LIMITS, 50), Ok(()));
        assert_eq!(admit(OpKind::Topup, 5_000, &cooling, LIMITS, 10), Ok(()));
        assert_eq!(
            admit(OpKind::Topup, 2_001, &facts(0, 8_000), LIMITS, 0),
            Err(Refusal::DailyLimit { remaining: 2_000 })
        );
        assert_eq!(
            admit(OpKind::Topup, 1, &facts(0, 12_000), LIMITS, 0),
            Err(Refusal::DailyLimit { remaining: 0 })
        );
        assert_eq!(
            admit(OpKind::Withdrawal, 301, &facts(300, 0), LIMITS, 0),
            Err(Refusal::BalanceInsufficient { balance: 300 })
        );
        assert_eq!(
            admit(OpKind::Payment, 301, &facts(300, 0), LIMITS, 0),
            Err(Refusal::BalanceInsufficient { balance: 300 })
        );
        assert_eq!(admit(OpKind::Topup, 301, &facts(300, 0), LIMITS, 0), Ok(()));
    }

    #[test]
    fn the_cooling_off_caps_the_sum_of_every_outflow() {
        let spent = |cooling_off_spent| AdmissionFacts {
            cooling_off_until: Some(50),
            cooling_off_spent,
            ..facts(100_000, 0)
        };
        for kind in [OpKind::Withdrawal, OpKind::TransferOut, OpKind::Payment] {
            assert_eq!(
                admit(kind, 100, &spent(400), LIMITS, 10),
                Ok(()),
                "{kind:?}"
            );
            assert_eq!(
                admit(kind, 101, &spent(400), LIMITS, 10),
                Err(Refusal::CoolingOff {
                    until: 50,
                    remaining: 100
                }),
                "{kind:?}"
            );
            // Spent past the cap (a payment approved before the rule tightened): nothing left.
            assert_eq!(
                admit(kind, 1, &spent(900), LIMITS, 10),
                Err(Refusal::CoolingOff {
                    until: 50,
                    remaining: 0
                })
            );
            // Over when it ends.
            assert_eq!(admit(kind, 10_000, &spent(900), LIMITS, 50), Ok(()));
        }
        // Money coming in is never capped.
        for kind in [OpKind::Topup, OpKind::Refund, OpKind::TransferIn] {
            assert_eq!(
                admit(kind, 5_000, &spent(900), LIMITS, 10),
                Ok(()),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_charge_is_paid_without_the_pin_only_within_the_limits_and_outside_a_cooling_off() {
        let no_pin = Some(NoPinLimits {
            per_payment: 200,
            daily: 300,
        });
        let rich = facts(100_000, 0);
        let charge_of =
            |amount, f: &AdmissionFacts, today, now| charge(amount, f, today, LIMITS, no_pin, now);
        assert_eq!(charge_of(200, &rich, 0, 0), Ok(ChargeDecision::PayNow));
        assert_eq!(charge_of(201, &rich, 0, 0), Ok(ChargeDecision::AwaitPin));
        assert_eq!(charge_of(101, &rich, 200, 0), Ok(ChargeDecision::AwaitPin));
        assert_eq!(
            charge(100, &rich, 0, LIMITS, None, 0),
            Ok(ChargeDecision::AwaitPin)
        );
        // The balance only matters when it is paid now; the PIN screen checks it again.
        assert_eq!(
            charge_of(100, &facts(99, 0), 0, 0),
            Err(Refusal::BalanceInsufficient { balance: 99 })
        );
        assert_eq!(
            charge_of(300, &facts(99, 0), 0, 0),
            Ok(ChargeDecision::AwaitPin)
        );
        assert_eq!(
            charge_of(100, &facts(100_000, 9_950), 0, 0),
            Err(Refusal::DailyLimit { remaining: 50 })
        );
        // During a cooling-off every charge waits for the PIN, within the cap.
        let cooling = AdmissionFacts {
            cooling_off_until: Some(50),
            ..rich
        };
        assert_eq!(
            charge_of(100, &cooling, 0, 10),
            Ok(ChargeDecision::AwaitPin)
        );
        assert_eq!(
            charge_of(501, &cooling, 0, 10),
            Err(Refusal::CoolingOff {
                until: 50,
                remaining: 500
            })
        );
        assert_eq!(charge_of(100, &cooling, 0, 50), Ok(ChargeDecision::PayNow));
    }

    fn row(kind: OpKind, amount: i64, fee: i64) -> OperationRow {
        OperationRow {
            id: "op_1".into(),
            account_id: "acc_1".into(),
            kind,
            status: OpStatus::Processing,
            amount,
            fee,
            currency: "CNY".into(),
            card_id: None,
            merchant_id: None,
            order_id: None,
            channel: None,
            counterparty: None,
            transfer_id: None,
            note: None,
            source: None,
            idempotency_key: "k".into(),
            request_hash: "h".into(),
            failure_code: None,
            created_at: 0,
            updated_at: 0,
            seq: 1,
        }
    }

    #[test]
    fn every_settlement_posts_a_balanced_transaction_through_the_gateways_account() {
        let cases = [
            (OpKind::Topup, Resolution::Approved),
            (OpKind::Withdrawal, Resolution::Approved),
            (
                OpKind::Withdrawal,
                Resolution::Failed("CARD_DECLINED".into()),
            ),
            (OpKind::Topup, Resolution::Failed("CARD_DECLINED".into())),
            (OpKind::Topup, Resolution::Pending),
        ];
        for (kind, resolution) in cases {
            let plan = settle(&row(kind, 10_000, 10), &resolution, "bank:elsewhere").unwrap();
            if let Some((_, legs)) = &plan.posting {
                assert_eq!(legs.iter().map(|l| l.amount).sum::<i64>(), 0, "{kind:?}");
                let touches_bank = legs.iter().any(|l| l.kind == "bank");
                assert_eq!(
                    touches_bank,
                    resolution == Resolution::Approved,
                    "{kind:?} {resolution:?}"
                );
                assert!(legs
                    .iter()
                    .filter(|l| l.kind == "bank")
                    .all(|l| l.account == "bank:elsewhere"));
            }
        }
        let settled = settle(
            &row(OpKind::Withdrawal, 10_000, 10),
            &Resolution::Approved,
            "b",
        )
        .unwrap();
        assert_eq!(settled.status, OpStatus::Succeeded);
        let legs = settled.posting.unwrap().1;
        assert!(legs.contains(&Leg {
            account: "b".into(),
            kind: "bank",
            amount: 9_990
        }));
        assert!(legs.contains(&Leg {
            account: FEES_ACCOUNT.into(),
            kind: "fees",
            amount: 10
        }));
        let failed = settle(
            &row(OpKind::Topup, 1, 0),
            &Resolution::Failed("X".into()),
            "b",
        );
        assert_eq!(failed.unwrap().failure.as_deref(), Some("X"));
        assert!(settle(&row(OpKind::Payment, 1, 0), &Resolution::Approved, "b").is_none());
    }

    #[test]
    fn every_source_is_admitted_alike_and_only_the_balance_must_cover() {
        let card = FundingSource::Card("c1".into());
        for source in [FundingSource::Balance, card.clone(), FundingSource::Carrier] {
            let frozen = AdmissionFacts {
                frozen: true,
                ..facts(100_000, 0)
            };
            assert_eq!(
                admit_payment(&source, 100, &frozen, LIMITS, 0),
                Err(Refusal::Frozen)
            );
            let cooling = AdmissionFacts {
                cooling_off_until: Some(50),
                cooling_off_spent: 450,
                ..facts(100_000, 0)
            };
            assert_eq!(
                admit_payment(&source, 51, &cooling, LIMITS, 10),
                Err(Refusal::CoolingOff {
                    until: 50,
                    remaining: 50
                }),
                "{source}"
            );
            assert_eq!(
                admit_payment(&source, 2_001, &facts(100_000, 8_000), LIMITS, 0),
                Err(Refusal::DailyLimit { remaining: 2_000 })
            );
        }
        assert_eq!(
            admit_payment(&FundingSource::Balance, 301, &facts(300, 0), LIMITS, 0),
            Err(Refusal::BalanceInsufficient { balance: 300 })
        );
        assert_eq!(admit_payment(&card, 301, &facts(0, 0), LIMITS, 0), Ok(()));
        assert_eq!(
            admit_payment(&FundingSource::Carrier, 301, &facts(0, 0), LIMITS, 0),
            Ok(())
        );
    }

    #[test]
    fn the_default_order_picks_the_first_source_that_can_pay() {
        let card = FundingSource::Card("c1".into());
        let order = [FundingSource::Balance, card.clone(), FundingSource::Carrier];
        assert_eq!(pick_source(None, &order, 500, 500), FundingSource::Balance);
        assert_eq!(pick_source(None, &order, 499, 500), card);
        assert_eq!(
            pick_source(
                None,
                &[FundingSource::Carrier, FundingSource::Balance],
                10_000,
                1
            ),
            FundingSource::Carrier
        );
        // Nothing else to pay from: the balance, which answers why not.
        assert_eq!(
            pick_source(None, &[FundingSource::Balance], 0, 500),
            FundingSource::Balance
        );
        assert_eq!(pick_source(None, &[], 0, 500), FundingSource::Balance);
        // A choice on the confirm screen wins.
        assert_eq!(
            pick_source(Some(&FundingSource::Carrier), &order, 10_000, 1),
            FundingSource::Carrier
        );
    }

    #[test]
    fn a_payment_code_pays_at_once_only_from_the_balance_first() {
        let short = Err(Refusal::BalanceInsufficient { balance: 1 });
        assert_eq!(
            charge_from(Ok(ChargeDecision::PayNow), true, true),
            Ok(ChargeDecision::PayNow)
        );
        assert_eq!(
            charge_from(Ok(ChargeDecision::PayNow), false, true),
            Ok(ChargeDecision::AwaitPin)
        );
        assert_eq!(charge_from(short, true, true), Ok(ChargeDecision::AwaitPin));
        assert_eq!(charge_from(short, true, false), short);
        assert_eq!(
            charge_from(Err(Refusal::Frozen), false, true),
            Err(Refusal::Frozen)
        );
    }

    #[test]
    fn card_and_carrier_payments_settle_through_their_gateway_and_move_the_order() {
        let accounts = SettlementAccounts {
            bank: "bank:b",
            carrier: "carrier:c",
        };
        let op = |kind, source: &str| OperationRow {
            merchant_id: Some("m1".into()),
            order_id: Some("o1".into()),
            source: Some(source.into()),
            ..row(kind, 700, 0)
        };
        let paid = settle_with(
            &op(OpKind::Payment, "carrier"),
            &Resolution::Approved,
            accounts,
        )
        .unwrap();
        assert_eq!(paid.status, OpStatus::Succeeded);
        assert_eq!(paid.order, Some(OrderEffect::Paid));
        let legs = paid.posting.unwrap().1;
        assert!(legs.contains(&Leg {
            account: "carrier:c".into(),
            kind: "carrier",
            amount: -700
        }));
        assert!(legs.contains(&Leg {
            account: "merchant:m1".into(),
            kind: "merchant",
            amount: 700
        }));
        let failed = settle_with(
            &op(OpKind::Payment, "card:c1"),
            &Resolution::Failed("CARD_DECLINED".into()),
            accounts,
        )
        .unwrap();
        assert_eq!(
            (failed.status, failed.posting, failed.order),
            (OpStatus::Failed, None, Some(OrderEffect::Release))
        );
        let waiting = settle_with(
            &op(OpKind::Payment, "card:c1"),
            &Resolution::Pending,
            accounts,
        )
        .unwrap();
        assert_eq!((waiting.status, waiting.order), (OpStatus::Pending, None));
        let refunded = settle_with(
            &op(OpKind::Refund, "card:c1"),
            &Resolution::Approved,
            accounts,
        )
        .unwrap();
        let legs = refunded.posting.unwrap().1;
        assert_eq!(legs.iter().map(|l| l.amount).sum::<i64>(), 0);
        assert!(legs
            .iter()
            .any(|l| l.account == "bank:b" && l.amount == 700));
        let released = settle_with(
            &op(OpKind::Refund, "carrier"),
            &Resolution::Failed("CARRIER_DECLINED".into()),
            accounts,
        )
        .unwrap();
        assert_eq!(released.order, Some(OrderEffect::RefundReleased));
        assert!(released
            .posting
            .unwrap()
            .1
            .iter()
            .any(|l| l.account == "merchant:m1" && l.amount == 700));
        // A balance payment is still settled when made.
        assert!(settle_with(
            &op(OpKind::Payment, "balance"),
            &Resolution::Approved,
            accounts
        )
        .is_none());
    }
}
