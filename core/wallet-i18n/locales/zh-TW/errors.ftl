# Wallet error messages, Traditional Chinese (zh-TW).
# One message per ErrorCode, its id the wire code (core/wallet-protocol/src/error.rs).
# The value is what every surface shows (CLI, desktop, SDK hosts); an attribute adds a
# hint only one surface can give: .cli (a command to run), .desktop (a screen to open).
# See core/wallet-i18n/README.md before adding or changing one.

## input validation (client and server)

MALFORMED_REQUEST = 應用程式傳送的內容伺服器無法讀取，請更新應用程式。
PHONE_INVALID = 請輸入有效的手機號碼，例如 138 0013 8000。
ID_NUMBER_INVALID = 請輸入有效的 18 碼居民身分證號碼。
NAME_INVALID = 請輸入與居民身分證一致的真實姓名。
PASSWORD_WEAK = 此密碼太容易被猜到，請再加一個不常見的詞。
OTP_FORMAT_INVALID = 驗證碼為 6 位數字。
TEXT_HIDDEN_CHARACTER = 文字中含有會改變顯示效果的隱形字元（文字方向或零寬標記），請刪除後重試。

## account and credentials

PHONE_TAKEN = 此號碼已註冊，請直接登入。
CREDENTIALS_INVALID = 手機號碼或密碼錯誤。
OTP_INVALID = 驗證碼不正確，請核對簡訊後重試。
OTP_EXPIRED = 驗證碼已過期，請返回重新取得。
CHALLENGE_NOT_FOUND = 此驗證已失效，請重新開始。
RATE_LIMITED = 嘗試次數過多，請稍後再試。

## request signing and devices

SIGNATURE_MISSING = 無法驗證此裝置的身分，請重新登入。
SIGNATURE_INVALID = 無法驗證此裝置的身分，請重新登入。
TIMESTAMP_SKEW = 裝置時間不正確，請校正時間後重試。
NONCE_REUSED = 請求被重複傳送，請重試。
DEVICE_UNKNOWN = 您的帳戶不認得此裝置，請重新登入。
DEVICE_REVOKED = 此裝置已被登出，其資料已被清除。

## cards, PIN and money (issue 3)

CARD_NUMBER_INVALID = 請檢查卡號：這不是有效的銀行卡號。
CARD_ALREADY_BOUND = 這張卡已經在您的錢包裡了。
CARD_NOT_FOUND = 這張卡已不在您的錢包中，請選擇其他卡。
CARD_SUSPENDED = 這張卡已掛失，不能收付資金，請選擇其他卡。
CARD_NOT_DEBIT = 提領只能轉到儲蓄卡，請選擇或新增一張儲蓄卡。
NO_CARD = 請先新增銀行卡。
CARD_HOLDER_MISMATCH = 銀行顯示這張卡的持卡人不是您。只能新增本人實名的銀行卡。
CARD_DECLINED = 銀行拒絕了此交易。請換一張卡，或向銀行詢問原因。
CARD_REPORTED_LOST = 銀行顯示這張卡已掛失或遭竊，請使用其他卡。
BANK_INSUFFICIENT_FUNDS = 銀行卡餘額不足。請減少金額或換一張卡。
BANK_UNAVAILABLE = 暫時無法連線銀行，請幾分鐘後重試。
BINDING_NOT_FOUND = 這張卡已不在等待驗證碼，請重新新增。
PIN_FORMAT_INVALID = 支付密碼為 6 位數字。
PIN_WEAK = 這個支付密碼太容易被猜到。請避免重複或連續的數字、常見密碼、生日以及手機號碼或身分證號中的數字。
PIN_NOT_SET = 請先設定支付密碼。
    .desktop = 新增第一張銀行卡時即可設定。
    .cli = 設定：wallet pin set --pin-stdin
PIN_ALREADY_SET = 您已經設定了支付密碼。
    .desktop = 可在「支付密碼」中修改。
    .cli = 變更請用 wallet pin change
