"""MAPI extended properties on an item: ids checked and spelled canonically, values checked by type.

An id takes one of three forms, as Exchange's:
  `{type} {guid} Name {name}`   a named property in a property set
  `{type} {guid} Id {number}`   a numbered property in a property set (0x… or decimal)
  `{type} {tag}`                a tagged property (0x0001 … 0xFFFF, or decimal)
Single-value properties take the scalar types, multi-value ones the `…Array` types. Ids compare
case-insensitively (`key`); an item keeps one value per id."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from datetime import datetime

from calgraph.core.item_errors import InvalidExtendedProperty, InvalidExtendedPropertyValue, InvalidPropertyId
from calgraph.core.model import MultiValueProperty, SingleValueProperty

SCALAR_TYPES = ("ApplicationTime", "Binary", "Boolean", "CLSID", "Currency", "Double", "Float", "Integer",
                "Long", "Short", "String", "SystemTime")
ARRAY_TYPES = tuple(f"{name}Array" for name in SCALAR_TYPES if name != "Boolean")
MAX_PER_ITEM = 100
MAX_VALUE = 32_000

_TYPES = {name.lower(): name for name in (*SCALAR_TYPES, *ARRAY_TYPES)}
_NUMBER = re.compile(r"^(0x[0-9a-fA-F]{1,8}|\d{1,10})$")
_INT_RANGE = {"Short": 2**15, "Integer": 2**31, "Long": 2**63, "Currency": 2**63}


def canonical_id(raw: str, multi: bool = False) -> str:
    """The id in its canonical spelling, or Graph's 400 for a malformed one (or a type that does
    not fit a single- or multi-value property)."""
    parts = raw.strip().split(" ", 3) if isinstance(raw, str) else []
    if len(parts) not in (2, 4) or any(not p for p in parts[:3]):
        raise InvalidPropertyId()
    kind = _TYPES.get(parts[0].lower())
    if kind is None:
        raise InvalidPropertyId()
    if kind.endswith("Array") != multi:
        raise InvalidExtendedProperty()
    if len(parts) == 2:
        tag = _number(parts[1])
        if tag is None or not 0 < tag <= 0xFFFF:
            raise InvalidPropertyId()
        return f"{kind} 0x{tag:04x}"
    guid_text, form, name = parts[1], parts[2].lower(), parts[3]
    try:
        guid = uuid.UUID(guid_text.strip("{}"))
    except ValueError:
        raise InvalidPropertyId() from None
    if form == "name" and name.strip():
        return f"{kind} {{{guid}}} Name {name}"
    if form == "id":
        number = _number(name)
        if number is None:
            raise InvalidPropertyId()
        return f"{kind} {{{guid}}} Id 0x{number:04x}"
    raise InvalidPropertyId()


def key(property_id: str) -> str:
    return property_id.lower()


def _number(text: str) -> int | None:
    if not _NUMBER.match(text):
        return None
    return int(text, 16) if text.lower().startswith("0x") else int(text)


def check_value(kind: str, value: str) -> str:
    """A value as the property's type reads it (the string is kept as given)."""
    scalar = kind.removesuffix("Array")
    if not isinstance(value, str):
        raise InvalidExtendedPropertyValue(f"The value of a '{kind}' extended property must be a string.")
    if len(value) > MAX_VALUE:
        raise InvalidExtendedPropertyValue(f"An extended property value is at most {MAX_VALUE} characters.")
    if scalar in _INT_RANGE:
        if not re.fullmatch(r"-?\d{1,20}", value.strip()) or not -_INT_RANGE[scalar] <= int(value) < _INT_RANGE[scalar]:
            raise InvalidExtendedPropertyValue(f"The value '{value}' is not a valid {scalar}.")
    elif scalar in ("Double", "Float", "ApplicationTime"):
        try:
            float(value)
        except ValueError:
            raise InvalidExtendedPropertyValue(f"The value '{value}' is not a valid {scalar}.") from None
    elif scalar == "Boolean":
        if value.strip().lower() not in ("true", "false"):
            raise InvalidExtendedPropertyValue(f"The value '{value}' is not a valid Boolean.")
    elif scalar == "SystemTime":
        try:
            datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidExtendedPropertyValue(f"The value '{value}' is not a valid SystemTime.") from None
    elif scalar == "CLSID":
        try:
            uuid.UUID(value.strip("{}"))
        except ValueError:
            raise InvalidExtendedPropertyValue(f"The value '{value}' is not a valid CLSID.") from None
    elif scalar == "Binary":
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidExtendedPropertyValue(f"The value of a Binary property must be base64.") from None
    return value


def single(raw_id: str, value: str | None) -> SingleValueProperty:
    property_id = canonical_id(raw_id)
    if value is None:
        raise InvalidExtendedPropertyValue("An extended property needs a value.")
    return SingleValueProperty(property_id, check_value(property_id.split(" ", 1)[0], value))


def multi(raw_id: str, values: list[str] | tuple[str, ...] | None) -> MultiValueProperty:
    property_id = canonical_id(raw_id, multi=True)
    if values is None or not isinstance(values, (list, tuple)):
        raise InvalidExtendedPropertyValue("A multi-value extended property needs a list of values.")
    kind = property_id.split(" ", 1)[0]
    return MultiValueProperty(property_id, tuple(check_value(kind, v) for v in values))


def merged(existing: tuple, given: tuple) -> tuple:
    """`existing` with each of `given` set: one replaces the property of its id (in place), or is added."""
    out = list(existing)
    where = {key(p.id): n for n, p in enumerate(out)}
    for prop in given:
        n = where.get(key(prop.id))
        if n is None:
            where[key(prop.id)] = len(out)
            out.append(prop)
        else:
            out[n] = prop
    if len(out) > MAX_PER_ITEM:
        raise InvalidExtendedPropertyValue(f"An item holds at most {MAX_PER_ITEM} extended properties of a kind.")
    return tuple(out)


def matching(props: tuple, wanted_ids: tuple[str, ...] | None) -> list:
    """The properties whose ids are among `wanted_ids` (canonical), all when None."""
    if wanted_ids is None:
        return list(props)
    keys = {key(i) for i in wanted_ids}
    return [p for p in props if key(p.id) in keys]
