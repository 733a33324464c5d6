"""Search index (placeholder until the search choice lands)."""
