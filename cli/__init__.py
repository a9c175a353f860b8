"""The `boussole` command line: each command calls `ingest` and `retrieval` and prints."""
