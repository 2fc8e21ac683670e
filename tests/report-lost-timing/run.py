#!/usr/bin/env python3
"""Does a report-lost answer leak whether a phone has an account, by its timing?

Starts the real `wallet-server` (sandbox, temporary database, limits raised), signs up one
account with the real `wallet` CLI, then times N `POST /v1/report-lost` calls per case: an
unknown phone and a known phone with wrong details, for both identity modes. Prints median and
p90 per case, the distinct answer bodies (all must be `{"received":true}`), then one right
report (which freezes). Run inside a Secret Service session, from the repository root:

    source scripts/lib.sh && with_secret_service python3 tests/report-lost-timing/run.py [N]

Binaries come from $CARGO_TARGET_DIR/debug (build `wallet-server` and `wallet-cli` first).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "debug")
PHONE, NAME, ID_NUMBER = "13800138000", "李明", "11010519491231002X"
PASSWORD = "correct horse battery staple 9"


def main(n: int) -> None:
    db = os.path.join(tempfile.mkdtemp(), "server.db")
    server = subprocess.Popen(
        [f"{BIN}/wallet-server", "serve", "--db", db, "--listen", "127.0.0.1:0", "--sandbox",
         "--report-lost-per-phone-max", "1000000", "--report-lost-per-ip-max", "1000000",
         "--otp-min-interval-secs", "0", "--flood-per-ip-per-minute", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1)
        url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, WALLET_SERVER=url, WALLET_HOME=tempfile.mkdtemp())

        def wallet(*args, stdin=None):
            r = subprocess.run([f"{BIN}/wallet", "--json", *args], input=stdin, env=env,
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            return r

        wallet("signup", "--phone", PHONE, "--name", NAME, "--id-number", ID_NUMBER,
               "--password-stdin", stdin=PASSWORD)
        outbox = subprocess.run([f"{BIN}/wallet-server", "otp", "outbox", "--phone", PHONE,
                                 "--server", url, "--json"], capture_output=True, text=True)
        wallet("verify", "--code", json.loads(outbox.stdout)["messages"][0]["code"])

        def report(body):
            req = urllib.request.Request(url + "/v1/report-lost", json.dumps(body).encode(),
                                         {"content-type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(req) as resp:
                out = resp.read()
            return (time.perf_counter() - start) * 1000, out

        cases = {
            "unknown phone, name + ID": {"phone": "13900000001", "name": NAME, "id_last6": "31002X"},
            "wrong name + ID": {"phone": PHONE, "name": NAME, "id_last6": "000000"},
            "unknown phone, password": {"phone": "13900000001", "password": PASSWORD},
            "wrong password": {"phone": PHONE, "password": "wrong password 123"},
        }
        for label, body in cases.items():
            times, bodies = [], set()
            for _ in range(n):
                t, out = report(body)
                times.append(t)
                bodies.add(out.decode())
            times.sort()
            print(f"{label:26s} median {statistics.median(times):7.2f} ms  "
                  f"p90 {times[int(n * 0.9) - 1]:7.2f} ms  answers {sorted(bodies)}")
        t, out = report({"phone": PHONE, "name": NAME, "id_last6": ID_NUMBER[-6:]})
        print(f"{'right name + ID (freezes)':26s} {t:7.2f} ms  answer {out.decode()}")
    finally:
        server.terminate()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
