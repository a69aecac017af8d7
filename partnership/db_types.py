"""Column types shared by every feature: UTC timestamps and enums stored as readable strings."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware timestamps stored as UTC; SQLite's naive values come back as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint of the allowed values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware: the one clock of the app (column defaults, services, pages)."""
    return datetime.now(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translatable label (registered in ``LABELS``)."""

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict:
        return LABELS[cls]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


#: Enum class -> {member: lazy translatable label}; each feature registers its enums here.
LABELS: dict[type, dict] = {}


def postgresql_only(index: sa.Index) -> sa.Index:
    """An index created only on PostgreSQL (a GIN trigram index has no SQLite counterpart);
    :func:`include_in_comparison` keeps it out of SQLite's schema comparison."""
    return index.ddl_if(dialect="postgresql")


def include_in_comparison(dialect_name: str):
    """An Alembic ``include_object`` hook: skip model indexes not made on this dialect."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        ddl_if = getattr(obj, "_ddl_if", None) if type_ == "index" and not reflected else None
        if ddl_if is None or ddl_if.dialect is None:
            return True
        dialects = (ddl_if.dialect,) if isinstance(ddl_if.dialect, str) else ddl_if.dialect
        return dialect_name in dialects

    return include_object
