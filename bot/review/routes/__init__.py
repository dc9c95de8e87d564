"""The review app's pages, one module per area, each a Sanic Blueprint that `app.create_app` registers:
`signin`, `conversations`, `export`, `inbox`, `training_data`, `models`, `settings`; `helpers` holds what they
share (the signed-in user, role checks, rendering, running database work in a worker thread)."""
