"""Look-ups by name: case, script and common transliterations ignored (kernel: imports no app).

Staff look people and things up by what they heard or read: "петров", "PETROV", "Petrov";
"Həsənov", "Hasanov", "Гасанов"; "Mikayil Jabbarov", "Микаил Джаббаров", "Mikayıl Cabbarov".
Each text is reduced to a **skeleton**, and a look-up matches when the skeleton of every word
typed is contained in the skeleton of some field. The same rules run in Python
(``skeleton()``; SQLite calls it as ``portal_skeleton()``, registered on each connection) and
in PostgreSQL (the IMMUTABLE function ``portal_skeleton(text)``, created by migration
``portal.0007`` from ``skeleton_sql()``); tests/portal/test_lookup.py checks on PostgreSQL
that both give the same skeleton for a corpus of names and words in all three scripts.

The rules, in order (tests/portal/test_lookup.py has the table of spellings that must and must
not meet):

1. Letters are decomposed (NFD) and put in lower case, so "İ" is "i" plus a dot. Accents that
   change a letter's sound are spelt out (й y; ş sh, ç ch, ğ gh; š sh, č ch, ž zh); every
   other accent is dropped (é e, ö o, ü u, ё е, the dot of İ).
2. Everything is spelt in plain Latin letters: Russian Cyrillic as in English-language
   passports and press (ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ю yu, я ya, ы i; ъ ь dropped),
   Azerbaijani Cyrillic as Azerbaijani Latin, and the Azerbaijani letters as they are written
   without them (ə a, ı i); apostrophes are dropped.
3. Spellings of one sound meet: shch, sch, sh → š; ch → č; zh, dj (so dzh, dž) → j; ck → k;
   kh, ks → h; ph → f; th → t.
4. Letters: c → j (Azerbaijani c is the j of Jabbarov), x, g, q → h (Azerbaijani x is kh;
   Russian writes a foreign h as г: Гасанов, Гусейнов), w → v, y is dropped (Aliyev, Алиев;
   Mikayil, Микаил), e → a (ə falls between them: Məmmədov is Mammadov and Мамедов).
5. i after a vowel is dropped (Sergei, Sergey; Mikail, Mikayil), then a doubled letter is
   written once (Jabbarov, Джаббаров; Mammadov, Мамедов).
6. Anything but letters and digits separates words; a run of separators is one space.

Every step is a plain replacement (two are regular expressions without back-references), in
the same order on both sides: PostgreSQL's regex back-references and long ``translate()``
lists cost ~50 µs a value each. The price of the rules is a few spellings that meet although
they are different names (Lena and Lana, Gold and Hold): acceptable for finding a person in a
list, where missing them is worse. Changing a rule needs a new migration that replaces
``portal_skeleton`` with the new ``skeleton_sql()``, or PostgreSQL and SQLite disagree (the
test above fails first).
"""

import re
import unicodedata

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import F, Func, Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains, Exact, StartsWith
from django.utils.text import smart_split, unescape_string_literal

# Step 1: decomposed letters whose accent changes the sound; then the other accents go.
SPELT_OUT = {
    "и\u0306": "y", "s\u0327": "sh", "c\u0327": "ch", "g\u0306": "gh",
    "s\u030c": "sh", "c\u030c": "ch", "z\u030c": "zh",
}  # fmt: skip
ACCENTS = "[\u0300-\u036f]"
# Step 2: one character to its plain Latin spelling (no spelling contains a character that is
# replaced itself, so the order of these replacements does not matter).
TO_LATIN = {
    **dict(zip("абвгдезиклмнопрстуфыэ", "abvgdeziklmnoprstufie", strict=True)),
    "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya",
    "ъ": "", "ь": "",
    # Azerbaijani Cyrillic (and Ukrainian letters seen in names).
    "ә": "a", "ғ": "gh", "ҹ": "c", "һ": "h", "ј": "y", "ө": "o", "ү": "u", "ҝ": "g",
    "қ": "k", "і": "i", "є": "e", "ґ": "g",
    # Latin letters without a decomposed form.
    "ə": "a", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
    "ð": "d", "þ": "th",
    "'": "", "’": "", "‘": "", "ʼ": "", "ʻ": "", "`": "", "´": "",
}  # fmt: skip
# Step 3, in this order.
DIGRAPHS = [
    ("shch", "š"), ("sch", "š"), ("sh", "š"), ("ch", "č"), ("zh", "j"), ("dj", "j"),
    ("ck", "k"), ("kh", "h"), ("ks", "h"), ("ph", "f"), ("th", "t"),
]  # fmt: skip
# Step 4.
LETTERS = {"c": "j", "x": "h", "g": "h", "q": "h", "w": "v", "y": "", "e": "a"}
# Step 5: the skeleton's vowels are a, i, o, u by now; these are all the letters left.
AFTER_VOWEL = [("ai", "a"), ("oi", "o"), ("ui", "u")]
SINGLE = "abdfhijklmnoprstuvzšč"
# Step 6.
NOT_WORD = r"[^[:alnum:]]+"  # PostgreSQL's spelling of Python's [\W_]+

