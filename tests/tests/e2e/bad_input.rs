//! Bad input gets a clear error code and loses nothing: weak passwords, malformed phone and ID
//! numbers, wrong or expired codes, wrong passwords, rate limits, a dead server.

use wallet_e2e::*;

fn signup_args<'a>(phone: &'a str, name: &'a str, id: &'a str) -> Vec<&'a str> {
    vec![
        "signup",
        "--phone",
        phone,
        "--name",
        name,
        "--id-number",
        id,
        "--password-stdin",
    ]
}

#[test]
fn invalid_sign_up_details_each_have_their_code() {
    let server = Server::start();
    let d = Device::new(&server, "d");
    let phone = fresh_phone();
    d.run(&signup_args("12345", NAME, ID_NUMBER), Some(PASSWORD))
        .err("PHONE_INVALID");
    d.run(
        &signup_args(&phone, NAME, "110105194912310021"),
        Some(PASSWORD),
    )
    .err("ID_NUMBER_INVALID");
    d.run(&signup_args(&phone, "", ID_NUMBER), Some(PASSWORD))
        .err("NAME_INVALID");
    let weak = d
        .run(&signup_args(&phone, NAME, ID_NUMBER), Some("password123"))
        .err("PASSWORD_WEAK");
    assert!(weak["message"].as_str().unwrap().len() > 10, "{weak}");
    // Refused on the device before any request: no profile was left behind.
    assert!(d.files().is_empty(), "{:?}", d.files());
}

#[test]
fn wrong_code_then_right_code() {
    let server = Server::start();
    let d = Device::new(&server, "d");
    let phone = fresh_phone();
    d.run(&signup_args(&phone, NAME, ID_NUMBER), Some(PASSWORD))
        .ok();
    let good = server.otp(&phone);
    let wrong = if good == "000000" { "111111" } else { "000000" };
    d.run(&["verify", "--code", wrong], None).err("OTP_INVALID");
    d.run(&["verify", "--code", "12ab56"], None)
        .err("OTP_FORMAT_INVALID");
    // A wrong try does not lose the pending sign-up.
    let profile = d.run(&["verify", "--code", &good], None).ok();
    assert_eq!(profile["name"], NAME);
    // The code is single use.
    let other = Device::new(&server, "other");
    other
        .run(
            &["login", "--phone", &phone, "--password-stdin"],
            Some(PASSWORD),
        )
        .ok();
    let fresh = server.otp(&phone);
    assert_ne!(fresh, "", "a new code was sent");
    other.run(&["verify", "--code", &fresh], None).ok();
}

#[test]
fn wrong_password_is_refused_without_saying_which_part_was_wrong() {
    let server = Server::start();
    let phone = fresh_phone();
    Device::new(&server, "a").signup(&server, &phone);
    let d = Device::new(&server, "b");
    let wrong = d
        .run(
            &["login", "--phone", &phone, "--password-stdin"],
            Some("Wrong-horse-battery-99"),
        )
        .err("CREDENTIALS_INVALID");
    let unknown = d
        .run(
            &["login", "--phone", &fresh_phone(), "--password-stdin"],
            Some(PASSWORD),
        )
        .err("CREDENTIALS_INVALID");
    assert_eq!(wrong["message"], unknown["message"]);
}

#[test]
fn password_tries_are_rate_limited() {
    let server = Server::start();
    let phone = fresh_phone();
    Device::new(&server, "a").signup(&server, &phone);
    let d = Device::new(&server, "b");
    let mut limited = None;
    for _ in 0..12 {
        let run = d.run(
            &["login", "--phone", &phone, "--password-stdin"],
            Some("Wrong-horse-battery-99"),
        );
        assert_eq!(run.code, 1);
        if run.json["error"]["code"] == "RATE_LIMITED" {
            limited = Some(run.json["error"].clone());
            break;
        }
        assert_eq!(run.json["error"]["code"], "CREDENTIALS_INVALID");
    }
    let limited = limited.expect("password tries were never rate limited");
    assert!(
        limited["retry_after_secs"].as_u64().unwrap() > 0,
        "{limited}"
    );
    // Even the right password is refused while the limit holds.
    d.run(
        &["login", "--phone", &phone, "--password-stdin"],
        Some(PASSWORD),
    )
    .err("RATE_LIMITED");
}

