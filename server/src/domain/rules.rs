//! The decisions of money movement as pure functions: which operation may start (admission)
//! and what the ledger posts when the bank answers (settlement). The store reads the facts and
//! applies the outcome inside one transaction; the rules themselves live here, testable
//! without a database, and are the same on every storage engine.

use crate::store::{
    AdmissionFacts, ChargeDecision, Leg, OpKind, OpStatus, OperationRow, Refusal, Resolution,
    Settlement, CLEARING_ACCOUNT, FEES_ACCOUNT,
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
}
