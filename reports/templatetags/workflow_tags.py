"""The workflow panel's data for a page that only has the evaluation: its history, the open return reason, its
published versions and the transitions the current person may take."""

from __future__ import annotations

from typing import Any

from django import template

from evaluations.models import Evaluation
from reports import workflow
from reports.publication import with_last_check

register = template.Library()


@register.simple_tag(takes_context=True)
def workflow_panel(context: template.Context, evaluation: Evaluation) -> dict[str, Any]:
    """Three queries: the history with its actors, the published versions, and (for a head looking at a submitted
    report) who submitted it; one more for an approved report of a unit with a department (whether the year's
    campaign asks for the department's review)."""
    user = context["request"].user
    history = workflow.history(evaluation)
    return {
        "history": history,
        "return_reason": workflow.open_return_reason(evaluation, history),
        "publish_failure": workflow.publish_failure(evaluation, history),
        # With the result of each file's latest integrity check, in the same query.
        "publications": list(
            with_last_check(evaluation.publications.order_by("-version").only("pk", "version", "published_at"))
        ),
        "actions": workflow.allowed_actions(evaluation, user),
        "awaiting_department": workflow.awaiting_department(evaluation),
    }
