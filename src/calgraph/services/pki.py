"""The local certificate authority, kept in the database, and the certificates it issues.

One CA per database (every process on it shares it), created on first use in one race-safe write.
Its private key never leaves the database except to sign; `ca_certificate_pem` is the public part.
The server's own certificate is issued per process at start for the names it answers to.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from calgraph.store.interface import Store

CA_SETTING = "local_ca"
CA_YEARS = 10
LEAF_DAYS = 397
INTERCEPTED_HOSTS = ("graph.microsoft.com", "login.microsoftonline.com")
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class IssuedCertificate:
    cert_pem: str       # the leaf followed by the CA certificate
    key_pem: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _new_ca() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "calgraph"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "calgraph local CA")])
    now = _now()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return json.dumps({"cert": cert.public_bytes(serialization.Encoding.PEM).decode(), "key": _key_pem(key)})


def _load_ca(store: Store) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    with store.unit_of_work() as uow:
        stored = uow.get_setting(CA_SETTING)
    if stored is None:
        fresh = _new_ca()
        with store.unit_of_work(write=True) as uow:
            stored = uow.put_setting_if_absent(CA_SETTING, fresh)   # another process may have won: use its CA
    parts = json.loads(stored)
    cert = x509.load_pem_x509_certificate(parts["cert"].encode())
    key = serialization.load_pem_private_key(parts["key"].encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return cert, key


def ca_certificate_pem(store: Store) -> str:
    cert, _ = _load_ca(store)
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def server_names(extra: list[str] | tuple[str, ...] = (), intercept: bool = True) -> list[str]:
    """localhost, 127.0.0.1, ::1, this host's name, the given names, and the intercepted Microsoft hosts."""
    names = [*LOCAL_NAMES, socket.gethostname(), *extra]
    if intercept:
        names += INTERCEPTED_HOSTS
    return list(dict.fromkeys(n.strip().lower() for n in names if n and n.strip()))


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def issue_server_certificate(store: Store, names: list[str]) -> IssuedCertificate:
    """A TLS server certificate for `names` (DNS names or IP addresses), signed by the local CA."""
    if not names:
        raise ValueError("a server certificate needs at least one name")
    ca_cert, ca_key = _load_ca(store)
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    now = _now()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_cert.subject).public_key(public).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM)
    return IssuedCertificate(chain.decode(), _key_pem(key))
