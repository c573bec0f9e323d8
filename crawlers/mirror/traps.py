"""Trap endpoints on the mirror, under /traps/: the ways real sites fail a crawler, beside a few good documents.

A mirror started with traps=True answers them; the failure tests point a test source at /traps/ (an index
page linking every trap) and the ReliefWeb spider at /traps/reliefweb, whose API answers only with a
rate-limit page. The answers are computed here; server.py writes them to the socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, unquote

from .pdfgen import text_pdf

TRAPS_PREFIX = "/traps/"
RELIEFWEB_API_PREFIX = "/traps/reliefweb/v2/"
SLOW_SECONDS = 5.0  # longer than the download timeout the tests set
MAX_SLOW_SECONDS = 30.0
OVERSIZED_BYTES = 2 * 1024 * 1024
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class TrapAnswer:
    """What to send: status, body and headers, after delay seconds; without Content-Length if not announce_length."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    announce_length: bool = True  # False: the body ends when the server closes the connection


@dataclass(frozen=True)
class Trap:
    """One link on the trap index: kind says how a crawler reads it (document, attachment or api)."""

    path: str
    kind: str
    what: str


GOOD = (
    Trap("/traps/report/ok-1", "document", "a good report"),
    Trap("/traps/report/ok-2", "document", "another good report"),
    Trap("/traps/report/ok.pdf", "attachment", "a good PDF"),
    Trap("/traps/report/moved", "document", "a good report that moved (301) to a new address"),
    Trap("/traps/report/arabic-windows-1256", "document",
         "an Arabic report in windows-1256, with no charset in its header or its markup"),
)
FAILING = (
    Trap("/traps/status/404", "document", "a page that is gone (404)"),
    Trap("/traps/status/500", "document", "a server error (500)"),
    Trap("/traps/status/503", "document", "a server that is down (503)"),
    Trap("/traps/slow", "document", f"a page that takes {SLOW_SECONDS:g} seconds to start"),
    Trap("/traps/redirect-loop/a", "document", "a redirect to a page that redirects back"),
    Trap("/traps/redirect-chain/1", "document", "a redirect chain without end"),
    Trap("/traps/oversized", "document", f"a body of {OVERSIZED_BYTES:,} bytes, announced"),
    Trap("/traps/oversized-unannounced", "document", f"a body of {OVERSIZED_BYTES:,} bytes without Content-Length"),
    Trap("/traps/not-a-pdf.pdf", "attachment", "a 'PDF' that is an HTML page"),
    Trap("/traps/api/reports", "api", "an API that answers with an HTML rate-limit page"),
)
TRAPS = GOOD + FAILING

ARABIC_TITLE = "سوريا: اختطاف مدنيين دروز في محافظة السويداء"
ARABIC_PARAGRAPHS = (
    "وثّقت منظمات حقوق الإنسان اختطاف ما لا يقل عن اثني عشر مدنياً من أبناء الطائفة الدرزية في محافظة السويداء "
    "خلال شهر تموز، على أيدي مجموعات مسلحة أقامت حواجز على الطرق المؤدية إلى المدينة.",
    "وقال شهود إن المسلحين أوقفوا الحافلات وفتشوا هويات الركاب، واقتادوا الرجال إلى جهة مجهولة، "
    "ولم تتمكن عائلاتهم من معرفة مصيرهم حتى اليوم.",
    "وطالبت المنظمات السلطات السورية بالكشف عن مصير المختطفين ومحاسبة المسؤولين عن هذه الانتهاكات.",
)
RATE_LIMIT_PAGE = (b"<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body>"
                   b"<h1>Too Many Requests</h1><p>You have sent too many requests. Please try again later.</p>"
                   b"</body></html>")


def handles(path: str) -> bool:
    """True for the request paths this module answers (everything under /traps/, and /traps itself)."""
    path = unquote(path)
    return path.startswith(TRAPS_PREFIX) or path == TRAPS_PREFIX.rstrip("/")


