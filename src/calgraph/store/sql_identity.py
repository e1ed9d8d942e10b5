"""The SQL unit of work's identity part: app registrations, passwords, signing keys, grants."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update

from calgraph.core.identity.grants import Grant
from calgraph.core.identity.model import AppRegistration, SigningKey
from calgraph.store.codec import format_ts, parse_ts
from calgraph.store.schema import app_registrations as apps, grants, mailboxes, signing_keys, user_passwords
from calgraph.store.sql_base import UnitOfWorkBase


class IdentityMixin(UnitOfWorkBase):
    # -- app registrations ------------------------------------------------------------------------

    def add_app(self, app: AppRegistration) -> None:
        self.conn.execute(insert(apps).values(
            client_id=app.client_id, name=app.name, kind=app.kind, secret_hash=app.secret_hash,
            cert_pem=app.cert_pem, cert_sha1=app.cert_sha1, cert_sha256=app.cert_sha256,
            data=json.dumps({"roles": list(app.roles), "scopes": list(app.scopes),
                             "redirect_uris": list(app.redirect_uris), "sp": app.service_principal_id}),
            created=format_ts(app.created), seq=self.next_seq(apps),
        ))

    def get_app(self, client_id: str) -> AppRegistration | None:
        row = self.conn.execute(select(apps).where(apps.c.client_id == client_id)).first()
        return None if row is None else _app(row)

    def list_apps(self) -> list[AppRegistration]:
        return [_app(row) for row in self.conn.execute(select(apps).order_by(apps.c.seq, apps.c.client_id))]

    def delete_app(self, client_id: str) -> bool:
        self.conn.execute(delete(grants).where(grants.c.client_id == client_id))
        return self.conn.execute(delete(apps).where(apps.c.client_id == client_id)).rowcount > 0

    # -- passwords --------------------------------------------------------------------------------

    def set_password_hash(self, user_id: str, hashed: str) -> None:
        if self.conn.execute(update(user_passwords).where(user_passwords.c.user_id == user_id)
                             .values(hash=hashed)).rowcount == 0:
            self.conn.execute(insert(user_passwords).values(user_id=user_id, hash=hashed))

    def get_password_hash(self, user_id: str) -> str | None:
        return self.conn.execute(
            select(user_passwords.c.hash).where(user_passwords.c.user_id == user_id)).scalar_one_or_none()

    def mailbox_domain_exists(self, domain: str) -> bool:
        pattern = "%@" + domain.lower().replace("\\", "").replace("%", "").replace("_", "\\_")
        found = self.conn.execute(select(func.count()).select_from(mailboxes).where(
            mailboxes.c.address_lower.like(pattern, escape="\\"))).scalar_one()
        return bool(found)

    # -- signing keys -----------------------------------------------------------------------------

    def add_signing_key(self, key: SigningKey) -> None:
        self.conn.execute(insert(signing_keys).values(
            kid=key.kid, private_pem=key.private_pem, created=format_ts(key.created), seq=self.next_seq(signing_keys)))

    def list_signing_keys(self) -> list[SigningKey]:
        """Oldest first: the last one signs."""
        rows = self.conn.execute(select(signing_keys).order_by(signing_keys.c.seq, signing_keys.c.created))
        return [SigningKey(row.kid, row.private_pem, parse_ts(row.created)) for row in rows]

    # -- grants -----------------------------------------------------------------------------------

    def add_grant(self, grant: Grant) -> None:
        self.conn.execute(insert(grants).values(
            id=grant.id, kind=grant.kind, client_id=grant.client_id, tenant_id=grant.tenant_id,
            user_id=grant.user_id, user_code=grant.user_code, scope=grant.scope, state=grant.state,
            expires=int(grant.expires), data=grant.to_json(),
        ))

    def get_grant(self, grant_id: str) -> Grant | None:
        row = self.conn.execute(select(grants).where(grants.c.id == grant_id)).first()
        return None if row is None else _grant(row)

    def find_grant_by_user_code(self, user_code: str) -> Grant | None:
        row = self.conn.execute(select(grants).where(grants.c.user_code == user_code)).first()
        return None if row is None else _grant(row)

    def change_grant_state(self, grant_id: str, expected: str, state: str, user_id: str | None = None) -> bool:
        values: dict[str, Any] = {"state": state}
        if user_id is not None:
            values["user_id"] = user_id
        statement = update(grants).where(grants.c.id == grant_id, grants.c.state == expected).values(**values)
        return self.conn.execute(statement).rowcount == 1

    def delete_expired_grants(self, before: float) -> int:
        return self.conn.execute(delete(grants).where(grants.c.expires < int(before))).rowcount


def _app(row: Row[Any]) -> AppRegistration:
    data = json.loads(row.data)
    return AppRegistration(
        client_id=row.client_id, name=row.name, kind=row.kind, created=parse_ts(row.created),
        secret_hash=row.secret_hash, cert_pem=row.cert_pem, cert_sha1=row.cert_sha1, cert_sha256=row.cert_sha256,
        roles=tuple(data.get("roles", ())), scopes=tuple(data.get("scopes", ())),
        redirect_uris=tuple(data.get("redirect_uris", ())), service_principal_id=data.get("sp", ""),
    )


def _grant(row: Row[Any]) -> Grant:
    return Grant(
        id=row.id, kind=row.kind, client_id=row.client_id, tenant_id=row.tenant_id, scope=row.scope,
        expires=float(row.expires), state=row.state, user_id=row.user_id, user_code=row.user_code,
        data=json.loads(row.data),
    )
