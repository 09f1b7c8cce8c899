"""Read models kept from the event log: the drafts (`drafts`), their relay to the compacted topic
(`drafts_relay`), and their rebuild and verification (`rebuild`)."""

from order_draft.projections.drafts import DRAFT_ROWS, SUBSCRIPTION, drafts_subscription, project
from order_draft.projections.rebuild import Difference, Progress, rebuild_drafts, verify_drafts

__all__ = [
    "DRAFT_ROWS",
    "SUBSCRIPTION",
    "Difference",
    "Progress",
    "drafts_subscription",
    "project",
    "rebuild_drafts",
    "verify_drafts",
]
