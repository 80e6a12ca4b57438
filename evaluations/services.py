"""Writes to evaluations. Every change of an evaluation's content passes :func:`ensure_editable` first, so that a
submitted, approved or published report cannot be altered by any path (views, admin, import, shell)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Evaluation

EVALUATION_LOCKED = _("该绩效自评已提交、已审核或已公开，不能修改。如需修改，请由单位负责人或财政局退回。")


def ensure_editable(evaluation: Evaluation) -> None:
    """Refuse any content change unless the evaluation is a draft or has been returned."""
    if not evaluation.is_editable:
        raise ValidationError(EVALUATION_LOCKED, code="locked")
