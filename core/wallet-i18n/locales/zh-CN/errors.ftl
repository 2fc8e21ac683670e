# Wallet error messages, Simplified Chinese (zh-CN).
# One message per ErrorCode, its id the wire code (core/wallet-protocol/src/error.rs).
# The value is what every surface shows (CLI, desktop, SDK hosts); an attribute adds a
# hint only one surface can give: .cli (a command to run), .desktop (a screen to open).
# See core/wallet-i18n/README.md before adding or changing one.

## input validation (client and server)

MALFORMED_REQUEST = 应用发送的内容服务器无法读取，请更新应用。
PHONE_INVALID = 请输入有效的手机号码，例如 138 0013 8000。
ID_NUMBER_INVALID = 请输入有效的 18 位居民身份证号。
NAME_INVALID = 请输入与居民身份证一致的真实姓名。
PASSWORD_WEAK = 该密码太容易被猜到，请再加一个不常见的词。
OTP_FORMAT_INVALID = 验证码为 6 位数字。
TEXT_HIDDEN_CHARACTER = 文字中含有会改变显示效果的隐形字符（文字方向或零宽标记），请删除后重试。

## account and credentials

PHONE_TAKEN = 该号码已注册，请直接登录。
CREDENTIALS_INVALID = 手机号码或密码错误。
OTP_INVALID = 验证码不正确，请核对短信后重试。
OTP_EXPIRED = 验证码已过期，请返回重新获取。
CHALLENGE_NOT_FOUND = 此验证已失效，请重新开始。
RATE_LIMITED = 尝试次数过多，请稍后再试。

## request signing and devices

SIGNATURE_MISSING = 无法验证此设备的身份，请重新登录。
SIGNATURE_INVALID = 无法验证此设备的身份，请重新登录。
TIMESTAMP_SKEW = 设备时间不正确，请校准时间后重试。
NONCE_REUSED = 请求被重复发送，请重试。
DEVICE_UNKNOWN = 您的账户不认识此设备，请重新登录。
DEVICE_REVOKED = 此设备已被退出登录，其数据已被清除。

## cards, PIN and money (issue 3)

CARD_NUMBER_INVALID = 请检查卡号：这不是有效的银行卡号。
CARD_ALREADY_BOUND = 这张卡已经在您的钱包里了。
CARD_NOT_FOUND = 这张卡已不在您的钱包中，请选择其他卡。
CARD_SUSPENDED = 这张卡已挂失，不能收付资金，请选择其他卡。
CARD_NOT_DEBIT = 提现只能转到储蓄卡，请选择或添加一张储蓄卡。
NO_CARD = 请先添加银行卡。
CARD_HOLDER_MISMATCH = 银行显示这张卡的持卡人不是您。只能添加本人实名的银行卡。
CARD_DECLINED = 银行拒绝了此交易。请换一张卡，或向银行咨询原因。
CARD_REPORTED_LOST = 银行显示这张卡已挂失或被盗，请使用其他卡。
BANK_INSUFFICIENT_FUNDS = 银行卡余额不足。请减少金额或换一张卡。
BANK_UNAVAILABLE = 暂时无法连接银行，请几分钟后重试。
BINDING_NOT_FOUND = 这张卡已不在等待验证码，请重新添加。
PIN_FORMAT_INVALID = 支付密码为 6 位数字。
PIN_WEAK = 这个支付密码太容易被猜到。请避免重复或连续的数字、常见密码、生日以及手机号或身份证号中的数字。
PIN_NOT_SET = 请先设置支付密码。
    .desktop = 添加第一张银行卡时即可设置。
    .cli = 设置：wallet pin set --pin-stdin
PIN_ALREADY_SET = 您已经设置了支付密码。
    .desktop = 可在“支付密码”中修改。
    .cli = 修改请用 wallet pin change
PIN_WRONG = 支付密码错误，请重试。连续输错 5 次将锁定 3 小时。
PIN_LOCKED = 支付密码输错次数过多，已被锁定。
    .desktop = 请通过“忘记支付密码？”重置，或稍后再试。
    .cli = 可用登录密码和短信验证码重置（wallet pin reset --password-stdin），或稍后再试。
AMOUNT_INVALID = 请输入大于零、最多两位小数的金额，例如 100 或 12.30。
AMOUNT_OVER_LIMIT = 超过单笔限额，请输入较小的金额。
DAILY_LIMIT_REACHED = 超过今日剩余额度。请输入较小的金额，或明天再试。
BALANCE_INSUFFICIENT = 钱包余额不足。请输入较小的金额，或先充值。
IDEMPOTENCY_KEY_MISSING = 应用发送的请求不完整，请重试。
    .cli = --idempotency-key 应为 8–64 位字母、数字、- 或 _。
IDEMPOTENCY_KEY_REUSED = 此请求与之前的请求冲突，请返回重新开始。
PIN_REQUIRED = 此操作需要支付密码，请输入后确认。
    .cli = 请用 --pin-stdin 从标准输入提供。

## QR pay, payment codes, orders and merchants (issue 4)

