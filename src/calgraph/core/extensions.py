"""Open extensions on an item (event or message): named bags of an app's own JSON values.

An extension is addressed by its name or by its id, the name behind Outlook's prefix; names compare
case-insensitively, as Exchange's named properties do."""

from __future__ import annotations

from typing import Any

from calgraph.core.errors import InvalidRequest, ItemNotFound
from calgraph.core.item_errors import ExtensionExists
from calgraph.core.model import OpenExtension

ID_PREFIX = "Microsoft.OutlookServices.OpenTypeExtension."
MAX_NAME = 255
MAX_PER_ITEM = 100


def name_of(key: str) -> str:
    """The extension name an id (`Microsoft.OutlookServices.OpenTypeExtension.X`) or a name names."""
    return key[len(ID_PREFIX):] if key.lower().startswith(ID_PREFIX.lower()) else key


def extension_id(extension: OpenExtension) -> str:
    return ID_PREFIX + extension.name


def find(extensions: tuple[OpenExtension, ...], key: str) -> OpenExtension | None:
    name = name_of(key).lower()
    return next((e for e in extensions if e.name.lower() == name), None)


def get(extensions: tuple[OpenExtension, ...], key: str) -> OpenExtension:
    found = find(extensions, key)
    if found is None:
        raise ItemNotFound()
    return found


def check_name(name: str | None) -> str:
    if not name or not name.strip():
        raise InvalidRequest("The open extension's extensionName is required.")
    if len(name) > MAX_NAME:
        raise InvalidRequest(f"An extensionName is at most {MAX_NAME} characters long.")
    return name_of(name)


def add(extensions: tuple[OpenExtension, ...], name: str, data: dict[str, Any]) -> tuple[OpenExtension, ...]:
    name = check_name(name)
    if find(extensions, name) is not None:
        raise ExtensionExists(name)
    if len(extensions) >= MAX_PER_ITEM:
        raise InvalidRequest(f"An item holds at most {MAX_PER_ITEM} open extensions.")
    return (*extensions, OpenExtension(name, dict(data)))


def add_all(extensions: tuple[OpenExtension, ...],
            new: tuple[tuple[str, dict[str, Any]], ...]) -> tuple[OpenExtension, ...]:
    for name, data in new:
        extensions = add(extensions, name, data)
    return extensions


def update(extensions: tuple[OpenExtension, ...], key: str, data: dict[str, Any]) -> tuple[OpenExtension, ...]:
    """The values given replace those of the same name; the others stay."""
    found = get(extensions, key)
    merged = OpenExtension(found.name, {**found.data, **data})
    return tuple(merged if e is found else e for e in extensions)


def remove(extensions: tuple[OpenExtension, ...], key: str) -> tuple[OpenExtension, ...]:
    found = get(extensions, key)
    return tuple(e for e in extensions if e is not found)
