"""Offline gifts: bank transfers, cheques and cash that staff record, void or return by hand."""
