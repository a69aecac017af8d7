"""What features above applications add to its rules, through named signals (see core.signals)."""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: Asked by ``Application.can_view`` (and so for its attachments) about a signed-in person who
#: is neither staff nor the school's staff, with the application as sender and ``user=``.
#: A receiver answers True to let them in (review: an assigned, non-conflicted member).
may_view_application = _signals.signal("application-may-view")

#: Sent with the signed-in school staff member as sender when their dashboard (``/my/
#: applications``, where school staff land) is built, with ``schools=`` their schools; each
#: receiver returns the HTML of a section about what is due (milestones) or None.
school_dashboard = _signals.signal("school dashboard sections")
