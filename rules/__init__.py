"""The rules of SAFE-T claims and chargeback responses: pure Python, the clock passed in.

Nothing here imports Slack, SQLAlchemy or reads the time: every function is a fact about
the domain that a test can check without a database or a network.
"""
