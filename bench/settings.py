"""The portal as make bench serves it: production settings plus the benchmark's own route (a
bare view through the portal's whole middleware) and no practical limit on form submissions
from one address (wrk sends every registration from 127.0.0.1). Nothing here is in
portal/settings.py: production code has no benchmark switch."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
PORTAL_SUBMISSIONS_PER_WINDOW = 10**9
