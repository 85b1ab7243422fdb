"""Production settings: everything from config.settings, hardened, and a secret key required."""

from __future__ import annotations

from config.env import EnvError, env_bool, env_int, env_list, env_str
from config.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise EnvError("SECRET_KEY must be set to at least 50 random characters in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise EnvError("ALLOWED_HOSTS must list the host names clientbase is served under")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this exact host
# and path /: a sibling subdomain cannot plant or overwrite it.
SESSION_COOKIE_NAME = "__Host-clientbase-session"
CSRF_COOKIE_NAME = "__Host-clientbase-csrf"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
