"""Service functions: the application's operations, called by views, the CLI and jobs.

Each raises a :class:`ServiceError` subclass for a person's mistake; views turn
them into messages, the CLI into ``click.ClickException``.
"""


class ServiceError(Exception):
    """Something a person asked for cannot be done; the message says why."""


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass
