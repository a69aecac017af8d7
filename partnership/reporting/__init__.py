"""Reporting: the figures by province, programme and period, the map and the province pages."""
