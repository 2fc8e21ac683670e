// Binding test for the Kotlin bindings of wallet-ffi, on the JVM (what Android apps use).
//
// Proves the binding works end to end: JNA loads the cdylib, records/enums/sealed classes cross
// both ways, suspend functions run, errors arrive as WalletException with their `ErrorCode`,
// and the host's SecretStore (an in-memory map standing in for Android Keystore) is the store
// wallet-core really uses. Business rules are tested in Rust, not here.
//
// Run by ../../test.sh against the packaged jar (com.walletpay:sdk), not the generated sources
// (plain main + kotlin.test assertions; exits 1 on any failure).

import java.io.File
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import com.walletpay.sdk.*
import com.walletpay.sdk.core.*
import com.walletpay.sdk.protocol.*

const val PASSWORD = "correct-Horse-battery-staple-93"
const val NAME = "李明"
const val ID_NUMBER = "11010519491231002X"
const val PIN = "280419"
/** Banco Central do Brasil's Pix example: a well-formed code of another network. */
const val PIX = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR" +
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"

/** A sandbox bank test card, as `wallet-server sandbox cards --json` lists it. */
data class TestCard(val number: String, val bank: String, val scheme: String, val cardType: String)

/** The host's implementation of the foreign trait: what Android Keystore would hold. */
class MemorySecretStore : SecretStore {
    val items = ConcurrentHashMap<String, ByteArray>()

    override fun get(name: String): ByteArray? = items[name]

    override fun set(name: String, secret: ByteArray) {
        items[name] = secret.copyOf()
    }

    override fun delete(name: String) {
        items.remove(name)
    }
}

/** A locked keystore: every call fails with the host's own error. */
class UnavailableSecretStore : SecretStore {
    override fun get(name: String): ByteArray? = throw SecretStoreException.Unavailable("keystore locked")

    override fun set(name: String, secret: ByteArray) = throw SecretStoreException.Unavailable("keystore locked")

    override fun delete(name: String) = throw SecretStoreException.Unavailable("keystore locked")
}

/** The host's event listener: records each pushed event's kind, in order. */
class Notices : EventListener {
    val kinds: MutableList<DeviceEventKind> = java.util.Collections.synchronizedList(mutableListOf())

    override fun onEvent(event: DeviceEvent) {
        kinds.add(event.kind)
    }
}

/** The real wallet-server binary on a free port with a temp SQLite DB, sandbox mode. */
class Server(workdir: File) {
    val bin: String = System.getenv("WALLET_SERVER_BIN")
        ?: "${System.getenv("CARGO_TARGET_DIR") ?: "target"}/debug/wallet-server"
    private val proc: Process = ProcessBuilder(
        bin, "serve", "--db", File(workdir, "server.db").path,
        "--listen", "127.0.0.1:0", "--sandbox",
        // Sign-up then sign-in texts the same phone within seconds.
        "--otp-min-interval-secs", "0",
    ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
    val url: String

    init {
        val reader = proc.inputStream.bufferedReader()
        val pattern = Regex("""listening on (http://\S+)""")
        var found: String? = null
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (found == null && System.nanoTime() < deadline) {
            val line = reader.readLine() ?: break
            found = pattern.find(line)?.groupValues?.get(1)
        }
        if (found == null) {
            stop()
            error("wallet-server did not print its listening address")
        }
        url = found
        // Keep draining stdout so the server never blocks on a full pipe.
        Thread { reader.forEachLine { } }.apply { isDaemon = true }.start()
    }

    private fun run(vararg args: String): String {
        val p = ProcessBuilder(bin, *args).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) { "${args.toList()} failed: $out" }
        return out
    }

