"""An alert's summary in the interface language, rendered from its stored details.

The ``alerts`` stage stores each summary in English (the webhook and `factwatch alerts` carry it)
together with the details it was built from; the page renders the details again through the
catalogue with the same English templates (``analysis.alerts.SUMMARY_MESSAGES``) as keys. An alert
stored before its details carried the summary's values shows its stored English summary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from factwatch.analysis.alerts import summary_message
from factwatch.web._i18n import ngettext


def alert_summary(alert: Any) -> str:
    """``alert`` (an ``Alert`` or its ``as_dict()``) summarised in the current interface language."""
    get = alert.get if isinstance(alert, Mapping) else lambda name: getattr(alert, name)
    details = get("details")
    message = summary_message(get("kind"), details, at=get("at")) if isinstance(details, Mapping) else None
    if message is None:
        return str(get("summary"))
    singular, plural, n, values = message
    return ngettext(singular, plural, n, **values)
