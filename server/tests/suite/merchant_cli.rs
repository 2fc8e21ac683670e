//! The merchant tools and `ledger check` of the real binary against a real server on port 0.
// Helpers below panic to report failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_wallet-server");

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &std::path::Path) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--sandbox", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("wallet-server listening on ")
        .unwrap()
        .to_owned();
    Server { child, url }
}

/// Runs the binary with `--json`; (success, the one JSON object on stdout).
fn run(args: &[&str], server: Option<&str>) -> (bool, Value) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).arg("--json").env_remove("WALLET_SERVER");
    if let Some(url) = server {
        cmd.env("WALLET_SERVER", url);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one JSON line: {stdout:?}"
    );
    let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "stdout {stdout:?} stderr {:?}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), json)
}

#[test]
fn merchant_tools_and_ledger_check_against_a_live_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = start(&db);
    let url = Some(server.url.as_str());
    let db_arg = db.to_str().unwrap();

    let (ok, created) = run(
        &[
            "merchant",
            "create",
            "--name",
            "Lucky Noodles",
            "--city",
            "Shanghai",
            "--mcc",
            "5812",
        ],
        url,
    );
    assert!(ok, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let key = created["api_key"].as_str().unwrap().to_owned();
    assert!(id.starts_with("mch_") && key.starts_with("mk_"));
    assert!(created["payload"].as_str().unwrap().starts_with("000201"));
    assert_eq!(created["merchant"]["name"], "Lucky Noodles");
    let auth = ["--merchant", id.as_str(), "--api-key", key.as_str()];

    let (ok, qr) = run(&[&["merchant", "qr"][..], &auth].concat(), url);
    assert!(ok, "{qr}");
    assert_eq!(qr["payload"], created["payload"]);

    let (ok, order) = run(
        &[
            &["merchant", "order"][..],
            &auth,
            &["--amount", "¥12.50", "--description", "noodles"],
        ]
        .concat(),
        url,
    );
    assert!(ok, "{order}");
    assert_eq!(order["amount"]["minor"], 1250);
    assert_eq!(order["status"], "open");
    let order_id = order["order_id"].as_str().unwrap().to_owned();
    assert!(order["payload"].as_str().unwrap().contains(&order_id));

    let (ok, shown) = run(
        &[
            &["merchant", "show-order"][..],
            &auth,
            &["--order", &order_id],
        ]
        .concat(),
        url,
    );
    assert!(ok, "{shown}");
    assert_eq!(shown["order_id"], order_id.as_str());

    // Failures: exit 1 and the error object.
    let (ok, err) = run(
        &[&["merchant", "refund"][..], &auth, &["--order", &order_id]].concat(),
        url,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "REFUND_NOT_ALLOWED");
    let (ok, err) = run(
        &[
            &["merchant", "charge-code"][..],
            &auth,
            &["--code", "280000000000000000", "--amount", "1"],
        ]
        .concat(),
        url,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "PAYCODE_INVALID");
    let (ok, err) = run(
        &["merchant", "qr", "--merchant", &id, "--api-key", "mk_wrong"],
        url,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "MERCHANT_KEY_INVALID");
    let (ok, err) = run(
        &[&["merchant", "order"][..], &auth, &["--amount", "12.345"]].concat(),
        url,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "AMOUNT_INVALID");
    let (ok, err) = run(
        &[
            &["merchant", "order"][..],
            &auth,
            &["--amount", "1", "--phone", "13900009999"],
        ]
        .concat(),
        url,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "PAYER_NOT_FOUND");

    // The ledger checks out while the server runs (WAL, a second connection).
    let (ok, check) = run(&["ledger", "check", "--db", db_arg], None);
    assert!(ok, "{check}");
    assert_eq!(check["ok"], true);
    assert!(check["accounts"].as_i64().unwrap() >= 1);

    // A tampered balance is caught.
    drop(server);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE ledger_accounts SET balance = balance + 1 WHERE id = ?1",
            [format!("merchant:{id}")],
        )
        .unwrap();
    }
    let (ok, broken) = run(&["ledger", "check", "--db", db_arg], None);
    assert!(!ok);
    assert_eq!(broken["error"]["code"], "INTERNAL");
    assert!(broken["error"]["message"]
        .as_str()
        .unwrap()
        .contains("sum to zero"));
    let (ok, missing) = run(&["ledger", "check", "--db", "/nonexistent/server.db"], None);
    assert!(!ok);
    assert_eq!(missing["error"]["code"], "NOT_FOUND");
}

#[test]
fn merchant_checkout_prints_the_checkout_link_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("server.db"));
    let url = Some(server.url.as_str());
    let (ok, created) = run(
        &[
            "merchant",
            "create",
            "--name",
            "Sandbox Books",
            "--city",
            "Hangzhou",
            "--mcc",
            "5942",
        ],
        url,
    );
    assert!(ok, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let key = created["api_key"].as_str().unwrap().to_owned();
    let auth = ["--merchant", id.as_str(), "--api-key", key.as_str()];

    let (ok, checkout) = run(
        &[
            &["merchant", "checkout"][..],
            &auth,
            &[
                "--amount",
                "12.50",
                "--return-url",
                "https://shop.example/r?cart=1",
            ],
        ]
        .concat(),
        url,
    );
    assert!(ok, "{checkout}");
    assert_eq!(checkout["channel"], "checkout");
    assert_eq!(checkout["status"], "open");
    assert_eq!(checkout["amount"]["minor"], 1250);
    let path = checkout["checkout_path"].as_str().unwrap();
    assert!(path.starts_with("/checkout/chk_"), "{checkout}");
    assert_eq!(
        checkout["checkout_url"],
        format!("{}{path}", server.url).as_str()
    );

    // The link is not kept anywhere the merchant API shows again.
    let order_id = checkout["order_id"].as_str().unwrap();
    let (ok, shown) = run(
        &[
            &["merchant", "show-order"][..],
            &auth,
            &["--order", order_id],
        ]
        .concat(),
        url,
    );
    assert!(ok, "{shown}");
    assert!(!shown.to_string().contains(&path["/checkout/".len()..]));

    let (ok, err) = run(
        &[
            &["merchant", "checkout"][..],
            &auth,
            &["--amount", "1", "--return-url", "javascript:alert(1)"],
        ]
        .concat(),
        url,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "MALFORMED_REQUEST");
}