PIN_WRONG = 支付密碼錯誤，請重試。連續輸錯 5 次將鎖定 3 小時。
PIN_LOCKED = 支付密碼輸錯次數過多，已被鎖定。
    .desktop = 請透過「忘記支付密碼？」重設，或稍後再試。
    .cli = 可用登入密碼和簡訊驗證碼重設（wallet pin reset --password-stdin），或稍後再試。
AMOUNT_INVALID = 請輸入大於零、最多兩位小數的金額，例如 100 或 12.30。
AMOUNT_OVER_LIMIT = 超過單筆限額，請輸入較小的金額。
DAILY_LIMIT_REACHED = 超過今日剩餘額度。請輸入較小的金額，或明天再試。
BALANCE_INSUFFICIENT = 錢包餘額不足。請輸入較小的金額，或先儲值。
IDEMPOTENCY_KEY_MISSING = 應用程式傳送的請求不完整，請重試。
    .cli = --idempotency-key 應為 8–64 位字母、數字、- 或 _。
IDEMPOTENCY_KEY_REUSED = 此請求與先前的請求衝突，請返回重新開始。
PIN_REQUIRED = 此操作需要支付密碼，請輸入後確認。
    .cli = 請用 --pin-stdin 從標準輸入提供。

## QR pay, payment codes, orders and merchants (issue 4)

QR_EMPTY = QR 碼內容為空。請選擇其他圖片或重新貼上。
QR_CRC_MISMATCH = 此 QR 碼已損壞或遭竄改（檢查碼不符）。請勿付款，請商家重新出示收款碼。
QR_MALFORMED_TLV = 此 QR 碼格式不正確。請商家重新出示收款碼。
QR_MISSING_FIELD = 此 QR 碼缺少收款碼必需的資訊。請商家提供其他收款碼。
QR_INVALID_FIELD = 此 QR 碼中有無效內容。請商家提供其他收款碼。
QR_NOT_PAYABLE = 此 QR 碼無法用錢包支付。
QR_IMAGE_UNREADABLE = 無法將此檔案辨識為圖片。請選擇 20 MB 以內的 PNG 或 JPEG 圖片。
QR_NOT_FOUND = 圖片中找不到 QR 碼。請選擇更清晰、QR 碼完整的圖片。
MERCHANT_NOT_FOUND = 錢包中沒有這個商家。請勿付款，請向商家索取錢包收款碼。
MERCHANT_KEY_INVALID = 商家金鑰無效。
MERCHANT_INVALID = 商家名稱、城市或類別無效。
ORDER_NOT_FOUND = 此訂單不存在。請商家重新產生收款碼。
ORDER_ALREADY_PAID = 此訂單已支付，無需再次付款。如有疑問請聯絡商家。
ORDER_EXPIRED = 此訂單已過期，無法再支付。請聯絡商家重新發起。
ORDER_CLOSED = 此訂單已被拒絕或取消。如仍需付款，請聯絡商家重新發起。
AMOUNT_REQUIRED = 請輸入付款金額，例如 23.50。
    .cli = 請用 --amount 指定。
AMOUNT_LOCKED = 此收款碼的金額由商家設定，不能修改。
REFUND_NOT_ALLOWED = 無法進行此退款。
PAYCODE_INVALID = 此付款碼已失效，請出示新的付款碼。
PAYCODE_USED = 此付款碼已使用過，請出示新的付款碼。
PAYCODE_NOT_PROVISIONED = 本裝置尚未開通付款碼。請連網一次後重試。
PAYER_NOT_FOUND = 此手機號碼沒有錢包帳戶。
NOTIFY_URL_INVALID = 通知網址無效。

## lost phone (issue 5)

ACCOUNT_FROZEN = 您的帳戶已凍結（有手機被掛失），資金無法轉出。
    .desktop = 請在「帳戶安全」中解凍。
    .cli = 解凍請用 wallet unfreeze
