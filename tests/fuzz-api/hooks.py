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
import datetime
import json
import os
import random

import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
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
# A web checkout's return_url: the server also refuses user names, backslashes, bad ports.
RETURN_URLS = st.sampled_from([
    "https://shop.example/return",
    "http://127.0.0.1:8080/done?cart=7",
    "https://[::1]:8443/r#top",
])
schemathesis.openapi.format("return-url", RETURN_URLS)

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


SIGNING_HEADERS = ("x-wallet-device", "x-wallet-timestamp", "x-wallet-nonce", "x-wallet-signature")


def _left_out_headers(case):
    """The credentials a case leaves out on purpose (to see them refused): Schemathesis draws a
    value for each security header of a valid request, and drops some to test the refusal."""
    mode = getattr(getattr(getattr(case, "meta", None), "generation", None), "mode", None)
    if mode is None or mode.is_positive:
        return set()
    present = {name.lower() for name in (case.headers or {})}
    return {h for h in SIGNING_HEADERS + ("authorization",) if h not in present}


# --- values whose rule no schema states ------------------------------------------------------
# The coverage phase draws boundary values from `pattern` and lengths, not from the format
# generators above: a value that breaks its format's rule is replaced by one that keeps it.

rng = random.Random(20261207)


def _valid_phone(v):
    digits = "".join(c for c in str(v) if c.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return len(digits) == 11 and digits[:3] in PREFIXES


def _valid_resident_id(v):
    v = str(v).upper()
    if len(v) != 18 or not v[:17].isdigit():
        return False
    try:
        datetime.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return int(v[6:10]) >= 1900 and _resident_id(v[:6], int(v[6:10]), int(v[10:12]), int(v[12:14]), v[14:17]) == v


def _valid_key(v):
    try:
        Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(str(v) + "=="))
        return base64.urlsafe_b64encode(base64.urlsafe_b64decode(str(v) + "==")).rstrip(b"=").decode() == v
    except Exception:
        return False


REPAIRS = {
    "phone": (_valid_phone, lambda: _phone(rng.choice(PREFIXES), f"{rng.randrange(10**8):08d}", rng.randrange(3))),
    "cn-resident-id": (_valid_resident_id, lambda: STATE["id_number"]),
    "new-password": (lambda v: False, lambda: "-".join(rng.sample(WORDS, 4)) + f"-{rng.randrange(10, 99)}"),
    "payment-pin": (lambda v: v == STATE["pin"], lambda: STATE["pin"]),
    "new-payment-pin": (lambda v: v == STATE["pin"], lambda: STATE["pin"]),
    "card-number": (lambda v: v in STATE["cards"], lambda: rng.choice(STATE["cards"])),
    # Not every 32 bytes are a point of the curve, and `cryptography` does not check: always new.
    "ed25519-public-key": (lambda v: False, lambda: b64url(Ed25519PrivateKey.generate().public_key().public_bytes_raw())),
    "emvco-qr": (lambda v: v in STATE["payloads"], lambda: rng.choice(STATE["payloads"])),
    "return-url": (lambda v: False, lambda: "https://shop.example/return"),
}

DOC = STATE["openapi"]


def _resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = DOC["components"]["schemas"][name]
    return schema


def _properties(schema):
    """Property schemas of an object schema, through `$ref`, `allOf` and nullable `oneOf`."""
    schema = _resolve(schema)
    props = {}
    if not isinstance(schema, dict):
        return props
    for part in schema.get("allOf", []) + schema.get("oneOf", []):
        for k, v in _properties(part).items():
            props.setdefault(k, v)
    for k, v in (schema.get("properties") or {}).items():
        props[k] = _resolve(v)
    return props


def _format_of(schema):
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return None
    if "format" in schema:
        return schema["format"]
    for part in schema.get("oneOf", []):
        f = _format_of(part)
        if f:
            return f
    return None


def _repair_object(value, schema):
    if not isinstance(value, dict):
        return
    for key, sub in _properties(schema).items():
        if key not in value or value[key] is None:
            continue
        fmt = _format_of(sub)
        if fmt in REPAIRS:
            valid, make = REPAIRS[fmt]
            if not isinstance(value[key], str) or not valid(value[key]):
                value[key] = make()
        elif isinstance(value[key], dict):
            _repair_object(value[key], sub)
    # Integers are written without a fraction part (`9733`, not `9733.0`): JSON Schema counts
    # both as integers, serde reads only the first.
    for key, v in list(value.items()):
        if isinstance(v, float) and v.is_integer():
            value[key] = int(v)


def _repair_valid_case(case):
    # Every case, negative ones too: a format's rule is invisible to schema validation, so a
    # repair never makes a case valid or invalid; and the hooks' own changes (the merchant id in
    # the path, the credentials) can turn a negative case into a valid one.
    op = DOC["paths"].get(case.operation.path, {}).get(case.method.lower(), {})
    body_schema = (
        op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    )
    if body_schema is not None and isinstance(case.body, dict):
        _repair_object(case.body, body_schema)
        # A static code asks the payer for the amount (AMOUNT_REQUIRED without it).
        if case.operation.path == "/v1/qr/payments" and case.body.get("payload") == STATE["payloads"][0]:
            if case.body.get("amount") is None:
                case.body["amount"] = {"minor": 100, "currency": "CNY"}
    for param in op.get("parameters", []):
        if param.get("in") == "query" and _format_of(param.get("schema", {})) in REPAIRS:
            query = case.query if isinstance(case.query, dict) else None
            name = param["name"]
            if query is not None and query.get(name) is not None:
                valid, make = REPAIRS[_format_of(param["schema"])]
                if not valid(query[name]):
                    query[name] = make()


@schemathesis.hook
def before_call(context, case, kwargs):
    _spare_the_fuzz_account(case)
    _repair_valid_case(case)
    left_out = _left_out_headers(case)
    schemes = _schemes(case.operation)
    if "wallet_device" in schemes:
        kwargs["auth"] = SIGNER.without(left_out)
    if "merchant_key" in schemes:
        if case.path_parameters is not None and "merchant_id" in case.path_parameters:
            case.path_parameters["merchant_id"] = STATE["merchant_id"]
        headers = dict(case.headers or {})
        if "authorization" not in left_out:
            headers["Authorization"] = f"Bearer {STATE['merchant_key']}"
        case.headers = headers
