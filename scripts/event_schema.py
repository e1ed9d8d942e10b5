#!/usr/bin/env python3
"""Writes the JSON Schema of Graph's `event` (v1.0) that tests/http/test_event_schema.py validates against.

Provenance: Microsoft Graph's published v1.0 metadata (CSDL), the file `clean_v10_metadata/cleanMetadata.xml`
of https://github.com/microsoftgraph/msgraph-metadata; tests/data/graph-event-schema.json was generated from
commit f54f11b60956ea7b185ca0447b2b80805836ec7b (2026-08-20) of that repository:

    python scripts/event_schema.py cleanMetadata.xml > tests/data/graph-event-schema.json

Every structural property of `event` and of its base types becomes a schema property (navigation
properties are left out: Graph renders them only when expanded); complex types and enums it reaches are
`$defs`; `Nullable` (true unless said otherwise) admits null; `x-actions` lists the event's bound actions
with their parameters, as the SDK serialises them.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
NAMESPACE = "microsoft.graph"
ALIAS = "graph"
ROOT = "event"

PRIMITIVES = {
    "Edm.String": {"type": "string"},
    "Edm.Boolean": {"type": "boolean"},
    "Edm.Int32": {"type": "integer"},
    "Edm.Int64": {"type": "integer"},
    "Edm.Double": {"type": ["number", "string"]},  # OData writes INF / NaN as strings
    "Edm.DateTimeOffset": {"type": "string", "format": "date-time"},
    "Edm.Date": {"type": "string", "format": "date"},
    "Edm.TimeOfDay": {"type": "string"},
    "Edm.Duration": {"type": "string"},
    "Edm.Guid": {"type": "string"},
    "Edm.Binary": {"type": "string"},
}


class Csdl:
    def __init__(self, root: ET.Element) -> None:
        schema = next(s for s in root.iter(f"{EDM}Schema") if s.get("Namespace") == NAMESPACE)
        self.types = {el.get("Name"): el for el in schema
                      if el.tag in (f"{EDM}EntityType", f"{EDM}ComplexType", f"{EDM}EnumType")}
        self.actions = [el for el in schema if el.tag == f"{EDM}Action" and el.get("IsBound") == "true"]
        self.defs: dict[str, dict] = {}

    def local(self, qualified: str) -> str | None:
        for prefix in (NAMESPACE + ".", ALIAS + "."):
            if qualified.startswith(prefix):
                return qualified[len(prefix):]
        return None

    def properties(self, name: str) -> list[ET.Element]:
        """Structural properties of a type, its base types' first."""
        el = self.types[name]
        base = el.get("BaseType")
        inherited = self.properties(self.local(base)) if base else []
        return inherited + [p for p in el if p.tag == f"{EDM}Property"]

    def type_schema(self, edm_type: str) -> dict:
        if edm_type.startswith("Collection("):
            return {"type": "array", "items": self.type_schema(edm_type[len("Collection("):-1])}
        if edm_type in PRIMITIVES:
            return dict(PRIMITIVES[edm_type])
        name = self.local(edm_type)
        if name is None or name not in self.types:
            return {}
        self.define(name)
        return {"$ref": f"#/$defs/{NAMESPACE}.{name}"}

    def property_schema(self, prop: ET.Element) -> dict:
        schema = self.type_schema(prop.get("Type"))
        if prop.get("Nullable", "true") == "false":
            return schema
        return {"anyOf": [schema, {"type": "null"}]}

    def define(self, name: str) -> None:
        key = f"{NAMESPACE}.{name}"
        if key in self.defs:
            return
        el = self.types[name]
        if el.tag == f"{EDM}EnumType":
            self.defs[key] = {"type": "string", "enum": [m.get("Name") for m in el if m.tag == f"{EDM}Member"]}
            return
        definition: dict = {"type": "object", "properties": {"@odata.type": {"type": "string"}},
                            "additionalProperties": True}
        self.defs[key] = definition  # before the properties: a type may reach itself
        for prop in self.properties(name):
            definition["properties"][prop.get("Name")] = self.property_schema(prop)

    def bound_actions(self, name: str) -> dict:
        actions = {}
        for action in self.actions:
            params = [p for p in action if p.tag == f"{EDM}Parameter"]
            if not params or self.local(params[0].get("Type")) != name:
                continue
            actions[action.get("Name")] = {
                "type": "object",
                "properties": {p.get("Name"): self.type_schema(p.get("Type")) for p in params[1:]},
            }
        return dict(sorted(actions.items()))


def event_schema(csdl_xml: bytes) -> dict:
    csdl = Csdl(ET.fromstring(csdl_xml))
    csdl.define(ROOT)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/$defs/{NAMESPACE}.{ROOT}",
        "$defs": csdl.defs,
        "x-actions": csdl.bound_actions(ROOT),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: scripts/event_schema.py CSDL_FILE > graph-event-schema.json", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        print(json.dumps(event_schema(f.read()), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
