"""Reading what a page tells machines: its meta tags and its JSON-LD (tests only)."""

import json
from html.parser import HTMLParser


class _HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[dict] = []
        self._in_json_ld = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content") or "")
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld, self._text = True, ""

    def handle_data(self, data):
        if self._in_json_ld:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_json_ld:
            self.json_ld.append(json.loads(self._text))
            self._in_json_ld = False


def read_head(html: str) -> _HeadReader:
    """``.meta``: name or property → contents; ``.json_ld``: each JSON-LD block, parsed."""
    reader = _HeadReader()
    reader.feed(html)
    return reader


def meta(html: str) -> dict[str, str]:
    """Each meta name or property → its (first) content."""
    return {key: values[0] for key, values in read_head(html).meta.items()}


def json_ld(html: str, kind: str) -> dict:
    """The page's one JSON-LD block of schema.org type ``kind``."""
    [data] = [block for block in read_head(html).json_ld if block.get("@type") == kind]
    return data
