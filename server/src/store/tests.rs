//! Conformance tests of the repository contract. The cases go through [`Store`] only and run on
//! every engine (the `conformance!` list at the end); the migration tests from frozen old
//! databases are SQLite's own. The server's in-process suites (`server/tests`) run on both
//! engines too (`WALLET_TEST_BACKEND=postgres`).

use super::*;
use crate::secrets::vault::MasterKey;

/// The store unlocked with the suite's master key (as `serve` does at start).
async fn unlocked(store: Store) -> Store {
    store.unlock(&MasterKey::from_bytes([7; 32])).await.unwrap()
}

fn sqlite_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let store = Store::open(path.to_str().unwrap()).unwrap();
    (dir, store)
}

/// A fresh PostgreSQL database, or `None` when no test server is named (see [`testing`]).
fn postgres_store() -> Option<Store> {
    let server = testing::postgres_server()?;
    let url = testing::fresh_postgres_database(&server).unwrap();
    Some(Store::open(&url).unwrap())
}

const NOW: i64 = 1_800_000_000;

async fn enrolled(store: &Store) -> (AccountRow, String) {
    store
        .insert_challenge(NewChallenge {
            id: "ch_1".into(),
            purpose: ChallengePurpose::Signup,
            phone: "+8613812345678".into(),
            account_id: None,
            signup: Some(PendingSignup {
                name: "李明".into(),
                id_number: "11010519491231002X".into(),
                password_hash: "$argon2id$dummy".into(),
            }),
            code_hash: "h".into(),
            created_at: NOW,
            expires_at: NOW + 300,
        })
        .await
        .unwrap();
    let device = NewDevice {
        id: "dev_1".into(),
        public_key: "k".into(),
        name: "phone".into(),
        platform: "cli".into(),
        paycode_seed: None,
    };
    let outcome = store
        .verify_challenge("ch_1", NOW, 5, |h| h == "h", "acc_1".into(), device, 86_400)
        .await
        .unwrap();
    let VerifyOutcome::Enrolled(account) = outcome else {
        panic!("{outcome:?}")
    };
    (account, "dev_1".into())
}

#[tokio::test]
async fn migrations_run_once_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let path = path.to_str().unwrap();
    let store = unlocked(Store::open(path).unwrap()).await;
    enrolled(&store).await;
    drop(store);
    let store = unlocked(Store::open(path).unwrap()).await;
    assert_eq!(engine::schema_version(&store).await, known_version());
    assert!(store
        .account_by_phone("+8613812345678")
        .await
        .unwrap()
        .is_some());
}

#[test]
fn newer_schema_and_unreachable_servers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    drop(Store::open(path.to_str().unwrap()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("INSERT INTO schema_migrations VALUES (99, 0)", [])
        .unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(path.to_str().unwrap()),
        Err(StoreError::TooNew {
            found: 99,
            known
        }) if known == known_version()
    ));
    // Nothing listens on port 1: a clear error, not a hang or a panic.
    let err = Store::open("postgres://wallet@127.0.0.1:1/wallet").unwrap_err();
    assert!(matches!(err, StoreError::Postgres(_)), "{err}");
    assert!(matches!(
        Store::open_existing(dir.path().join("nope.db").to_str().unwrap()),
        Err(StoreError::Missing(_))
    ));
}

async fn challenge_dies_after_max_wrong_codes_and_is_single_use(store: Store) {
    store
        .insert_challenge(NewChallenge {
            id: "ch_x".into(),
            purpose: ChallengePurpose::Signup,
            phone: "+8613900000000".into(),
            account_id: None,
            signup: Some(PendingSignup {
                name: "n".into(),
                id_number: "11010519491231002X".into(),
                password_hash: "p".into(),
            }),
            code_hash: "right".into(),
            created_at: NOW,
            expires_at: NOW + 300,
        })
        .await
        .unwrap();
    let dev = |id: &str| NewDevice {
        id: id.into(),
        public_key: "k".into(),
        name: "n".into(),
        platform: "p".into(),
        paycode_seed: None,
    };
    for left in [1, 0] {
        let o = store
            .verify_challenge(
                "ch_x",
                NOW,
                2,
                |h| h == "wrong",
                "acc_x".into(),
                dev("d1"),
                86_400,
            )
            .await
            .unwrap();
        assert_eq!(o, VerifyOutcome::Wrong { tries_left: left });
    }
    let o = store
        .verify_challenge(
            "ch_x",
            NOW,
            2,
            |h| h == "right",
            "acc_x".into(),
            dev("d1"),
            86_400,
        )
        .await
        .unwrap();
    assert_eq!(o, VerifyOutcome::NotFound);
    assert!(store
        .account_by_phone("+8613900000000")
        .await
        .unwrap()
        .is_none());
}

async fn nonces_are_single_use_until_forgotten_and_revocation_wins(store: Store) {
    let (account, dev) = enrolled(&store).await;
    let nonce = "abcdefghijklmnop";
    assert_eq!(
        store.accept_nonce(&dev, nonce, NOW).await.unwrap(),
        NonceOutcome::Accepted
    );
    assert_eq!(
        store.accept_nonce(&dev, nonce, NOW + 1).await.unwrap(),
        NonceOutcome::Reused
    );
    // Housekeeping forgets it once older than the horizon (and only then).
    assert_eq!(store.forget_spent(NOW, i64::MIN).await.unwrap(), 0);
    assert_eq!(
        store.accept_nonce(&dev, nonce, NOW + 2).await.unwrap(),
        NonceOutcome::Reused
    );
    assert_eq!(store.forget_spent(NOW + 100, i64::MIN).await.unwrap(), 1);
    assert_eq!(
        store.accept_nonce(&dev, nonce, NOW + 700).await.unwrap(),
        NonceOutcome::Accepted
    );
    assert_eq!(
        store.device(&dev).await.unwrap().unwrap().last_seen_at,
        NOW + 700
    );
    assert!(!store.revoke_device("acc_other", &dev, NOW).await.unwrap());
    assert!(store.revoke_device(&account.id, &dev, NOW).await.unwrap());
    assert_eq!(
        store
            .accept_nonce(&dev, "qrstuvwxyzabcdef", NOW)
            .await
            .unwrap(),
        NonceOutcome::Revoked
    );
    assert!(store.active_devices(&account.id).await.unwrap().is_empty());
}

