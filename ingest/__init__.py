"""Turn folders of publications into a searchable index on disk."""
