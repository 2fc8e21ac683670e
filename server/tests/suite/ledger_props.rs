//! Property test of the ledger (docs/rules.md §Ledger): random sequences of top-ups and withdrawals on every
//! sandbox outcome — declines, lack of funds, bank timeouts settled later, retries with the same
//! Idempotency-Key, overdraft attempts — and of merchant payments and (partial, over-)refunds
//! and of transfers to and from another user (issue 6), and of merchant payments from a card
//! (each sandbox outcome) or the phone bill and their refunds back to that source (issue 14),
//! keep every invariant, and the balance
//! always equals what an independent model of the rules says. After every step both users'
//! history feeds, synced incrementally, match the server's operations entry for entry and add
//! up to the balances.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::{HistoryClient, TestApp, TestDevice};
use proptest::prelude::*;
use serde_json::json;
use wallet_protocol::api::paths;
use wallet_server::ports::sandbox_bank::{test_cards, Outcome};

const PIN: &str = "280419";
const FRIEND: &str = "13900000002";
const FRIEND_PIN: &str = "360517";

#[derive(Debug, Clone)]
enum Step {
    TopUp {
        card: usize,
        minor: i64,
    },
    Withdraw {
        slow: bool,
        minor: i64,
    },
    /// Pay the merchant's static code.
    Pay {
        minor: i64,
    },
    /// Pay the merchant's static code from a card (`card` picks the outcome) or, for
    /// `card == 4`, the phone bill.
    PayFrom {
        card: usize,
        minor: i64,
    },
    /// The merchant refunds part of one of the paid orders (`pick` chooses which).
    Refund {
        pick: usize,
        minor: i64,
    },
    /// Send to the friend.
    TransferOut {
        minor: i64,
    },
    /// The friend sends.
    TransferIn {
        minor: i64,
    },
    /// The previous request again, same key.
    Retry,
    /// Same key as the previous request, different amount.
    ReuseKey,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..4, 1i64..30_000).prop_map(|(card, minor)| Step::TopUp { card, minor }),
        3 => (any::<bool>(), 1i64..30_000).prop_map(|(slow, minor)| Step::Withdraw { slow, minor }),
        3 => (1i64..30_000).prop_map(|minor| Step::Pay { minor }),
        3 => (0usize..5, 1i64..30_000).prop_map(|(card, minor)| Step::PayFrom { card, minor }),
        2 => (any::<usize>(), 1i64..20_000).prop_map(|(pick, minor)| Step::Refund { pick, minor }),
        3 => (1i64..30_000).prop_map(|minor| Step::TransferOut { minor }),
        2 => (1i64..30_000).prop_map(|minor| Step::TransferIn { minor }),
        1 => Just(Step::Retry),
        1 => Just(Step::ReuseKey),
    ]
}

const OUTCOMES: [Outcome; 4] = [
    Outcome::Approve,
    Outcome::Decline,
    Outcome::InsufficientFunds,
    Outcome::Timeout,
];

