"""Tandem: learning-partner ads and partnership logs turned into a static site."""
