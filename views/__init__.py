"""Pure functions from records to ``slack_sdk.models`` objects: modals, case cards, notices, App Home.

No I/O here: a view gets everything it shows (the record, a translator, the clock's instant).
"""
