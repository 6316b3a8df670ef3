"""Synthetic marketplaces and the benchmark command; not part of the test suite or the package."""
