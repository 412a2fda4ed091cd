"""Words for the site search: how texts and queries are cut, folded and stemmed.

PostgreSQL parses English and Russian itself ('english' and 'russian' configurations); these
functions do the same in Python for SQLite (Snowball stemmers from PyStemmer, the algorithms
PostgreSQL uses) and for highlighting on both databases. Azerbaijani has neither a Snowball
stemmer nor a PostgreSQL configuration, so both databases get the same Python analysis of it
(``azerbaijani_words``: folded to plain letters, common endings cut) and PostgreSQL indexes the
result with 'simple'.

The visitor's query (``parse_query``) is websearch-like: words must all occur, "quoted words"
as a phrase, ``or`` between alternatives, ``-word`` or ``-"a phrase"`` to leave out.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import Stemmer

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# PostgreSQL text-search configuration of each language's index.
CONFIGS = {"en": "english", "ru": "russian", "az": "simple"}
_WORD = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_STEMMERS = {"en": Stemmer.Stemmer("english"), "ru": Stemmer.Stemmer("russian")}
# Azerbaijani letters as people type them without an Azerbaijani keyboard ("ticaret").
_AZ_PLAIN = str.maketrans("əıöüşçğ", "eiouscg")
# Common Azerbaijani endings (plural, case, possessive), already folded, longest first. Cut at
# most three times and never below four letters: "ticarətin", "ticarətə" → "ticaret";
# "ölkələrimizin" → "olke". A light stripper, not a stemmer: enough to find inflected forms.
_AZ_ENDINGS = sorted(
    [
        "lerin", "larin", "leri", "lari", "ler", "lar", "nin", "nun", "in", "un", "ni", "nu",
        "ye", "ya", "de", "da", "den", "dan", "le", "la", "yle", "yla",
        "si", "su", "imiz", "umuz", "iniz", "unuz", "miz", "muz", "niz", "nuz", "i", "u", "e", "a",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_AZ_MIN_STEM = 4


def clean_query(raw: str | None) -> str:
    """The visitor's query, safe for any backend: no NUL or control characters, at most
    MAX_QUERY_LENGTH characters, whitespace collapsed."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def fold(text: str | None) -> str:
    """Lower case for every script: Unicode case folding, the Azerbaijani/Turkish dotted and
    dotless i both "i" ("İlham", "ilham", "ILHAM"), ё as е (as PostgreSQL's Russian does)."""
    if not text:
        return ""
    if text.isascii():  # nothing to normalise, and casefold() is lower() there
        return text.lower()
    text = unicodedata.normalize("NFC", text).casefold()
    return text.replace("i\u0307", "i").replace("ı", "i").replace("ё", "е")


def _azerbaijani_stem(word: str) -> str:
    for _round in range(3):
        for ending in _AZ_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= _AZ_MIN_STEM:
                word = word[: -len(ending)]
                break
        else:
            break
    return word


def stem(language: str, word: str) -> str:
    """One folded word as the index of ``language`` holds it."""
    if language == "az":
        return _azerbaijani_stem(word.translate(_AZ_PLAIN))
    if language == "ru" and not _CYRILLIC.search(word):
        language = "en"  # as PostgreSQL's 'russian' treats Latin words
    return _STEMMERS[language].stemWord(word)


@functools.lru_cache(maxsize=50_000)
def indexed(language: str, word: str) -> str:
    """One word as typed or written, as the index of ``language`` holds it (remembered: the
    highlighting asks for every word of every hit shown)."""
    return stem(language, fold(word))


def words(language: str, text: str | None) -> list[str]:
    """The words of ``text`` as the index of ``language`` holds them, in order."""
    return [stem(language, word) for word in _WORD.findall(fold(text))]


def azerbaijani_words(text: str | None) -> str:
    """Azerbaijani text for PostgreSQL's 'simple' configuration: the same words SQLite's
    index holds."""
    return " ".join(words("az", text))


@dataclass(frozen=True)
class Term:
    text: str  # a word or a phrase, as typed (PostgreSQL parses it its own way)
    left_out: bool = False


@dataclass(frozen=True)
class Query:
    """Alternatives (``or``), each a list of terms that must all occur (or must not)."""

    alternatives: tuple[tuple[Term, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.alternatives)

    def words(self, language: str) -> set[str]:
        """Every word to find (not the left-out ones) as ``language``'s index holds it."""
        return {
            word
            for terms in self.alternatives
            for term in terms
            if not term.left_out
            for word in words(language, term.text)
        }


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def parse_query(raw: str | None) -> Query:
    """The visitor's query. Terms without a word (punctuation) are dropped, as are
    alternatives with nothing to find (only left-out words): they would match everything."""
    alternatives, current, count = [], [], 0
    for match in _TOKEN.finditer(clean_query(raw)):
        minus = match.group(1) or match.group(3)
        text = match.group(2) if match.group(2) is not None else match.group(4)
        if not minus and match.group(4) is not None and text.lower() == "or":
            alternatives.append(current)
            current = []
            continue
        if text.startswith("-") and match.group(4) is not None:
            minus, text = "-", text.lstrip("-")
        if _WORD.search(fold(text)) and count < MAX_TERMS:
            current.append(Term(text.strip(), left_out=bool(minus)))
            count += 1
    alternatives.append(current)
    kept = tuple(tuple(terms) for terms in alternatives if any(not term.left_out for term in terms))
    return Query(kept)
