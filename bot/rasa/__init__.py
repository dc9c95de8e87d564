"""What runs inside the Rasa server (Python 3.10, `.venv/rasa`): the NLU pipeline's own components
(`nlu/`) and Rasa's command line with one fix (`server.py`). Nothing here imports erp_core."""
