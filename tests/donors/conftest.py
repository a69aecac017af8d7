from tests.factories import english  # noqa: F401  (autouse: pages in English)
