"""Marks message IDs for extraction without translating them here.

The rules speak in English message IDs with named placeholders; whoever shows them to a
person translates them in that person's language (see ``views.i18n``).
"""


def N_(message: str) -> str:
    """Mark ``message`` for the gettext catalog; translation happens at display time."""
    return message


def n_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair (extracted as one plural entry); ``Translator.n_`` picks the form."""
    return singular, plural
