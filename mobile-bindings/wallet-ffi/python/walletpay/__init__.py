"""The Wallet SDK for Python: `Wallet`, its records and enums, `ErrorCode`.

Every name of the three generated modules (in `walletpay._ffi`: the SDK's own `wallet_ffi`, the
core's `wallet_core`, the protocol's `wallet_protocol`) is importable from here.
"""

from ._ffi import *  # noqa: F401,F403
