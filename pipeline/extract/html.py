"""Web pages to blocks of main text: trafilatura for the article, a plain lxml walk when it finds nothing."""

from __future__ import annotations

import copy
import logging
import re

import lxml.html
from lxml import etree

from .decode import decode_text
from .errors import ExtractionError
from .passages import Block

log = logging.getLogger(__name__)

# Pages are hostile: no network, no huge trees (libxml2's own depth and size limits stay on), no comments or PIs.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False,
                               no_network=True, huge_tree=False)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP_TAGS = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe",
              "svg", "button", "select", "object", "embed"]
_BOILERPLATE = re.compile(r"cookie|consent|gdpr|banner|share|social|sidebar|breadcrumb|menu|navbar|newsletter|"
                          r"related|comment|popup|modal|subscribe|skip-link|masthead|colophon", re.I)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """A safe lxml tree for a decoded page; an empty or unparsable page is "empty"."""
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses str input that declares an encoding
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError("empty", f"the page has no HTML content ({error})") from None


def page_title(tree) -> str | None:
    """og:title (usually without the site name), else <title>, else the first <h1>."""
    for xpath in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content',
                  "//title", "//h1"):
        for found in tree.xpath(xpath):
            text = found if isinstance(found, str) else found.text_content()
            text = " ".join(text.split())
            if text:
                return text
    return None


def _text(element, skip: frozenset[str] = frozenset()) -> str:
    """The text under element, <lb/> as a line break, leaving out subtrees whose tag is in skip."""
    parts: list[str] = []

    def visit(node):
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            if child.tag not in skip:
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return "".join(parts)


def _trafilatura_body(element, blocks: list[Block]) -> None:
    """Blocks from trafilatura's XML body: head, p, list/item, table/row/cell, quote, code."""
    for child in element:
        tag = child.tag
        if tag == "head":
            blocks.append(Block(_text(child), "heading"))
        elif tag == "list":
            _list_items(child, blocks)
        elif tag == "table":
            for row in child.iter("row"):
                cells = [" ".join(_text(cell).split()) for cell in row if cell.tag == "cell"]
                blocks.append(Block(" | ".join(cell for cell in cells if cell), "cell"))
        elif tag in ("quote", "div") and any(grandchild.tag in ("p", "head", "list", "table") for grandchild in child):
            _trafilatura_body(child, blocks)
        elif tag not in ("graphic",):
            blocks.append(Block(_text(child), "p"))


def _list_items(element, blocks: list[Block]) -> None:
    """One item block per <item>, its own text first, then the items of any list nested in it."""
    for item in element:
        if item.tag == "item":
            blocks.append(Block(_text(item, frozenset({"list"})), "item"))
            for nested in item.findall("list"):
                _list_items(nested, blocks)


def trafilatura_blocks(tree, url: str | None) -> list[Block]:
    import trafilatura  # imported here so a worker that only reads PDFs never pays for it

    document = trafilatura.bare_extraction(tree, url=url or None, include_comments=False, include_tables=True,
                                           include_formatting=False, include_links=False, include_images=False,
                                           with_metadata=False, deduplicate=False)
    if document is None or document.body is None:
        return []
    blocks: list[Block] = []
    _trafilatura_body(document.body, blocks)
    return [block for block in blocks if block.text.strip()]


def fallback_blocks(tree) -> list[Block]:
    """Headings, paragraphs, list items and table rows of <main>/<article>, without page furniture."""
    tree = copy.deepcopy(tree)
    for element in tree.xpath("//" + " | //".join(_DROP_TAGS)):
        element.drop_tree()
    for element in tree.xpath("//*[@class or @id or @role]"):
        marks = " ".join((element.get("class", ""), element.get("id", ""), element.get("role", "")))
        if _BOILERPLATE.search(marks) and element.getparent() is not None and element.tag not in ("html", "body"):
            element.drop_tree()
    roots = tree.xpath("//main | //article | //*[@role='main']") or tree.xpath("//body") or [tree]
    blocks: list[Block] = []
    _walk_html(roots[0], blocks)
    return [block for block in blocks if block.text.strip()]


def _walk_html(element, blocks: list[Block]) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag in _HEADINGS:
            blocks.append(Block(child.text_content(), "heading"))
        elif tag in ("p", "pre", "blockquote", "dd", "dt") and not child.xpath(".//p|.//ul|.//ol|.//table"):
            blocks.append(Block(child.text_content(), "p"))
        elif tag == "li":
            nested = child.xpath("./ul|./ol")
            own = copy.deepcopy(child)
            for sublist in own.xpath("./ul|./ol"):
                sublist.drop_tree()
            blocks.append(Block(own.text_content(), "item"))
            for sublist in nested:
                _walk_html(sublist, blocks)
        elif tag == "tr":
            cells = [" ".join(cell.text_content().split()) for cell in child if cell.tag in ("td", "th")]
            blocks.append(Block(" | ".join(cell for cell in cells if cell), "cell"))
        else:
            if tag == "div" and child.text and child.text.strip():
                blocks.append(Block(child.text, "p"))
            _walk_html(child, blocks)
        if child.tail and child.tail.strip() and element.tag in ("div", "main", "article", "section", "body"):
            blocks.append(Block(child.tail, "p"))


def extract_html(body: bytes, content_type: str | None, url: str | None) -> tuple[list[Block], str | None, str]:
    """(blocks, title, extractor name) for an HTML page; raises ExtractionError "undecodable" or "empty"."""
    tree = parse_html(decode_text(body, content_type))
    title = page_title(tree)
    try:
        blocks = trafilatura_blocks(tree, url)
    except Exception as error:  # trafilatura on odd markup is not ours to crash on: the plain walk still has a go
        log.warning("trafilatura failed on %s: %s: %s", url, type(error).__name__, error)
        blocks = []
    if blocks:
        return blocks, title, "html/trafilatura"
    blocks = fallback_blocks(tree)
    if not blocks:
        raise ExtractionError("empty", "the page has no main text")
    return blocks, title, "html/lxml"
