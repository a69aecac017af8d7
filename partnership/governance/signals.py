"""What governance tells the features above it (they connect in their ``init_app``)."""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: A public meeting's minutes were approved and are now published, sent in the approving
#: transaction with ``minutes_id``, ``title_th``, ``title_en``, ``year_be``, ``path`` (the
#: minutes' page) and ``province_code`` (an assembly's province, else None). The library lists
#: them among the lessons shared.
minutes_published = _signals.signal("minutes-published")
