"""The review app: read conversations from Rasa's tracker store, fix what the bot misunderstood,
turn it into training data, train and activate a new model (a Rasa X-style web app).

`bot review` serves it (Sanic, server-rendered pages); `bot review-user` manages its users.
"""