async fn otp_sends_are_recorded_only_when_admitted(store: Store) {
    let admit_two = |h: &SendHistory| if h.phone.len() < 2 { Ok(()) } else { Err(7) };
    for _ in 0..2 {
        assert_eq!(
            store
                .record_otp_send(
                    "+1",
                    "1.2.3.4",
                    OtpChannel::Account,
                    NOW,
                    (NOW - 60, NOW - 60),
                    admit_two
                )
                .await
                .unwrap(),
            Ok(())
        );
    }
    assert_eq!(
        store
            .record_otp_send(
                "+1",
                "1.2.3.4",
                OtpChannel::Account,
                NOW,
                (NOW - 60, NOW - 60),
                admit_two
            )
            .await
            .unwrap(),
        Err(7)
    );
    let seen = store
        .record_otp_send(
            "+1",
            "1.2.3.4",
            OtpChannel::Account,
            NOW,
            (NOW - 60, NOW - 60),
            |h| {
                assert_eq!((h.phone.len(), h.ip.len()), (2, 2));
                Err(1)
            },
        )
        .await
        .unwrap();
    assert_eq!(seen, Err(1));
    // Outside the window the history is empty again.
    store
        .record_otp_send(
            "+1",
            "1.2.3.4",
            OtpChannel::Account,
            NOW + 61,
            (NOW + 1, NOW + 1),
            |h| {
                assert!(h.phone.is_empty() && h.ip.is_empty());
                Ok(())
            },
        )
        .await
        .unwrap()
        .unwrap();
}

async fn outbox_is_newest_first(store: Store) {
    for code in ["111111", "222222"] {
        store
            .insert_sms(SmsRecord {
                phone: "+8613812345678".into(),
                body: format!("code {code}"),
                code: code.into(),
                purpose: "signup".into(),
                sent_at: NOW,
            })
            .await
            .unwrap();
    }
    let rows = store.outbox("+8613812345678", 10).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        ["222222", "111111"]
    );
    assert!(store.outbox("+8613900000000", 10).await.unwrap().is_empty());
}

/// A database left by the walking skeleton (schema 1, with an account) migrates to the cards
/// and ledger schema in place, keeping its data.
#[tokio::test]
async fn version_1_database_migrates_to_the_ledger_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_init.sql"))
            .unwrap();
        conn.execute("INSERT INTO schema_migrations VALUES (1, 0)", [])
            .unwrap();
        conn.execute(
            "INSERT INTO accounts VALUES ('acc_old', '+8613812345678', '李明', '11010519491231002X', 'x', 0)",
            [],
        )
        .unwrap();
    }
    let store = unlocked(Store::open(path.to_str().unwrap()).unwrap()).await;
    assert_eq!(engine::schema_version(&store).await, known_version());
    // The ID number stored in clear before 0010 still reads, and the first start seals it.
    let id_number = |a: Option<AccountRow>| a.unwrap().id_number;
    assert_eq!(
        id_number(store.account("acc_old").await.unwrap()),
        "11010519491231002X"
    );
    assert_eq!(store.seal_existing().await.unwrap(), 1);
    assert_eq!(store.seal_existing().await.unwrap(), 0);
    assert_eq!(
        id_number(store.account("acc_old").await.unwrap()),
        "11010519491231002X"
    );
    let raw: String = store
        .run_raw(|db| db.query_row("SELECT id_number FROM accounts", [], |r| r.get(0)))
        .await
        .unwrap();
    assert!(raw.starts_with("enc1:accounts/1:"), "{raw}");
    assert_eq!(store.balance("acc_old").await.unwrap(), 0);
    assert!(store.cards("acc_old").await.unwrap().is_empty());
    assert!(store.ledger_check().await.unwrap().is_ok());
}

/// A database left by issue 3 (schema 2, frozen here as it shipped: an account, a device, a
/// card and a settled top-up) migrates to the merchant schema in place: the operations table is
/// copied with its rows, the ledger still checks, and the old device has no payment-code seed.
#[tokio::test]
async fn version_2_database_migrates_to_the_merchant_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_init.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../../migrations/0002_cards_ledger.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO schema_migrations VALUES (1, 0), (2, 0);
             INSERT INTO accounts VALUES ('acc_old', '+8613812345678', '李明', '11010519491231002X', 'x', 0);
             INSERT INTO devices (id, account_id, public_key, name, platform, enrolled_at, last_seen_at)
                 VALUES ('dev_old', 'acc_old', 'k', 'phone', 'cli', 0, 0);
             INSERT INTO cards (id, account_id, token, bank, scheme, card_type, last4, status, is_default, bound_at)
                 VALUES ('card_old', 'acc_old', 'tok', 'CMB', 'unionpay', 'debit', '1234', 'active', 1, 0);
             INSERT INTO operations (id, account_id, kind, status, amount, fee, currency, card_id,
                     idempotency_key, request_hash, failure_code, created_at, updated_at)
                 VALUES ('op_old', 'acc_old', 'topup', 'succeeded', 5000, 0, 'CNY', 'card_old', 'key-00000001', 'h', NULL, 0, 0);
             INSERT INTO ledger_accounts (id, kind, currency, balance) VALUES
                 ('bank:sandbox', 'bank', 'CNY', -5000), ('wallet:acc_old', 'customer', 'CNY', 5000);
             INSERT INTO ledger_transactions (id, operation_id, kind, created_at) VALUES ('ltx_old', 'op_old', 'topup', 0);
             INSERT INTO ledger_entries (transaction_id, ledger_account, amount, currency) VALUES
                 ('ltx_old', 'bank:sandbox', -5000, 'CNY'), ('ltx_old', 'wallet:acc_old', 5000, 'CNY');",
        )
        .unwrap();
    }
    let store = unlocked(Store::open(path.to_str().unwrap()).unwrap()).await;
    assert_eq!(engine::schema_version(&store).await, known_version());
    let op = store.operation("acc_old", "op_old").await.unwrap().unwrap();
    assert_eq!(op.card_id.as_deref(), Some("card_old"));
    assert_eq!(
        (op.kind, op.amount, op.merchant_id),
        (OpKind::Topup, 5000, None)
    );
    assert_eq!(store.balance("acc_old").await.unwrap(), 5000);
    assert!(store.ledger_check().await.unwrap().is_ok());
    assert!(store.paycode_devices().await.unwrap().is_empty());
    assert!(store.device("dev_old").await.unwrap().is_some());
}

