"""Orchestration: the run, backfill and re-check that carry the core's decisions out, and their reports."""
