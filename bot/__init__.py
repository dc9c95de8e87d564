"""The Rasa side and the tools around it: the `bot` CLI, training, servers."""
