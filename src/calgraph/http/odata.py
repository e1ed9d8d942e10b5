"""OData query options and Prefer headers: raw query string -> ListOptions / Preferences, and nextLinks.

Query-string decoding is form-style like `urllib.parse.parse_qs`: `+` means a space (as in Graph, where
`$filter=start/dateTime+ge+'2017-01-01'` works) and `%2B` a literal plus, which is what the msgraph SDK
sends. Option names match case-insensitively and are lower-cased; the system options may be given
without `$` (`select=`), as Graph allows, and mean the same option (`select` with `$select` is a duplicate).

`Prefer: odata.maxpagesize=N` is the page size of a list (events, calendarView, instances, messages, users
and the short lists) when the request gives no `$top` (at most 1000, as `$top`); it is then echoed as
`Preference-Applied: odata.maxpagesize=N` and repeated in the nextLink as `$top=N`, so every page has the same
size whether or not the client sends the header again. The request's Preferences ride on the options dict
(parse_query_string(raw, prefs), see QueryOptions), so no resource handler has to pass them along.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Literal
from urllib.parse import quote, unquote_to_bytes

from calgraph.core.errors import BadRequest
from calgraph.core.query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ItemQuery
from calgraph.http.odata_filter import FilterTooComplex, ParseUriError, PropertyResolver, parse_filter, parse_orderby

__all__ = [
    "ListOptions", "Preferences", "ParseUriError", "FilterTooComplex", "applied_header", "next_link",
    "parse_expand", "parse_list_options", "parse_prefer", "parse_query_string", "parse_select_only",
]

# OData system options Graph also accepts without "$" (Microsoft Graph blog, "query parameters without $").
_BARE_SYSTEM = {"select", "expand", "orderby", "filter", "top", "skip", "skiptoken", "count", "search", "format"}
# Known OData options calgraph does not implement; any other "$name" is unrecognised.
_UNSUPPORTED = {"$search", "$skiptoken", "$deltatoken", "$format", "$apply", "$compute", "$levels", "$index",
                "$schemaversion", "$id", "$inlinecount"}
_LIST_OPTIONS = ("$select", "$expand", "$filter", "$orderby", "$top", "$skip", "$count")
_INT32_MAX = 2**31 - 1


class QueryOptions(dict):
    """parse_query_string's result: a plain {name: value} dict that also carries the request's
    Preferences (None when not given)."""

    prefs: "Preferences | None" = None


def parse_query_string(raw: bytes | str, prefs: "Preferences | None" = None) -> dict[str, str]:
    """`scope["query_string"]` -> {lower-cased name: decoded value}, in order. Duplicates are a 400."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    out: QueryOptions = QueryOptions()
    out.prefs = prefs
    for piece in data.split(b"&"):
        if not piece:
            continue
        name_b, _, value_b = piece.partition(b"=")
        name, value = _decode(name_b).strip().lower(), _decode(value_b)
        if not name:
            continue
        if name in _BARE_SYSTEM:
            name = "$" + name
        if name in out:
            raise BadRequest(f"Query option '{name}' was specified more than once, but it must be specified at most once.")
        out[name] = value
    return out


