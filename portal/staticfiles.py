"""Static files: what collectstatic leaves out.

django-bootstrap-static ships every Bootstrap build (grid, reboot, utilities, right-to-left,
ES modules, unminified, jQuery): 24 MB that collectstatic would copy and WhiteNoise compress
twice (gzip and Brotli) on every deployment. The pages use bootstrap.min.css and
bootstrap.bundle.min.js (with their source maps, which the minified files name); the rest is
left out.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig

UNUSED_BOOTSTRAP = [
    "bootstrap/css/bootstrap-*",
    "bootstrap/css/*.rtl.*",
    "bootstrap/css/bootstrap.css",
    "bootstrap/css/bootstrap.css.map",
    "bootstrap/js/bootstrap.js",
    "bootstrap/js/bootstrap.js.map",
    "bootstrap/js/bootstrap.min.js",
    "bootstrap/js/bootstrap.min.js.map",
    "bootstrap/js/bootstrap.esm*",
    "bootstrap/js/bootstrap.bundle.js",
    "bootstrap/js/bootstrap.bundle.js.map",
    "bootstrap/js/jquery*",
]


class PortalStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, *UNUSED_BOOTSTRAP]
