"""The dashboards' tests build delivery with the devices tests' creators."""

from tests.devices.conftest import laptops  # noqa: F401  (a funded campaign with a laptop line)
