"""Synthetic parallel code: a seeded random intermediate representation of small algorithmic
programs, rendered idiomatically in seven languages, verified by execution."""
