"""The RS256 keys that sign access and id tokens: kept in the database, shared by every process.

The newest key signs; every stored key verifies (a rotated-out key's tokens stay valid until they
expire). JWKS publishes the newest key and those replaced less than RETIRE_AFTER ago.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from calgraph.core.identity.model import SigningKey
from calgraph.core.ids import Clock, utc_now
from calgraph.store.interface import Store

MIN_RELOAD_SECONDS = 1.0      # an unknown kid reloads the keys at most this often
RELOAD_SECONDS = 30.0         # a server picks up a key rotated by another process within this long
RETIRE_AFTER = timedelta(days=2)      # longer than any default token lifetime (access 1 h, CLI 24 h)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_signing_key(clock: Clock = utc_now) -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = _b64url(hashlib.sha1(der).digest())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return SigningKey(kid, pem, clock())


class KeyRing:
    """This process's view of the signing keys (reloaded when a token names a kid it has not seen)."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: list[SigningKey] = []
        self._private: dict[str, rsa.RSAPrivateKey] = {}
        self._reloaded_at = 0.0

    def _reload(self) -> None:
        self._reloaded_at = time.monotonic()
        with self._store.unit_of_work() as uow:
            keys = uow.list_signing_keys()
        if not keys:
            fresh = new_signing_key(self._clock)
            with self._store.unit_of_work(write=True) as uow:
                if not uow.list_signing_keys():       # another process may have added one meanwhile
                    uow.add_signing_key(fresh)
                keys = uow.list_signing_keys()
        private = {}
        for key in keys:
            loaded = self._private.get(key.kid) or serialization.load_pem_private_key(key.private_pem.encode(), None)
            assert isinstance(loaded, rsa.RSAPrivateKey)
            private[key.kid] = loaded
        self._keys, self._private = keys, private

    def current(self) -> tuple[str, rsa.RSAPrivateKey]:
        with self._lock:
            if not self._keys or time.monotonic() - self._reloaded_at > RELOAD_SECONDS:
                self._reload()
            key = self._keys[-1]
            return key.kid, self._private[key.kid]

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        with self._lock:
            if kid not in self._private and time.monotonic() - self._reloaded_at > MIN_RELOAD_SECONDS:
                self._reload()   # another process may have rotated; unknown kids cannot force a read each
            private = self._private.get(kid)
            return None if private is None else private.public_key()

    def rotate(self) -> str:
        """Add a new key, which signs from now on (in every process, once it reloads); returns its kid."""
        fresh = new_signing_key(self._clock)
        with self._store.unit_of_work(write=True) as uow:
            uow.add_signing_key(fresh)
        with self._lock:
            self._reload()
        return fresh.kid

    def refresh(self) -> None:
        with self._lock:
            self._reload()

    def jwks(self, issuer: str) -> dict[str, list[dict[str, object]]]:
        """The public keys in JWKS form: the newest, and those replaced less than RETIRE_AFTER ago."""
        self.refresh()
        now = self._clock()
        with self._lock:
            keys = list(self._keys)
            published = [k for i, k in enumerate(keys)
                         if i == len(keys) - 1 or now - keys[i + 1].created < RETIRE_AFTER]
            out = []
            for key in published:
                numbers = self._private[key.kid].public_key().public_numbers()
                out.append({
                    "kty": "RSA", "use": "sig", "kid": key.kid, "x5t": key.kid,
                    "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": _b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
                    "issuer": issuer,
                })
        return {"keys": out}
