"""The pull-request loop: who may change what, expiry, new files, reports."""
