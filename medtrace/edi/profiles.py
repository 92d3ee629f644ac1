"""A consignor's EANCOM dialect: which segment carries the lot, which date is the expiry...

A profile is a dict (or a JSON file holding one); every key is optional::

    {"name": "ACME Medical",
     "lot_segments": ["GIN"],                 # where the batch number is read: PIA, GIN
     "expiry_qualifiers": ["361"],            # DTM 2005 codes read as expiry_date
     "production_qualifiers": ["94"],         # DTM 2005 codes read as production_date
     "lin_item_id": "typed",                  # LIN C212: typed | gtin | product_code
     "gtin_types": ["EN", "SRV"],             # 7143 item types that are GTINs
     "product_code_types": ["SA", "VN"],      # 7143 item types read as product_code
     "price_qualifiers": ["AAA"],             # PRI 5125 read as unit_price, by preference
     "quantity_qualifiers": {"receipt_confirmation": ["194", "48"]},  # QTY 6063 -> quantity
     "document_codes": {"purchase_order": ["220", "105"]}}           # BGM 1001 accepted

Unknown keys or values are refused (``profile_unknown_key``, ``profile_bad_value``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import EdiError

DEFAULT_PROFILE = {
    "name": "",
    "lot_segments": ["PIA", "GIN"],
    "expiry_qualifiers": ["36", "361"],
    "production_qualifiers": ["94"],
    "lin_item_id": "typed",
    "gtin_types": ["EN", "SRV"],
    "product_code_types": ["SA", "VN"],
    "price_qualifiers": ["AAA"],
    "quantity_qualifiers": {},
    "document_codes": {},
}
LIN_ITEM_IDS = ("typed", "gtin", "product_code")
LOT_SEGMENTS = ("PIA", "GIN")
_CODE = re.compile(r"[A-Z0-9]{1,3}")


def _codes(key, value, allowed=None) -> list:
    if not isinstance(value, list) or not value:
        raise EdiError(
            "profile_bad_value", key=key, value=_shown(value), expected="a non-empty list of codes"
        )
    for item in value:
        if (
            not isinstance(item, str)
            or not _CODE.fullmatch(item)
            or (allowed and item not in allowed)
        ):
            raise EdiError(
                "profile_bad_value",
                key=key,
                value=_shown(item),
                expected=", ".join(allowed)
                if allowed
                else "EDIFACT codes of 1 to 3 capital letters or digits",
            )
    return list(value)


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False)[:80] if not isinstance(value, str) else value[:80]


def _per_type(key, value) -> dict:
    from .schemas import SCHEMAS

    if not isinstance(value, dict):
        raise EdiError(
            "profile_bad_value",
            key=key,
            value=_shown(value),
            expected="an object keyed by message type",
        )
    typed = [name for name, schema in SCHEMAS.items() if schema.edifact]
    result = {}
    for message_type, codes in value.items():
        if message_type not in typed:
            raise EdiError(
                "profile_bad_value", key=key, value=_shown(message_type), expected=", ".join(typed)
            )
        result[message_type] = _codes(f"{key}.{message_type}", codes)
    return result


def validate_profile(profile) -> dict:
    """The complete profile (defaults filled in), or EdiError naming the wrong key/value."""
    if not isinstance(profile, dict):
        raise EdiError(
            "profile_bad_value", key="(profile)", value=_shown(profile), expected="a JSON object"
        )
    result = {
        k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
        for k, v in DEFAULT_PROFILE.items()
    }
    for key, value in profile.items():
        if key not in DEFAULT_PROFILE:
            raise EdiError(
                "profile_unknown_key", key=str(key)[:60], expected=", ".join(DEFAULT_PROFILE)
            )
        if key == "name":
            if not isinstance(value, str):
                raise EdiError("profile_bad_value", key=key, value=_shown(value), expected="a text")
            result[key] = value
        elif key == "lin_item_id":
            if value not in LIN_ITEM_IDS:
                raise EdiError(
                    "profile_bad_value",
                    key=key,
                    value=_shown(value),
                    expected=", ".join(LIN_ITEM_IDS),
                )
            result[key] = value
        elif key == "lot_segments":
            result[key] = _codes(key, value, LOT_SEGMENTS)
        elif key in ("quantity_qualifiers", "document_codes"):
            result[key] = _per_type(key, value)
        else:
            result[key] = _codes(key, value)
    return result


def load_profile(profile) -> dict:
    """A validated profile from None (the defaults), a dict, or a JSON file's path."""
    if profile is None:
        return validate_profile({})
    if isinstance(profile, str | Path):
        try:
            text = Path(profile).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise EdiError(
                "profile_unreadable", value=str(profile)[:200], reason=exc.strerror or str(exc)
            )
        try:
            profile = json.loads(text)
        except ValueError as exc:
            raise EdiError("profile_unreadable", value=str(profile)[:200], reason=str(exc))
    if isinstance(profile, dict) and profile.get("_validated") is True:
        return profile
    result = validate_profile(profile)
    result["_validated"] = True
    return result