struct World {
    app: TestApp,
    device: TestDevice,
    cards: Vec<String>,
    /// What the rules say the balance is.
    model: i64,
    last: Option<(Step, String)>,
    n: usize,
    /// The merchant: id, API key, static payload.
    merchant: (String, String, String),
    /// Paid orders: (id, amount, refunded so far, source kind: balance, card or carrier).
    orders: Vec<(String, i64, i64, &'static str)>,
    /// What the phone bill carried this month (the carrier caps it at ¥500).
    carrier_used: i64,
    /// The other user of transfers, with plenty of money, and what its balance should be.
    friend: TestDevice,
    friend_model: i64,
    /// Each user's history, synced incrementally after every step.
    mine: HistoryClient,
    theirs: HistoryClient,
}

async fn bind(app: &TestApp, d: &TestDevice, outcome: Outcome) -> String {
    let number = test_cards()
        .into_iter()
        .find(|c| {
            c.outcome == outcome && c.bank.code() == "CMB" && c.card_type.label_en() == "Debit"
        })
        .unwrap()
        .number;
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": number, "bank_phone": "13900002222" })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let binding = res.body["binding_id"].as_str().unwrap().to_owned();
    let code = app.latest_code("13900002222").await;
    let res = app
        .signed_json(
            d,
            Method::POST,
            &paths::card_binding_verify(&binding),
            Some(json!({ "code": code })),
            &[],
        )
        .await;
    res.body["card_id"].as_str().unwrap().to_owned()
}

impl World {
    async fn new() -> Self {
        let app = TestApp::new();
        let device = app.signed_up_device().await;
        let res = app
            .signed_json(
                &device,
                Method::POST,
                paths::PIN,
                Some(json!({ "pin": PIN })),
                &[],
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let mut cards = Vec::new();
        for outcome in OUTCOMES {
            // Codes to one reserved phone are 30 s apart, card-binding codes too.
            app.advance(31);
            cards.push(bind(&app, &device, outcome).await);
        }
        let res = app
            .post_json(
                paths::MERCHANTS,
                json!({ "name": "Prop Shop", "city": "Shanghai", "mcc": "5411" }),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
        let merchant = (
            res.body["merchant"]["merchant_id"]
                .as_str()
                .unwrap()
                .to_owned(),
            res.body["api_key"].as_str().unwrap().to_owned(),
            res.body["payload"].as_str().unwrap().to_owned(),
        );
        let friend = app
            .payer_named(FRIEND, "王小华", FRIEND_PIN, 1_000_000)
            .await;
        Self {
            app,
            device,
            cards,
            model: 0,
            last: None,
            n: 0,
            merchant,
            orders: Vec::new(),
            carrier_used: 0,
            friend,
            friend_model: 1_000_000,
            mine: HistoryClient::default(),
            theirs: HistoryClient::default(),
        }
    }

    async fn send(&self, step: &Step, key: &str) -> common::TestResponse {
        let key_for_merchant = key;
        let mut device = &self.device;
        let (path, body) = match step {
            Step::TopUp { card, minor } => (
                paths::TOPUPS,
                json!({ "amount": { "minor": minor, "currency": "CNY" }, "card_id": self.cards[*card], "pin": PIN }),
            ),
            Step::Withdraw { slow, minor } => (
                paths::WITHDRAWALS,
                json!({ "amount": { "minor": minor, "currency": "CNY" }, "pin": PIN,
                        "card_id": self.cards[if *slow { 3 } else { 0 }] }),
            ),
            Step::Pay { minor } => (
                paths::QR_PAYMENTS,
                json!({ "payload": self.merchant.2, "amount": { "minor": minor, "currency": "CNY" }, "pin": PIN }),
            ),
            Step::PayFrom { card, minor } => (
                paths::QR_PAYMENTS,
                json!({ "payload": self.merchant.2, "amount": { "minor": minor, "currency": "CNY" }, "pin": PIN,
                        "source": if *card == 4 { "carrier".to_owned() } else { format!("card:{}", self.cards[*card]) } }),
            ),
            Step::Refund { pick, minor } => {
                let (id, key, _) = &self.merchant;
                let order = &self.orders[*pick % self.orders.len()].0;
                return self
                    .app
                    .merchant_call(
                        Method::POST,
                        &paths::merchant_order_refund(id, order),
                        Some(key),
                        Some(json!({ "amount": { "minor": minor, "currency": "CNY" } })),
                        &[("idempotency-key", key_for_merchant)],
                    )
                    .await;
            }
            Step::TransferOut { minor } => (
                paths::TRANSFERS,
                json!({ "to_phone": FRIEND, "amount": { "minor": minor, "currency": "CNY" }, "pin": PIN }),
            ),
            Step::TransferIn { minor } => {
                device = &self.friend;
                (
                    paths::TRANSFERS,
                    json!({ "to_phone": common::PHONE, "amount": { "minor": minor, "currency": "CNY" },
                            "pin": FRIEND_PIN, "note": "还你" }),
                )
            }
            Step::Retry | Step::ReuseKey => unreachable!(),
        };
        self.app
            .signed_json(
                device,
                Method::POST,
                path,
                Some(body),
                &[("idempotency-key", key)],
            )
            .await
    }

    async fn apply(&mut self, step: Step) {
        match step {
            Step::Retry => {
                if let Some((previous, key)) = self.last.clone() {
                    let res = self.send(&previous, &key).await;
                    // Either the first answer again, or the same refusal again: never new money.
                    assert!(
                        res.status == StatusCode::OK || res.body["code"].is_string(),
                        "{res:?}"
                    );
                }
            }
            Step::ReuseKey => {
                if let Some((previous, key)) = self.last.clone() {
                    let changed = match previous {
                        Step::TopUp { card, minor } => Step::TopUp {
                            card,
                            minor: minor + 1,
                        },
                        Step::Withdraw { slow, minor } => Step::Withdraw {
                            slow,
                            minor: minor + 1,
                        },
                        Step::Pay { minor } => Step::Pay { minor: minor + 1 },
                        Step::PayFrom { card, minor } => Step::PayFrom {
                            card,
                            minor: minor + 1,
                        },
                        Step::TransferOut { minor } => Step::TransferOut { minor: minor + 1 },
                        Step::TransferIn { minor } => Step::TransferIn { minor: minor + 1 },
                        Step::Refund { pick, minor } => Step::Refund {
                            pick,
                            minor: minor + 1,
                        },
                        other => other,
                    };
                    let res = self.send(&changed, &key).await;
                    assert!(
                        matches!(
                            res.code(),
                            "IDEMPOTENCY_KEY_REUSED"
                                | "BALANCE_INSUFFICIENT"
                                | "REFUND_NOT_ALLOWED"
                        ),
                        "{res:?}"
                    );
                }
            }
            Step::TopUp { card, minor } => {
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let res = self.send(&step, &key).await;
                assert_eq!(res.status, StatusCode::OK, "{res:?}");
                if matches!(OUTCOMES[card], Outcome::Approve | Outcome::Timeout) {
                    self.model += minor;
                }
                self.last = Some((step, key));
            }
            Step::Pay { minor } => {
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let res = self.send(&step, &key).await;
                if self.model >= minor {
                    assert_eq!(res.status, StatusCode::OK, "{res:?}");
                    self.model -= minor;
                    let order = res.body["order_id"].as_str().unwrap().to_owned();
                    self.orders.push((order, minor, 0, "balance"));
                } else {
                    assert_eq!(res.code(), "BALANCE_INSUFFICIENT");
                }
                self.last = Some((step, key));
            }
            Step::PayFrom { card, minor } => {
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let res = self.send(&step, &key).await;
                assert_eq!(res.status, StatusCode::OK, "{res:?}");
                // The wallet never moves; the order is paid when the gateway approves (a bank
                // timeout settles as approved later).
                let paid = if card == 4 {
                    let fits = self.carrier_used + minor <= 50_000;
                    if fits {
                        self.carrier_used += minor;
                    }
                    fits
                } else {
                    matches!(OUTCOMES[card], Outcome::Approve | Outcome::Timeout)
                };
                let expected = match (paid, card) {
                    (false, _) => "failed",
                    (true, 3) => "pending",
                    (true, _) => "succeeded",
                };
                assert_eq!(res.body["status"], expected, "{res:?}");
                if paid {
                    let order = res.body["order_id"].as_str().unwrap().to_owned();
                    self.orders
                        .push((order, minor, 0, if card == 4 { "carrier" } else { "card" }));
                }
                self.last = Some((step, key));
            }
            Step::Refund { pick, minor } => {
                if self.orders.is_empty() {
                    return;
                }
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let pick = pick % self.orders.len();
                let step = Step::Refund { pick, minor };
                let res = self.send(&step, &key).await;
                let (_, paid, refunded, source) = &mut self.orders[pick];
                if *refunded + minor <= *paid {
                    assert_eq!(res.status, StatusCode::OK, "{res:?}");
                    *refunded += minor;
                    // Back to the source: only a balance payment's refund reaches the wallet;
                    // a phone-bill refund frees the month's cap again.
                    match *source {
                        "balance" => self.model += minor,
                        "carrier" => self.carrier_used -= minor,
                        _ => {}
                    }
                } else {
                    assert_eq!(res.code(), "REFUND_NOT_ALLOWED");
                }
                self.last = Some((step, key));
            }
            Step::TransferOut { minor } => {
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let res = self.send(&step, &key).await;
                if self.model >= minor {
                    assert_eq!(res.status, StatusCode::OK, "{res:?}");
                    self.model -= minor;
                    self.friend_model += minor;
                } else {
                    assert_eq!(res.code(), "BALANCE_INSUFFICIENT");
                }
                self.last = Some((step, key));
            }
            Step::TransferIn { minor } => {
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let res = self.send(&step, &key).await;
                assert_eq!(res.status, StatusCode::OK, "{res:?}");
                self.model += minor;
                self.friend_model -= minor;
                self.last = Some((step, key));
            }
            Step::Withdraw { minor, .. } => {
                self.n += 1;
                let key = format!("prop-key-{:06}", self.n);
                let res = self.send(&step, &key).await;
                if self.model >= minor {
                    assert_eq!(res.status, StatusCode::OK, "{res:?}");
                    self.model -= minor;
                } else {
                    assert_eq!(res.code(), "BALANCE_INSUFFICIENT");
                }
                self.last = Some((step, key));
            }
        }
    }

    async fn check(&mut self) {
        let totals = self.app.store.ledger_check().await.unwrap();
        assert!(totals.is_ok(), "{totals:?}");
        // The balance never counts money still on its way (reserved withdrawals are gone from
        // it at once; pending top-ups count only once settled).
        let settled = self
            .app
            .signed_json(&self.device, Method::GET, paths::BALANCE, None, &[])
            .await;
        assert_eq!(
            settled.body["balance"]["minor"], self.model,
            "{:?}",
            settled.body
        );
        let totals = self.app.store.ledger_check().await.unwrap();
        assert!(totals.is_ok(), "{totals:?}");

        // Both histories, synced from where they stopped, add up to the balances and hold
        // exactly the server's operations, each in its latest version.
        self.mine.sync(&self.app, &self.device, Some(4)).await;
        self.theirs.sync(&self.app, &self.friend, None).await;
        assert_eq!(self.mine.balance(), self.model);
        assert_eq!(self.theirs.balance(), self.friend_model);
        for (client, phone) in [
            (&self.mine, common::PHONE_E164),
            (&self.theirs, "+8613900000002"),
        ] {
            let server: Vec<(String, i64)> = self
                .app
                .store
                .run_raw(move |db| {
                    db.prepare(
                        "SELECT o.id, o.seq FROM operations o JOIN accounts a ON a.id = o.account_id
                         WHERE a.phone = ?1 ORDER BY o.id",
                    )?
                    .query_map([phone], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()
                })
                .await
                .unwrap();
            let local: Vec<(String, i64)> = client
                .ops
                .iter()
                .map(|(id, o)| (id.clone(), o["seq"].as_i64().unwrap()))
                .collect();
            assert_eq!(local, server);
        }
        // Each transfer shows on both sides with the same amount.
        let amounts = |c: &HistoryClient, kind: &str| -> Vec<i64> {
            let mut v: Vec<i64> = c
                .ops
                .values()
                .filter(|o| o["kind"] == kind)
                .map(|o| o["amount"]["minor"].as_i64().unwrap())
                .collect();
            v.sort_unstable();
            v
        };
        assert_eq!(
            amounts(&self.mine, "transfer_out"),
            amounts(&self.theirs, "transfer_in")
        );
        assert_eq!(
            amounts(&self.mine, "transfer_in"),
            amounts(&self.theirs, "transfer_out")
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_ledger_whole(steps in prop::collection::vec(step(), 1..14)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let mut world = World::new().await;
            for s in steps {
                world.apply(s).await;
                world.check().await;
            }
        });
    }
}
