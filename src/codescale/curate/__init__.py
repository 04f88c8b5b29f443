"""Curation: heuristic, syntax and deduplication filters, each dropping a document under a named
reason that is counted per shard."""
