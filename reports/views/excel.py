"""Excel in and out: the fill-in template, the export, and the upload → preview → confirm import.

Between preview and confirm the validated plain data waits in the (server-side) session under a random token,
together with the evaluation's status and a fingerprint of the change list. Confirm re-runs the database checks
under a row lock and writes only if the state and the change list are still the ones the person saw.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from evaluations.models import Evaluation
from evaluations.selectors import get_evaluation_for_user
from evaluations.services import may_edit_content

from ..excel import exporter, importer, template
from ..excel.forms import UploadForm
from ..excel.safe_writer import XLSX_CONTENT_TYPE, workbook_bytes
from ..excel.sheets import DATA_SHEETS

SESSION_KEY = "excel_import:{pk}"


def _get_evaluation_for_user(request: HttpRequest, pk: int) -> Evaluation:
    return get_evaluation_for_user(request.user, pk)


def _xlsx(wb: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # A prefilled workbook holds a draft's figures: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


def _file_stem(evaluation: Evaluation) -> str:
    return f"{evaluation.unit.short_name or evaluation.unit.name}{evaluation.year}年度绩效自评"


@login_required
@require_GET
def excel_template(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_user(request, pk)
    return _xlsx(template.build_template(evaluation), f"{_file_stem(evaluation)}填报模板.xlsx")


@login_required
@require_GET
def excel_export(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_user(request, pk)
    return _xlsx(exporter.build_export(evaluation), f"{_file_stem(evaluation)}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def excel_upload(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_user(request, pk)
    if not may_edit_content(request.user, evaluation):
        raise PermissionDenied
    context = {"evaluation": evaluation, "sheets": DATA_SHEETS}
    if not evaluation.is_editable:
        # The form is not offered at all; a POST from an old page writes nothing.
        return render(
            request, "excel/upload.html", {**context, "form": None}, status=409 if request.method == "POST" else 200
        )
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data, plan = importer.preview_upload(evaluation, upload.read())
        except importer.UploadRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            if plan.problems:
                return render(
                    request, "excel/upload.html", {**context, "form": UploadForm(), "problems": plan.problems}
                )
            token = secrets.token_urlsafe(24)
            request.session[SESSION_KEY.format(pk=evaluation.pk)] = {
                "token": token,
                "user": request.user.pk,
                "status": evaluation.status,
                "digest": plan.digest,
                "file_name": upload.name[:200],
                "data": data,
            }
            return render(
                request,
                "excel/preview.html",
                {**context, "plan": plan, "counts": plan.counts(), "token": token, "file_name": upload.name},
            )
    return render(request, "excel/upload.html", {**context, "form": form})


@login_required
@require_POST
def excel_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_evaluation_for_user(request, pk)
    if not may_edit_content(request.user, evaluation):
        raise PermissionDenied
    pending = request.session.pop(SESSION_KEY.format(pk=evaluation.pk), None)
    if "cancel" in request.POST:
        messages.info(request, _("已取消导入，未写入任何数据。"))
        return redirect("evaluation_detail", pk=evaluation.pk)
    token = request.POST.get("token", "")
    if (
        pending is None
        or pending.get("user") != request.user.pk
        or not secrets.compare_digest(str(pending.get("token", "")), token)
    ):
        messages.error(request, _("没有待确认的导入（可能已确认、已取消或已过期），请重新上传。"))
        return redirect("evaluation_excel_upload", pk=evaluation.pk)
    try:
        plan = importer.apply_import(
            evaluation=evaluation,
            data=pending["data"],
            actor=request.user,
            expected_status=pending["status"],
            expected_digest=pending["digest"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("evaluation_excel_upload", pk=evaluation.pk)
    except importer.ImportRefused:
        messages.error(request, str(importer.DATA_CHANGED))
        return redirect("evaluation_excel_upload", pk=evaluation.pk)
    counts = plan.counts()
    messages.success(
        request,
        _("已从“%(file)s”导入：新增%(add)d行，修改%(update)d行，删除%(delete)d行。")
        % {"file": pending["file_name"], **counts},
    )
    return redirect("evaluation_detail", pk=evaluation.pk)
