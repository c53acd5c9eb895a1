"""Orchestration: the run, backfill and re-check carrying out the core's decisions."""
