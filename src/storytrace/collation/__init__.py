"""Many versions of one story: units followed across versions, their history, flags and provenance."""
