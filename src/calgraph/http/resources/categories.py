"""/outlook/masterCategories[/{id}] of a user: the master list of categories."""

from __future__ import annotations

from typing import Any

from calgraph.core.model import OutlookCategory
from calgraph.http import odata, render
from calgraph.http.bodies import GraphInput, Name, parse
from calgraph.http.collections import collection, entity, in_memory_page, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.services import categories as service

TYPE = "microsoft.graph.outlookCategory"
FIELDS = frozenset({"id", "displayName", "color"})
PROPERTIES = {"id": str, "displayName": str, "color": str}


class CategoryInput(GraphInput):
    display_name: Name | None = None
    color: str | None = None


def category_json(category: OutlookCategory) -> dict[str, Any]:
    return {"id": category.id, "displayName": category.display_name, "color": category.color}


def _owner(ctx: RequestContext) -> tuple[Any, ...]:
    assert ctx.address.owner is not None
    return ctx.runtime, ctx.principal, ctx.address.owner.kind, ctx.address.owner.key


def _context(ctx: RequestContext, mailbox: Any, fields: tuple[str, ...] | None, entity: bool) -> str:
    return render.context_url(ctx.service_root, owner_segment(mailbox), "outlook/masterCategories", fields,
                              entity=entity)


def _id(ctx: RequestContext) -> str:
    assert ctx.address.category is not None
    return ctx.address.category


def list_categories(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, PROPERTIES, FIELDS, type_name=TYPE)
    mailbox, items = service.list_categories(*_owner(ctx))
    page = in_memory_page(items, options.query, category_json)
    return collection(ctx, page, options, _context(ctx, mailbox, options.select, False), category_json)


def get_category(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, FIELDS, type_name=TYPE)
    mailbox, category = service.get_category(*_owner(ctx), _id(ctx))
    return entity(category_json(category), _context(ctx, mailbox, fields, True), fields)


def create_category(ctx: RequestContext) -> Reply:
    body = parse(CategoryInput, ctx.json())
    mailbox, category = service.create_category(*_owner(ctx), body.display_name, body.color)
    return entity(category_json(category), _context(ctx, mailbox, None, True), status=201)


def update_category(ctx: RequestContext) -> Reply:
    body = parse(CategoryInput, ctx.json())
    mailbox, category = service.update_category(*_owner(ctx), _id(ctx), body.display_name, body.color)
    return entity(category_json(category), _context(ctx, mailbox, None, True))


def delete_category(ctx: RequestContext) -> Reply:
    service.delete_category(*_owner(ctx), _id(ctx))
    return no_content()


ROUTES = {
    ("masterCategories", "GET"): list_categories,
    ("masterCategories", "POST"): create_category,
    ("masterCategory", "GET"): get_category,
    ("masterCategory", "PATCH"): update_category,
    ("masterCategory", "DELETE"): delete_category,
}