/// A database left by issue 4 (schema 3, frozen here as it shipped: an account, a device with a
/// payment-code seed, a paid order) migrates to the lost-phone schema: the account is active,
/// not cooling off, SMS-only sign-in off, with an empty security log; the device stays indexed.
#[tokio::test]
async fn version_3_database_migrates_to_the_lost_phone_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    let seed = wallet_protocol::paycode::PaycodeSeed::from_bytes([7; 32]).to_base64();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);",
        )
        .unwrap();
        for sql in [
            include_str!("../../migrations/0001_init.sql"),
            include_str!("../../migrations/0002_cards_ledger.sql"),
            include_str!("../../migrations/0003_merchants_orders_paycodes.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO schema_migrations VALUES (1, 0), (2, 0), (3, 0);
             INSERT INTO accounts VALUES ('acc_old', '+8613812345678', '李明', '11010519491231002X', 'x', 0);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO devices (id, account_id, public_key, name, platform, enrolled_at, last_seen_at,
                 paycode_seed, paycode_seed_issued_at)
             VALUES ('dev_old', 'acc_old', 'k', 'phone', 'cli', 0, 0, ?1, 0)",
            [&seed],
        )
        .unwrap();
    }
    // The seed in clear from before 0010 still reads (sealed at the next `serve` start).
    let store = unlocked(Store::open(path.to_str().unwrap()).unwrap()).await;
    assert_eq!(engine::schema_version(&store).await, known_version());
    assert_eq!(
        store.account_guard("acc_old").await.unwrap(),
        AccountGuard::default()
    );
    assert!(store
        .security_log("acc_old", None, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.paycode_devices().await.unwrap().len(), 1);
    assert!(store.ledger_check().await.unwrap().is_ok());
    // Freezing keeps the device's codes indexed (they answer ACCOUNT_FROZEN) and logs it.
    let out = store
        .freeze("acc_old", FreezeScope::All, "test", 100)
        .await
        .unwrap();
    assert_eq!(out.revoked, ["dev_old"]);
    assert_eq!(store.paycode_devices().await.unwrap().len(), 1);
    let log = store.security_log("acc_old", None, 10).await.unwrap();
    let kinds: Vec<_> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["frozen", "device_revoked"]);
}

/// A database left by issue 5 (schema 4, frozen here as it shipped: an account with a card, a
/// settled top-up and a withdrawal still pending, made in that order but the withdrawal first
/// by the clock) migrates to the transfer schema: existing operations are numbered by time
/// made, a new operation and a settled one each take the next `seq`, and the books still hold.
#[tokio::test]
async fn version_4_database_migrates_to_the_transfer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);",
        )
        .unwrap();
        for sql in [
            include_str!("../../migrations/0001_init.sql"),
            include_str!("../../migrations/0002_cards_ledger.sql"),
            include_str!("../../migrations/0003_merchants_orders_paycodes.sql"),
            include_str!("../../migrations/0004_lost_phone.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO schema_migrations VALUES (1, 0), (2, 0), (3, 0), (4, 0);
             INSERT INTO accounts (id, phone, name, id_number, password_hash, created_at, cooling_off_until)
                 VALUES ('acc_old', '+8613812345678', '李明', '11010519491231002X', 'x', 0, 90000);
             INSERT INTO cards (id, account_id, token, bank, scheme, card_type, last4, status, is_default, bound_at)
                 VALUES ('card_old', 'acc_old', 'tok', 'CMB', 'unionpay', 'debit', '1234', 'active', 1, 0);
             INSERT INTO operations (id, account_id, kind, status, amount, fee, currency, card_id,
                     idempotency_key, request_hash, failure_code, created_at, updated_at)
                 VALUES ('op_topup', 'acc_old', 'topup', 'succeeded', 5000, 0, 'CNY', 'card_old', 'key-00000001', 'h', NULL, 200, 200),
                        ('op_wd', 'acc_old', 'withdrawal', 'pending', 1000, 10, 'CNY', 'card_old', 'key-00000002', 'h', NULL, 100, 100);
             INSERT INTO ledger_accounts (id, kind, currency, balance) VALUES
                 ('bank:sandbox', 'bank', 'CNY', -5000), ('wallet:acc_old', 'customer', 'CNY', 4000),
                 ('clearing:withdrawals', 'clearing', 'CNY', 1000);
             INSERT INTO ledger_transactions (id, operation_id, kind, created_at) VALUES
                 ('ltx_1', 'op_topup', 'topup', 200), ('ltx_2', 'op_wd', 'withdrawal_reserve', 200);
             INSERT INTO ledger_entries (transaction_id, ledger_account, amount, currency) VALUES
                 ('ltx_1', 'bank:sandbox', -5000, 'CNY'), ('ltx_1', 'wallet:acc_old', 5000, 'CNY'),
                 ('ltx_2', 'wallet:acc_old', -1000, 'CNY'), ('ltx_2', 'clearing:withdrawals', 1000, 'CNY');",
        )
        .unwrap();
    }
    let store = Store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(engine::schema_version(&store).await, known_version());
    assert!(store.ledger_check().await.unwrap().is_ok());
    // A cooling-off running at the upgrade (migration 0008) started a full period before its end.
    let guard = store.account_guard("acc_old").await.unwrap();
    assert_eq!(
        (guard.cooling_off_until, guard.cooling_off_since),
        (Some(90_000), Some(90_000 - 86_400))
    );
    let seqs = |rows: Vec<OperationRow>| -> Vec<(String, i64)> {
        rows.into_iter().map(|o| (o.id, o.seq)).collect()
    };
    // Numbered by the time they were made.
    assert_eq!(
        seqs(store.history("acc_old", 0, 10).await.unwrap()),
        [("op_wd".to_owned(), 1), ("op_topup".to_owned(), 2)]
    );
    let topup = store
        .operation("acc_old", "op_topup")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (topup.counterparty, topup.note, topup.transfer_id),
        (None, None, None)
    );
    // Settling the pending withdrawal renumbers it.
    let settled = store.finish_operation("op_wd", 300, approve).await.unwrap();
    assert_eq!((settled.status, settled.seq), (OpStatus::Succeeded, 3));
    // A new operation takes the next number.
    let begun = store
        .begin_operation(
            NewOperation {
                id: "op_new".into(),
                account_id: "acc_old".into(),
                kind: OpKind::Topup,
                amount: 100,
                fee: 0,
                currency: "CNY".into(),
                card_id: "card_old".into(),
                idempotency_key: "key-00000003".into(),
                request_hash: "h3".into(),
            },
            400,
            0,
            admit_all,
        )
        .await
        .unwrap();
    let BeginOutcome::Created(new) = begun else {
        panic!("{begun:?}")
    };
    assert_eq!(new.seq, 4);
    assert_eq!(
        seqs(store.history("acc_old", 2, 10).await.unwrap()),
        [("op_wd".to_owned(), 3), ("op_new".to_owned(), 4)]
    );
    assert!(store.ledger_check().await.unwrap().is_ok());
}

