"""Corpus stage: raw source trees and document files to the documents contract (Parquet, zstd)."""
