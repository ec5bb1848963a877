import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isogov.settings")
django_application = get_wsgi_application()

# The sign-in gate sits outside Django, so that a refused flood costs no request object,
# middleware or signal (accounts/gate.py).
from isogov.accounts.gate import SignInGate  # noqa: E402

application = SignInGate(django_application)
