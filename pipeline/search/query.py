"""The user's query syntax (words, "phrases", AND/OR/NOT, -word, prefix*, parentheses) parsed into a small tree."""

from __future__ import annotations

import re
from dataclasses import dataclass


class QuerySyntaxError(ValueError):
    """A query the user must correct; the message says how."""


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


MAX_QUERY_LENGTH = 1000
MAX_TERMS = 64
_TOKEN = re.compile(r'\s+|"[^"]*"|"|\(|\)|[^\s()"]+')
_WORD = re.compile(r"\w", re.UNICODE)


def _tokens(text: str) -> list[str]:
    tokens = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token.isspace():
            continue
        if token == '"':
            raise QuerySyntaxError('unbalanced quote in the query: close the phrase with a second "')
        tokens.append(token)
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self):
        node = self.or_expr()
        if self.peek() is not None:
            raise QuerySyntaxError("unbalanced parenthesis in the query: ')' without '('")
        return node

    def or_expr(self):
        children = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self):
        children = [self.unary()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self):
        token = self.peek()
        if token == "NOT":
            self.take()
            return Not(self.unary())
        if token is not None and token.startswith("-") and len(token) > 1 and token != "-":
            self.tokens[self.pos] = token[1:]
            return Not(self.unary())
        return self.primary()

    def primary(self):
        token = self.peek()
        if token is None or token in ("AND", "OR"):
            raise QuerySyntaxError(f"the query ends or continues with {token or 'nothing'} where a word is expected")
        if token == ")":
            raise QuerySyntaxError("unbalanced parenthesis in the query: ')' without '('")
        self.take()
        if token == "(":
            node = self.or_expr()
            if self.peek() != ")":
                raise QuerySyntaxError("unbalanced parenthesis in the query: '(' is never closed")
            self.take()
            return node
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(f"the query has more than {MAX_TERMS} words or phrases")
        if token.startswith('"'):
            text = token[1:-1].strip()
            if not _WORD.search(text):
                raise QuerySyntaxError("an empty phrase in the query")
            return Phrase(text)
        prefix = token.endswith("*")
        text = token.rstrip("*")
        if not _WORD.search(text):
            raise QuerySyntaxError(f"{token!r} has no letters or digits to search for")
        return Term(text, prefix)


def parse_query(text: str | None):
    """Parse a query; None for an empty query (match everything). Raises QuerySyntaxError with a clear message."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    return _Parser(_tokens(text)).parse()


def split_negative(node) -> tuple[object | None, list]:
    """Split a top-level conjunction into its positive part and the parts it excludes (NOT ...)."""
    if node is None:
        return None, []
    children = node.children if isinstance(node, And) else (node,)
    positives = [c for c in children if not isinstance(c, Not)]
    negatives = [c.child for c in children if isinstance(c, Not)]
    positive = None if not positives else positives[0] if len(positives) == 1 else And(tuple(positives))
    return positive, negatives


def positive_terms(node) -> list:
    """Every Term and Phrase that a match must or may contain (not the excluded ones), for highlighting."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, (Term, Phrase)):
        return [node]
    return [term for child in node.children for term in positive_terms(child)]
