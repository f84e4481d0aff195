"""Pipeline stages as plain functions, free of Prefect and of the web app.

Each module is one stage (or a helper of one); `flows/` wraps them in Prefect
tasks and `webapp/` calls the flow. Nothing here imports `flows` or `webapp`.
"""
