"""Public list pages: pagination and the filter bars (news, events, agreements).

A filter bar is a plain Django form bound to the query string. ``cleaned_data`` keeps the
fields that are valid and Django leaves the others out, which is exactly the rule of the
public lists: an invalid filter (an unknown sector, a year of letters) is ignored, not an
error page. The choices among objects (sectors, parties) are the objects the view loaded
once for the bar, so checking a slug costs no query.

A kernel module: it imports no app.
"""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.views.generic import ListView

from .pagecache import accept_query, remember

# How long an unfiltered list's count is kept at most (what no save announces: a scheduled
# article whose time has come, an event that has become past).
COUNT_SECONDS = 60


def is_database_id(value) -> bool:
    """A row id from a query string or form: ASCII digits that fit a bigint. ("²" is a digit
    to str.isdigit() but not to int(), and 30 digits overflow PostgreSQL's key; both are
    ignored like "x", never a 500.)"""
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) <= 18


def with_query(query, **changes) -> str:
    """``{% querystring %}`` in Python, for a link written once by the view: the QueryDict
    ``query`` with ``changes`` (a value of None removes the name), as "?…"."""
    params = query.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return f"?{params.urlencode()}"


def filters_key(filters) -> str:
    """A list's valid filters as one canonical string, for the keys of its fragments: objects
    by their slug, in the order of the names."""
    return "&".join(
        f"{name}={getattr(value, 'slug', value)}" for name, value in sorted(filters.items())
    )


class RememberedCountPaginator(Paginator):
    """A paginator whose count is computed once per content generation (and at most
    COUNT_SECONDS) under ``count_name``: an unfiltered list of 10,000 rows is not counted
    on every request. Without a name it counts as Django's does."""

    def __init__(self, *args, count_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_name = count_name

    @cached_property
    def count(self) -> int:
        if self.count_name is None:
            return super().count
        return remember(self.count_name, lambda: Paginator.count.func(self), seconds=COUNT_SECONDS)


class PaginatedListView(ListView):
    """A list whose bad page numbers show the nearest real page instead of a 404, and whose
    unfiltered count is remembered per content generation (``count_name``)."""

    paginator_class = RememberedCountPaginator

    def count_name(self) -> str | None:
        """The name its count is remembered under when nothing filters the list (None: count
        every time). Subclasses whose list depends on more than ``filters`` extend it."""
        if getattr(self, "filters", None):
            return None
        return f"list-count:{type(self).__module__}.{type(self).__name__}"

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, allow_empty_first_page=True, count_name=self.count_name()
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def accepted_query(self, page) -> dict:
        """The query parameters this page took as given (for the page cache): the valid
        filters and a page number that is the page shown."""
        get = self.request.GET
        accepted = {name: get[name] for name in getattr(self, "filters", {}) if name in get}
        if page is not None and get.get(self.page_kwarg) == str(page.number):
            accepted[self.page_kwarg] = page.number
        return accepted

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        accept_query(self.request, self.accepted_query(context.get("page_obj")))
        return context


class FilterField(forms.Field):
    """A filter is never required: an empty one filters nothing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class ObjectBySlugField(FilterField):
    """One of ``objects`` (already loaded: sectors, parties) named by its slug."""

    def __init__(self, objects=(), **kwargs):
        super().__init__(**kwargs)
        self.objects = list(objects)

    def to_python(self, value):
        if not value:
            return None
        found = next((obj for obj in self.objects if obj.slug == value), None)
        if found is None:
            raise forms.ValidationError("unknown", code="invalid_choice")
        return found


class YearField(FilterField):
    """A four-digit year."""

    def to_python(self, value):
        if not value:
            return None
        if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 4):
            raise forms.ValidationError("not a year", code="invalid")
        return int(value)


class MonthField(FilterField):
    """A month written YYYY-MM, as the first day of that month."""

    def to_python(self, value):
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except (TypeError, ValueError) as error:
            raise forms.ValidationError("not a month", code="invalid") from error


class FilterForm(forms.Form):
    """A filter bar. ``filters`` is the valid, non-empty part of the query string."""

    @property
    def filters(self) -> dict:
        self.is_valid()  # fills cleaned_data with the valid fields only
        return {name: value for name, value in self.cleaned_data.items() if value}