/// An account with one live device, through the sign-up path (`ch_<n>`, `acc_<n>`, `dev_<n>`).
async fn account_named(store: &Store, n: u8, phone: &str, name: &str) -> String {
    store
        .insert_challenge(NewChallenge {
            id: format!("ch_{n}"),
            purpose: ChallengePurpose::Signup,
            phone: phone.into(),
            account_id: None,
            signup: Some(PendingSignup {
                name: name.into(),
                id_number: "11010519491231002X".into(),
                password_hash: "$argon2id$dummy".into(),
            }),
            code_hash: "h".into(),
            created_at: NOW,
            expires_at: NOW + 300,
        })
        .await
        .unwrap();
    let device = NewDevice {
        id: format!("dev_{n}"),
        public_key: "k".into(),
        name: "phone".into(),
        platform: "cli".into(),
        paycode_seed: None,
    };
    let outcome = store
        .verify_challenge(
            &format!("ch_{n}"),
            NOW,
            5,
            |h| h == "h",
            format!("acc_{n}"),
            device,
            86_400,
        )
        .await
        .unwrap();
    assert!(matches!(outcome, VerifyOutcome::Enrolled(_)), "{outcome:?}");
    format!("acc_{n}")
}

/// The store's transfer re-checks every guard inside its own transaction (a freeze or a
/// cooling-off that commits after the caller's early check still holds), writes both sides
/// with the other user as shown then, and tells the recipient.
async fn transfers_recheck_their_guards_inside_the_transaction(store: Store) {
    let a = account_named(&store, 1, "+8613812345678", "李明").await;
    let b = account_named(&store, 2, "+8613900000002", "王小华").await;
    store
        .insert_card_binding(CardBindingRow {
            id: "bind_1".into(),
            account_id: a.clone(),
            bank_ref: "ref".into(),
            bank: Some("CMB".into()),
            scheme: "unionpay".into(),
            card_type: "debit".into(),
            last4: "1234".into(),
            created_at: NOW,
            expires_at: NOW + 300,
        })
        .await
        .unwrap();
    let binding = store.card_binding(&a, "bind_1").await.unwrap().unwrap();
    let bound = store
        .complete_card_binding(binding, "card_1".into(), "tok".into(), NOW)
        .await
        .unwrap();
    assert!(matches!(bound, BindOutcome::Bound(_)), "{bound:?}");
    let topup = NewOperation {
        id: "op_topup".into(),
        account_id: a.clone(),
        kind: OpKind::Topup,
        amount: 10_000,
        fee: 0,
        currency: "CNY".into(),
        card_id: "card_1".into(),
        idempotency_key: "key-topup-1".into(),
        request_hash: "h".into(),
    };
    store
        .begin_operation(topup, NOW, 0, admit_all)
        .await
        .unwrap();
    let topped = store
        .finish_operation("op_topup", NOW, approve)
        .await
        .unwrap();

    let mut n = 0;
    let mut send = |key: &str, amount: i64, hash: &str, now: i64| {
        n += 1;
        NewTransfer {
            transfer_id: format!("tr_{n}"),
            out_id: format!("op_out_{n}"),
            in_id: format!("op_in_{n}"),
            from_account: a.clone(),
            to_account: b.clone(),
            amount,
            currency: "CNY".into(),
            note: Some("午饭".into()),
            idempotency_key: key.into(),
            request_hash: hash.into(),
            now,
            day_start: crate::config::day_start_cst(now),
        }
    };
    let live = |id: &str| {
        let store = store.clone();
        let id = id.to_owned();
        async move { store.device(&id).await.unwrap().unwrap() }
    };

    // A frozen recipient takes nothing; a frozen sender sends nothing.
    store
        .freeze(&b, FreezeScope::AllBut("dev_2".into()), "test", NOW)
        .await
        .unwrap();
    let out = store
        .transfer(
            send("key-1", 100, "h1", NOW),
            transfer_rule("key-1", 100, "h1", NOW),
        )
        .await
        .unwrap();
    assert_eq!(out, TransferOutcome::RecipientUnavailable);
    store
        .unfreeze(&b, live("dev_2").await, NOW, NOW)
        .await
        .unwrap();
    store
        .freeze(&a, FreezeScope::AllBut("dev_1".into()), "test", NOW)
        .await
        .unwrap();
    let out = store
        .transfer(
            send("key-1", 100, "h1", NOW),
            transfer_rule("key-1", 100, "h1", NOW),
        )
        .await
        .unwrap();
    assert_eq!(out, TransferOutcome::Refused(Refusal::Frozen));
    // Unfrozen into a cooling-off: at most ¥5.00 (here) in all may leave while it runs.
    store
        .unfreeze(&a, live("dev_1").await, NOW, NOW + 100)
        .await
        .unwrap();
    let out = store
        .transfer(
            send("key-1", 501, "h1", NOW),
            transfer_rule("key-1", 501, "h1", NOW),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        TransferOutcome::Refused(Refusal::CoolingOff {
            until: NOW + 100,
            remaining: 500
        })
    );
    let out = store
        .transfer(
            send("key-1", 500, "h1", NOW),
            transfer_rule("key-1", 500, "h1", NOW),
        )
        .await
        .unwrap();
    let TransferOutcome::Sent(first) = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        (first.kind, first.status, first.amount, first.fee),
        (OpKind::TransferOut, OpStatus::Succeeded, 500, 0)
    );
    assert!(first.seq > topped.seq);
    assert_eq!(
        first.counterparty,
        Some(CounterpartyRow {
            account_id: b.clone(),
            name_masked: "**华".into(),
            phone_masked: "+86 139****0002".into(),
        })
    );
    assert_eq!(first.note.as_deref(), Some("午饭"));
    // The key answers the first transfer, or refuses another request.
    let again = store
        .transfer(
            send("key-1", 500, "h1", NOW),
            transfer_rule("key-1", 500, "h1", NOW),
        )
        .await
        .unwrap();
    assert_eq!(again, TransferOutcome::Existing(first.clone()));
    let other = store
        .transfer(
            send("key-1", 600, "h2", NOW),
            transfer_rule("key-1", 600, "h2", NOW),
        )
        .await
        .unwrap();
    assert_eq!(other, TransferOutcome::KeyReused);
    // The facts count what left during the cooling-off: the ¥5.00 sent uses it up.
    let out = store
        .transfer(
            send("key-5", 1, "h6", NOW + 1),
            transfer_rule("key-5", 1, "h6", NOW + 1),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        TransferOutcome::Refused(Refusal::CoolingOff {
            until: NOW + 100,
            remaining: 0
        })
    );

    // The day's limit (8,000 here), then the balance.
    let later = NOW + 200;
    let out = store
        .transfer(
            send("key-2", 7_501, "h3", later),
            transfer_rule("key-2", 7_501, "h3", later),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        TransferOutcome::Refused(Refusal::DailyLimit { remaining: 7_500 })
    );
    let out = store
        .transfer(
            send("key-3", 7_500, "h4", later),
            transfer_rule("key-3", 7_500, "h4", later),
        )
        .await
        .unwrap();
    assert!(matches!(out, TransferOutcome::Sent(_)), "{out:?}");
    let next_day = later + 86_400;
    let out = store
        .transfer(
            send("key-4", 2_001, "h5", next_day),
            transfer_rule("key-4", 2_001, "h5", next_day),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        TransferOutcome::Refused(Refusal::BalanceInsufficient { balance: 2_000 })
    );
    assert_eq!(store.balance(&a).await.unwrap(), 2_000);
    assert_eq!(store.balance(&b).await.unwrap(), 8_000);

    // The recipient's side: two transfer_in rows, as the sender was shown then, and an event
    // naming each.
    let incoming: Vec<_> = store
        .history(&b, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.kind == OpKind::TransferIn)
        .collect();
    assert_eq!(incoming.len(), 2);
    assert!(incoming[0].seq < incoming[1].seq);
    let sender = incoming[0].counterparty.clone().unwrap();
    assert_eq!(
        (
            sender.account_id.as_str(),
            sender.name_masked.as_str(),
            sender.phone_masked.as_str()
        ),
        (a.as_str(), "*明", "+86 138****5678")
    );
    assert_eq!(incoming[0].transfer_id, first.transfer_id);
    let events: Vec<_> = store
        .device_events(&b, "dev_2", 0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == wallet_protocol::api::DeviceEventKind::TransferReceived)
        .map(|e| e.reference.unwrap())
        .collect();
    assert_eq!(
        events,
        incoming.iter().map(|o| o.id.clone()).collect::<Vec<_>>()
    );
    assert!(store.ledger_check().await.unwrap().is_ok());

    // The check notices a transfer that lost its other side.
    let lost_side = incoming[0].id.clone();
    store
        .run_raw(move |db| db.execute("DELETE FROM operations WHERE id = ?1", [&lost_side]))
        .await
        .unwrap();
    let broken = store.ledger_check().await.unwrap().unwrap_err();
    assert!(broken.contains("other side"), "{broken}");
}

