"""A local WhatsApp: a chat page for the customer, and a Graph API fake for the channel's outbound calls.

It sends correctly signed Cloud API webhooks to the channel and answers the
channel's `POST /{phone_number_id}/messages`, `POST /{phone_number_id}/media` and
`GET /{media_id}` as Meta does, so the channel runs exactly its production code.
Runs from the ERP environment: `python -m connectors.simulator --help`.
"""
