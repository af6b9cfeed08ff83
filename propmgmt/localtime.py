"""Community wall-clock time: times are stored in UTC, dates and form inputs are local."""
import zoneinfo

from propmgmt.db import utcnow

DEFAULT_ZONE = "Asia/Shanghai"


def local_today(community=None, now=None, timezone=None):
    """Today's date in the community's time zone (or `timezone`, or China's)."""
    zone = timezone or (community.timezone if community is not None else DEFAULT_ZONE)
    return (now or utcnow()).astimezone(zoneinfo.ZoneInfo(zone)).date()


def aware(value, community):
    """A naive datetime from a form, read as the community's wall-clock time (None stays)."""
    return value.replace(tzinfo=zoneinfo.ZoneInfo(community.timezone)) if value else None
