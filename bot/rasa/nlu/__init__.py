"""The NLU pipeline's own parts: word normalisation and the rule-based entity extractor (pure Python),
and their thin Rasa components (`components.py`, imported by Rasa only)."""
