# Wallet error messages, English (en).
# One message per ErrorCode, its id the wire code (core/wallet-protocol/src/error.rs).
# The value is what every surface shows (CLI, desktop, SDK hosts); an attribute adds a
# hint only one surface can give: .cli (a command to run), .desktop (a screen to open).
# See core/wallet-i18n/README.md before adding or changing one.

## input validation (client and server)

MALFORMED_REQUEST = The app sent something the server could not read. Please update the app.
PHONE_INVALID = Enter a valid mobile number, for example 138 0013 8000.
ID_NUMBER_INVALID = Enter a valid 18-character resident ID number.
NAME_INVALID = Enter your real name as it appears on your resident ID.
PASSWORD_WEAK = This password is too easy to guess. Add another uncommon word.
OTP_FORMAT_INVALID = The code has 6 digits.
TEXT_HIDDEN_CHARACTER = The text holds an invisible character that changes how it reads (a text-direction or zero-width mark). Remove it and try again.

## account and credentials

PHONE_TAKEN = This number already has an account. Sign in instead.
CREDENTIALS_INVALID = The mobile number or password is wrong.
OTP_INVALID = That code is not right. Check the SMS and try again.
OTP_EXPIRED = The code has expired. Go back and request a new one.
CHALLENGE_NOT_FOUND = This verification is no longer waiting. Start again.
RATE_LIMITED = Too many attempts. Please wait and try again.

## request signing and devices

SIGNATURE_MISSING = This device could not prove who it is. Sign in again.
SIGNATURE_INVALID = This device could not prove who it is. Sign in again.
TIMESTAMP_SKEW = This device’s clock is wrong. Set the correct time and try again.
NONCE_REUSED = The request was sent twice. Please try again.
DEVICE_UNKNOWN = This device is not known to your account. Sign in again.
DEVICE_REVOKED = This device was signed out and its data was removed.

## cards, PIN and money (issue 3)

CARD_NUMBER_INVALID = Check the card number: it is not a valid bank card number.
CARD_ALREADY_BOUND = This card is already in your wallet.
CARD_NOT_FOUND = That card is no longer in your wallet. Choose another card.
CARD_SUSPENDED = This card was reported lost and cannot move money. Choose another card.
CARD_NOT_DEBIT = Withdrawals go only to a debit card. Choose or add a debit card.
NO_CARD = Add a bank card first.
CARD_HOLDER_MISMATCH = Your bank says this card is not in your name. You can only add cards in your own real name.
CARD_DECLINED = Your bank declined. Try another card, or ask your bank why.
CARD_REPORTED_LOST = Your bank says this card was reported lost or stolen. Use another card.
BANK_INSUFFICIENT_FUNDS = The card does not have enough money. Try a smaller amount or another card.
BANK_UNAVAILABLE = Your bank cannot be reached right now. Try again in a few minutes.
BINDING_NOT_FOUND = This card is no longer waiting for a code. Start adding it again.
PIN_FORMAT_INVALID = The payment PIN is 6 digits.
PIN_WEAK = This payment PIN is too easy to guess. Avoid repeated or consecutive digits, common PINs, your birthday and parts of your phone or ID number.
PIN_NOT_SET = Set a payment PIN first.
    .desktop = It is set when you add your first bank card.
    .cli = Set it with: wallet pin set --pin-stdin
PIN_ALREADY_SET = You already have a payment PIN.
    .desktop = Change it under Payment PIN.
    .cli = Change it with: wallet pin change
PIN_WRONG = The payment PIN is wrong. Try again; after 5 wrong tries it locks for 3 hours.
PIN_LOCKED = Your payment PIN is locked after too many wrong tries.
    .desktop = Reset it with “Forgot payment PIN?”, or wait.
    .cli = Reset it with your login password and an SMS code (wallet pin reset --password-stdin), or wait.
AMOUNT_INVALID = Enter an amount above zero with at most two decimals, like 100 or 12.30.
AMOUNT_OVER_LIMIT = This is over the limit for one payment. Enter a smaller amount.
DAILY_LIMIT_REACHED = This is more than what is left of today’s limit. Enter a smaller amount or try tomorrow.
BALANCE_INSUFFICIENT = Your wallet balance is not enough. Enter a smaller amount or top up first.
IDEMPOTENCY_KEY_MISSING = The app sent an incomplete request. Please try again.
    .cli = An --idempotency-key is 8–64 letters, digits, - or _.
IDEMPOTENCY_KEY_REUSED = This request clashed with an earlier one. Go back and start again.
PIN_REQUIRED = This needs your payment PIN. Enter it to confirm.
    .cli = Give it on standard input with --pin-stdin.

## QR pay, payment codes, orders and merchants (issue 4)

