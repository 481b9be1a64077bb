"""Error pages. The 500 handler rolls the session back; nothing from the request is logged."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from feedback.extensions import db


def register(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_e):
        return render_template("errors/404.html"), 404

    @app.errorhandler(429)
    def too_many_requests(_e):
        # Flask-Limiter adds Retry-After to this response after the handler.
        return render_template("errors/429.html"), 429

    @app.errorhandler(CSRFError)
    def csrf_failed(_e):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return render_template("errors/500.html"), 500
