"""WhatsApp in and out: the Cloud API channel Rasa loads (`whatsapp.py`) and its small collaborators.

Everything here except `whatsapp.py` is plain Python that runs on both environments
(Python 3.10 inside Rasa, Python 3.11 for tests and the simulator), so it can be tested
without Rasa.
"""
