"""Search kinds and the index they keep (portal.SearchEntry).

Each app declares its kinds in its own ``search.py`` (a ``SearchKind`` per model: which rows
may be found, and what of each is indexed and shown) and registers them from its
``AppConfig.ready()``; this module imports no app.

The index follows every change through model signals, connected by ``register()``: the index
is derived data, like the page cache's generation, and must follow saves from the admin,
services, the shell and commands alike. (The domain's own flow never runs through signals.)
``bulk_create`` and ``QuerySet.update`` send no signals: code that uses them on indexed models
(the scale data) calls ``rebuild()`` afterwards, as ``manage.py rebuild_search_index`` does.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from ..languages import LANGUAGE_CODES, column, is_written
from ..models import SearchEntry
from . import backends

BATCH = 500


@dataclass
class Document:
    """What the index holds of one item. Each dict maps a language to its text, with only
    the languages it is written in; ``title`` decides which languages a hit can be shown in."""

    title: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)  # shown under the title
    body: dict[str, str] = field(default_factory=dict)  # searched, not shown
    context: dict[str, str] = field(default_factory=dict)  # e.g. a measure's agreement
    date: datetime.date | None = None
    public_from: datetime.datetime | None = None  # found only from then on


class SearchKind:
    """One kind of result (news, events, …). Subclasses set ``key``, ``label`` and ``model``
    and implement ``indexed()`` and ``document()``."""

    key: str
    label: str
    model: type[models.Model]
    position: int = 100  # groups on the results page, lowest first
    # Other models whose changes change this kind's entries: model → function giving the
    # affected objects of this kind (e.g. an agreement's measures).
    depends_on: dict = {}

    def indexed(self) -> models.QuerySet:
        """The objects that may be found (public by status; a publish time still to come
        goes into ``Document.public_from``), with what ``document`` reads."""
        raise NotImplementedError

    def document(self, obj) -> Document:
        raise NotImplementedError

    def url(self, obj) -> str:
        return obj.get_absolute_url()


def written(obj, name: str) -> dict[str, str]:
    """A translated field's texts, by language, where written."""
    texts = {code: getattr(obj, column(name, code)) for code in LANGUAGE_CODES}
    return {code: text for code, text in texts.items() if is_written(text)}


def joined(*parts: dict[str, str]) -> dict[str, str]:
    """Several fields' texts, joined per language."""
    out: dict[str, str] = {}
    for part in parts:
        for code, text in part.items():
            out[code] = f"{out[code]}\n{text}" if code in out else text
    return out


_kinds: dict[str, SearchKind] = {}


def kinds() -> dict[str, SearchKind]:
    """The registered kinds, in the order of their groups on the results page."""
    return {kind.key: kind for kind in sorted(_kinds.values(), key=lambda k: k.position)}


def register(kind: SearchKind) -> None:
    """Add ``kind`` to the search and keep its entries up to date from now on."""
    _kinds[kind.key] = kind

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            update(kind, [instance.pk])

    def deleted(sender, instance, **kwargs):
        SearchEntry.objects.filter(kind=kind.key, object_id=instance.pk).delete()

    post_save.connect(saved, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.key}")
    post_delete.connect(
        deleted, sender=kind.model, weak=False, dispatch_uid=f"search-{kind.key}-delete"
    )
    for model, affected in kind.depends_on.items():

        def changed(sender, instance, raw=False, affected=affected, **kwargs):
            if not raw:
                update(kind, [obj.pk for obj in affected(instance)])

        post_save.connect(
            changed, sender=model, weak=False, dispatch_uid=f"search-{kind.key}-{model.__name__}"
        )


def _entry(kind: SearchKind, obj) -> tuple[SearchEntry, dict]:
    document = kind.document(obj)
    shown = {
        code: {
            "title": title,
            "summary": document.summary.get(code, ""),
            "context": document.context.get(code, ""),
        }
        for code, title in document.title.items()
    }
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = kind.url(obj)
    entry = SearchEntry(
        kind=kind.key, object_id=obj.pk, public_from=document.public_from, date=document.date,
        shown=shown, urls=urls,
    )  # fmt: skip
    texts = {}
    text = joined(document.summary, document.body)
    for code in LANGUAGE_CODES:
        if code in document.title or code in text:
            texts[code] = (document.title.get(code, ""), text.get(code, ""))
    return entry, texts


def _write(kind: SearchKind, objects: Iterable) -> int:
    entries, texts = [], []
    for obj in objects:
        entry, text = _entry(kind, obj)
        entries.append(entry)
        texts.append(text)
    created = SearchEntry.objects.bulk_create(entries)
    backends.current().write({entry.pk: text for entry, text in zip(created, texts, strict=True)})
    return len(created)


def update(kind: SearchKind, pks: Iterable) -> None:
    """Index these objects of ``kind`` again (or drop them: no longer public, or gone)."""
    pks = list(pks)
    if not pks:
        return
    with transaction.atomic():
        SearchEntry.objects.filter(kind=kind.key, object_id__in=pks).delete()
        for start in range(0, len(pks), BATCH):
            _write(kind, kind.indexed().filter(pk__in=pks[start : start + BATCH]))


def rebuild(keys: Iterable[str] | None = None) -> dict[str, int]:
    """Index every kind (or those of ``keys``) from scratch: key → entries written."""
    written_count = {}
    for key in keys or list(_kinds):
        kind = _kinds[key]
        with transaction.atomic():
            SearchEntry.objects.filter(kind=key).delete()
            total, batch = 0, []
            for obj in kind.indexed().order_by("pk").iterator(chunk_size=BATCH):
                batch.append(obj)
                if len(batch) == BATCH:
                    total += _write(kind, batch)
                    batch = []
            written_count[key] = total + _write(kind, batch)
    return written_count


def fill_empty_index(sender, using="default", **kwargs) -> None:
    """post_migrate receiver: an empty index is filled when content exists, so that a site
    upgraded to the indexed search finds its existing content. Not a data migration: the
    kinds read today's models, which a migration's historical schema may not have yet; so
    this runs only when every migration is applied."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[using]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if SearchEntry.objects.using(using).exists():
        return
    if any(kind.indexed().exists() for kind in _kinds.values()):
        rebuild()
