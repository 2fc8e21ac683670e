"""Binding test for the Python bindings of wallet-ffi.

Proves the binding works end to end: the generated module loads the cdylib, records and enums
cross both ways, async methods run, errors arrive with their stable `code`, and the host's
SecretStore (an in-memory dict standing in for Android Keystore / iOS Keychain) is the store
wallet-core really uses. Business rules are tested in Rust, not here.

Run by ../../test.sh, which puts the generated module and libwallet_ffi.so on PYTHONPATH and
sets WALLET_SERVER_BIN.
"""

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest

from wallet_ffi import (
    ChallengePurpose,
    SecretStore,
    SecretStoreError,
    SessionStatus,
    SignupInput,
    Wallet,
    WalletConfig,
    WalletError,
    password_strength,
)

PASSWORD = "correct-Horse-battery-staple-93"
NAME = "李明"
ID_NUMBER = "11010519491231002X"


class MemorySecretStore(SecretStore):
    """The host's implementation of the foreign trait: what the Keystore/Keychain would hold."""

    def __init__(self):
        self.items = {}
        self.lock = threading.Lock()

    def get(self, name):
        with self.lock:
            return self.items.get(name)

    def set(self, name, secret):
        with self.lock:
            self.items[name] = bytes(secret)

    def delete(self, name):
        with self.lock:
            self.items.pop(name, None)


class UnavailableSecretStore(SecretStore):
    """A locked keystore: every call fails with the host's own error."""

    def get(self, name):
        raise SecretStoreError.Unavailable("keystore locked")

    def set(self, name, secret):
        raise SecretStoreError.Unavailable("keystore locked")

    def delete(self, name):
        raise SecretStoreError.Unavailable("keystore locked")


