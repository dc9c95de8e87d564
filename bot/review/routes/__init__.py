"""The review app's pages, one module per area, each a Sanic Blueprint that `app.create_app` registers:
`signin`, `conversations`, `export`, `inbox`, `training_data`, `models`, `settings`, `audit_log`; `helpers` holds
what they share (the signed-in user, role checks, rendering with phone numbers masked, audit notes, running database
work in a worker thread)."""
