"""A mailbox's master list of categories (outlook_categories)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from calgraph.core.model import OutlookCategory
from calgraph.store.query_sql import binary_text
from calgraph.store.schema import outlook_categories
from calgraph.store.sql_base import UnitOfWorkBase

_C = outlook_categories.c


class CategoriesMixin(UnitOfWorkBase):
    def add_category(self, category: OutlookCategory) -> bool:
        """False (and nothing added) when the mailbox has a category of that name, in any case."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(outlook_categories).values(
                    id=category.id, mailbox_id=category.mailbox_id, display_name=category.display_name,
                    display_name_lower=category.display_name.lower(), color=category.color,
                    seq=self.next_seq(outlook_categories)))
        except IntegrityError:
            return False
        return True

    def list_categories(self, mailbox_id: str) -> list[OutlookCategory]:
        statement = (select(outlook_categories).where(_C.mailbox_id == mailbox_id)
                     .order_by(_C.seq, binary_text(_C.id)))
        return [_category(row) for row in self.conn.execute(statement)]

    def get_category(self, mailbox_id: str, category_id: str) -> OutlookCategory | None:
        row = self.conn.execute(select(outlook_categories).where(
            _C.mailbox_id == mailbox_id, _C.id == category_id)).first()
        return None if row is None else _category(row)

    def update_category(self, category: OutlookCategory) -> None:
        self.conn.execute(update(outlook_categories).where(
            _C.mailbox_id == category.mailbox_id, _C.id == category.id).values(color=category.color))

    def delete_category(self, mailbox_id: str, category_id: str) -> None:
        self.conn.execute(delete(outlook_categories).where(_C.mailbox_id == mailbox_id, _C.id == category_id))


def _category(row: object) -> OutlookCategory:
    return OutlookCategory(row.id, row.mailbox_id, row.display_name, row.color)  # type: ignore[attr-defined]
