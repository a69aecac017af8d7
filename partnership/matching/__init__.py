"""Matching funds: sponsors' pledges (pools with a ratio, caps, scope and dates) and their draws."""
