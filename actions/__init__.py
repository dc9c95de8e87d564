"""Rasa custom actions (rasa-sdk, Python 3.11): read the tracker, call erp_core, reply.

Run with `python -m rasa_sdk --actions actions`; rasa-sdk imports every module
of this package and registers each concrete `Action` subclass. Shop actions
derive from `actions.base.ShopAction`.
"""
