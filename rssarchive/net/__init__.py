"""Fetching: the address policy, politeness, the transport and the HTTP client."""
