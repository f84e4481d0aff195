"""How the service is deployed and run: the local stack, Prefect deployments."""
