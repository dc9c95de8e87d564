"""Rasa custom actions (rasa-sdk, Python 3.11): read the tracker, call erp_core, reply.

Run with `python -m rasa_sdk --actions actions`; every module here that
defines an `Action` subclass is imported by that package import.
"""

from actions.stock import ActionCheckStock

__all__ = ["ActionCheckStock"]
