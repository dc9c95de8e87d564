"""The notice worker: the messages the shop sends on its own (erp_core.notices), sent within WhatsApp's and the
shop's rules, in each person's language. `conversations.py` reads what Rasa's tracker store knows of a person,
`compose.py` turns a notice into WhatsApp messages, `worker.py` runs the scheduler's jobs and sends; docs/notices.md."""
