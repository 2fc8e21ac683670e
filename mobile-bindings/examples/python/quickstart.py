"""Quickstart: the Wallet SDK from Python, against the provider's sandbox.

    pip install walletpay-0.1.0-py3-none-linux_x86_64.whl
    WALLET_SERVER_URL=http://127.0.0.1:8080 WALLET_SERVER_BIN=wallet-server python quickstart.py

Signs up, reads the sandbox SMS code (a real user types it), shows the profile and the balance,
and branches on an error's code. mobile-bindings/test.sh runs it against a real sandbox server.
"""

import asyncio
import json
import os
import subprocess
import tempfile
import threading

import walletpay
from walletpay import ErrorCode, SecretStore, SignupInput, Wallet, WalletConfig, WalletError


class MemorySecretStore(SecretStore):
    """Stands in for the platform's key store (Android Keystore, iOS Keychain): the SDK keeps
    the local database key here. Never a plain file in a real app."""

    def __init__(self):
        self._items, self._lock = {}, threading.Lock()

    def get(self, name):
        with self._lock:
            return self._items.get(name)

    def set(self, name, secret):
        with self._lock:
            self._items[name] = bytes(secret)

    def delete(self, name):
        with self._lock:
            self._items.pop(name, None)


def sandbox_sms_code(phone: str) -> str:
    """The newest code the sandbox 'texted' to `phone` (a tester tool of wallet-server)."""
    out = subprocess.run(
        [os.environ.get("WALLET_SERVER_BIN", "wallet-server"), "otp", "outbox", "--phone", phone,
         "--server", os.environ["WALLET_SERVER_URL"], "--json"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["messages"][0]["code"]


async def main() -> None:
    home = tempfile.mkdtemp(prefix="walletpay-quickstart-")
    wallet = Wallet.open(
        WalletConfig(home=home, server_url=os.environ["WALLET_SERVER_URL"],
                     device_name="Quickstart", platform="python"),
        MemorySecretStore())

    phone = "13800139000"
    pending = await wallet.signup(SignupInput(
        phone=phone, name="李明", id_number="11010519491231002X",
        password="correct-Horse-battery-staple-93"))
    print(f"code sent to {pending.phone_masked}")
    profile = await wallet.verify(sandbox_sms_code(phone))
    print(f"signed in as {profile.name} ({profile.phone_masked})")

    balance = await wallet.balance()
    print(f"balance: {balance.balance.minor} fen ({balance.balance.currency.name})")

    # Errors carry an ErrorCode: branch on it, never on the text.
    try:
        wallet.check_new_pin("123456")
        raise SystemExit("expected PIN_WEAK")
    except WalletError.Failed as e:
        if e.code == ErrorCode.PIN_WEAK:
            print("PIN refused: too easy to guess")
        else:
            raise
    print(f"walletpay from {os.path.dirname(walletpay.__file__)}")


if __name__ == "__main__":
    asyncio.run(main())