    /** The first sandbox test card with this [outcome] and [cardType]. */
    fun testCard(outcome: String = "approve", cardType: String = "debit"): TestCard {
        // {"cards":[{"number","bank","scheme","card_type","outcome"}]}; field order not fixed.
        val out = run("sandbox", "cards", "--json")
        fun field(card: String, name: String) =
            Regex(""""$name"\s*:\s*"([^"]*)"""").find(card)?.groupValues?.get(1)
                ?: error("no $name in $card")
        return Regex("""\{[^{}]*\}""").findAll(out).map { it.value }
            .filter { field(it, "outcome") == outcome && field(it, "card_type") == cardType }
            .map { TestCard(field(it, "number"), field(it, "bank"), field(it, "scheme"), field(it, "card_type")) }
            .firstOrNull() ?: error("no $outcome $cardType sandbox card: $out")
    }

    /** The newest sandbox SMS code sent to [phone] for [purpose] (`signup`/`login`/`card_bind`). */
    fun otp(phone: String, purpose: String): String {
        val out = run("otp", "outbox", "--phone", phone, "--server", url, "--json")
        // {"messages":[{"phone","body","code","purpose","sent_at"}]}, newest first. Field order
        // inside a message is not fixed, so read each message object separately.
        val messages = Regex("""\{[^{}]*\}""").findAll(out).map { it.value }.toList()
        val message = messages.firstOrNull { Regex(""""purpose"\s*:\s*"$purpose"""").containsMatchIn(it) }
            ?: error("no $purpose code in outbox: $out")
        return Regex(""""code"\s*:\s*"(\d{6})"""").find(message)?.groupValues?.get(1)
            ?: error("no code in message: $message")
    }

    /** `wallet-server merchant ARGS --server URL --json`: the string fields of its flat answer. */
    fun merchant(vararg args: String): Map<String, String> {
        val out = run("merchant", *args, "--server", url, "--json")
        // Only the top-level string fields are read; nested objects come first-wins.
        val fields = mutableMapOf<String, String>()
        Regex(""""([a-z_]+)"\s*:\s*"([^"]*)"""").findAll(out).forEach {
            fields.putIfAbsent(it.groupValues[1], it.groupValues[2])
        }
        return fields
    }

    fun stop() {
        proc.destroy()
        if (!proc.waitFor(10, TimeUnit.SECONDS)) proc.destroyForcibly()
    }
}

class WalletTest(private val server: Server, private val tmp: File) {
    private fun open(label: String, store: SecretStore): Pair<Wallet, File> {
        val home = File(tmp, label).apply { mkdirs() }
        val config = WalletConfig(
            home = home.path,
            serverUrl = server.url,
            deviceName = "Li's $label",
            platform = "jvm",
        )
        return Wallet.open(config, store) to home
    }

    private fun filesIn(home: File): Set<String> =
        home.walkTopDown().filter { it.isFile }.map { it.relativeTo(home).path }.toSet()

    /** The message of [code] in core/wallet-i18n/locales/[folder]/errors.ftl (WALLET_I18N_LOCALES). */
    private fun catalogueMessage(folder: String, code: String): String =
        File(System.getenv("WALLET_I18N_LOCALES"), "$folder/errors.ftl").readLines()
            .first { it.startsWith("$code = ") }
            .removePrefix("$code = ")

    private suspend fun expectCode(code: ErrorCode, block: suspend () -> Unit): WalletException.Failed {
        val e = try {
            block()
            null
        } catch (e: WalletException.Failed) {
            e
        } ?: throw AssertionError("expected WalletException with code $code, got success")
        assertEquals(code, e.code, e.detail)
        assertTrue(e.detail.isNotEmpty())
        return e
    }

    fun signupLoginDevicesRevokeWipesRevokedDevice() = runBlocking {
        val phone = "13800138001"
        val storeA = MemorySecretStore()
        val storeB = MemorySecretStore()
        val (walletA, _) = open("device-a", storeA)
        val (walletB, homeB) = open("device-b", storeB)
        assertIs<SessionStatus.SignedOut>(walletA.status())

        val pending = walletA.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
        assertEquals(ChallengePurpose.SIGNUP, pending.purpose)
        assertTrue("****" in pending.phoneMasked, pending.phoneMasked)
        assertFalse(phone in pending.phoneMasked)
        assertEquals(pending, assertIs<SessionStatus.PendingVerification>(walletA.status()).pending)

        val profileA = walletA.verify(server.otp(phone, "signup"))
        assertEquals("+86$phone", profileA.phone)
        assertEquals(NAME, profileA.name)
        assertEquals("002X", profileA.idLast4)
        assertEquals(profileA, walletA.whoami())
        assertEquals(profileA, assertIs<SessionStatus.SignedIn>(walletA.status()).profile)

        val pendingB = walletB.login(phone, PASSWORD)
        assertEquals(ChallengePurpose.LOGIN, pendingB.purpose)
        val profileB = walletB.verify(server.otp(phone, "login"))
        assertEquals(profileA.accountId, profileB.accountId)
        assertNotEquals(profileA.deviceId, profileB.deviceId)

        val devices = walletA.devices()
        assertEquals(setOf(profileA.deviceId, profileB.deviceId), devices.map { it.deviceId }.toSet())
        assertEquals(2, devices.size)
        assertEquals(listOf(profileA.deviceId), devices.filter { it.current }.map { it.deviceId })
        val deviceB = devices.single { it.deviceId == profileB.deviceId }
        assertEquals("Li's device-b", deviceB.name)
        assertEquals("jvm", deviceB.platform)

        // The database key went into the host's store, and the database into B's home.
        val keysB = storeB.items.keys.toSet()
        assertTrue(keysB.isNotEmpty(), "wallet-core kept no key in the host secret store")
        assertTrue(storeB.items.values.all { it.size >= 32 })
        val filesB = filesIn(homeB)
        assertTrue("wallet.db" in filesB, filesB.toString())

        walletA.revokeDevice(profileB.deviceId)

        val e = expectCode(ErrorCode.DEVICE_REVOKED) { walletB.whoami() }
        assertTrue("DEVICE_REVOKED" in e.toString(), e.toString())
        // Wiped: the key is gone from the host store and the database from the home.
        assertEquals(emptySet(), keysB intersect storeB.items.keys)
        assertEquals(emptySet(), filesB intersect filesIn(homeB))
        assertIs<SessionStatus.SignedOut>(walletB.status())

        // A is unaffected and now sees one device.
        assertContentEquals(listOf(profileA.deviceId), walletA.devices().map { it.deviceId })
    }

    fun weakPasswordRefusedWithCode() = runBlocking {
        // The SDK carries no password meter (hosts use zxcvbn4j / zxcvbn-ios): the provider
        // rates the password at sign-up and answers PASSWORD_WEAK with zxcvbn's feedback.
        val (wallet, _) = open("weak", MemorySecretStore())
        expectCode(ErrorCode.PASSWORD_WEAK) {
            wallet.signup(SignupInput("13800138002", NAME, ID_NUMBER, "password1"))
        }
        assertIs<SessionStatus.SignedOut>(wallet.status())
    }

    fun pinCardTopUpBalance() = runBlocking {
        val phone = "13800138004"
        val card = server.testCard()
        val bank = Bank.valueOf(if (card.bank == "HXB") "HUA_XIA" else card.bank)

        // Offline, before any profile exists.
        val inspection = inspectCard(card.number)
        assertTrue(inspection.luhnValid)
        assertTrue(inspection.lengthValid)
        assertEquals(bank, inspection.bank)
        assertEquals(CardType.DEBIT, inspection.cardType)
        assertEquals(CardScheme.valueOf(card.scheme.uppercase()), inspection.scheme)
        val bad = card.number.dropLast(1) + ((card.number.last().digitToInt() + 1) % 10)
        assertFalse(inspectCard(bad).luhnValid)
        assertFalse(inspectCard("not a card").luhnValid)

        val (wallet, _) = open("money", MemorySecretStore())
        wallet.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
        wallet.verify(server.otp(phone, "signup"))

        expectCode(ErrorCode.PIN_WEAK) { wallet.checkNewPin("123456") }
        expectCode(ErrorCode.PIN_WEAK) { wallet.setPin("123456") }
        assertFalse(wallet.pinState().set)
        wallet.checkNewPin(PIN)
        wallet.setPin(PIN)
        val pinState = wallet.pinState()
        assertTrue(pinState.set)
        assertNull(pinState.lockedUntil)

        val pending = wallet.bindCard(card.number, phone)
        assertEquals(card.number.takeLast(4), pending.last4)
        assertEquals(bank, pending.bank)
        assertEquals(CardType.DEBIT, pending.cardType)
        assertTrue("****" in pending.phoneMasked, pending.phoneMasked)
        val bound = wallet.verifyCard(server.otp(phone, "card_bind"))
        assertEquals(card.number.takeLast(4), bound.last4)
        assertEquals(bank, bound.bank)
        assertEquals(CardStatus.ACTIVE, bound.status)
        assertTrue(bound.isDefault)
        assertEquals(listOf(bound), wallet.cards())
        assertEquals(listOf(bound), wallet.cachedCards())

        // A top-up takes the PIN like a withdrawal; a wrong one is refused.
        val wrongPin = expectCode(ErrorCode.PIN_WRONG) {
            wallet.topUp(TopUpInput(amount = "100.00", cardId = null, pin = "246813", idempotencyKey = null))
        }
        // The person's text comes from the one catalogue (core/wallet-i18n), in each language.
        for ((tag, folder) in listOf("en" to "en", "zh-CN" to "zh-CN", "zh-TW" to "zh-TW", "zh-Hant" to "zh-TW", "fr-FR" to "en")) {
            assertEquals(catalogueMessage(folder, wrongPin.code.name), wrongPin.message(tag), tag)
        }
        val op = wallet.topUp(TopUpInput(amount = "100.00", cardId = null, pin = PIN, idempotencyKey = null))
        assertEquals(OperationStatus.SUCCEEDED, op.status, op.failureCode?.toString())
        assertEquals(OperationKind.TOPUP, op.kind)
        assertEquals(10000L, op.amount.minor)
        assertEquals(Currency.CNY, op.amount.currency)
        assertEquals(bound.cardId, op.cardId)
        assertNull(op.failureCode)
        assertEquals(op, wallet.operation(op.operationId))

        val balance = wallet.balance()
        assertEquals(10000L, balance.balance.minor)
        assertEquals(Currency.CNY, balance.balance.currency)
        assertFalse(balance.stale)
        assertEquals(listOf(op.operationId), balance.operations.map { it.operationId })

        // Lowering the no-PIN limits needs no PIN; raising them again does.
        val lowered = wallet.setPaycodeSettings(PaycodeSettingsInput(true, "50", "500", null))
        assertEquals(5000L, lowered.noPinPerPayment.minor)
        expectCode(ErrorCode.PIN_REQUIRED) { wallet.setPaycodeSettings(PaycodeSettingsInput(true, "100", "500", null)) }
        val raised = wallet.setPaycodeSettings(PaycodeSettingsInput(true, "100", "500", PIN))
        assertEquals(10000L, raised.noPinPerPayment.minor)
        assertEquals(2, wallet.securityLog(null).events.count { it.kind == SecurityEventKind.NO_PIN_CHANGED })

        expectCode(ErrorCode.AMOUNT_INVALID) {
            wallet.topUp(TopUpInput(amount = "12.345", cardId = null, pin = PIN, idempotencyKey = null))
        }
        expectCode(ErrorCode.PIN_FORMAT_INVALID) {
            wallet.topUp(TopUpInput(amount = "1.00", cardId = null, pin = "12", idempotencyKey = null))
        }
        expectCode(ErrorCode.PIN_FORMAT_INVALID) {
            wallet.withdraw(WithdrawInput(amount = "1.00", cardId = null, pin = "12", idempotencyKey = null))
        }
        // Nothing moved.
        assertEquals(10000L, wallet.balance().balance.minor)
    }

    fun qrPayAndPaymentCode() = runBlocking {
        val phone = "13800138005"
        val shop = server.merchant("create", "--name", "Lucky Noodles", "--city", "Beijing", "--mcc", "5812")
        val payload = shop.getValue("payload")

        // Offline, no profile needed.
        val decoded = decodeQr(payload)
        assertEquals(QrKind.EMVCO_MPM, decoded.kind)
        assertEquals(QrNetwork.WALLET, decoded.network)
        assertTrue(decoded.payable)
        assertEquals("11", decoded.pointOfInitiation)
        assertEquals(shop.getValue("id"), decoded.wallet?.merchantId)
        val pix = decodeQr(PIX)
        assertEquals(QrNetwork.PIX, pix.network)
        assertFalse(pix.payable)
        assertEquals("br.gov.bcb.pix", pix.templates.getValue("26").getValue("00"))
        expectCode(ErrorCode.QR_CRC_MISMATCH) { decodeQr(PIX.dropLast(4) + "0000") }
        assertEquals(QrKind.URL, decodeQr("https://example.com").kind)

        val card = server.testCard()
        val (wallet, _) = open("qr", MemorySecretStore())
        wallet.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
        wallet.verify(server.otp(phone, "signup"))
        wallet.setPin(PIN)
        wallet.bindCard(card.number, phone)
        wallet.verifyCard(server.otp(phone, "card_bind"))
        wallet.topUp(TopUpInput(amount = "100", cardId = null, pin = PIN, idempotencyKey = null))

        expectCode(ErrorCode.QR_NOT_PAYABLE) { wallet.resolveQr(PIX) }
        val seen = wallet.resolveQr(payload)
        assertEquals("Lucky Noodles", seen.merchantName)
        assertFalse(seen.nameMismatch)
        assertEquals(PaymentChannel.STATIC_QR, seen.channel)
        expectCode(ErrorCode.AMOUNT_REQUIRED) {
            wallet.payQr(PayQrInput(payload = payload, amount = null, pin = PIN, idempotencyKey = null))
        }
        val op = wallet.payQr(PayQrInput(payload = payload, amount = "12.50", pin = PIN, idempotencyKey = null))
        assertEquals(OperationKind.PAYMENT, op.kind)
        assertEquals(OperationStatus.SUCCEEDED, op.status)
        assertEquals(PaymentChannel.STATIC_QR, op.channel)
        assertEquals(1250L, op.amount.minor)
        assertEquals("Lucky Noodles", op.merchantName)
        assertNull(op.cardId)
        val order = server.merchant(
            "order", "--merchant", shop.getValue("id"), "--api-key", shop.getValue("api_key"), "--amount", "5",
        )
        val dynamic = wallet.payQr(
            PayQrInput(payload = order.getValue("payload"), amount = null, pin = PIN, idempotencyKey = null),
        )
        assertEquals(PaymentChannel.DYNAMIC_QR, dynamic.channel)
        assertEquals(500L, dynamic.amount.minor)
        assertEquals(10000L - 1250 - 500, wallet.balance().balance.minor)

        // The payment code: 18 digits, offline, rotating every 30-second step.
        val code = wallet.paycode()
        assertTrue(Regex("""28\d{16}""").matches(code.code), code.code)
        assertEquals(code.code, code.grouped.replace(" ", ""))
        assertTrue(code.secondsLeft in 1u..30u, code.secondsLeft.toString())
        assertTrue("<svg" in code.qrSvg && "<svg" in code.barcodeSvg)
        val charged = server.merchant(
            "charge-code", "--merchant", shop.getValue("id"), "--api-key", shop.getValue("api_key"),
            "--code", code.code, "--amount", "3",
        )
        assertEquals("paid", charged.getValue("status"))
        assertEquals(10000L - 1250 - 500 - 300, wallet.balance().balance.minor)
        Thread.sleep(code.secondsLeft.toLong() * 1000 + 500)
        val rotated = wallet.paycode()
        assertNotEquals(code.code, rotated.code)
        assertTrue(Regex("""28\d{16}""").matches(rotated.code), rotated.code)
    }

    fun reportLostWipesAndNewDeviceUnfreezes() = runBlocking {
        val phone = "13800138006"
        val storeA = MemorySecretStore()
        val storeC = MemorySecretStore()
        val (walletA, homeA) = open("lost-a", storeA)
        val (friend, homeFriend) = open("lost-friend", MemorySecretStore())
        val (walletC, _) = open("lost-c", storeC)
        val notices = Notices()
        walletA.setEventListener(notices)

        walletA.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
        walletA.verify(server.otp(phone, "signup"))
        walletA.setPin(PIN)
        assertEquals(AccountState.ACTIVE, walletA.accountStatus().state)
        assertFalse(walletA.settings().smsLoginEnabled)

        // A friend's device, signed out, reports the phone lost: no profile is made.
        friend.reportLost(
            ReportLostInput(phone = phone, name = NAME, idLast6 = ID_NUMBER.takeLast(6), password = null, deviceId = null),
        )
        assertEquals(emptySet(), filesIn(homeFriend))

        // A's next call fails with DEVICE_REVOKED and A's profile is wiped.
        assertTrue(storeA.items.isNotEmpty())
        expectCode(ErrorCode.DEVICE_REVOKED) { walletA.whoami() }
        assertEquals(emptyMap(), storeA.items.toMap())
        assertEquals(emptySet(), filesIn(homeA))
        assertIs<SessionStatus.SignedOut>(walletA.status())

        // A new phone C signs in and unfreezes with ID number + PIN: cooling-off follows.
        walletC.login(phone, PASSWORD)
        walletC.verify(server.otp(phone, "login"))
        assertEquals(AccountState.FROZEN, walletC.accountStatus().state)
        val status = walletC.unfreeze(ID_NUMBER, PIN)
        assertEquals(AccountState.COOLING_OFF, status.state)
        assertTrue(!status.coolingOffUntil.isNullOrEmpty(), status.toString())
        assertEquals(AccountState.COOLING_OFF, walletC.accountStatus().state)
        val kinds = walletC.securityLog(null).events.map { it.kind }
        assertTrue(SecurityEventKind.FROZEN in kinds, kinds.toString())
        assertTrue(SecurityEventKind.UNFROZEN in kinds, kinds.toString())
        // C hears of what happens after it joined (not of the freeze before it): a device D.
        walletC.setEventListener(notices)
        assertEquals(emptyList(), walletC.syncEvents())
        val (walletD, _) = open("lost-d", MemorySecretStore())
        walletD.login(phone, PASSWORD)
        val profileD = walletD.verify(server.otp(phone, "login"))
        val events = walletC.syncEvents()
        assertEquals(listOf(DeviceEventKind.NEW_DEVICE), events.map { it.kind })
        assertEquals(listOf<String?>(profileD.deviceId), events.map { it.deviceId })
        assertEquals(events.map { it.kind }, notices.kinds.toList())
        assertEquals(emptyList(), walletC.syncEvents())
    }

    fun smsLoginWhenSwitchedOnThenFreezeNowRevokesIt() = runBlocking {
        val phone = "13800138007"
        val (walletA, _) = open("sms-a", MemorySecretStore())
        val storeB = MemorySecretStore()
        val (walletB, homeB) = open("sms-b", storeB)
        walletA.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
        walletA.verify(server.otp(phone, "signup"))
        walletA.setPin(PIN)

        // Off by default: the SMS code alone does not sign in.
        expectCode(ErrorCode.SMS_LOGIN_DISABLED) { walletB.loginSms(phone) }
        assertTrue(walletA.setSmsLogin(true, PIN).smsLoginEnabled)
        assertEquals(ChallengePurpose.LOGIN, walletB.loginSms(phone).purpose)
        val profileB = walletB.verify(server.otp(phone, "login"))

        // "Not me": A sees the new device's id and freezes, signing only B out.
        val newDevices = walletA.syncEvents().filter { it.kind == DeviceEventKind.NEW_DEVICE }
        assertEquals(listOf<String?>(profileB.deviceId), newDevices.map { it.deviceId })
        assertEquals(AccountState.FROZEN, walletA.freezeAccount(profileB.deviceId).state)
        assertEquals(AccountState.FROZEN, walletA.accountStatus().state)
        expectCode(ErrorCode.DEVICE_REVOKED) { walletB.whoami() }
        assertEquals(emptyMap(), storeB.items.toMap())
        assertEquals(emptySet(), filesIn(homeB))
    }

    /** Issue 14 through the binding: the default order, a remote order from the phone bill, a
     *  scan paid from the card, and the source on each operation. */
    fun fundingSourcesDefaultOrderAndEachSource() = runBlocking {
        val phone = "13800138010"
        val shop = server.merchant("create", "--name", "Night Market", "--city", "Chengdu", "--mcc", "5999")
        val (wallet, _) = open("sources", MemorySecretStore())
        val card = server.testCard()
        wallet.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
        wallet.verify(server.otp(phone, "signup"))
        wallet.setPin(PIN)
        wallet.bindCard(card.number, phone)
        val bound = wallet.verifyCard(server.otp(phone, "card_bind"))
        val cardSource = "card:${bound.cardId}"

        assertEquals(listOf("balance"), wallet.fundingOrder())
        assertEquals(listOf(cardSource, "balance"), wallet.setFundingOrder(listOf(cardSource, "balance")))
        val sources = wallet.fundingSources()
        assertEquals(listOf(cardSource, "balance"), sources.order)
        val kinds = sources.sources.associate { it.source to it.kind }
        assertEquals(SourceKind.CARD, kinds[cardSource])
        assertEquals(SourceKind.BALANCE, kinds["balance"])
        assertEquals(bound.last4, sources.sources.single { it.source == cardSource }.card?.last4)
        expectCode(ErrorCode.CARD_NOT_FOUND) { wallet.setFundingOrder(listOf("card:nope")) }
        expectCode(ErrorCode.SOURCE_INVALID) { wallet.setFundingOrder(listOf("paypal")) }

        // A remote order, confirmed from the phone bill chosen on the confirm screen.
        val order = server.merchant(
            "order", "--merchant", shop.getValue("id"), "--api-key", shop.getValue("api_key"),
            "--amount", "6", "--phone", phone,
        )
        val fromBill = wallet.confirmOrderFrom(order.getValue("order_id"), PIN, null, "carrier")
        assertEquals(OperationStatus.SUCCEEDED, fromBill.status)
        assertEquals("carrier", fromBill.source)
        assertEquals(600L, fromBill.amount.minor)

        // A scan with no source named: the default order, the card first.
        val fromCard = wallet.payQr(PayQrInput(payload = shop.getValue("payload"), amount = "12.50", pin = PIN, idempotencyKey = null))
        assertEquals(OperationStatus.SUCCEEDED, fromCard.status)
        assertEquals(cardSource, fromCard.source)
        // Neither payment touched the (empty) balance.
        assertEquals(0L, wallet.balance().balance.minor)
    }

    /** Issue 6 through the binding: a transfer, the receiver's synced history, search, the
     *  month's summary and a budget. */
    fun transferAndHistory() = runBlocking {
        val senderPhone = "13800138011"
        val receiverPhone = "13800138012"
        val card = server.testCard()
        val (sender, _) = open("t-sender", MemorySecretStore())
        val (receiver, _) = open("t-receiver", MemorySecretStore())
        for ((wallet, phone) in listOf(sender to senderPhone, receiver to receiverPhone)) {
            wallet.signup(SignupInput(phone, NAME, ID_NUMBER, PASSWORD))
            wallet.verify(server.otp(phone, "signup"))
            wallet.setPin(PIN)
        }
        sender.bindCard(card.number, senderPhone)
        sender.verifyCard(server.otp(senderPhone, "card_bind"))
        sender.topUp(TopUpInput(amount = "100", cardId = null, pin = PIN, idempotencyKey = null))

        assertEquals("*明", sender.lookupRecipient(receiverPhone).nameMasked)
        expectCode(ErrorCode.TRANSFER_TO_SELF) { sender.lookupRecipient(senderPhone) }
        val op = sender.transfer(TransferInput(receiverPhone, "12.50", "午饭", PIN, null))
        assertEquals(OperationKind.TRANSFER_OUT, op.kind)
        assertEquals(OperationStatus.SUCCEEDED, op.status)
        assertEquals("午饭", op.note)

        val synced = receiver.syncHistory()
        assertEquals(1u, synced.added)
        val all = HistoryQuery(null, null, null, null, null, null, null)
        val page = receiver.history(all.copy(search = "午饭"))
        val entry = page.entries.single()
        assertEquals(OperationKind.TRANSFER_IN, entry.kind)
        assertEquals(Direction.IN, entry.direction)
        assertEquals(1250L, entry.amount.minor)
        assertEquals(entry, receiver.historyEntry(entry.operationId))
        assertEquals(1250L, receiver.monthlySummary(entry.month).received.minor)
        expectCode(ErrorCode.MALFORMED_REQUEST) { receiver.monthlySummary("2026/11") }
        receiver.setBudget(Category.FOOD, "300")
        assertEquals(listOf(Category.FOOD to 30000L), receiver.budgets().map { it.category to it.monthly.minor })
        assertTrue("午饭" in receiver.exportHistoryCsv(all))
    }

    fun hostSecretStoreErrorReachesCallerAsCode() = runBlocking {
        val (wallet, _) = open("locked", UnavailableSecretStore())
        val e = expectCode(ErrorCode.SECRET_STORE_UNAVAILABLE) {
            wallet.signup(SignupInput("13800138003", NAME, ID_NUMBER, PASSWORD))
        }
        assertTrue("keystore locked" in e.detail, e.detail)
    }
}

fun main() {
    val tmp = Files.createTempDirectory("wallet-ffi-kt-").toFile()
    val server = Server(tmp)
    val t = WalletTest(server, tmp)
    val tests = listOf<Pair<String, () -> Any>>(
        "signupLoginDevicesRevokeWipesRevokedDevice" to t::signupLoginDevicesRevokeWipesRevokedDevice,
        "weakPasswordRefusedWithCode" to t::weakPasswordRefusedWithCode,
        "pinCardTopUpBalance" to t::pinCardTopUpBalance,
        "qrPayAndPaymentCode" to t::qrPayAndPaymentCode,
        "reportLostWipesAndNewDeviceUnfreezes" to t::reportLostWipesAndNewDeviceUnfreezes,
        "smsLoginWhenSwitchedOnThenFreezeNowRevokesIt" to t::smsLoginWhenSwitchedOnThenFreezeNowRevokesIt,
        "fundingSourcesDefaultOrderAndEachSource" to t::fundingSourcesDefaultOrderAndEachSource,
        "transferAndHistory" to t::transferAndHistory,
        "hostSecretStoreErrorReachesCallerAsCode" to t::hostSecretStoreErrorReachesCallerAsCode,
    )
    var failed = 0
    try {
        for ((name, test) in tests) {
            try {
                test()
                println("ok    $name")
            } catch (e: Throwable) {
                failed++
                println("FAIL  $name: $e")
                e.printStackTrace()
            }
        }
    } finally {
        server.stop()
        tmp.deleteRecursively()
    }
    println("${tests.size - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