async fn password_tries_are_counted_per_pair_phone_and_ip(store: Store) {
    let since = LoginSince {
        pair: NOW - 100,
        phone: NOW - 100,
        ip: NOW - 100,
    };
    for (phone, ip) in [("+1", "a"), ("+1", "a"), ("+1", "b"), ("+2", "a")] {
        store
            .begin_login_attempt(phone, ip, NOW, since, |_| Ok(()))
            .await
            .unwrap()
            .unwrap();
    }
    let seen = store
        .begin_login_attempt("+1", "a", NOW, since, |h| {
            assert_eq!((h.pair.len(), h.phone.len(), h.ip.len()), (2, 3, 3));
            Err(5)
        })
        .await
        .unwrap();
    assert_eq!(seen, Err(5), "a refused try is not recorded");
    // A right password from `a` forgets `a`'s tries on +1 only.
    store.clear_login_attempts("+1", "a").await.unwrap();
    store
        .begin_login_attempt("+1", "a", NOW, since, |h| {
            assert_eq!((h.pair.len(), h.phone.len(), h.ip.len()), (0, 1, 1));
            Err(5)
        })
        .await
        .unwrap()
        .unwrap_err();
}

async fn phone_lookups_count_new_numbers_per_asker(store: Store) {
    let admit_two = |recent: &[i64]| if recent.len() < 2 { Ok(()) } else { Err(9) };
    for key in ["k1", "k2", "k1"] {
        assert_eq!(
            store
                .record_phone_lookup("device:d", key, NOW, NOW - 3600, admit_two)
                .await
                .unwrap(),
            Ok(()),
            "{key}: a number asked about before is free"
        );
    }
    assert_eq!(
        store
            .record_phone_lookup("device:d", "k3", NOW, NOW - 3600, admit_two)
            .await
            .unwrap(),
        Err(9)
    );
    assert_eq!(
        store
            .record_phone_lookup("device:e", "k3", NOW, NOW - 3600, admit_two)
            .await
            .unwrap(),
        Ok(()),
        "another asker has its own budget"
    );
}

