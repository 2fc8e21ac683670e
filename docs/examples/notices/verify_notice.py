#!/usr/bin/env python3
"""Verify a Wallet merchant notice (server/README.md, "Merchant notices").

Use `verify(...)` in your web handler with the raw request body (bytes, before any JSON
parsing) and the three headers. From the command line (what the end-to-end test runs):

    NOTICE_SECRET=nsk_... python3 verify_notice.py TIMESTAMP SIGNATURE BODY_FILE

prints the verified notice and exits 0, or prints why not and exits 1.
"""
import hashlib
import hmac
import json
import os
import sys
import time

TOLERANCE_SECS = 300  # refuse notices signed more than 5 minutes from your clock


def verify(secret: str, timestamp: str, signature: str, body: bytes, now=None) -> dict:
    """Returns the notice if `signature` is Wallet-Notice-Signature for `body`; raises otherwise."""
    now = int(time.time()) if now is None else now
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_SECS:
        raise ValueError("timestamp missing or too far from now")
    expected = "v1=" + hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature.strip()):
        raise ValueError("signature does not match")
    return json.loads(body)


if __name__ == "__main__":
    if len(sys.argv) != 4 or "NOTICE_SECRET" not in os.environ:
        sys.exit(__doc__)
    ts, sig, path = sys.argv[1:]
    with open(path, "rb") as f:
        raw = f.read()
    try:
        notice = verify(os.environ["NOTICE_SECRET"], ts, sig, raw)
    except ValueError as e:
        print(f"refused: {e}")
        sys.exit(1)
    # Answer 2xx only after the notice is stored; drop repeats by notice_id.
    print(f"ok {notice['notice_id']} {notice['event']} {notice['order_id']} {notice['amount']['minor']}")
