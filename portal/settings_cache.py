"""Settings that the middleware reads on every request, kept in a plain dict.

``django.conf.settings`` is a lazy object: each ``settings.NAME`` runs a Python-level
``__getattribute__`` (a third of a microsecond), and a bare request read a dozen of them in
our layers alone. ``setting(name)`` reads one once and keeps it until Django announces that
it changed (``setting_changed``: override_settings, pytest-django's ``settings`` fixture).
Settings are not meant to change at runtime otherwise, so nothing else is watched.
"""

from django.conf import settings
from django.core.signals import setting_changed

_values: dict[str, object] = {}
_MISSING = object()


def setting(name: str, default=_MISSING):
    """``getattr(settings, name[, default])``, remembered: the first read's value stands for
    every later one, so a name is always read with the same default."""
    try:
        return _values[name]
    except KeyError:
        pass
    value = getattr(settings, name) if default is _MISSING else getattr(settings, name, default)
    _values[name] = value
    return value


def _forget(*, setting, **kwargs):
    _values.pop(setting, None)


setting_changed.connect(_forget, dispatch_uid="portal-settings-cache")
