"""The HTTP API of the ERP: a Sanic app. For now it receives payment-gateway webhooks;
the REST API for integrators will grow here as more blueprints."""
