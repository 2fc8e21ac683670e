"""Binding test for the Python bindings of wallet-ffi.

Proves the binding works end to end: the generated module loads the cdylib, records and enums
cross both ways, async methods run, errors arrive with their stable `code`, and the host's
SecretStore (an in-memory dict standing in for Android Keystore / iOS Keychain) is the store
wallet-core really uses. Business rules are tested in Rust, not here.

Run by ../../test.sh with the Python of a fresh virtual environment into which it installed the
`walletpay` wheel (pip, no index), and with WALLET_SERVER_BIN set.
"""

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from walletpay import (
    AccountState,
    DeviceEventKind,
    ErrorCode,
    SecurityEventKind,
    SourceKind,
    Bank,
    Category,
    Direction,
    HistoryQuery,
    TransferInput,
    EventListener,
    ReportLostInput,
    CardScheme,
    CardStatus,
    CardType,
    ChallengePurpose,
    Currency,
    OperationKind,
    OperationStatus,
    PayQrInput,
    PaycodeSettingsInput,
    PaymentChannel,
    QrKind,
    QrNetwork,
    SecretStore,
    SecretStoreError,
    SessionStatus,
    SignupInput,
    TopUpInput,
    Wallet,
    WalletConfig,
    WalletError,
    WithdrawInput,
    decode_qr,
    inspect_card,
)
import walletpay

PASSWORD = "correct-Horse-battery-staple-93"
NAME = "李明"
ID_NUMBER = "11010519491231002X"
PIN = "280419"
# Banco Central do Brasil's Pix example: a well-formed code of another network.
PIX = ("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
       "5913Fulano de Tal6008BRASILIA62070503***63041D3D")