_ACCENTS = re.compile(ACCENTS)
_TO_LATIN = str.maketrans(TO_LATIN)
_LETTERS = str.maketrans(LETTERS)
_NOT_WORD = re.compile(r"[\W_]+")


def _replacements() -> list[tuple[str, str]]:
    """Steps 3 to 5 as one list of plain replacements."""
    return [*DIGRAPHS, *LETTERS.items(), *AFTER_VOWEL, *((c * 2, c) for c in SINGLE)]


def skeleton(value) -> str | None:
    """The look-up form of ``value`` (see the rules above); None stays None, as in SQL."""
    if value is None:
        return None
    text = unicodedata.normalize("NFD", str(value)).lower()
    for marked, spelt in SPELT_OUT.items():
        text = text.replace(marked, spelt)
    text = _ACCENTS.sub("", text).translate(_TO_LATIN)
    for spelling, sound in DIGRAPHS:
        text = text.replace(spelling, sound)
    text = text.translate(_LETTERS)
    for pair, single in AFTER_VOWEL:
        text = text.replace(pair, single)
    for letter in SINGLE:
        text = text.replace(letter * 2, letter)
    return _NOT_WORD.sub(" ", text).strip(" ")


def skeleton_sql() -> str:
    """``CREATE FUNCTION portal_skeleton(text)``: the steps of ``skeleton()`` as one nested SQL
    expression (an SQL function is inlined into the query; PL/pgSQL costs a third more)."""

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    expression = "lower(normalize(value, NFD))"
    for old, new in SPELT_OUT.items():
        expression = f"replace({expression}, {literal(old)}, {literal(new)})"
    expression = f"regexp_replace({expression}, {literal(ACCENTS)}, '', 'g')"
    for old, new in [*TO_LATIN.items(), *_replacements()]:
        expression = f"replace({expression}, {literal(old)}, {literal(new)})"
    expression = f"trim(regexp_replace({expression}, {literal(NOT_WORD)}, ' ', 'g'))"
    return (
        "CREATE OR REPLACE FUNCTION portal_skeleton(value text) RETURNS text\n"
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\nRETURN {expression};"
    )


class Skeleton(Func):
    """``skeleton()`` in SQL, of any expression (cast to text)."""

    function = "portal_skeleton"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(Cast(expression, TextField()), **extra)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: SQLite gets portal_skeleton() from Python (PostgreSQL has
    its own, from a migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("portal_skeleton", 1, skeleton, deterministic=True)


def search_terms(text: str) -> list[str]:
    """The skeletons of the words in ``text``; "quoted words" stay one term, words that are
    only punctuation are left out."""
    terms = []
    for bit in smart_split(text or ""):
        if bit[:1] in ('"', "'") and bit[-1:] == bit[0] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        term = skeleton(bit)
        if term and term not in terms:
            terms.append(term)
    return terms


# Django's search_fields prefixes: "^name" starts with, "=name" is exactly; "@name" (full-text
# search on PostgreSQL) is treated as a plain "contains".
_PREFIX_LOOKUPS = {"^": StartsWith, "=": Exact, "@": Contains}


def _field_lookup(spec: str) -> tuple[type, str]:
    lookup = _PREFIX_LOOKUPS.get(spec[:1])
    return (lookup, spec[1:]) if lookup else (Contains, spec)


def matching(text: str, fields) -> Q:
    """Every word of ``text`` is in one of ``fields`` (paths such as "agreement__title", with
    Django's optional "^" or "=" prefix), compared by skeleton. No words: no condition."""
    condition = Q()
    lookups = [_field_lookup(spec) for spec in fields]
    for term in search_terms(text):
        any_field = Q()
        for lookup, path in lookups:
            any_field |= Q(lookup(Skeleton(F(path)), term))
        condition &= any_field
    return condition


class SkeletonSearchMixin:
    """For a ModelAdmin: its ``search_fields`` are searched by skeleton (see above), so staff
    find "Петров" by typing "petrov" and "Həsənov" by "hasanov", on SQLite and PostgreSQL.

    Every word must be in some field, as in Django's own search; "^" and "=" keep their
    meaning (starts with, exactly), compared by skeleton too. Also used by autocomplete.
    """

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        condition = matching(search_term, fields) if fields else Q()
        if not condition:
            return queryset, False
        paths = [_field_lookup(spec)[1] for spec in fields]
        duplicates = any(lookup_spawns_duplicates(self.opts, path) for path in paths)
        return queryset.filter(condition), duplicates
