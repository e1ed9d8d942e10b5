"""Staying in sync: the change log's rules (what a transaction changed, which notifications it owes),
delta tokens, subscription rules. Pure: no HTTP, no SQL."""
