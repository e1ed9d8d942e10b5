"""scripts/event_schema.py turns Graph's CSDL into the JSON Schema the HTTP tests validate against."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CSDL = b"""<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="freeBusyStatus"><Member Name="free" Value="0"/><Member Name="busy" Value="1"/></EnumType>
  <ComplexType Name="emailAddress"><Property Name="address" Type="Edm.String"/></ComplexType>
  <ComplexType Name="recipient"><Property Name="emailAddress" Type="graph.emailAddress"/></ComplexType>
  <ComplexType Name="attendee" BaseType="graph.recipient"><Property Name="rank" Type="Edm.Double"/></ComplexType>
  <EntityType Name="entity" Abstract="true"><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityType Name="event" BaseType="graph.entity" OpenType="true">
    <Property Name="showAs" Type="graph.freeBusyStatus"/>
    <Property Name="attendees" Type="Collection(graph.attendee)"/>
    <Property Name="created" Type="Edm.DateTimeOffset"/>
    <NavigationProperty Name="calendar" Type="graph.calendar"/>
  </EntityType>
  <Action Name="accept" IsBound="true"><Parameter Name="bindingParameter" Type="graph.event"/>
    <Parameter Name="SendResponse" Type="Edm.Boolean"/></Action>
  <Action Name="accept" IsBound="true"><Parameter Name="bindingParameter" Type="graph.calendar"/></Action>
</Schema></edmx:DataServices></edmx:Edmx>"""


def test_schema_from_csdl() -> None:
    spec = importlib.util.spec_from_file_location("event_schema", REPO / "scripts" / "event_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    schema = module.event_schema(CSDL)
    event = schema["$defs"]["microsoft.graph.event"]
    assert schema["$ref"] == "#/$defs/microsoft.graph.event"
    assert list(event["properties"]) == ["@odata.type", "id", "showAs", "attendees", "created"]
    assert event["properties"]["id"] == {"type": "string"}  # Nullable="false"
    assert event["properties"]["showAs"] == {"anyOf": [{"$ref": "#/$defs/microsoft.graph.freeBusyStatus"}, {"type": "null"}]}
    assert schema["$defs"]["microsoft.graph.freeBusyStatus"] == {"type": "string", "enum": ["free", "busy"]}
    attendee = schema["$defs"]["microsoft.graph.attendee"]["properties"]
    assert list(attendee) == ["@odata.type", "emailAddress", "rank"]  # the base type's first
    assert attendee["rank"]["anyOf"][0] == {"type": ["number", "string"]}
    assert schema["x-actions"] == {"accept": {"type": "object", "properties": {"SendResponse": {"type": "boolean"}}}}
