"""Schemathesis hooks for the contract fuzz run (tests/fuzz-api/run.sh; docs/api.md).

- Signed operations (`wallet_device` in the document) are signed the way devices sign, for the
  device setup_fuzz.py enrolled: the fuzzer reaches them instead of only their 401.
- Merchant operations get the fuzz merchant's id in the path and its API key.
- The formats the document names for rules a schema cannot state (a valid mobile number, an ID
  number's check digit, a strong password, a PIN that is not weak, a Luhn-valid card, a point
  of the Ed25519 curve, a payable EMVCo payload, the account's own PIN) get generators of
  values that keep them, so a request the document calls valid is valid.
"""

import base64
import json
import os

import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from signing import DeviceSigner, b64url

STATE = json.load(open(os.environ["WALLET_FUZZ_STATE"]))
SIGNER = DeviceSigner(
    STATE["device_id"],
    Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(STATE["private_key"] + "==")),
)

# --- formats ---------------------------------------------------------------------------------

# Mainland China mobile prefixes that libphonenumber knows as mobile.
PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
            "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182",
            "183", "185", "186", "187", "188", "189", "198", "199"]


def _phone(prefix: str, rest: str, style: int) -> str:
    number = prefix + rest
    if style == 0:
        return number
    if style == 1:
        return "+86" + number
    return f"+86 {number[:3]} {number[3:7]} {number[7:]}"


PHONES = st.builds(
    _phone,
    st.sampled_from(PREFIXES),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.integers(0, 2),
) | st.just(STATE["phone"])

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _resident_id(region: str, year: int, month: int, day: int, seq: str) -> str:
    first17 = f"{region}{year:04d}{month:02d}{day:02d}{seq}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return first17 + "10X98765432"[total % 11]


RESIDENT_IDS = st.builds(
    _resident_id,
    st.sampled_from(["110105", "310101", "440305", "510104"]),
    st.integers(1930, 2005),
    st.integers(1, 12),
    st.integers(1, 28),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
) | st.just(STATE["id_number"])

WORDS = ["correct", "Horse", "battery", "staple", "violet", "Quartz", "lantern", "Harbor",
         "meadow", "Falcon", "tundra", "Glacier", "saffron", "Orchid", "cobalt", "Walnut"]
NEW_PASSWORDS = st.builds(
    lambda words, n: "-".join(words) + f"-{n}",
    st.lists(st.sampled_from(WORDS), min_size=4, max_size=5, unique=True),
    st.integers(10, 99),
)

ED25519_KEYS = st.binary(min_size=32, max_size=32).map(
    lambda seed: b64url(Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw())
)

schemathesis.openapi.format("phone", PHONES)
schemathesis.openapi.format("cn-resident-id", RESIDENT_IDS)
schemathesis.openapi.format("new-password", NEW_PASSWORDS)
schemathesis.openapi.format("password", st.just(STATE["password"]) | NEW_PASSWORDS)
# The account's own PIN, so the fuzzer does not lock it in the first seconds; a new PIN is
# the same one again (never weak, and the hooks keep knowing it).
schemathesis.openapi.format("payment-pin", st.just(STATE["pin"]))
schemathesis.openapi.format("new-payment-pin", st.just(STATE["pin"]))
schemathesis.openapi.format("card-number", st.sampled_from(STATE["cards"]))
schemathesis.openapi.format("ed25519-public-key", ED25519_KEYS)
schemathesis.openapi.format("emvco-qr", st.sampled_from(STATE["payloads"]))

# --- requests --------------------------------------------------------------------------------


def _schemes(operation) -> set:
    security = operation.definition.raw.get("security") or []
    return {name for requirement in security for name in requirement}


OTHER_PHONE = "+8613800000000"


def _spare_the_fuzz_account(case):
    """Reporting the fuzz account lost, freezing it or revoking the fuzz device signs the run
    out: every signed route would answer only 401 from then on. Those flows are the in-process
    suites' business (server/tests/lost_phone.rs, accounts.rs); here a report names another
    number, and a freeze or a revocation a device that does not exist (404)."""
    params = case.path_parameters or {}
    if params.get("device_id") == STATE["device_id"]:
        # Schemathesis learns ids from answers (GET /v1/devices): revoking this device is
        # signing the fuzz run out.
        params["device_id"] = "dev_not_a_device"
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if case.path == "/v1/report-lost" and isinstance(body.get("phone"), str):
        digits = "".join(c for c in body["phone"] if c.isdigit())
        if digits.endswith(STATE["phone"][-11:]):
            body["phone"] = OTHER_PHONE
    if case.path == "/v1/account/freeze":
        body["device_id"] = "dev_not_a_device"


def _left_out_header(case):
    """The header a coverage case leaves out on purpose (to see it refused), if any."""
    data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
    scenario = getattr(getattr(data, "scenario", None), "value", None)
    location = getattr(getattr(data, "parameter_location", None), "value", None)
    if scenario == "missing_parameter" and location == "header" and getattr(data, "parameter", None):
        return data.parameter.lower()
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    _spare_the_fuzz_account(case)
    left_out = _left_out_header(case)
    schemes = _schemes(case.operation)
    if "wallet_device" in schemes:
        kwargs["auth"] = SIGNER.without(left_out)
    if "merchant_key" in schemes:
        if case.path_parameters is not None and "merchant_id" in case.path_parameters:
            case.path_parameters["merchant_id"] = STATE["merchant_id"]
        headers = dict(case.headers or {})
        if left_out != "authorization":
            headers["Authorization"] = f"Bearer {STATE['merchant_key']}"
        case.headers = headers