async fn old_attempt_rows_are_pruned(store: Store) {
    let since = LoginSince {
        pair: 0,
        phone: 0,
        ip: 0,
    };
    for at in [NOW - 10, NOW] {
        store
            .begin_login_attempt("+1", "a", at, since, |_| Ok(()))
            .await
            .unwrap()
            .unwrap();
        store
            .record_otp_send("+1", "a", OtpChannel::Card, at, (0, 0), |_| Ok(()))
            .await
            .unwrap()
            .unwrap();
        store
            .record_phone_lookup("ip:a", &format!("k{at}"), at, 0, |_| Ok(()))
            .await
            .unwrap()
            .unwrap();
        store
            .record_report_lost("+1", "a", at, (0, 0), |_| Ok(()))
            .await
            .unwrap()
            .unwrap();
        store.record_paycode_failure("m", at).await.unwrap();
    }
    let cutoff = NOW - 5;
    let gone = store
        .prune_attempts(AttemptCutoffs {
            login_attempts: cutoff,
            otp_sends: cutoff,
            phone_lookups: cutoff,
            report_lost_attempts: cutoff,
            paycode_failures: cutoff,
        })
        .await
        .unwrap();
    assert_eq!(gone, 5, "one old row of each");
    assert_eq!(store.paycode_failures("m", 0).await.unwrap(), vec![NOW]);
    assert_eq!(
        store
            .otp_send_history("+1", "a", OtpChannel::Card, (0, 0))
            .await
            .unwrap(),
        SendHistory {
            phone: vec![NOW],
            ip: vec![NOW]
        }
    );
    assert!(store
        .otp_send_history("+1", "a", OtpChannel::Account, (0, 0))
        .await
        .unwrap()
        .phone
        .is_empty());
}

/// SMS payment (issue 14): a merchant's service number is given once; references open with
/// their order up to the per-number limit; the day's SMS cap is reserved under the account's
/// lock (a second reservation of the same reference waits as "in progress", one over the cap is
/// refused), given back, or kept once paid.
async fn sms_references_reserve_the_days_cap(store: Store) {
    let (account, _) = enrolled(&store).await;
    store
        .insert_merchant(
            MerchantRow {
                id: "mch_1".into(),
                name: "Corner Cafe".into(),
                city: "Shanghai".into(),
                mcc: "5814".into(),
                created_at: NOW,
            },
            "key-hash".into(),
        )
        .await
        .unwrap();
    let n = store
        .ensure_service_number("mch_1", "106900000001", NOW)
        .await
        .unwrap();
    assert_eq!(n.as_deref(), Some("106900000001"));
    let again = store
        .ensure_service_number("mch_1", "106900000002", NOW)
        .await
        .unwrap();
    assert_eq!(again.as_deref(), Some("106900000001"), "given once");
    assert_eq!(
        store
            .service_number_merchant("106900000001")
            .await
            .unwrap()
            .as_deref(),
        Some("mch_1")
    );
    assert_eq!(
        store.service_number_merchant("106900000002").await.unwrap(),
        None
    );
    store
        .put_sms_product(SmsProductRow {
            merchant_id: "mch_1".into(),
            code: "101".into(),
            description: "Latte".into(),
            amount: 2_000,
            currency: "CNY".into(),
            created_at: NOW,
        })
        .await
        .unwrap();
    assert_eq!(store.sms_products("mch_1").await.unwrap().len(), 1);
    assert_eq!(
        store.sms_pay_account("+8613812345678").await.unwrap(),
        Some((account.id.clone(), false))
    );

    let open = |reference: &str, order: &str| NewSmsPayment {
        reference: reference.into(),
        phone: "+8613812345678".into(),
        account_id: account.id.clone(),
        service_number: "106900000001".into(),
        product_code: "101".into(),
        description: "Latte".into(),
        order: NewOrder {
            id: order.into(),
            merchant_id: "mch_1".into(),
            amount: 2_000,
            currency: "CNY".into(),
            description: Some("Latte".into()),
            channel: Channel::Sms,
            payload: None,
            payer_account_id: Some(account.id.clone()),
            payer_device_id: None,
            expires_at: NOW + 600,
        },
        now: NOW,
        max_open: 2,
    };
    for (r, o) in [("AAAAAA", "ord_1"), ("BBBBBB", "ord_2")] {
        let opened = store.open_sms_payment(open(r, o)).await.unwrap();
        assert!(matches!(opened, OpenSmsOutcome::Opened(_)), "{opened:?}");
    }
    assert_eq!(
        store
            .open_sms_payment(open("CCCCCC", "ord_3"))
            .await
            .unwrap(),
        OpenSmsOutcome::TooMany
    );
    assert_eq!(
        store.order("ord_3", NOW).await.unwrap(),
        None,
        "nothing written"
    );
    assert_eq!(
        store.order("ord_1", NOW).await.unwrap().unwrap().channel,
        Channel::Sms
    );

    let reserve = |r: &'static str, now: i64, stale_before: i64| {
        let store = store.clone();
        async move {
            store
                .reserve_sms_payment(r, 0, 3_000, now, stale_before)
                .await
                .unwrap()
        }
    };
    assert!(matches!(
        reserve("AAAAAA", NOW, NOW - 60).await,
        ReserveOutcome::Reserved(_)
    ));
    assert_eq!(
        reserve("AAAAAA", NOW, NOW - 60).await,
        ReserveOutcome::InProgress
    );
    assert_eq!(
        reserve("BBBBBB", NOW, NOW - 60).await,
        ReserveOutcome::OverDailyCap { remaining: 1_000 }
    );
    // A reservation left behind (a crash) is taken again once stale.
    assert!(matches!(
        reserve("AAAAAA", NOW + 61, NOW + 1).await,
        ReserveOutcome::Reserved(_)
    ));
    store.finish_sms_payment("AAAAAA", None, NOW).await.unwrap();
    assert_eq!(store.sms_paid_total(&account.id, 0).await.unwrap(), 0);
    assert!(matches!(
        reserve("BBBBBB", NOW, NOW - 60).await,
        ReserveOutcome::Reserved(_)
    ));
    store
        .finish_sms_payment("BBBBBB", Some("op_1".into()), NOW)
        .await
        .unwrap();
    assert_eq!(
        reserve("BBBBBB", NOW, NOW - 60).await,
        ReserveOutcome::AlreadyPaid
    );
    assert_eq!(store.sms_paid_total(&account.id, 0).await.unwrap(), 2_000);
    let paid = store.sms_payment("BBBBBB").await.unwrap().unwrap();
    assert_eq!(paid.status, SmsPaymentState::Paid);
    assert_eq!(paid.operation_id.as_deref(), Some("op_1"));
    assert_eq!(
        reserve("AAAAAA", NOW + 600, NOW).await,
        ReserveOutcome::Expired
    );
    assert_eq!(reserve("ZZZZZZ", NOW, NOW).await, ReserveOutcome::NotFound);
    let from = store
        .sms_payments_from("+8613812345678", "106900000001")
        .await
        .unwrap();
    assert_eq!(from.len(), 2);
    assert!(store.delete_sms_product("mch_1", "101").await.unwrap());
    assert!(!store.delete_sms_product("mch_1", "101").await.unwrap());
}