COOLING_OFF = 暫不可以：帳戶剛有新裝置登入或剛解凍，提領、轉帳和付款合計超過小額上限的需等 24 小時冷靜期結束。
NOT_FROZEN = 您的帳戶未凍結，無需解凍。
UNFREEZE_DENIED = 身分證號或支付密碼不正確。錯誤次數會計入支付密碼鎖定。
SMS_LOGIN_DISABLED = 此號碼不支援僅用簡訊驗證碼登入。請以密碼和簡訊驗證碼登入。

## transfers (issue 6)

RECIPIENT_NOT_FOUND = 此手機號碼沒有錢包帳戶，請核對後重試。
TRANSFER_TO_SELF = 這是您自己的手機號碼，請輸入收款人的手機號碼。
RECIPIENT_UNAVAILABLE = 對方暫時無法收款，錢未轉出。

## funding sources (issue 14)

SOURCE_INVALID = 請選擇付款方式：餘額、一張銀行卡或話費，每種只能選一次。
    .cli = 請用 balance、card:<卡片 ID> 或 carrier。
CARRIER_DECLINED = 電信業者拒絕將這筆款項計入話費，未扣款。請換一種付款方式。
CARRIER_CAP_REACHED = 本月話費支付額度已用完，未扣款。請換一種付款方式。
CARRIER_UNAVAILABLE = 暫時無法連線電信業者，請幾分鐘後重試。
PAYMENT_PENDING = 這筆訂單的付款正在處理中，請等結果出來後再付款。

## generic server

NOT_FOUND = 該項目已不存在。
FORBIDDEN = 您的帳戶無權執行此操作。
SANDBOX_ONLY = 此功能僅在測試環境中可用。
INTERNAL = 我們這邊出了點問題，請稍後再試。
METHOD_NOT_ALLOWED = 伺服器不接受這種請求方式，請更新應用程式。
REQUEST_TIMEOUT = 錢包服務回應逾時。重試前請先查看帳單：已送出的付款不會重複扣款。
NOT_READY = 錢包服務暫時無法使用，請稍後再試。

## client only

NOT_SIGNED_IN = 您尚未登入，請登入後繼續。
ALREADY_SIGNED_IN = 您已在此裝置上登入。
NO_PENDING_VERIFICATION = 目前沒有等待驗證碼的操作，請重新開始。
STORE_KEY_MISSING = 系統鑰匙圈中缺少此錢包資料的金鑰。資料未被刪除；請還原鑰匙圈或聯絡客服。
STORE_KEY_WRONG = 系統鑰匙圈中的金鑰無法開啟此錢包的資料。資料未被刪除；請還原鑰匙圈或聯絡客服。
STORE_CORRUPT = 本機上的錢包資料已損毀。請聯絡客服；您的資金安全保存在伺服器上。
STORE_IO = 無法讀取或儲存錢包資料，請檢查磁碟空間和權限。
SECRET_STORE_UNAVAILABLE = 沒有可用的系統鑰匙圈。
    .desktop = 請解鎖或啟動鑰匙圈（例如 GNOME 鑰匙圈）後重試。
    .cli = 請在已解鎖的桌面工作階段（Secret Service）中執行後重試。
NETWORK = 無法連線到錢包服務，請檢查網路後重試。
INSECURE_SERVER_URL = 伺服器位址不安全，請使用 https:// 位址（僅本機可用 http://）。
PROTOCOL = 伺服器的回應無法辨識，請更新應用程式。
SERVER_MISMATCH = 這個錢包屬於另一台伺服器，未傳送任何內容。請用開通時的伺服器開啟，或登出後再使用其他伺服器。
SERVER_REDIRECT = 伺服器試圖把請求轉到別處。本應用程式不會跟隨這類轉址，也沒有轉送任何內容。請檢查伺服器位址。
APP_LOCKED = 錢包已鎖定，請輸入支付密碼解鎖。
