"""Device request signing as `core/wallet-protocol/src/signing.rs` does it (docs/rules.md
§Devices): Ed25519 over "WALLET-SIG-V1", the method, the path and query exactly as sent, the
Unix timestamp, a fresh nonce and the hex SHA-256 of the body, one per line."""

import base64
import hashlib
import secrets
import time

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DeviceSigner(requests.auth.AuthBase):
    """A `requests` auth hook: signs the prepared request (final URL and body bytes)."""

    def __init__(self, device_id: str, key: Ed25519PrivateKey, omit: frozenset = frozenset()):
        self.device_id = device_id
        self.key = key
        # Headers left out on purpose (a test of what a request without them gets).
        self.omit = omit

    def without(self, headers) -> "DeviceSigner":
        return DeviceSigner(self.device_id, self.key, frozenset(headers))

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        timestamp = str(int(time.time()))
        nonce = b64url(secrets.token_bytes(18))
        message = "\n".join(
            ["WALLET-SIG-V1", r.method.upper(), r.path_url, timestamp, nonce, hashlib.sha256(body).hexdigest()]
        )
        headers = {
            "x-wallet-device": self.device_id,
            "x-wallet-timestamp": timestamp,
            "x-wallet-nonce": nonce,
            "x-wallet-signature": b64url(self.key.sign(message.encode())),
        }
        for name, value in headers.items():
            if name in self.omit:
                r.headers.pop(name, None)
            else:
                r.headers[name] = value
        return r
