"""Security headers on every response, session cookie flags, and the client key for rate limits.

Respondent pages hold children's answers, so the browser is told to run only Chorus's
own scripts and styles (no inline code at all), never to frame a page, never to send
a referrer, and never to offer a page the camera, microphone or location.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Request, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: No inline script or style anywhere: templates link /static files only.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))

#: Features no Chorus page uses; denied so that nothing embedded could ask for them.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "browsing-topics",
))

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

#: Sent only when cookies are HTTPS-only, i.e. when Chorus is served over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Cookie flags, proxy handling and the headers added to every response."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["SESSION_COOKIE_SECURE"])
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.request_class = ChorusRequest
    app.after_request(add_security_headers)


class ChorusRequest(Request):
    """Drops form fields without a name, which a hand-made multipart body can produce
    (``name="\n"``) and which extensions reading the form do not expect."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        for attribute in ("form", "files"):
            parsed = self.__dict__.get(attribute)
            if parsed is not None and None in parsed:
                kept = [(k, v) for k, v in parsed.items(multi=True) if k is not None]
                self.__dict__[attribute] = self.parameter_storage_class(kept)


#: pages that show answers, drafts or workspace data: never kept in a browser's cache,
#: where the next person on a shared device (a foster home's tablet, a library
#: computer) could bring them back with the Back button
PRIVATE_PREFIXES = ("/s/", "/admin")


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def client_key() -> str:
    """Who a rate limit counts against: a keyed hash of the client's address.

    Never the address itself: counters live in memory or Redis, and Flask-Limiter
    logs the key of a breached limit, and Chorus keeps no respondent's IP address.
    """
    secret = current_app.config["SECRET_KEY"]
    key = secret.encode() if isinstance(secret, str) else bytes(secret)
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(key, address, hashlib.sha256).hexdigest()[:24]