def answer(path: str, query: str = "") -> TrapAnswer:
    """The answer to one request for a trap path (GET, HEAD or POST alike)."""
    path = unquote(path)
    if path in ("/traps", TRAPS_PREFIX):
        return _html(200, index_page())
    if path.startswith(RELIEFWEB_API_PREFIX) or path == "/traps/api/reports":
        return TrapAnswer(200, RATE_LIMIT_PAGE, {"Content-Type": HTML_TYPE})
    if path in ("/traps/report/ok-1", "/traps/report/ok-2", "/traps/report/ok-3"):
        number = path.rsplit("-", 1)[-1]
        return _html(200, _page(f"Good report {number}", [
            f"This is good report number {number}. It reached the crawler whole, as UTF-8, with its length.",
            "A crawl that meets failing pages around it must still store it.",
        ]))
    if path == "/traps/report/moved":
        return TrapAnswer(301, b"", {"Location": "/traps/report/ok-3"})
    if path == "/traps/report/ok.pdf":
        return TrapAnswer(200, text_pdf([["A good PDF report.", "It has one page of text."]], title="Good PDF"),
                          {"Content-Type": "application/pdf"})
    if path == "/traps/report/arabic-windows-1256":
        return TrapAnswer(200, arabic_windows_1256_page(), {"Content-Type": "text/html"})
    if path.startswith("/traps/status/"):
        code = path.removeprefix("/traps/status/")
        if code in ("404", "500", "503"):
            return _html(int(code), _page(f"Error {code}", [f"The server answered {code}."]))
    if path == "/traps/slow":
        return _html(200, _page("Slow page", ["This page took too long."]), delay=_seconds(query))
    if path.startswith("/traps/redirect-loop/"):
        other = "b" if path.endswith("/a") else "a"
        return TrapAnswer(302, b"", {"Location": f"/traps/redirect-loop/{other}"})
    if path.startswith("/traps/redirect-chain/"):
        step = path.removeprefix("/traps/redirect-chain/")
        if step.isdigit() and len(step) < 6:
            return TrapAnswer(302, b"", {"Location": f"/traps/redirect-chain/{int(step) + 1}"})
    if path in ("/traps/oversized", "/traps/oversized-unannounced"):
        return TrapAnswer(200, oversized_page(), {"Content-Type": HTML_TYPE},
                          announce_length=path == "/traps/oversized")
    if path == "/traps/not-a-pdf.pdf":
        body = _page("Access denied", ["Please accept our cookies to download this report."])
        return TrapAnswer(200, body, {"Content-Type": "application/pdf"})
    return _html(404, _page("Not found", ["There is no trap here."]))


def index_page() -> bytes:
    """The trap site's listing: every trap and good document, each link classed by its kind.

    Links are relative to /traps/, as a site's own links are relative to its root, so a spider whose
    base URL is <mirror>/traps resolves them as it resolves any site's links.
    """
    items = "".join(f'<li><a class="{trap.kind}" href="{escape(trap.path.removeprefix(TRAPS_PREFIX))}">'
                    f"{escape(trap.what)}</a></li>" for trap in TRAPS)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Traps</title></head>'
            f'<body><h1>Traps</h1><ul class="documents">{items}</ul></body></html>').encode()


def arabic_windows_1256_page() -> bytes:
    """An Arabic page as older Arabic sites serve it: windows-1256 bytes, no charset declared anywhere."""
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in ARABIC_PARAGRAPHS)
    page = (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><title>{ARABIC_TITLE}</title></head>'
            f"<body><article><h1>{ARABIC_TITLE}</h1>{paragraphs}</article></body></html>")
    return page.encode("windows-1256")


def oversized_page() -> bytes:
    head = _page("Oversized", ["This page is far larger than any report."])
    return head + b"<!--" + b"x" * (OVERSIZED_BYTES - len(head) - 7) + b"-->"


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>").encode()


def _html(status: int, body: bytes, delay: float = 0.0) -> TrapAnswer:
    return TrapAnswer(status, body, {"Content-Type": HTML_TYPE}, delay=delay)


def _seconds(query: str) -> float:
    raw = (parse_qs(query).get("seconds") or [""])[0]
    try:
        seconds = float(raw)
    except ValueError:
        return SLOW_SECONDS
    return min(max(seconds, 0.0), MAX_SLOW_SECONDS)
