"""Fetching: the address policy, politeness, the transport and the HTTP client every request goes through."""
