"""Maintainers' tools that are neither part of the site nor tests."""
