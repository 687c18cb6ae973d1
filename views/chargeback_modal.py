"""(being written)"""

from slack_sdk.models.views import View


def chargeback_modal(tr, *, context, order_id, today, currency) -> View:  # type: ignore[no-untyped-def]
    raise NotImplementedError
