"""Open extensions and extended properties in Graph's JSON, and `$expand` of them with their `$filter`
(`extensions($filter=id eq 'Com.Contoso.Ref')`, `singleValueExtendedProperties($filter=id eq '…' or id eq '…')`)."""

from __future__ import annotations

import re
from typing import Any

from calgraph.core import extended_properties, extensions
from calgraph.core.errors import BadRequest
from calgraph.core.model import Event, Message, OpenExtension
from calgraph.http.odata import split_top_level

EXTENSIONS = "extensions"
SINGLE = "singleValueExtendedProperties"
MULTI = "multiValueExtendedProperties"
NAMES = frozenset({EXTENSIONS, SINGLE, MULTI})
_CANON = {name.lower(): name for name in NAMES}
_ID_TERM = re.compile(r"^\(*\s*id\s+eq\s+'((?:[^']|'')*)'\s*\)*$", re.IGNORECASE)


def extension_json(extension: OpenExtension) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.openTypeExtension", "id": extensions.extension_id(extension),
            "extensionName": extension.name, **extension.data}


def expand_filters(options: dict[str, str]) -> dict[str, tuple[str, ...] | None]:
    """The extras a `$expand` names, each with the ids its `$filter` keeps (None: all of them)."""
    out: dict[str, tuple[str, ...] | None] = {}
    for item in split_top_level(options.get("$expand", "")):
        name, _, rest = item.partition("(")
        canon = _CANON.get(name.strip().lower())
        if canon is None:
            continue
        out[canon] = _ids(canon, rest[:-1] if rest.endswith(")") else rest) if rest else None
    return out


def _ids(name: str, nested: str) -> tuple[str, ...] | None:
    key, _, value = nested.strip().partition("=")
    if key.strip().lower() not in ("$filter", "filter"):
        raise BadRequest(f"The query option '{key.strip()}' is not supported in the $expand of '{name}'.")
    wanted = []
    for term in re.split(r"\s+or\s+", value.strip(), flags=re.IGNORECASE):
        found = _ID_TERM.match(term.strip())
        if found is None:
            raise BadRequest(f"The $filter of an expanded '{name}' must be of the form id eq '…'.")
        raw = found.group(1).replace("''", "'")
        if name == EXTENSIONS:
            wanted.append(extensions.name_of(raw))
        else:
            wanted.append(extended_properties.canonical_id(raw, multi=name == MULTI))
    return tuple(wanted)


def expanded(item: Event | Message, wanted: dict[str, tuple[str, ...] | None]) -> dict[str, Any]:
    """The expanded extras of one item, Graph-shaped."""
    out: dict[str, Any] = {}
    if EXTENSIONS in wanted:
        names = wanted[EXTENSIONS]
        keep = None if names is None else {n.lower() for n in names}
        out[EXTENSIONS] = [extension_json(e) for e in item.extensions if keep is None or e.name.lower() in keep]
    if SINGLE in wanted:
        out[SINGLE] = [{"id": p.id, "value": p.value}
                       for p in extended_properties.matching(item.single_value_properties, wanted[SINGLE])]
    if MULTI in wanted:
        out[MULTI] = [{"id": p.id, "value": list(p.values)}
                      for p in extended_properties.matching(item.multi_value_properties, wanted[MULTI])]
    return out