/// Every case above that takes a `Store`, once per engine.
/// Web checkout (issue 14): a page's pushes are counted whether or not the number has an
/// account, capped, and stop once the order is no longer open; tokens are unique.
async fn checkout_pushes_are_counted_capped_and_stop_with_the_order(store: Store) {
    let a = account_named(&store, 1, "+8613812345678", "李明").await;
    store
        .insert_merchant(
            MerchantRow {
                id: "mch_1".into(),
                name: "Shop".into(),
                city: "Shanghai".into(),
                mcc: "5812".into(),
                created_at: NOW,
            },
            "keyhash".into(),
        )
        .await
        .unwrap();
    let order = |id: &str| NewOrder {
        id: id.into(),
        merchant_id: "mch_1".into(),
        amount: 500,
        currency: "CNY".into(),
        description: None,
        channel: Channel::Checkout,
        payload: Some("payload".into()),
        payer_account_id: None,
        payer_device_id: None,
        expires_at: NOW + 60,
    };
    let url = || "https://s.example/r".to_owned();
    let row = store
        .insert_checkout(order("ord_1"), "hash_1".into(), url(), NOW)
        .await
        .unwrap();
    assert_eq!(
        (row.channel, row.status),
        (Channel::Checkout, OrderState::Open)
    );
    assert!(store.checkout("nope", NOW).await.unwrap().is_none());
    assert_eq!(
        store.push_checkout("nope", None, 2, NOW).await.unwrap(),
        PushOutcome::NotFound
    );
    let PushOutcome::Pushed(o) = store.push_checkout("hash_1", None, 2, NOW).await.unwrap() else {
        panic!("a number without an account is counted")
    };
    assert_eq!(o.payer_account_id, None);
    let PushOutcome::Pushed(o) = store
        .push_checkout("hash_1", Some(a.clone()), 2, NOW)
        .await
        .unwrap()
    else {
        panic!("pushed")
    };
    assert_eq!(o.payer_account_id.as_deref(), Some(a.as_str()));
    assert_eq!(store.open_orders_for(&a, NOW).await.unwrap().len(), 1);
    assert_eq!(
        store
            .push_checkout("hash_1", Some(a.clone()), 2, NOW)
            .await
            .unwrap(),
        PushOutcome::TooMany
    );
    let (c, _) = store.checkout("hash_1", NOW).await.unwrap().unwrap();
    assert_eq!((c.phone_pushes, c.return_url), (2, url()));
    let (_, o) = store.checkout("hash_1", NOW + 60).await.unwrap().unwrap();
    assert_eq!(o.status, OrderState::Expired);
    assert!(matches!(
        store
            .push_checkout("hash_1", None, 5, NOW + 60)
            .await
            .unwrap(),
        PushOutcome::NotOpen(_)
    ));
    // One token, one checkout: a clash writes nothing.
    assert!(store
        .insert_checkout(order("ord_2"), "hash_1".into(), url(), NOW)
        .await
        .is_err());
    assert!(store.order("ord_2", NOW).await.unwrap().is_none());
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (_dir, store) = super::sqlite_store();
                    super::$case(super::unlocked(store).await).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(store) = super::postgres_store() else {
                        eprintln!("no WALLET_TEST_POSTGRES: skipped on PostgreSQL");
                        return;
                    };
                    super::$case(super::unlocked(store).await).await;
                }
            )*
        }
    };
}