QR_EMPTY = 二维码内容为空。请选择其他图片或重新粘贴。
QR_CRC_MISMATCH = 此二维码已损坏或被篡改（校验码不符）。请勿付款，请商家重新出示收款码。
QR_MALFORMED_TLV = 此二维码格式不正确。请商家重新出示收款码。
QR_MISSING_FIELD = 此二维码缺少收款码必需的信息。请商家提供其他收款码。
QR_INVALID_FIELD = 此二维码中有无效内容。请商家提供其他收款码。
QR_NOT_PAYABLE = 此二维码无法用钱包支付。
QR_IMAGE_UNREADABLE = 无法将此文件识别为图片。请选择 20 MB 以内的 PNG 或 JPEG 图片。
QR_NOT_FOUND = 图片中未找到二维码。请选择更清晰、二维码完整的图片。
MERCHANT_NOT_FOUND = 钱包中没有这个商家。请勿付款，请向商家索取钱包收款码。
MERCHANT_KEY_INVALID = 商家密钥无效。
MERCHANT_INVALID = 商家名称、城市或类别无效。
ORDER_NOT_FOUND = 此订单不存在。请商家重新生成收款码。
ORDER_ALREADY_PAID = 此订单已支付，无需再次付款。如有疑问请联系商家。
ORDER_EXPIRED = 此订单已过期，无法再支付。请联系商家重新发起。
ORDER_CLOSED = 此订单已被拒绝或取消。如仍需付款，请联系商家重新发起。
AMOUNT_REQUIRED = 请输入付款金额，例如 23.50。
    .cli = 请用 --amount 指定。
AMOUNT_LOCKED = 此收款码的金额由商家设定，不能修改。
REFUND_NOT_ALLOWED = 无法进行此退款。
PAYCODE_INVALID = 此付款码已失效，请出示新的付款码。
PAYCODE_USED = 此付款码已使用过，请出示新的付款码。
PAYCODE_NOT_PROVISIONED = 本设备尚未开通付款码。请联网一次后重试。
PAYER_NOT_FOUND = 该手机号没有钱包账户。
NOTIFY_URL_INVALID = 通知地址无效。

## lost phone (issue 5)

ACCOUNT_FROZEN = 您的账户已冻结（有手机被挂失），资金无法转出。
    .desktop = 请在“账户安全”中解冻。
    .cli = 解冻请用 wallet unfreeze
COOLING_OFF = 暂不可以：账户刚有新设备登录或刚解冻，提现、转账和付款合计超过小额上限的需等 24 小时冷静期结束。
NOT_FROZEN = 您的账户未冻结，无需解冻。
UNFREEZE_DENIED = 身份证号或支付密码不正确。错误次数会计入支付密码锁定。
SMS_LOGIN_DISABLED = 该号码不支持仅用短信验证码登录。请用密码和短信验证码登录。

## transfers (issue 6)

RECIPIENT_NOT_FOUND = 该手机号没有钱包账户，请核对后重试。
TRANSFER_TO_SELF = 这是您自己的手机号，请输入收款人的手机号。
RECIPIENT_UNAVAILABLE = 对方暂时无法收款，钱未转出。

## funding sources (issue 14)

SOURCE_INVALID = 请选择付款方式：余额、一张银行卡或话费，每种只能选一次。
    .cli = 请用 balance、card:<卡片 ID> 或 carrier。
CARRIER_DECLINED = 运营商拒绝将这笔款项计入话费，未扣款。请换一种付款方式。
CARRIER_CAP_REACHED = 本月话费支付额度已用完，未扣款。请换一种付款方式。
CARRIER_UNAVAILABLE = 暂时无法连接运营商，请几分钟后重试。
PAYMENT_PENDING = 这笔订单的付款正在处理中，请等结果出来后再付款。

## generic server

NOT_FOUND = 该项目已不存在。
FORBIDDEN = 您的账户无权执行此操作。
SANDBOX_ONLY = 此功能仅在测试环境中可用。
INTERNAL = 我们这边出了点问题，请稍后再试。
METHOD_NOT_ALLOWED = 服务器不接受这种请求方式，请更新应用。
REQUEST_TIMEOUT = 钱包服务响应超时。重试前请先查看账单：已提交的付款不会重复扣款。
NOT_READY = 钱包服务暂时不可用，请稍后再试。

## client only

NOT_SIGNED_IN = 您尚未登录，请登录后继续。
ALREADY_SIGNED_IN = 您已在此设备上登录。
NO_PENDING_VERIFICATION = 当前没有等待验证码的操作，请重新开始。
STORE_KEY_MISSING = 系统钥匙串中缺少此钱包数据的密钥。数据未被删除；请恢复钥匙串或联系客服。
STORE_KEY_WRONG = 系统钥匙串中的密钥无法打开此钱包的数据。数据未被删除；请恢复钥匙串或联系客服。
STORE_CORRUPT = 本机上的钱包数据已损坏。请联系客服；您的资金安全保存在服务器上。
STORE_IO = 无法读取或保存钱包数据，请检查磁盘空间和权限。
SECRET_STORE_UNAVAILABLE = 没有可用的系统钥匙串。
    .desktop = 请解锁或启动钥匙串（例如 GNOME 钥匙环）后重试。
    .cli = 请在已解锁的桌面会话（Secret Service）中运行后重试。
NETWORK = 无法连接钱包服务，请检查网络后重试。
INSECURE_SERVER_URL = 服务器地址不安全，请使用 https:// 地址（仅本机可用 http://）。
PROTOCOL = 服务器的应答无法识别，请更新应用。
SERVER_MISMATCH = 这个钱包属于另一台服务器，未发送任何内容。请用开通时的服务器打开，或退出登录后再使用其他服务器。
SERVER_REDIRECT = 服务器试图把请求转到别处。本应用不会跟随这类跳转，也没有转发任何内容。请检查服务器地址。
APP_LOCKED = 钱包已锁定，请输入支付密码解锁。