#[test]
fn a_second_code_within_30_seconds_is_refused() {
    let server = Server::start_with(&[]); // production limits
    let phone = fresh_phone();
    let d = Device::new(&server, "a");
    d.run(&signup_args(&phone, NAME, ID_NUMBER), Some(PASSWORD))
        .ok();
    let again = Device::new(&server, "b");
    let err = again
        .run(&signup_args(&phone, NAME, ID_NUMBER), Some(PASSWORD))
        .err("RATE_LIMITED");
    let wait = err["retry_after_secs"].as_u64().unwrap();
    assert!((1..=30).contains(&wait), "{err}");
    // The refused request did not disturb the first one.
    d.run(&["verify", "--code", &server.otp(&phone)], None).ok();
}

#[test]
fn otp_sends_are_rate_limited_per_phone() {
    let server = Server::start();
    let phone = fresh_phone();
    Device::new(&server, "a").signup(&server, &phone); // one code sent
    let mut sent = 1;
    let limited = loop {
        let d = Device::new(&server, &format!("d{sent}"));
        let run = d.run(
            &["login", "--phone", &phone, "--password-stdin"],
            Some(PASSWORD),
        );
        if run.code == 1 {
            break run.err("RATE_LIMITED");
        }
        sent += 1;
        assert!(sent <= 10, "OTP sends were never rate limited");
    };
    assert_eq!(sent, 5, "the default is 5 codes per phone per 15 minutes");
    assert!(
        limited["retry_after_secs"].as_u64().unwrap() > 30,
        "{limited}"
    );
}

#[test]
fn a_dead_server_is_a_network_error_and_the_profile_survives() {
    let mut server = Server::start();
    let phone = fresh_phone();
    let d = Device::new(&server, "a");
    d.signup(&server, &phone);
    server.kill();
    d.run(&["whoami"], None).err("NETWORK");
    d.run(&["devices"], None).err("NETWORK");
    assert!(d.db_path().exists());
    assert!(!std::fs::read(d.db_path()).unwrap().is_empty());
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let server = Server::start();
    let mut d = Device::new(&server, "a");
    d.server_url = "http://wallet.example.com".into();
    d.run(
        &signup_args(&fresh_phone(), NAME, ID_NUMBER),
        Some(PASSWORD),
    )
    .err("INSECURE_SERVER_URL");
}

/// issue 13: a profile talks only to the server it was enrolled on. Pointed at another one
/// (a mistyped `--server`, a planted `WALLET_SERVER`), every command that would talk to it is
/// refused with SERVER_MISMATCH naming both, nothing reaches the other server, and the profile
/// keeps working where it belongs. A sign-up started on one server is finished only there.
#[test]
fn a_profile_enrolled_on_one_server_refuses_another() {
    let a = Server::start();
    let b = Server::start_logged(&["--otp-min-interval-secs", "0"]);
    let phone = fresh_phone();
    let mut d = Device::new(&a, "phone");
    d.signup(&a, &phone);
    d.server_url = b.url.clone();
    for args in [
        &["whoami"][..],
        &["devices"],
        &["balance"],
        &["history"],
        &["logout"],
    ] {
        let err = d.run(args, None).err("SERVER_MISMATCH");
        let message = err["message"].as_str().unwrap();
        assert!(
            message.contains(&a.url) && message.contains(&b.url),
            "{args:?}: {message}"
        );
    }
    let (code, _out, err) = d.run_human(&["whoami"], None);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("SERVER_MISMATCH") && err.contains(&a.url),
        "{err}"
    );

    // A sign-up started on A is not finished on B.
    let mut e = Device::new(&a, "tablet");
    e.run(
        &signup_args(&fresh_phone(), NAME, ID_NUMBER),
        Some(PASSWORD),
    )
    .ok();
    e.server_url = b.url.clone();
    e.run(&["verify", "--code", "123456"], None)
        .err("SERVER_MISMATCH");

    // Nothing reached B (its log has every request at debug level)...
    assert!(!b.log().contains("request answered"), "{}", b.log());
    // ...which it would have shown: a device of its own is served.
    Device::new(&b, "b's own").signup(&b, &fresh_phone());
    assert!(b.log().contains("request answered"));

    // Back on A, the profile is intact.
    d.server_url = a.url.clone();
    let me = d.run(&["whoami"], None).ok();
    assert_eq!(me["phone"], format!("+86{phone}"));
    assert!(d.db_path().exists());
}