def _decode(b: bytes) -> str:
    try:
        text = unquote_to_bytes(b.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The query specified in the URI is not valid.") from None
    if "\x00" in text:  # %00: no database stores it, so no filter value can hold it
        raise BadRequest("The query specified in the URI is not valid.")
    return text


@dataclass(frozen=True)
class ListOptions:
    select: tuple[str, ...] | None            # canonical top-level names; None = every property
    expand: tuple[str, ...]                   # canonical names (nested options such as ($filter=…) are dropped)
    query: ItemQuery
    # The options to repeat in a nextLink: the system options given plus the allowed extras, keyed by
    # "$name" / the extra's spelling in `allowed_extra` (e.g. "startDateTime"), values decoded.
    options: dict[str, str] = field(default_factory=dict, hash=False)


def parse_list_options(
    options: dict[str, str],
    properties: dict[str, type],
    selectable: Iterable[str],
    *,
    allowed_extra: Iterable[str] = frozenset(),
    expandable: Iterable[str] = frozenset(),
    type_name: str = "microsoft.graph.event",
) -> ListOptions:
    """Validate the options of a list request (output of parse_query_string)."""
    _reject_unsupported(options, (*_LIST_OPTIONS, *(e.lower() for e in allowed_extra)))
    resolver = PropertyResolver(properties, selectable, type_name)
    select = _parse_select(options.get("$select", ""), selectable, type_name)
    expand = _parse_expand(options.get("$expand", ""), expandable, selectable, type_name)
    top = min(_parse_int(options, "$top", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    extras = {e.lower(): e for e in allowed_extra}
    kept = {extras.get(k, k): v for k, v in options.items() if k in _LIST_OPTIONS or k in extras}
    prefs = getattr(options, "prefs", None)
    # `properties={}` is how a single-entity GET reads its $expand: no page there, nothing to apply
    if "$top" not in options and properties and prefs is not None and prefs.max_page_size is not None:
        top = min(prefs.max_page_size, MAX_PAGE_SIZE)
        prefs.applied[MAX_PAGE_SIZE_PREF] = str(top)
        kept["$top"] = str(top)
    query = ItemQuery(
        filter=parse_filter(options.get("$filter", ""), resolver),
        orderby=parse_orderby(options.get("$orderby", ""), resolver),
        top=top,
        skip=_parse_int(options, "$skip", 0),
        count=_parse_count(options.get("$count")),
    )
    return ListOptions(select, expand, query, kept)


def parse_expand(
    options: dict[str, str],
    selectable: Iterable[str],
    *,
    expandable: Iterable[str] = frozenset(),
    type_name: str = "microsoft.graph.event",
) -> tuple[str, ...]:
    """The canonical names of a single-entity GET's $expand (validated as parse_list_options does)."""
    return _parse_expand(options.get("$expand", ""), expandable, selectable, type_name)


def parse_select_only(
    options: dict[str, str],
    selectable: Iterable[str],
    *,
    expandable: Iterable[str] = frozenset(),
    type_name: str = "microsoft.graph.event",
) -> tuple[str, ...] | None:
    """For single-entity GETs: only $select (and a valid $expand) may be given."""
    _reject_unsupported(options, ("$select", "$expand"))
    _parse_expand(options.get("$expand", ""), expandable, selectable, type_name)
    return _parse_select(options.get("$select", ""), selectable, type_name)


def _reject_unsupported(options: dict[str, str], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name in options:
        if not name.startswith("$") or name in allowed:
            continue
        if name in _UNSUPPORTED or name in _LIST_OPTIONS:
            raise BadRequest(f"The query parameter '{name}' is not supported.")
        raise BadRequest(f"The query parameter '{name}' begins with a system-reserved '$' character but is not recognized.")


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses: "a,extensions($filter=x,y)" -> ["a", "extensions($filter=x,y)"]."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            raise BadRequest(f"Syntax error at position {i} in '{text}'.")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth:
        raise BadRequest(f"')' or ',' expected at position {len(text)} in '{text}'.")
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


split_top_level = _split_top_level


def _parse_select(text: str, selectable: Iterable[str], type_name: str) -> tuple[str, ...] | None:
    canon = {s.lower(): s for s in selectable}
    out: list[str] = []
    star = False
    for item in _split_top_level(text):
        if item == "*":
            star = True
            continue
        head, _, rest = item.partition("/")
        name = rest if rest and head.lower() == type_name.lower() else item  # microsoft.graph.event/subject
        found = canon.get(name.lower())
        if found is None:
            raise ParseUriError(name, type_name)
        if found not in out:
            out.append(found)
    return None if star or not out else tuple(out)


def _parse_expand(text: str, expandable: Iterable[str], selectable: Iterable[str], type_name: str) -> tuple[str, ...]:
    canon = {e.lower(): e for e in expandable}
    known = {s.lower() for s in selectable}
    out: list[str] = []
    for item in _split_top_level(text):
        name = item.split("(", 1)[0].strip()
        found = canon.get(name.lower())
        if found is None:
            if name.lower() in known:
                raise BadRequest(f"Property '{name}' on type '{type_name}' is not a navigation property or complex "
                                 "property. Only navigation properties can be expanded.")
            raise ParseUriError(name, type_name)
        if found not in out:
            out.append(found)
    return tuple(out)


def _parse_int(options: dict[str, str], name: str, default: int) -> int:
    if name not in options:
        return default
    raw = options[name]
    if not re.fullmatch(r"\d{1,10}", raw.strip()) or int(raw) > _INT32_MAX:
        raise BadRequest(f"Invalid value '{raw}' for {name} query option found. "
                         f"The {name} query option requires a non-negative integer value.")
    return int(raw)


def _parse_count(raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.strip().lower() not in ("true", "false"):
        raise BadRequest(f"Invalid value '{raw}' for $count query option found. Valid values are 'true, false'.")
    return raw.strip().lower() == "true"


_SAFE = "-._~,"


def next_link(base_url: str, path: str, options: dict[str, str], skip: int) -> str:
    """Absolute URL repeating `options` (decoded, as in ListOptions.options) with `$skip=skip` last.

    `path` is the raw request path; values are percent-encoded with lower-case escapes, as Graph does.
    """
    pairs = [(k, v) for k, v in options.items() if k.lower() not in ("$skip", "skip")]
    pairs.append(("$skip", str(skip)))
    query = "&".join(f"{_enc(k, '$')}={_enc(v, _SAFE)}" for k, v in pairs)
    if not path.startswith("/"):
        path = "/" + path
    return f"{base_url.rstrip('/')}{path}?{query}"


def _enc(text: str, safe: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), quote(text, safe=safe))


# -- Prefer ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preferences:
    timezone: str | None = None                          # as given (unvalidated); "" if sent empty
    body_content_type: Literal["text", "html"] | None = None
    max_page_size: int | None = None                     # odata.maxpagesize, a positive int
    # the preferences honoured beyond the two above, with the value applied (filled while the request runs)
    applied: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


MAX_PAGE_SIZE_PREF = "odata.maxpagesize"


def _split_unquoted(text: str, sep: str) -> list[str]:
    parts, buf, quoted, escaped = [], [], False, False
    for ch in text:
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


def parse_prefer(header_values: list[str]) -> Preferences:
    """Parse every `Prefer` header: comma-separated preferences, names case-insensitive, values quoted
    or bare, `;parameters` ignored, the first occurrence of a name wins; unknown or malformed
    preferences are ignored (RFC 7240)."""
    found: dict[str, str] = {}
    for header in header_values:
        for item in _split_unquoted(header, ","):
            name, _, value = _split_unquoted(item, ";")[0].partition("=")
            name, value = name.strip().lower(), value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            if name:
                found.setdefault(name, value)
    body = found.get("outlook.body-content-type", "").lower()
    size = found.get(MAX_PAGE_SIZE_PREF, "")
    return Preferences(
        timezone=found.get("outlook.timezone"),
        body_content_type=body if body in ("text", "html") else None,  # type: ignore[arg-type]
        max_page_size=int(size) if re.fullmatch(r"\d{1,10}", size) and 0 < int(size) <= _INT32_MAX else None,
    )


def applied_header(prefs: Preferences) -> str | None:
    """`Preference-Applied` value for the preferences honoured (clear a field first if it was not)."""
    parts = []
    if prefs.timezone is not None:
        zone = prefs.timezone.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(f'outlook.timezone="{zone}"')
    if prefs.body_content_type is not None:
        parts.append(f'outlook.body-content-type="{prefs.body_content_type}"')
    if MAX_PAGE_SIZE_PREF in prefs.applied:  # only where it was the page size (a list without $top)
        parts.append(f"{MAX_PAGE_SIZE_PREF}={prefs.applied[MAX_PAGE_SIZE_PREF]}")
    # any other preference a handler honoured: `name` (empty value) or `name=value` (odata.track-changes)
    parts += [name if not value else f"{name}={value}" for name, value in prefs.applied.items()
              if name != MAX_PAGE_SIZE_PREF]
    return ", ".join(parts) or None
