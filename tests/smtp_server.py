"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, plain, STARTTLS or TLS, optional login, keeping what it got."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "coi test smtp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Mailbox:
    """The aiosmtpd handler: keeps every accepted message; can refuse recipients or hold a message before accepting."""

    def __init__(self):
        self.messages: list[dict] = []
        self.refuse: set[str] = set()
        self.received = threading.Event()
        self.hold_at: set[int] = set()  # numbers (1, 2, ...) of the messages to hold before answering
        self.held = threading.Event()
        self.hold_seconds = 30.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content,
                              "login": getattr(session, "login_data", None)})
        self.received.set()
        if len(self.messages) in self.hold_at:
            # The server has the whole message; the client has not yet heard that it was accepted.
            self.held.set()
            await asyncio.sleep(self.hold_seconds)
        return "250 Message accepted for delivery"


def _authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and \
            auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)
    return check


@contextmanager
def smtp_server(security: str = "plain", cert: tuple[Path, Path] | None = None, user: str = "", password: str = ""):
    """Yield (Mailbox, port) of an SMTP server on 127.0.0.1 for the duration of the block."""
    mailbox = Mailbox()
    kwargs: dict = {}
    if security in ("starttls", "tls"):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, cert))
        kwargs["tls_context" if security == "starttls" else "ssl_context"] = context
        if security == "starttls":
            kwargs["require_starttls"] = True
    if user:
        # Implicit TLS is not STARTTLS, and aiosmtpd only counts the latter as "TLS" for AUTH.
        kwargs.update(authenticator=_authenticator(user, password), auth_required=True,
                      auth_require_tls=security == "starttls")
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
