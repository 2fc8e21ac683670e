"""Prepares a sandbox provider for the contract fuzz run (tests/fuzz-api/run.sh).

Signs up a user the way a device does (sign-up, the sandbox OTP from the outbox, enrolment
with an Ed25519 key made here), sets the payment PIN, binds an approving sandbox debit card,
tops up, creates a merchant and a dynamic order, and writes what the hooks need to a JSON
file: the device id and key, the PIN, the merchant id and API key, and real payloads.

Usage: setup_fuzz.py BASE_URL CARDS_JSON OUT_JSON
"""

import base64
import json
import sys

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signing import DeviceSigner, b64url

PHONE = "+8613912345678"
PASSWORD = "correct-Horse-battery-staple-93"
ID_NUMBER = "11010519491231002X"
PIN = "748396"


def check(res, *statuses):
    if res.status_code not in statuses:
        sys.exit(f"setup: {res.request.method} {res.request.path_url} answered {res.status_code}: {res.text}")
    return res.json() if res.content else None


def main():
    base, cards_path, out_path = sys.argv[1:4]
    s = requests.Session()
    challenge = check(
        s.post(f"{base}/v1/signup", json={"phone": PHONE, "name": "李明", "id_number": ID_NUMBER, "password": PASSWORD}),
        202,
    )
    code = check(s.get(f"{base}/v1/sandbox/outbox", params={"phone": PHONE}), 200)["messages"][0]["code"]
    key = Ed25519PrivateKey.generate()
    public = b64url(key.public_key().public_bytes_raw())
    enrol = check(
        s.post(
            f"{base}/v1/challenges/{challenge['challenge_id']}/verify",
            json={"code": code, "device": {"public_key": public, "name": "fuzz device", "platform": "cli"}},
        ),
        200,
    )
    signer = DeviceSigner(enrol["device_id"], key)
    check(s.post(f"{base}/v1/pin", json={"pin": PIN}, auth=signer), 204)

    cards = json.load(open(cards_path))["cards"]
    approve = [c for c in cards if c["outcome"] == "approve" and c["card_type"] == "debit"]
    bank_phone = "+8613912340000"
    binding = check(s.post(f"{base}/v1/cards", json={"number": approve[0]["number"], "bank_phone": bank_phone}, auth=signer), 202)
    code = check(s.get(f"{base}/v1/sandbox/outbox", params={"phone": bank_phone}), 200)["messages"][0]["code"]
    card = check(s.post(f"{base}/v1/cards/bindings/{binding['binding_id']}/verify", json={"code": code}, auth=signer), 200)
    check(
        s.post(
            f"{base}/v1/topups",
            json={"amount": {"minor": 500_000, "currency": "CNY"}, "pin": PIN},
            headers={"Idempotency-Key": "fuzz-setup-topup"},
            auth=signer,
        ),
        200,
    )

    merchant = check(s.post(f"{base}/v1/merchants", json={"name": "Fuzz Coffee", "city": "Beijing", "mcc": "5814"}), 201)
    mid, mkey = merchant["merchant"]["merchant_id"], merchant["api_key"]
    bearer = {"Authorization": f"Bearer {mkey}"}
    order = check(
        s.post(f"{base}/v1/merchants/{mid}/orders", json={"amount": {"minor": 1200, "currency": "CNY"}}, headers=bearer),
        201,
    )
    remote = check(
        s.post(
            f"{base}/v1/merchants/{mid}/orders",
            json={"amount": {"minor": 800, "currency": "CNY"}, "phone": PHONE, "expires_in_secs": 86_400},
            headers=bearer,
        ),
        201,
    )
    json.dump(
        {
            "device_id": enrol["device_id"],
            "private_key": b64url(key.private_bytes_raw()),
            "phone": PHONE,
            "password": PASSWORD,
            "id_number": ID_NUMBER,
            "pin": PIN,
            "card_id": card["card_id"],
            "cards": [c["number"] for c in cards],
            "merchant_id": mid,
            "merchant_key": mkey,
            "payloads": [merchant["payload"], order["payload"]],
            "order_ids": [order["order_id"], remote["order_id"]],
            "openapi": check(s.get(f"{base}/openapi.json"), 200),
        },
        open(out_path, "w"),
    )
    print(f"setup: device {enrol['device_id']}, merchant {mid}")


if __name__ == "__main__":
    main()
