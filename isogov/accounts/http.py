"""Typing help for views behind ``login_required``: ``request.user`` is a ``User``."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
