"""C2PA signing credentials: the key and certificate chain that sign every exported MP4.

On first start mutoscope makes its own: a root CA (P-256, 20 years) and a signing certificate it issues
(P-256, 5 years, digitalSignature + emailProtection, the profile C2PA validators accept without extra trust
configuration), written to `<data_dir>/c2pa/`: `chain.pem` (signer then CA), `signer.key` (mode 0600),
`ca.pem` (the trust anchor readers use to call a manifest *trusted*) and `ca.key` (0600, kept to issue a new
signing certificate later). The folder appears atomically (built under a temporary name, then renamed), so
processes starting together agree on one set. An operator with a certificate from a real CA gives its paths
instead (`provenance.c2pa_cert_chain`, `provenance.c2pa_private_key`, `provenance.c2pa_trust_anchors`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from mutoscope.errors import InvalidRequestError

logger = logging.getLogger(__name__)

ALGORITHMS: Final = ("es256", "es384", "ps256", "ed25519")
_CA_YEARS: Final = 20
_SIGNER_YEARS: Final = 5


@dataclass(frozen=True, slots=True)
class SigningCredentials:
    cert_chain_pem: bytes  # signer first, then its issuers
    private_key_pem: bytes
    trust_anchors_pem: bytes  # the roots a reader should trust (may be empty)
    algorithm: str = "es256"

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise InvalidRequestError(
                f"unknown C2PA signing algorithm {self.algorithm!r}; use one of {', '.join(ALGORITHMS)}",
                param="c2pa_algorithm",
            )
        if b"BEGIN CERTIFICATE" not in self.cert_chain_pem:
            raise InvalidRequestError(
                "the C2PA certificate chain holds no PEM certificate", param="c2pa_cert_chain"
            )
        if b"PRIVATE KEY" not in self.private_key_pem:
            raise InvalidRequestError(
                "the C2PA private key is not a PEM private key", param="c2pa_private_key"
            )


def load_credentials(
    cert_chain: Path, private_key: Path, trust_anchors: Path | None = None, *, algorithm: str = "es256"
) -> SigningCredentials:
    """Operator-supplied credentials, read from PEM files."""
    for label, path in (("c2pa_cert_chain", cert_chain), ("c2pa_private_key", private_key)):
        if not path.is_file():
            raise InvalidRequestError(f"the C2PA file {path} does not exist", param=label)
    anchors = trust_anchors.read_bytes() if trust_anchors is not None else b""
    return SigningCredentials(cert_chain.read_bytes(), private_key.read_bytes(), anchors, algorithm)


def ensure_credentials(folder: Path) -> SigningCredentials:
    """The self-made credentials in `folder`, created on first use."""
    if not (folder / "chain.pem").is_file():
        _create(folder)
    return SigningCredentials(
        cert_chain_pem=(folder / "chain.pem").read_bytes(),
        private_key_pem=(folder / "signer.key").read_bytes(),
        trust_anchors_pem=(folder / "ca.pem").read_bytes(),
        algorithm="es256",
    )


def _create(folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}.tmp")
    staging.mkdir(mode=0o700)
    try:
        for name, data, mode in _issue():
            path = staging / name
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
        try:
            os.rename(staging, folder)
            logger.info("created C2PA signing credentials in %s", folder)
        except OSError:
            if not (folder / "chain.pem").is_file():
                raise  # not a lost race: the folder exists without credentials, or cannot be written
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _issue() -> list[tuple[str, bytes, int]]:
    """A fresh CA and signing certificate, as (file name, PEM, mode)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from mutoscope import __version__

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    signer_key = ec.generate_private_key(ec.SECP256R1())
    organisation = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mutoscope (self-hosted)")
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mutoscope C2PA root"), organisation])
    signer_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, f"mutoscope {__version__} C2PA signer"), organisation]
    )

    def usage(*, sign: bool, issue: bool) -> x509.KeyUsage:
        return x509.KeyUsage(sign, False, False, False, False, issue, issue, False, False)

    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * _CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(sign=False, issue=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer = (
        x509.CertificateBuilder()
        .subject_name(signer_name)
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * _SIGNER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=True, issue=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    signer_pem = signer.public_bytes(serialization.Encoding.PEM)
    return [
        ("chain.pem", signer_pem + ca_pem, 0o644),
        ("ca.pem", ca_pem, 0o644),
        ("signer.key", key_pem(signer_key), 0o600),
        ("ca.key", key_pem(ca_key), 0o600),
    ]
