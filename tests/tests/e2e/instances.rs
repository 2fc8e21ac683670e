//! Several stateless provider instances on one PostgreSQL database (issue 12): whatever one
//! knows, every other knows. Three real `wallet-server` processes, the real CLI, requests spread
//! over them. Runs when the test command names a PostgreSQL server (`WALLET_TEST_POSTGRES`).

use std::thread;

use wallet_e2e::*;

const PIN: &str = "135792";

#[test]
fn three_instances_on_one_database_agree_on_everything() {
    let Some(url) = postgres_database() else {
        return;
    };
    // One phone signs in on several devices in a minute here: lift the per-phone code limit.
    let flags = [
        "--otp-min-interval-secs",
        "0",
        "--otp-per-phone-max",
        "50",
        "--otp-per-ip-max",
        "100",
    ];
    let a = Server::start_on(&url, &flags);
    let b = Server::start_on(&url, &flags);
    let c = Server::start_on(&url, &flags);

    // Sign-up through A (the device's server); the code is read through B's outbox.
    let phone_number = fresh_phone();
    let phone = Device::new(&a, "phone");
    phone.signup(&b, &phone_number);
    phone.set_pin(PIN);
    phone.bind_card(&a, &test_card("CMB", "debit", "approve"));
    assert_eq!(
        phone.run(&["topup", "100", "--pin-stdin"], Some(PIN)).ok()["status"],
        "succeeded"
    );

    // A payment code made offline on the phone (enrolled through A) is charged through C.
    let offline = phone.run_offline(&["paycode"], None).ok()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let shop = c.merchant("三号店", "上海", "5812");
    let paid = shop.charge_code(&c, &offline, "12.50").ok();
    assert_eq!(paid["status"], "paid", "{paid}");
    // ... once: a second charge through A is refused.
    shop.charge_code(&a, &offline, "12.50").err("PAYCODE_USED");

    // A laptop signs in through B; revoked through A, it is refused through B at once.
    let laptop = Device::new(&b, "laptop");
    let profile = laptop.login(&b, &phone_number);
    let laptop_id = profile["device_id"].as_str().unwrap().to_owned();
    phone.run(&["devices", "revoke", &laptop_id], None).ok();
    laptop.run(&["balance"], None).err("DEVICE_REVOKED");

    // Reported lost through B: frozen for A and C too. Unfrozen through C: active for all.
    let friend = Device::new(&b, "friend");
    friend
        .run(
            &[
                "report-lost",
                "--phone",
                &phone_number,
                "--name",
                NAME,
                "--id-last6",
                &ID_NUMBER[12..],
            ],
            None,
        )
        .ok();
    let new_phone = Device::new(&c, "new phone");
    new_phone.login(&c, &phone_number);
    assert_eq!(new_phone.run(&["status"], None).ok()["state"], "frozen");
    let frozen_code = new_phone.run(&["paycode"], None).ok()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    shop.charge_code(&a, &frozen_code, "1")
        .err("ACCOUNT_FROZEN");
    new_phone
        .run(
            &["unfreeze", "--id-number", ID_NUMBER, "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    for server in [&a, &b] {
        let there = Device::new(server, "checker");
        there.login(server, &phone_number);
        assert_eq!(there.run(&["status"], None).ok()["state"], "cooling_off");
    }

    // 12 withdrawals of ¥10 at once, spread over the three instances, on a ¥87.50 balance:
    // exactly 8 go through and the balance never goes below zero.
    let servers = [&a, &b, &c];
    let devices: Vec<Device> = (0..3)
        .map(|i| {
            let d = Device::new(servers[i], &format!("till {i}"));
            d.login(servers[i], &phone_number);
            d
        })
        .collect();
    let outcomes: Vec<Result<(), String>> = thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let d = &devices[i % 3];
                s.spawn(move || {
                    let run = d.run(&["withdraw", "10", "--pin-stdin"], Some(PIN));
                    run.result()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(ok, 8, "{outcomes:?}");
    for o in &outcomes {
        if let Err(code) = o {
            assert_eq!(code, "BALANCE_INSUFFICIENT", "{outcomes:?}");
        }
    }
    let balance = devices[0].run(&["balance"], None).ok();
    assert_eq!(balance["balance"]["minor"], 750, "{balance}");
    a.ledger_check();
}
