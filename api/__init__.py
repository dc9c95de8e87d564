"""The REST API (`/api/v1`) over erp_core for integrations and the offline companion app.

`app.py` assembles the Sanic app from one module per resource; `routing.py`
gives every operation authentication, scopes, rate limits, strict validation,
idempotent POSTs and problem+json errors, and records it for the OpenAPI
document (`openapi.py`) and the docs page (`docs.py`).
"""