QR_EMPTY = The code is empty. Choose another image or paste the code again.
QR_CRC_MISMATCH = This QR code is damaged or was changed (its checksum is wrong). Do not pay it; ask the merchant for their code again.
QR_MALFORMED_TLV = This QR code is not well formed. Ask the merchant to show their code again.
QR_MISSING_FIELD = This QR code lacks information a payment code must have. Ask the merchant for another code.
QR_INVALID_FIELD = Part of this QR code is not valid. Ask the merchant for another code.
QR_NOT_PAYABLE = This code cannot be paid with Wallet.
QR_IMAGE_UNREADABLE = This file could not be read as a picture. Choose a PNG or JPEG image of at most 20 MB.
QR_NOT_FOUND = No QR code was found in this picture. Choose a sharper image where the whole code shows.
MERCHANT_NOT_FOUND = This merchant is not known to Wallet. Do not pay; ask the merchant for their Wallet code.
MERCHANT_KEY_INVALID = The merchant’s key is not valid.
MERCHANT_INVALID = The merchant’s name, city or category is not valid.
ORDER_NOT_FOUND = This order does not exist. Ask the merchant for a new code.
ORDER_ALREADY_PAID = This order is already paid. Nothing more to do; ask the merchant if unsure.
ORDER_EXPIRED = This order expired and can no longer be paid. Ask the merchant for a new one.
ORDER_CLOSED = This order was declined or cancelled. Ask the merchant for a new one if you still want to pay.
AMOUNT_REQUIRED = Enter the amount to pay, like 23.50.
    .cli = Give it with --amount.
AMOUNT_LOCKED = The merchant set the amount of this code; it cannot be changed.
REFUND_NOT_ALLOWED = This refund is not possible.
PAYCODE_INVALID = This payment code is no longer valid. Show the new code.
PAYCODE_USED = This payment code was already used. Show the new code.
PAYCODE_NOT_PROVISIONED = Payment codes are not set up on this device yet. Connect to the internet once, then try again.
PAYER_NOT_FOUND = No Wallet account has this phone number.
NOTIFY_URL_INVALID = The notice URL is not valid.

## lost phone (issue 5)

ACCOUNT_FROZEN = Your account is frozen (a phone was reported lost), so no money can leave it.
    .desktop = Unfreeze it under Account security.
    .cli = Unfreeze it with: wallet unfreeze
COOLING_OFF = Not yet: a new device signed in or the account was unfrozen recently, and at most a small sum in all (withdrawals, transfers and payments together) may leave the account until its 24-hour cooling-off ends.
NOT_FROZEN = Your account is not frozen; there is nothing to unfreeze.
UNFREEZE_DENIED = The ID number or payment PIN is not right. Wrong tries count toward the payment PIN lock.
SMS_LOGIN_DISABLED = Sign-in with an SMS code alone is not available for this number. Sign in with your password and an SMS code.

## transfers (issue 6)

RECIPIENT_NOT_FOUND = No Wallet account has this phone number. Check the number and try again.
TRANSFER_TO_SELF = That is your own number. Enter the phone number of the person you are paying.
RECIPIENT_UNAVAILABLE = This person cannot receive money right now. No money was sent.

## funding sources (issue 14)

SOURCE_INVALID = Choose where the money comes from: the balance, one of your cards or the phone bill, each once.
    .cli = Use balance, card:<card ID> or carrier.
CARRIER_DECLINED = Your mobile carrier declined to put this on your phone bill. Nothing was charged: choose another source.
CARRIER_CAP_REACHED = This month's phone-bill limit is used up. Nothing was charged: choose another source.
CARRIER_UNAVAILABLE = Your mobile carrier cannot be reached right now. Try again in a few minutes.
PAYMENT_PENDING = A payment of this order is still being processed. Wait for its result before paying again.

## generic server

NOT_FOUND = That item no longer exists.
FORBIDDEN = That is not allowed for your account.
SANDBOX_ONLY = This is only available in the test environment.
INTERNAL = Something went wrong on our side. Please try again later.
METHOD_NOT_ALLOWED = The server does not accept this kind of request. Update the app.
REQUEST_TIMEOUT = Wallet took too long to answer. Check your history before trying again: a payment already sent is never made twice.
NOT_READY = Wallet is not available right now. Try again in a minute.

## client only

NOT_SIGNED_IN = You are not signed in. Sign in to continue.
ALREADY_SIGNED_IN = You are already signed in on this device.
NO_PENDING_VERIFICATION = Nothing is waiting for a code. Start again.
STORE_KEY_MISSING = The key to this wallet’s data is missing from your system keyring. Nothing was deleted; restore the keyring or contact support.
STORE_KEY_WRONG = The key in your system keyring does not open this wallet’s data. Nothing was deleted; restore the keyring or contact support.
STORE_CORRUPT = This wallet’s data on this device is damaged. Contact support; your money is safe on the server.
STORE_IO = This wallet’s data could not be read or saved. Check disk space and permissions.
SECRET_STORE_UNAVAILABLE = No system keyring is available.
    .desktop = Unlock or start your keyring (for example GNOME Keyring), then try again.
    .cli = Run it in an unlocked desktop session (Secret Service), then try again.
NETWORK = Cannot reach Wallet. Check your internet connection and try again.
INSECURE_SERVER_URL = The server address is not secure. Use an https:// address (plain http:// only to this computer).
PROTOCOL = The server sent an answer this app does not understand. Please update the app.
SERVER_MISMATCH = This wallet belongs to another server, so nothing was sent. Open it with the server it was set up on, or log out to use another one.
SERVER_REDIRECT = The server tried to send this request somewhere else. The app does not follow such redirects; nothing was sent on. Check the server address.
APP_LOCKED = Wallet is locked. Unlock it with your payment PIN.
