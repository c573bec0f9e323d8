"""Search results as text for a terminal; crawled text is stripped of control characters before it is shown."""

from __future__ import annotations

import re

from .facets import facet_label
from .model import SearchRequest, SearchResponse

# C0 and C1 controls (ESC among them) would let a crawled page drive the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BOLD, RESET = "\x1b[1m", "\x1b[0m"
FACET_VALUES_SHOWN = 8


def terminal_safe(text: str | None) -> str:
    return _CONTROL.sub("", text or "")


def mark(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    """Text with its highlighted spans marked: bold on a terminal, [brackets] elsewhere."""
    start_mark, end_mark = (BOLD, RESET) if color else ("[", "]")
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out += [terminal_safe(text[position:start]), start_mark, terminal_safe(text[start:end]), end_mark]
        position = end
    out.append(terminal_safe(text[position:]))
    return "".join(out)


def render_text(request: SearchRequest, response: SearchResponse, color: bool = False) -> str:
    query = f'"{terminal_safe(request.query)}"' if request.query else "everything"
    lines = [f"{response.total} documents match {query} (page {response.page} of {response.pages})", ""]
    first = (response.page - 1) * response.per_page
    for number, hit in enumerate(response.hits, start=first + 1):
        meta = " · ".join(terminal_safe(x) for x in (hit.source_name, hit.doc_type, hit.language,
                                                      hit.published or "undated", hit.epoch) if x)
        lines.append(f"{number:>3}. {mark(hit.title, hit.title_highlights, color)}")
        lines.append(f"     {meta}")
        if hit.snippet:
            lines.append(f"     {mark(hit.snippet, hit.highlights, color)}")
        lines.append(f"     {terminal_safe(hit.url)}")
        tags = ", ".join(f"{facet}: {' '.join(values)}" for facet, values in hit.facets.items() if values)
        if tags:
            lines.append(f"     tags: {terminal_safe(tags)}")
        lines.append("")
    lines.append("Facets (counts ignore the facet's own selection):")
    for facet, values in response.facets.items():
        if not values:
            continue
        shown = []
        for value in values[:FACET_VALUES_SHOWN]:
            flag = "+" if value.selected else "-" if value.excluded else ""
            label = value.value if value.label in ("", value.value) else f"{value.label} ({value.value})"
            shown.append(f"{flag}{terminal_safe(label)} {value.count}")
        more = f" … {len(values) - FACET_VALUES_SHOWN} more" if len(values) > FACET_VALUES_SHOWN else ""
        lines.append(f"  {facet_label(facet)}: " + " · ".join(shown) + more)
    return "\n".join(lines)
