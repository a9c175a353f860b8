"""What ingestion and retrieval share, so that both depend on it and never on each other:
settings and errors, the document data, the embedding model, the on-disk index (its builds,
roots and identity), the passage formats, French analysis, and the FAISS and BM25 indexes."""
