"""Benchmarks (not part of `make test`). `python -m bench` runs every bench/*_bench.py module."""
