"""Everything the web app is assembled from, listed in one place: routers, navigation and extension templates.

Another feature plugs in by adding its router to ROUTERS, a link to NAV, or a template name to one of the slot
lists below; the document page includes every slot template with the documented context.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """The app's routers, in the order they are matched."""
    from . import api, cite, digests, documents, matrix_pages, search_pages

    return [api.router, search_pages.router, documents.router, matrix_pages.router, digests.router, cite.router]


# (label, path) links in the header of every page.
NAV: list[tuple[str, str]] = [("Search", "/search"), ("Matrix", "/matrix"), ("Sources", "/sources"), ("Digests", "/digests")]

# Templates included after each passage's text on the document page, with `document` and `passage`
# (idx, paragraph, page, anchor, start, end, text) in their context: e.g. a "cite this passage" action.
PASSAGE_ACTIONS: list[str] = ["cite/passage_actions.html"]

# Templates included as extra sections of the document page (after the versions), with `document` in context:
# e.g. differences between versions.
DOCUMENT_SECTIONS: list[str] = ["cite/document_section.html"]
