"""Writes of results: indicators and their updates (filled by the impact work)."""
