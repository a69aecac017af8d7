"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from .accounts.models import Membership, User  # noqa: F401
from .notifications.models import OutgoingMail  # noqa: F401
from .registry.models import Organisation, Partnership, School, SchoolYearStat  # noqa: F401
