// Quickstart: the Wallet SDK from Kotlin (JVM here; the same code runs on Android), against the
// provider's sandbox. Compile against com.walletpay:sdk (dist/kotlin), run with
// -Djna.library.path=<dir of libwallet_ffi.so> and WALLET_SERVER_URL / WALLET_SERVER_BIN set.
// Signs up, reads the sandbox SMS code (a real user types it), shows the profile and the
// balance, and branches on an error's code. mobile-bindings/test.sh runs it.
package com.walletpay.example

import com.walletpay.sdk.SecretStore
import com.walletpay.sdk.Wallet
import com.walletpay.sdk.WalletConfig
import com.walletpay.sdk.WalletException
import com.walletpay.sdk.core.SignupInput
import com.walletpay.sdk.protocol.ErrorCode
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import kotlinx.coroutines.runBlocking

/** Stands in for Android Keystore: the SDK keeps the local database key here. */
class MemorySecretStore : SecretStore {
    private val items = ConcurrentHashMap<String, ByteArray>()
    override fun get(name: String): ByteArray? = items[name]
    override fun set(name: String, secret: ByteArray) { items[name] = secret.copyOf() }
    override fun delete(name: String) { items.remove(name) }
}

/** The newest code the sandbox "texted" to [phone] (a tester tool of wallet-server). */
fun sandboxSmsCode(phone: String): String {
    val p = ProcessBuilder(
        System.getenv("WALLET_SERVER_BIN") ?: "wallet-server", "otp", "outbox",
        "--phone", phone, "--server", System.getenv("WALLET_SERVER_URL"), "--json",
    ).start()
    val out = p.inputStream.bufferedReader().readText()
    check(p.waitFor() == 0) { "otp outbox failed" }
    return Regex(""""code"\s*:\s*"(\d{6})"""").find(out)!!.groupValues[1]
}

fun main() = runBlocking {
    val home = Files.createTempDirectory("walletpay-quickstart-").toFile()
    val wallet = Wallet.open(
        WalletConfig(home.path, System.getenv("WALLET_SERVER_URL"), "Quickstart", "jvm"),
        MemorySecretStore(),
    )
    val phone = "13800139001"
    val pending = wallet.signup(SignupInput(phone, "李明", "11010519491231002X", "correct-Horse-battery-staple-93"))
    println("code sent to ${pending.phoneMasked}")
    val profile = wallet.verify(sandboxSmsCode(phone))
    println("signed in as ${profile.name} (${profile.phoneMasked})")
    val balance = wallet.balance()
    println("balance: ${balance.balance.minor} fen (${balance.balance.currency})")

    // Errors carry an ErrorCode: branch on it, never on the text.
    try {
        wallet.checkNewPin("123456")
        error("expected PIN_WEAK")
    } catch (e: WalletException.Failed) {
        when (e.code) {
            ErrorCode.PIN_WEAK -> println("PIN refused: too easy to guess")
            else -> throw e
        }
    }
    home.deleteRecursively()
    Unit
}
