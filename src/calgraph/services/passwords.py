"""User passwords (for the password grant and the sign-in pages), stored as salted hashes."""

from __future__ import annotations

from calgraph.core.errors import InvalidParameter
from calgraph.core.identity.hashing import hash_secret
from calgraph.store.interface import UnitOfWork

MIN_LENGTH = 1
MAX_LENGTH = 256


def set_password(uow: UnitOfWork, address: str, password: str) -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidParameter(f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters.")
    user = uow.get_mailbox(address.strip())
    if user is None or user.kind != "user":
        raise InvalidParameter(f"'{address}' is not a known user (create it with: calgraph users add {address}).")
    uow.set_password_hash(user.id, hash_secret(password))
