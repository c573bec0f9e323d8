"""Handing a digest e-mail over: to an SMTP server (plain, STARTTLS or TLS) or, without one, to the outbox folder."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .render import RenderedDigest

SMTP_TIMEOUT = 60
_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


class DeliveryError(RuntimeError):
    """Delivery failed. certain: the message was surely not accepted (safe to try again later); otherwise nobody
    knows whether the server took it, and it is not sent again (at most once)."""

    def __init__(self, message: str, certain: bool):
        super().__init__(message)
        self.certain = certain


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # plain, starttls or tls
    user: str = ""
    password: str = field(default="", repr=False)
    ca_cert: str = ""

    @classmethod
    def from_settings(cls, settings) -> "SmtpConfig | None":
        """The SMTP server from COI_SMTP_URL (and COI_SMTP_USER / COI_SMTP_PASSWORD); None when none is set."""
        if not settings.smtp_url:
            return None
        parts = urlsplit(settings.smtp_url)
        if parts.scheme not in _SCHEMES or not parts.hostname:
            raise ValueError(f"COI_SMTP_URL must look like smtp://host:25, smtp+starttls://host:587 or "
                             f"smtps://host:465, not {parts.scheme or settings.smtp_url!r}://...")
        security, default_port = _SCHEMES[parts.scheme]
        return cls(host=parts.hostname, port=parts.port or default_port, security=security,
                   user=settings.smtp_user or unquote(parts.username or ""),
                   password=settings.smtp_password or unquote(parts.password or ""), ca_cert=settings.smtp_ca_cert)

    def __str__(self) -> str:
        return f"smtp {self.security} {self.host}:{self.port}"


def build_message(rendered: RenderedDigest, sender: str, recipient: str, message_id: str, reference: str) -> EmailMessage:
    """A multipart/alternative e-mail: the plain-text part first, the HTML part as the preferred alternative."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message["X-COI-Digest"] = reference
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def send_smtp(config: SmtpConfig, message: EmailMessage) -> str:
    """Send one message over its own connection; DeliveryError says whether it surely was not accepted."""
    context = ssl.create_default_context(cafile=config.ca_cert or None)
    try:
        if config.security == "tls":
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
        if config.security == "starttls":
            smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"{config}: {type(error).__name__}: {error}", certain=True) from None
    try:
        refused = smtp.send_message(message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        raise DeliveryError(f"{config} refused the message: {error}", certain=True) from None
    except (OSError, smtplib.SMTPException) as error:
        # The connection broke during the transaction: the server may or may not have queued the message.
        raise DeliveryError(f"{config}: {type(error).__name__} while sending: {error}", certain=False) from None
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    if refused:
        raise DeliveryError(f"{config} refused {', '.join(refused)}", certain=True)
    return str(config)


def outbox_path(outbox: Path, week: str, subscription: str) -> Path:
    """<outbox>/<week>/<subscription>.eml, the name percent-encoded so that two subscriptions never share a file."""
    return outbox / week / f"{quote(subscription, safe='-_')}.eml"


def write_outbox(path: Path, message: EmailMessage) -> str:
    """Write the message as an .eml file, whole or not at all (written aside, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".eml.partial")
    with open(partial, "wb") as out:
        out.write(message.as_bytes())
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return str(path)