class Server:
    """The real wallet-server binary on a free port with a temp SQLite DB, sandbox mode."""

    def __init__(self, workdir):
        self.bin = os.environ.get("WALLET_SERVER_BIN") or os.path.join(
            os.environ.get("CARGO_TARGET_DIR", "target"), "debug", "wallet-server"
        )
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--db", os.path.join(workdir, "server.db"),
             "--listen", "127.0.0.1:0", "--sandbox",
             # Sign-up then sign-in texts the same phone within seconds.
             "--otp-min-interval-secs", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        found = {}
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                m = re.search(r"listening on (http://\S+)", line)
                if m and not ready.is_set():
                    found["url"] = m.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(30) or "url" not in found:
            self.stop()
            raise RuntimeError("wallet-server did not print its listening address")
        self.url = found["url"]

    def otp(self, phone, purpose):
        """The newest sandbox SMS code sent to `phone` for `purpose` (signup/login)."""
        out = subprocess.run(
            [self.bin, "otp", "outbox", "--phone", phone, "--server", self.url, "--json"],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout
        messages = json.loads(out)["messages"]
        for m in messages:  # newest first
            if m["purpose"] == purpose:
                return m["code"]
        raise AssertionError(f"no {purpose} code in outbox: {messages}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def files_in(home):
    return sorted(
        os.path.relpath(os.path.join(d, f), home)
        for d, _, fs in os.walk(home)
        for f in fs
    )


class WalletBindingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="wallet-ffi-py-")
        cls.server = Server(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def open(self, label, store):
        home = os.path.join(self.tmp, label)
        os.makedirs(home, exist_ok=True)
        config = WalletConfig(
            home=home, server_url=self.server.url,
            device_name=f"Li's {label}", platform="python",
        )
        return Wallet.open(config, store), home

    def assertCode(self, code, awaitable_or_fn):
        with self.assertRaises(WalletError.Failed) as ctx:
            if asyncio.iscoroutine(awaitable_or_fn):
                asyncio.run(awaitable_or_fn)
            else:
                awaitable_or_fn()
        self.assertEqual(ctx.exception.code, code, ctx.exception.detail)
        self.assertTrue(ctx.exception.detail)
        return ctx.exception

    def test_signup_login_devices_revoke_wipes_revoked_device(self):
        phone = "13800138001"
        store_a, store_b = MemorySecretStore(), MemorySecretStore()
        wallet_a, _home_a = self.open("device-a", store_a)
        wallet_b, home_b = self.open("device-b", store_b)
        self.assertTrue(wallet_a.status().is_signed_out())

        async def sign_up_and_in():
            pending = await wallet_a.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            self.assertEqual(pending.purpose, ChallengePurpose.SIGNUP)
            self.assertIn("****", pending.phone_masked)
            self.assertNotIn(phone, pending.phone_masked)
            status = wallet_a.status()
            self.assertTrue(status.is_pending_verification())
            self.assertEqual(status.pending, pending)

            profile_a = await wallet_a.verify(self.server.otp(phone, "signup"))
            self.assertEqual(profile_a.phone, "+86" + phone)
            self.assertEqual(profile_a.name, NAME)
            self.assertEqual(profile_a.id_last4, "002X")
            self.assertEqual(await wallet_a.whoami(), profile_a)
            self.assertTrue(wallet_a.status().is_signed_in())

            pending_b = await wallet_b.login(phone, PASSWORD)
            self.assertEqual(pending_b.purpose, ChallengePurpose.LOGIN)
            profile_b = await wallet_b.verify(self.server.otp(phone, "login"))
            self.assertEqual(profile_b.account_id, profile_a.account_id)
            self.assertNotEqual(profile_b.device_id, profile_a.device_id)

            devices = await wallet_a.devices()
            return profile_a, profile_b, devices

        profile_a, profile_b, devices = asyncio.run(sign_up_and_in())
        self.assertEqual(
            sorted(d.device_id for d in devices),
            sorted([profile_a.device_id, profile_b.device_id]),
        )
        current = [d for d in devices if d.current]
        self.assertEqual([d.device_id for d in current], [profile_a.device_id])
        by_id = {d.device_id: d for d in devices}
        self.assertEqual(by_id[profile_b.device_id].name, "Li's device-b")
        self.assertEqual(by_id[profile_b.device_id].platform, "python")

        # The database key went into the host's store, and the database into B's home.
        keys_b = set(store_b.items)
        self.assertTrue(keys_b, "wallet-core kept no key in the host secret store")
        self.assertTrue(all(len(v) >= 32 for v in store_b.items.values()))
        files_b = files_in(home_b)
        self.assertIn("wallet.db", files_b)

        asyncio.run(wallet_a.revoke_device(profile_b.device_id))

        err = self.assertCode("DEVICE_REVOKED", wallet_b.whoami())
        self.assertIn("DEVICE_REVOKED", str(err))
        # Wiped: the key is gone from the host store and the database from the home.
        self.assertEqual(keys_b & set(store_b.items), set())
        self.assertEqual(set(files_b) & set(files_in(home_b)), set())
        self.assertTrue(wallet_b.status().is_signed_out())

        # A is unaffected and now sees one device.
        remaining = asyncio.run(wallet_a.devices())
        self.assertEqual([d.device_id for d in remaining], [profile_a.device_id])

    def test_weak_password_refused_with_code(self):
        strength = password_strength("password1", [])
        self.assertFalse(strength.acceptable)
        self.assertLess(strength.score, 3)
        self.assertTrue(password_strength(PASSWORD, ["13800138002", NAME]).acceptable)

        wallet, _ = self.open("weak", MemorySecretStore())
        self.assertCode("PASSWORD_WEAK", wallet.signup(SignupInput(
            phone="13800138002", name=NAME, id_number=ID_NUMBER, password="password1")))
        self.assertTrue(wallet.status().is_signed_out())

    def test_host_secret_store_error_reaches_caller_as_code(self):
        wallet, _ = self.open("locked", UnavailableSecretStore())
        err = self.assertCode("SECRET_STORE_UNAVAILABLE", wallet.signup(SignupInput(
            phone="13800138003", name=NAME, id_number=ID_NUMBER, password=PASSWORD)))
        self.assertIn("keystore locked", err.detail)


if __name__ == "__main__":
    unittest.main(verbosity=2)
