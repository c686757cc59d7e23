"""Tests of the pure rules in league.rules (no Django needed)."""