def catalogue_message(folder, code):
    """The message of `code` in core/wallet-i18n/locales/FOLDER/errors.ftl (WALLET_I18N_LOCALES)."""
    path = os.path.join(os.environ["WALLET_I18N_LOCALES"], folder, "errors.ftl")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(code + " = "):
                return line[len(code) + 3:].rstrip("\n")
    raise AssertionError(f"{code} not in {path}")

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
        """The newest sandbox SMS code sent to `phone` for `purpose` (signup/login/card_bind)."""
        out = subprocess.run(
            [self.bin, "otp", "outbox", "--phone", phone, "--server", self.url, "--json"],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout
        messages = json.loads(out)["messages"]
        for m in messages:  # newest first
            if m["purpose"] == purpose:
                return m["code"]
        raise AssertionError(f"no {purpose} code in outbox: {messages}")

    def test_card(self, outcome="approve", card_type="debit"):
        """A sandbox bank test card: `{"number", "bank", "scheme", "card_type", "outcome"}`."""
        out = subprocess.run(
            [self.bin, "sandbox", "cards", "--json"],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout
        for card in json.loads(out)["cards"]:
            if card["outcome"] == outcome and card["card_type"] == card_type:
                return card
        raise AssertionError(f"no {outcome} {card_type} sandbox card: {out}")

    def merchant(self, *args):
        """`wallet-server merchant ARGS --server URL --json`, parsed."""
        out = subprocess.run(
            [self.bin, "merchant", *args, "--server", self.url, "--json"],
            check=True, capture_output=True, text=True, timeout=30,
        ).stdout
        return json.loads(out)

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

    def assertCatalogueMessages(self, err):
        """`err.message(lang)` is the one catalogue's text (core/wallet-i18n) in each language."""
        for tag, folder in (("en", "en"), ("zh-CN", "zh-CN"), ("zh_CN.UTF-8", "zh-CN"),
                            ("zh-TW", "zh-TW"), ("zh-Hant", "zh-TW"), ("fr-FR", "en")):
            self.assertEqual(err.message(tag), catalogue_message(folder, err.code.name), tag)

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
        wallet_a, home_a = self.open("device-a", store_a)
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

        err = self.assertCode(ErrorCode.DEVICE_REVOKED, wallet_b.whoami())
        self.assertIn("DEVICE_REVOKED", str(err))
        # Wiped: the key is gone from the host store and the database from the home.
        self.assertEqual(keys_b & set(store_b.items), set())
        self.assertEqual(set(files_b) & set(files_in(home_b)), set())
        self.assertTrue(wallet_b.status().is_signed_out())

        # A is unaffected and now sees one device.
        remaining = asyncio.run(wallet_a.devices())
        self.assertEqual([d.device_id for d in remaining], [profile_a.device_id])

        # A profile talks only to the server it was enrolled on: pointed elsewhere, nothing
        # is sent and the code says why (issue 13).
        elsewhere = Wallet.open(WalletConfig(
            home=home_a, server_url="http://127.0.0.1:9",
            device_name="Li's device-a", platform="python",
        ), store_a)
        err = self.assertCode(ErrorCode.SERVER_MISMATCH, elsewhere.whoami())
        self.assertIn(self.server.url, err.detail)
        self.assertTrue(elsewhere.status().is_signed_in())

    def test_weak_password_refused_with_code(self):
        # The SDK carries no password meter (hosts use zxcvbn4j / zxcvbn-ios): the provider
        # rates the password at sign-up and answers PASSWORD_WEAK with zxcvbn's feedback.
        self.assertFalse(hasattr(walletpay, "password_strength"))
        self.assertFalse(hasattr(walletpay, "PasswordStrength"))

        wallet, _ = self.open("weak", MemorySecretStore())
        self.assertCode(ErrorCode.PASSWORD_WEAK, wallet.signup(SignupInput(
            phone="13800138002", name=NAME, id_number=ID_NUMBER, password="password1")))
        self.assertTrue(wallet.status().is_signed_out())

    def test_pin_card_top_up_balance(self):
        phone = "13800138004"
        card = self.server.test_card()
        number = card["number"]
        bank = Bank[{"HXB": "HUA_XIA"}.get(card["bank"], card["bank"])]

        # Offline, before any profile exists.
        inspection = inspect_card(number)
        self.assertTrue(inspection.luhn_valid)
        self.assertTrue(inspection.length_valid)
        self.assertEqual(inspection.bank, bank)
        self.assertEqual(inspection.card_type, CardType.DEBIT)
        self.assertEqual(inspection.scheme, CardScheme[card["scheme"].upper()])
        bad = number[:-1] + str((int(number[-1]) + 1) % 10)
        self.assertFalse(inspect_card(bad).luhn_valid)
        self.assertFalse(inspect_card("not a card").luhn_valid)

        wallet, _ = self.open("money", MemorySecretStore())

        async def sign_up():
            await wallet.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            await wallet.verify(self.server.otp(phone, "signup"))

        asyncio.run(sign_up())
        self.assertCode(ErrorCode.PIN_WEAK, lambda: wallet.check_new_pin("123456"))
        self.assertCode(ErrorCode.PIN_WEAK, wallet.set_pin("123456"))

        async def flow():
            self.assertFalse((await wallet.pin_state()).set)
            wallet.check_new_pin(PIN)
            await wallet.set_pin(PIN)
            state = await wallet.pin_state()
            self.assertTrue(state.set)
            self.assertIsNone(state.locked_until)

            pending = await wallet.bind_card(number, phone)
            self.assertEqual(pending.last4, number[-4:])
            self.assertEqual(pending.bank, bank)
            self.assertEqual(pending.card_type, CardType.DEBIT)
            self.assertIn("****", pending.phone_masked)
            bound = await wallet.verify_card(self.server.otp(phone, "card_bind"))
            self.assertEqual(bound.last4, number[-4:])
            self.assertEqual(bound.bank, bank)
            self.assertEqual(bound.status, CardStatus.ACTIVE)
            self.assertTrue(bound.is_default)
            self.assertEqual(await wallet.cards(), [bound])
            self.assertEqual(wallet.cached_cards(), [bound])

            # A top-up takes the PIN like a withdrawal; a wrong one is refused.
            with self.assertRaises(WalletError.Failed) as ctx:
                await wallet.top_up(TopUpInput(
                    amount="100.00", card_id=None, pin="246813", idempotency_key=None))
            self.assertEqual(ctx.exception.code, ErrorCode.PIN_WRONG, ctx.exception.detail)
            self.assertCatalogueMessages(ctx.exception)
            op = await wallet.top_up(TopUpInput(
                amount="100.00", card_id=None, pin=PIN, idempotency_key=None))
            self.assertEqual(op.status, OperationStatus.SUCCEEDED, op.failure_code)
            self.assertEqual(op.kind, OperationKind.TOPUP)
            self.assertEqual(op.amount.minor, 10000)
            self.assertEqual(op.amount.currency, Currency.CNY)
            self.assertEqual(op.card_id, bound.card_id)
            self.assertIsNone(op.failure_code)
            self.assertEqual(await wallet.operation(op.operation_id), op)

            balance = await wallet.balance()
            self.assertEqual(balance.balance.minor, 10000)
            self.assertEqual(balance.balance.currency, Currency.CNY)
            self.assertFalse(balance.stale)
            self.assertEqual([o.operation_id for o in balance.operations], [op.operation_id])
            self.assertIsInstance(balance.limits.topup_daily_remaining.minor, int)

            # Lowering the no-PIN limits needs no PIN; raising them again does.
            lowered = await wallet.set_paycode_settings(PaycodeSettingsInput(
                no_pin_enabled=True, no_pin_per_payment="50", no_pin_daily="500", pin=None))
            self.assertEqual(lowered.no_pin_per_payment.minor, 5000)
            with self.assertRaises(WalletError.Failed) as ctx:
                await wallet.set_paycode_settings(PaycodeSettingsInput(
                    no_pin_enabled=True, no_pin_per_payment="100", no_pin_daily="500",
                    pin=None))
            self.assertEqual(ctx.exception.code, ErrorCode.PIN_REQUIRED, ctx.exception.detail)
            raised = await wallet.set_paycode_settings(PaycodeSettingsInput(
                no_pin_enabled=True, no_pin_per_payment="100", no_pin_daily="500", pin=PIN))
            self.assertEqual(raised.no_pin_per_payment.minor, 10000)
            kinds = [e.kind for e in (await wallet.security_log(None)).events]
            self.assertEqual(kinds.count(SecurityEventKind.NO_PIN_CHANGED), 2, kinds)

        asyncio.run(flow())

        self.assertCode(ErrorCode.AMOUNT_INVALID, wallet.top_up(TopUpInput(
            amount="12.345", card_id=None, pin=PIN, idempotency_key=None)))
        self.assertCode(ErrorCode.PIN_FORMAT_INVALID, wallet.top_up(TopUpInput(
            amount="1.00", card_id=None, pin="12", idempotency_key=None)))
        self.assertCode(ErrorCode.PIN_FORMAT_INVALID, wallet.withdraw(WithdrawInput(
            amount="1.00", card_id=None, pin="12", idempotency_key=None)))
        # Nothing moved.
        self.assertEqual(asyncio.run(wallet.balance()).balance.minor, 10000)

    def test_qr_pay_and_payment_code(self):
        phone = "13800138005"
        shop = self.server.merchant(
            "create", "--name", "Lucky Noodles", "--city", "Beijing", "--mcc", "5812")

        # Offline, no profile needed.
        decoded = decode_qr(shop["payload"])
        self.assertEqual(decoded.kind, QrKind.EMVCO_MPM)
        self.assertEqual(decoded.network, QrNetwork.WALLET)
        self.assertTrue(decoded.payable)
        self.assertEqual(decoded.point_of_initiation, "11")
        self.assertEqual(decoded.wallet.merchant_id, shop["id"])
        pix = decode_qr(PIX)
        self.assertEqual(pix.network, QrNetwork.PIX)
        self.assertFalse(pix.payable)
        self.assertEqual(pix.templates["26"]["00"], "br.gov.bcb.pix")
        self.assertCode(ErrorCode.QR_CRC_MISMATCH, lambda: decode_qr(PIX[:-4] + "0000"))
        self.assertEqual(decode_qr("https://example.com").kind, QrKind.URL)

        wallet, _ = self.open("qr", MemorySecretStore())
        card = self.server.test_card()

        async def set_up():
            await wallet.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            await wallet.verify(self.server.otp(phone, "signup"))
            await wallet.set_pin(PIN)
            await wallet.bind_card(card["number"], phone)
            await wallet.verify_card(self.server.otp(phone, "card_bind"))
            await wallet.top_up(TopUpInput(amount="100", card_id=None, pin=PIN, idempotency_key=None))

        asyncio.run(set_up())

        self.assertCode(ErrorCode.QR_NOT_PAYABLE, wallet.resolve_qr(PIX))

        async def pay():
            seen = await wallet.resolve_qr(shop["payload"])
            self.assertEqual(seen.merchant_name, "Lucky Noodles")
            self.assertFalse(seen.name_mismatch)
            self.assertEqual(seen.channel, PaymentChannel.STATIC_QR)
            with self.assertRaises(WalletError.Failed) as ctx:
                await wallet.pay_qr(PayQrInput(
                    payload=shop["payload"], amount=None, pin=PIN, idempotency_key=None))
            self.assertEqual(ctx.exception.code, ErrorCode.AMOUNT_REQUIRED)
            op = await wallet.pay_qr(PayQrInput(
                payload=shop["payload"], amount="12.50", pin=PIN, idempotency_key=None))
            self.assertEqual(op.kind, OperationKind.PAYMENT)
            self.assertEqual(op.status, OperationStatus.SUCCEEDED)
            self.assertEqual(op.channel, PaymentChannel.STATIC_QR)
            self.assertEqual(op.amount.minor, 1250)
            self.assertEqual(op.merchant_name, "Lucky Noodles")
            self.assertIsNone(op.card_id)
            order = self.server.merchant(
                "order", "--merchant", shop["id"], "--api-key", shop["api_key"],
                "--amount", "5")
            op = await wallet.pay_qr(PayQrInput(
                payload=order["payload"], amount=None, pin=PIN, idempotency_key=None))
            self.assertEqual(op.channel, PaymentChannel.DYNAMIC_QR)
            self.assertEqual(op.amount.minor, 500)
            self.assertEqual((await wallet.balance()).balance.minor, 10000 - 1250 - 500)

        asyncio.run(pay())

        # The payment code: 18 digits, offline, rotating every 30-second step.
        code = wallet.paycode()
        self.assertRegex(code.code, r"^28\d{16}$")
        self.assertEqual(code.grouped.replace(" ", ""), code.code)
        self.assertTrue(1 <= code.seconds_left <= 30, code.seconds_left)
        self.assertIn("<svg", code.qr_svg)
        self.assertIn("<svg", code.barcode_svg)
        charged = self.server.merchant(
            "charge-code", "--merchant", shop["id"], "--api-key", shop["api_key"],
            "--code", code.code, "--amount", "3")
        self.assertEqual(charged["status"], "paid")
        self.assertEqual(asyncio.run(wallet.balance()).balance.minor, 10000 - 1250 - 500 - 300)
        time.sleep(code.seconds_left + 0.5)
        rotated = wallet.paycode()
        self.assertNotEqual(rotated.code, code.code)
        self.assertRegex(rotated.code, r"^28\d{16}$")

    def test_funding_sources_default_order_and_each_source(self):
        """Issue 14 through the binding: the default order of sources, a remote order confirmed
        from the phone bill, a scan paid from the card, and the source on each operation."""
        phone = "13800138010"
        shop = self.server.merchant(
            "create", "--name", "Night Market", "--city", "Chengdu", "--mcc", "5999")
        wallet, _ = self.open("sources", MemorySecretStore())
        card = self.server.test_card()

        async def run():
            await wallet.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            await wallet.verify(self.server.otp(phone, "signup"))
            await wallet.set_pin(PIN)
            await wallet.bind_card(card["number"], phone)
            bound = await wallet.verify_card(self.server.otp(phone, "card_bind"))
            card_source = f"card:{bound.card_id}"

            self.assertEqual(await wallet.funding_order(), ["balance"])
            self.assertEqual(
                await wallet.set_funding_order([card_source, "balance"]),
                [card_source, "balance"])
            self.assertEqual(await wallet.funding_order(), [card_source, "balance"])
            sources = await wallet.funding_sources()
            self.assertEqual(sources.order, [card_source, "balance"])
            kinds = {s.source: s.kind for s in sources.sources}
            self.assertEqual(kinds[card_source], SourceKind.CARD)
            self.assertEqual(kinds["balance"], SourceKind.BALANCE)
            with self.assertRaises(WalletError.Failed) as ctx:
                await wallet.set_funding_order(["card:nope"])
            self.assertEqual(ctx.exception.code, ErrorCode.CARD_NOT_FOUND)
            with self.assertRaises(WalletError.Failed) as ctx:
                await wallet.set_funding_order(["paypal"])
            self.assertEqual(ctx.exception.code, ErrorCode.SOURCE_INVALID)

            # A remote order, confirmed from the phone bill chosen on the confirm screen.
            order = self.server.merchant(
                "order", "--merchant", shop["id"], "--api-key", shop["api_key"],
                "--amount", "6", "--phone", phone)
            op = await wallet.confirm_order_from(order["order_id"], PIN, None, "carrier")
            self.assertEqual(op.status, OperationStatus.SUCCEEDED)
            self.assertEqual(op.source, "carrier")
            self.assertEqual(op.amount.minor, 600)

            # A scan with no source named: the default order, the card first.
            op = await wallet.pay_qr(PayQrInput(
                payload=shop["payload"], amount="12.50", pin=PIN, idempotency_key=None))
            self.assertEqual(op.status, OperationStatus.SUCCEEDED)
            self.assertEqual(op.source, card_source)
            # Neither payment touched the (empty) balance.
            self.assertEqual((await wallet.balance()).balance.minor, 0)

        asyncio.run(run())

    def test_host_secret_store_error_reaches_caller_as_code(self):
        wallet, _ = self.open("locked", UnavailableSecretStore())
        err = self.assertCode(ErrorCode.SECRET_STORE_UNAVAILABLE, wallet.signup(SignupInput(
            phone="13800138003", name=NAME, id_number=ID_NUMBER, password=PASSWORD)))
        self.assertIn("keystore locked", err.detail)


    def test_report_lost_wipes_and_new_device_unfreezes(self):
        phone = "13800138006"
        store_a, store_c = MemorySecretStore(), MemorySecretStore()
        wallet_a, home_a = self.open("lost-a", store_a)
        friend, home_friend = self.open("lost-friend", MemorySecretStore())
        wallet_c, _ = self.open("lost-c", store_c)

        class Notices(EventListener):
            def __init__(self):
                self.kinds = []

            def on_event(self, event):
                self.kinds.append(event.kind)

        notices = Notices()
        wallet_a.set_event_listener(notices)

        async def flow():
            await wallet_a.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            await wallet_a.verify(self.server.otp(phone, "signup"))
            await wallet_a.set_pin(PIN)
            self.assertEqual((await wallet_a.account_status()).state, AccountState.ACTIVE)
            self.assertFalse((await wallet_a.settings()).sms_login_enabled)

            # A friend's device, signed out, reports the phone lost: no profile is made.
            await friend.report_lost(ReportLostInput(
                phone=phone, name=NAME, id_last6=ID_NUMBER[-6:], password=None,
                device_id=None))
            self.assertEqual(files_in(home_friend), [])

        asyncio.run(flow())
        self.assertTrue(store_a.items)
        self.assertCode(ErrorCode.DEVICE_REVOKED, wallet_a.whoami())
        self.assertEqual(store_a.items, {})
        self.assertEqual(files_in(home_a), [])
        self.assertTrue(wallet_a.status().is_signed_out())

        async def unfreeze():
            await wallet_c.login(phone, PASSWORD)
            await wallet_c.verify(self.server.otp(phone, "login"))
            self.assertEqual((await wallet_c.account_status()).state, AccountState.FROZEN)
            status = await wallet_c.unfreeze(ID_NUMBER, PIN)
            self.assertEqual(status.state, AccountState.COOLING_OFF)
            self.assertTrue(status.cooling_off_until)
            log = await wallet_c.security_log(None)
            kinds = [e.kind for e in log.events]
            self.assertIn(SecurityEventKind.FROZEN, kinds)
            self.assertIn(SecurityEventKind.UNFROZEN, kinds)
            # C hears of what happens after it joined (not of the freeze before it): device D.
            wallet_c.set_event_listener(notices)
            self.assertEqual(await wallet_c.sync_events(), [])
            wallet_d, _ = self.open("lost-d", MemorySecretStore())
            await wallet_d.login(phone, PASSWORD)
            profile_d = await wallet_d.verify(self.server.otp(phone, "login"))
            events = await wallet_c.sync_events()
            self.assertEqual([e.kind for e in events], [DeviceEventKind.NEW_DEVICE])
            self.assertEqual([e.device_id for e in events], [profile_d.device_id])
            self.assertEqual([e.kind for e in events], notices.kinds)
            self.assertEqual(await wallet_c.sync_events(), [])

        asyncio.run(unfreeze())

    def test_sms_login_when_switched_on_then_freeze_now_revokes_it(self):
        phone = "13800138007"
        wallet_a, _ = self.open("sms-a", MemorySecretStore())
        store_b = MemorySecretStore()
        wallet_b, home_b = self.open("sms-b", store_b)

        async def sign_up():
            await wallet_a.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            await wallet_a.verify(self.server.otp(phone, "signup"))
            await wallet_a.set_pin(PIN)

        asyncio.run(sign_up())
        # Off by default: the SMS code alone does not sign in.
        self.assertCode(ErrorCode.SMS_LOGIN_DISABLED, wallet_b.login_sms(phone))

        async def flow():
            self.assertTrue((await wallet_a.set_sms_login(True, PIN)).sms_login_enabled)
            pending = await wallet_b.login_sms(phone)
            self.assertEqual(pending.purpose, ChallengePurpose.LOGIN)
            profile_b = await wallet_b.verify(self.server.otp(phone, "login"))
            # "Not me": A sees the new device's id and freezes, signing only B out.
            events = await wallet_a.sync_events()
            new = [e for e in events if e.kind == DeviceEventKind.NEW_DEVICE]
            self.assertEqual([e.device_id for e in new], [profile_b.device_id])
            status = await wallet_a.freeze_account(profile_b.device_id)
            self.assertEqual(status.state, AccountState.FROZEN)
            self.assertEqual((await wallet_a.account_status()).state, AccountState.FROZEN)

        asyncio.run(flow())
        self.assertCode(ErrorCode.DEVICE_REVOKED, wallet_b.whoami())
        self.assertEqual(store_b.items, {})
        self.assertEqual(files_in(home_b), [])

    def test_transfer_history_search_summary_budget_csv(self):
        sender_phone, receiver_phone = "13800138008", "13800138009"
        number = self.server.test_card()["number"]
        sender, _ = self.open("sender", MemorySecretStore())
        receiver, _ = self.open("receiver", MemorySecretStore())

        async def sign_up(wallet, phone):
            await wallet.signup(SignupInput(
                phone=phone, name=NAME, id_number=ID_NUMBER, password=PASSWORD))
            await wallet.verify(self.server.otp(phone, "signup"))
            await wallet.set_pin(PIN)

        async def flow():
            await sign_up(sender, sender_phone)
            await sign_up(receiver, receiver_phone)
            await sender.bind_card(number, sender_phone)
            await sender.verify_card(self.server.otp(sender_phone, "card_bind"))
            await sender.top_up(TopUpInput(amount="100", card_id=None, pin=PIN, idempotency_key=None))

            recipient = await sender.lookup_recipient(receiver_phone)
            self.assertEqual(recipient.name_masked, "*明")
            self.assertIn("****", recipient.phone_masked)
            op = await sender.transfer(TransferInput(
                to_phone=receiver_phone, amount="12.50", note="午饭",
                pin=PIN, idempotency_key=None))
            self.assertEqual(op.kind, OperationKind.TRANSFER_OUT)
            self.assertEqual(op.status, OperationStatus.SUCCEEDED)
            self.assertEqual(op.note, "午饭")
            self.assertEqual(op.counterparty_name_masked, "*明")

            synced = await receiver.sync_history()
            self.assertEqual((synced.added, synced.updated), (1, 0))

        asyncio.run(flow())
        self.assertCode(ErrorCode.TRANSFER_TO_SELF, sender.lookup_recipient(sender_phone))

        page = receiver.history(HistoryQuery(
            search="午饭", month=None, kind=None, card_id=None, category=None,
            before=None, limit=None))
        self.assertEqual(len(page.entries), 1)
        entry = page.entries[0]
        self.assertEqual(entry.kind, OperationKind.TRANSFER_IN)
        self.assertEqual(entry.direction, Direction.IN)
        self.assertEqual(entry.amount.minor, 1250)
        self.assertEqual(receiver.history_entry(entry.operation_id), entry)
        self.assertEqual(receiver.monthly_summary(entry.month).received.minor, 1250)
        self.assertCode(ErrorCode.MALFORMED_REQUEST, lambda: receiver.monthly_summary("2026/11"))

        receiver.set_budget(Category.FOOD, "300")
        self.assertEqual([(b.category, b.monthly.minor) for b in receiver.budgets()],
                         [(Category.FOOD, 30000)])
        receiver.set_budget(Category.FOOD, None)
        self.assertEqual(receiver.budgets(), [])

        csv = receiver.export_history_csv(HistoryQuery(
            search=None, month=None, kind=None, card_id=None, category=None,
            before=None, limit=None))
        self.assertTrue(csv.startswith("\ufeffid,"))
        self.assertIn("午饭", csv)
        self.assertIn(",12.50,", csv)


if __name__ == "__main__":
    unittest.main(verbosity=2)