/// A card or phone-bill payment (issue 14) starts `processing` and holds its order (no second
/// payment, no decline, no expiry) until the gateway's answer pays it; its refund is reserved
/// from the merchant and, if the gateway refuses it, released; the ledger holds throughout.
async fn gateway_payments_hold_the_order_until_settled(store: Store) {
    let a = account_named(&store, 1, "+8613812345678", "李明").await;
    store
        .insert_merchant(
            MerchantRow {
                id: "mch_1".into(),
                name: "Noodles".into(),
                city: "Shanghai".into(),
                mcc: "5812".into(),
                created_at: NOW,
            },
            "keyhash".into(),
        )
        .await
        .unwrap();
    let order = store
        .insert_order(
            NewOrder {
                id: "ord_1".into(),
                merchant_id: "mch_1".into(),
                amount: 1_000,
                currency: "CNY".into(),
                description: None,
                channel: Channel::RemoteOrder,
                payload: None,
                payer_account_id: Some(a.clone()),
                payer_device_id: None,
                expires_at: NOW + 60,
            },
            NOW,
        )
        .await
        .unwrap();
    let payment = |id: &str, key: &str| NewPayment {
        operation_id: id.into(),
        account_id: a.clone(),
        idempotency_key: key.into(),
        request_hash: key.into(),
        target: PayTarget::Existing {
            order_id: order.id.clone(),
            merchant_id: None,
            payer_only: true,
            channels: &[Channel::RemoteOrder],
        },
        now: NOW,
        day_start: 0,
    };
    let admit = |_: i64, _: &AdmissionFacts| Ok(());
    let started = store
        .pay_from(
            payment("op_pay", "key-pay-1"),
            PaySource::Gateway("carrier".into()),
            admit,
        )
        .await
        .unwrap();
    let PayOutcome::Started { operation, .. } = started else {
        panic!("{started:?}")
    };
    assert_eq!(operation.status, OpStatus::Processing);
    assert_eq!(operation.source.as_deref(), Some("carrier"));
    assert!(store.ledger_check().await.unwrap().is_ok());
    // Held: no second payment (from any source), no decline, no expiry.
    let again = store
        .pay_from(payment("op_pay_2", "key-pay-2"), PaySource::Balance, admit)
        .await
        .unwrap();
    assert_eq!(again, PayOutcome::PaymentPending);
    assert_eq!(
        store.decline_order(&a, "ord_1", NOW).await.unwrap(),
        DeclineOutcome::AlreadyPaid
    );
    let later = NOW + 3_600;
    assert_eq!(
        store.order("ord_1", later).await.unwrap().unwrap().status,
        OrderState::Open
    );
    // The carrier approves: carrier → merchant, and the order is paid by this operation.
    let settled = store
        .finish_operation("op_pay", later, |op| {
            Some(Settlement {
                status: OpStatus::Succeeded,
                failure: None,
                posting: Some((
                    "payment",
                    vec![
                        Leg {
                            account: "carrier:sandbox".into(),
                            kind: "carrier",
                            amount: -op.amount,
                        },
                        Leg {
                            account: "merchant:mch_1".into(),
                            kind: "merchant",
                            amount: op.amount,
                        },
                    ],
                )),
                order: Some(OrderEffect::Paid),
            })
        })
        .await
        .unwrap();
    assert_eq!(settled.status, OpStatus::Succeeded);
    let paid = store.order("ord_1", later).await.unwrap().unwrap();
    assert_eq!(paid.status, OrderState::Paid);
    assert_eq!(paid.payment_operation_id.as_deref(), Some("op_pay"));
    assert!(store.ledger_check().await.unwrap().is_ok());

    // A refund goes back to the source: reserved from the merchant, then released when the
    // gateway refuses it.
    let refunded = store
        .refund(NewRefund {
            merchant_id: "mch_1".into(),
            order_id: "ord_1".into(),
            idempotency_key: "key-refund-1".into(),
            request_hash: "h".into(),
            operation_id: "op_refund".into(),
            amount: Some(400),
            now: later,
        })
        .await
        .unwrap();
    let RefundOutcome::Refunded(o) = refunded else {
        panic!("{refunded:?}")
    };
    assert_eq!(o.refunded, 400);
    let op = store.operation(&a, "op_refund").await.unwrap().unwrap();
    assert_eq!(
        (op.status, op.source.as_deref()),
        (OpStatus::Processing, Some("carrier"))
    );
    assert_eq!(store.balance(&a).await.unwrap(), 0, "never to the balance");
    assert!(store.ledger_check().await.unwrap().is_ok());
    store
        .finish_operation("op_refund", later, |op| {
            Some(Settlement {
                status: OpStatus::Failed,
                failure: Some("CARRIER_DECLINED".into()),
                posting: Some((
                    "refund_release",
                    vec![
                        Leg {
                            account: REFUND_CLEARING_ACCOUNT.into(),
                            kind: "clearing",
                            amount: -op.amount,
                        },
                        Leg {
                            account: "merchant:mch_1".into(),
                            kind: "merchant",
                            amount: op.amount,
                        },
                    ],
                )),
                order: Some(OrderEffect::RefundReleased),
            })
        })
        .await
        .unwrap();
    assert_eq!(
        store.order("ord_1", later).await.unwrap().unwrap().refunded,
        0
    );
    assert!(store.ledger_check().await.unwrap().is_ok());

    // The default order is the account's own.
    assert_eq!(store.funding_order(&a).await.unwrap(), None);
    store
        .set_funding_order(&a, "carrier,balance", NOW)
        .await
        .unwrap();
    store
        .set_funding_order(&a, "balance,carrier", NOW)
        .await
        .unwrap();
    assert_eq!(
        store.funding_order(&a).await.unwrap().as_deref(),
        Some("balance,carrier")
    );
}

conformance!(
    challenge_dies_after_max_wrong_codes_and_is_single_use,
    nonces_are_single_use_until_forgotten_and_revocation_wins,
    otp_sends_are_recorded_only_when_admitted,
    outbox_is_newest_first,
    password_tries_are_counted_per_pair_phone_and_ip,
    phone_lookups_count_new_numbers_per_asker,
    old_attempt_rows_are_pruned,
    transfers_recheck_their_guards_inside_the_transaction,
    sms_references_reserve_the_days_cap,
    checkout_pushes_are_counted_capped_and_stop_with_the_order,
    gateway_payments_hold_the_order_until_settled
);

/// Admits every operation: the store's tests check its mechanics; the admission rule is
/// `domain::rules::admit`, tested there.
fn admit_all(_: &NewOperation, _: &AdmissionFacts) -> Result<(), Refusal> {
    Ok(())
}

/// The bank approved: a fixed settlement for the store's tests (the real posting rule is
/// `domain::rules::settle`, tested there).
fn approve(op: &OperationRow) -> Option<Settlement> {
    let leg = |account: &str, kind: &'static str, amount: i64| Leg {
        account: account.to_owned(),
        kind,
        amount,
    };
    let wallet = wallet_account(&op.account_id);
    let (kind, legs) = match op.kind {
        OpKind::Topup => (
            "topup",
            vec![
                leg("bank:sandbox", "bank", -op.amount),
                leg(&wallet, "customer", op.amount),
            ],
        ),
        OpKind::Withdrawal => (
            "withdrawal_settle",
            vec![
                leg(CLEARING_ACCOUNT, "clearing", -op.amount),
                leg("bank:sandbox", "bank", op.amount - op.fee),
                leg(FEES_ACCOUNT, "fees", op.fee),
            ],
        ),
        _ => return None,
    };
    Some(Settlement {
        status: OpStatus::Succeeded,
        failure: None,
        posting: Some((kind, legs)),
        order: None,
    })
}

/// A transfer rule for the store's tests (the real one is `domain::rules::admit`, tested
/// there): frozen, then ¥5.00 in all during a cooling-off, ¥80.00 a day, the balance.
fn transfer_rule(
    _key: &str,
    amount: i64,
    _hash: &str,
    now: i64,
) -> impl FnOnce(&AdmissionFacts) -> Result<(), Refusal> + Send + 'static {
    move |f| {
        if f.frozen {
            return Err(Refusal::Frozen);
        }
        let remaining = (500 - f.cooling_off_spent).max(0);
        if let Some(until) = f
            .cooling_off_until
            .filter(|u| *u > now && amount > remaining)
        {
            return Err(Refusal::CoolingOff { until, remaining });
        }
        let remaining = (8_000 - f.used_today).max(0);
        if amount > remaining {
            return Err(Refusal::DailyLimit { remaining });
        }
        if f.balance < amount {
            return Err(Refusal::BalanceInsufficient { balance: f.balance });
        }
        Ok(())
    }
}
