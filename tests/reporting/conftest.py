"""Reporting fixtures: the hand-computed dataset of ``test_figures`` for every page's tests."""

from tests.reporting.test_figures import known  # noqa: F401
