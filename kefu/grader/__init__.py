"""Grading a cohort: preflight checks and the parallel batch."""
