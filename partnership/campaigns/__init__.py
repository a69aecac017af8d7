"""Campaigns: an approved application raising money in public, with its counters and history."""
