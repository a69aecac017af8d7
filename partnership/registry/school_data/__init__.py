"""School data per academic year as the ABE data systems collect it: pupils per grade,
teachers and computers on hand, entered by schools in a collection window, imported by staff
from CSV or Excel, exported, each change kept in an append-only history
(docs/features/registry.md)."""
