"""Rendering a page of items as a Graph collection: value, @odata.count, absolute @odata.nextLink."""

from __future__ import annotations

from typing import Any, Callable, Iterable, TypeVar

from calgraph.core.model import Mailbox
from calgraph.core.query import ItemQuery, Page, matches, sort_items
from calgraph.http import odata, render
from calgraph.http.context import RequestContext
from calgraph.http.reply import Encoded, Reply

T = TypeVar("T")


def owner_segment(mailbox: Mailbox) -> str:
    return f"{mailbox.kind}s('{mailbox.id}')"


def collection(ctx: RequestContext, page: Page[T], options: odata.ListOptions, context: str,
               to_json: Callable[[T], dict[str, Any]], next_options: dict[str, str] | None = None) -> Reply:
    """`next_options`: query options the nextLink sets beside `$skip` (replacing any given)."""
    shown = options.select and (*options.select, *options.expand)
    return _page(ctx, page, options, context, [render.select(to_json(item), shown) for item in page.items],
                 next_options)


def encoded_collection(ctx: RequestContext, page: Page[T], options: odata.ListOptions, context: str,
                       to_texts: Callable[[list[T]], list[str]], next_options: dict[str, str] | None = None) -> Reply:
    """collection() without $select, its items given as JSON text (render_text.encode) by `to_texts`: the
    same answer."""
    return _page(ctx, page, options, context, Encoded(to_texts(page.items)), next_options)


def _page(ctx: RequestContext, page: Page[T], options: odata.ListOptions, context: str, value: Any,
          next_options: dict[str, str] | None) -> Reply:
    body: dict[str, Any] = {"@odata.context": context}
    if page.total is not None:
        body["@odata.count"] = page.total
    body["value"] = value
    if page.has_more and page.items:
        repeated = {**options.options, **(next_options or {})}
        body["@odata.nextLink"] = odata.next_link(
            ctx.base_url, ctx.raw_path, repeated, options.query.skip + len(page.items))
    return Reply(200, body)


def entity(item: dict[str, Any], context: str, fields: Iterable[str] | None = None, status: int = 200) -> Reply:
    return Reply(status, {"@odata.context": context, **render.select(item, fields)})


def in_memory_page(items: list[T], query: ItemQuery, to_json: Callable[[T], dict[str, Any]]) -> Page[T]:
    """Filters, sorts and pages a short list (calendars, groups, folders) as the store does items,
    looking property paths up in each item's Graph JSON."""
    rendered = {id(item): to_json(item) for item in items}

    def value_of(item: T, path: str) -> Any:
        if path == "singleValueExtendedProperties":  # not rendered unless expanded: (id, value) pairs
            return [(p.id, p.value) for p in getattr(item, "single_value_properties", ())]
        value: Any = rendered[id(item)]
        for part in path.split("/"):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    kept = [item for item in items if matches(query.filter, lambda path: value_of(item, path))]
    kept = sort_items(kept, query.orderby, value_of)
    window = kept[query.skip:query.skip + query.top]
    return Page(window, len(kept) if query.count else None, len(kept) > query.skip + query.top)
