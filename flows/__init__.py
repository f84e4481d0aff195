"""Prefect flows: they compose the stages of `tasks/` and nothing else."""
