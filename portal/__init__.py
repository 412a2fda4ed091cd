"""The site itself: the kernel every app builds on, and the composition root.

The kernel (every module here but two) imports no app: sectors, pages, news, uploads, text,
languages, look-ups, cache, security, list pages and filter forms (lists.py), the sitemap and
feed bases, conditional GET, the search engine. Apps plug into it from their own modules
(sitemaps.py, search.py, feeds' validators) and import only the kernel.

The composition root is urls.py and home.py: the only modules that know every app.
tests/test_layers.py reads the imports and fails when either rule is broken.
"""
