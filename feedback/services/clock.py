"""Today's date in the service's time zone. Chorus never needs the time of day."""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def today() -> dt.date:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return dt.datetime.now(zone).date()


def now() -> dt.datetime:
    """The current time in UTC, naive, for administrative timestamps (not responses)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
