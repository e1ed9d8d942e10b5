"""Attachments of events and messages, their bytes in chunks (attachment_chunks), and upload sessions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, select, true, update

from calgraph.core.attachments import UploadSession
from calgraph.core.model import Attachment
from calgraph.store.codec import dumps, format_ts, loads, parse_ts
from calgraph.store.query_sql import binary_text
from calgraph.store.schema import attachment_chunks, attachments, upload_sessions
from calgraph.store.sql_base import UnitOfWorkBase

_A = attachments.c
_K = attachment_chunks.c
_S = upload_sessions.c


def _owner_column(item_kind: str) -> Any:
    return _A.event_id if item_kind == "event" else _A.message_id


class AttachmentsMixin(UnitOfWorkBase):
    def add_attachment(self, item_kind: str, item_id: str, attachment: Attachment, complete: bool = True) -> None:
        self.conn.execute(insert(attachments).values(
            id=attachment.id, mailbox_id=attachment.mailbox_id,
            event_id=item_id if item_kind == "event" else None,
            message_id=item_id if item_kind == "message" else None,
            kind=attachment.kind, size=attachment.size, complete=complete,
            seq=self.next_seq(attachments), data=dumps(attachment)))

    def add_attachment_chunks(self, attachment_id: str, chunks: Iterable[bytes]) -> int:
        """Appends the chunks after those stored; returns how many bytes were written."""
        first = self.conn.execute(select(func.count()).where(_K.attachment_id == attachment_id)).scalar_one()
        written = 0
        for n, chunk in enumerate(chunks, start=first):
            self.conn.execute(insert(attachment_chunks).values(attachment_id=attachment_id, n=n, content=chunk))
            written += len(chunk)
        return written

    def read_attachment_chunk(self, attachment_id: str, n: int) -> bytes | None:
        row = self.conn.execute(select(_K.content).where(_K.attachment_id == attachment_id, _K.n == n)).first()
        return None if row is None else bytes(row[0])

    def list_attachments(self, item_kind: str, item_id: str) -> list[Attachment]:
        statement = (select(_A.data).where(_owner_column(item_kind) == item_id, _A.complete == true())
                     .order_by(_A.seq, binary_text(_A.id)))
        return [loads(Attachment, row.data) for row in self.conn.execute(statement)]

    def get_attachment(self, item_kind: str, item_id: str, attachment_id: str) -> Attachment | None:
        row = self.conn.execute(select(_A.data).where(
            _owner_column(item_kind) == item_id, _A.id == attachment_id, _A.complete == true())).first()
        return None if row is None else loads(Attachment, row.data)

    def complete_attachment(self, attachment_id: str) -> None:
        self.conn.execute(update(attachments).where(_A.id == attachment_id).values(complete=True))

    def delete_attachment(self, attachment_id: str) -> None:
        self.conn.execute(delete(attachments).where(_A.id == attachment_id))

    def delete_attachments(self, item_kind: str, item_id: str) -> None:
        self.conn.execute(delete(attachments).where(_owner_column(item_kind) == item_id))

    def mailbox_attachment_bytes(self, mailbox_id: str) -> int:
        """Every attachment's size in the mailbox, those still uploading included (as declared)."""
        return int(self.conn.execute(select(func.coalesce(func.sum(_A.size), 0)).where(
            _A.mailbox_id == mailbox_id)).scalar_one())

    def copy_attachments(self, from_kind: str, from_id: str, to_kind: str, to_id: str, to_mailbox_id: str,
                         new_ids: Iterable[str]) -> list[Attachment]:
        """Copies of the complete attachments of one item onto another (new ids, in order), bytes copied
        inside the database (never through memory whole)."""
        copied = []
        for source, new_id in zip(self.list_attachments(from_kind, from_id), new_ids):
            copy = source.evolve(id=new_id, mailbox_id=to_mailbox_id)
            self.add_attachment(to_kind, to_id, copy)
            self.conn.execute(insert(attachment_chunks).from_select(
                ["attachment_id", "n", "content"],
                select(literal(new_id), _K.n, _K.content).where(_K.attachment_id == source.id)))
            copied.append(copy)
        return copied

    # -- upload sessions ------------------------------------------------------------------------------

    def add_upload_session(self, session: UploadSession) -> None:
        self.add_attachment(session.item_kind, session.item_id, session.attachment, complete=False)
        self.conn.execute(insert(upload_sessions).values(
            id=session.id, attachment_id=session.attachment.id, mailbox_id=session.attachment.mailbox_id,
            token_hash=session.token_hash, received=session.received, expires=format_ts(session.expires)))

    def get_upload_session(self, session_id: str, for_update: bool = False) -> UploadSession | None:
        statement = (select(_S.id, _S.token_hash, _S.received, _S.expires, _A.data, _A.event_id, _A.message_id)
                     .join(attachments, _A.id == _S.attachment_id).where(_S.id == session_id))
        row = self.conn.execute(statement.with_for_update() if for_update else statement).first()
        if row is None:
            return None
        kind, item_id = ("event", row.event_id) if row.event_id is not None else ("message", row.message_id)
        return UploadSession(row.id, loads(Attachment, row.data), kind, item_id, row.token_hash, row.received,
                             parse_ts(row.expires))

    def advance_upload_session(self, session: UploadSession, received: int, expires: Any) -> bool:
        """Records the bytes received; False when another request moved the session on meanwhile."""
        result = self.conn.execute(update(upload_sessions).where(
            and_(_S.id == session.id, _S.received == session.received)).values(
            received=received, expires=format_ts(expires)))
        return result.rowcount == 1

    def delete_expired_upload_sessions(self, mailbox_id: str, now: Any) -> None:
        """The mailbox's sessions idle past their expiry go, with the bytes they had received."""
        expired = select(_S.attachment_id).where(_S.mailbox_id == mailbox_id, _S.expires <= format_ts(now))
        self.conn.execute(delete(attachments).where(_A.id.in_(expired.scalar_subquery())))

    def delete_upload_session(self, session_id: str, with_attachment: bool) -> None:
        session = self.get_upload_session(session_id)
        self.conn.execute(delete(upload_sessions).where(_S.id == session_id))
        if with_attachment and session is not None:
            self.delete_attachment(session.attachment.id)
