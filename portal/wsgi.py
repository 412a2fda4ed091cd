import os

from django.core.wsgi import get_wsgi_application

from portal.workers import freeze_after, freeze_long_lived

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# What the worker has loaded stays out of the garbage collector's way (portal.workers).
freeze_long_lived()
freeze_after()
