from django.urls import path

from .views import campaigns as campaign_views
from .views import departments as department_views
from .views import editor, start
from .views import excel as excel_views
from .views import open_data as open_data_views
from .views import outlines as outline_views
from .views import report as report_views
from .views import review as review_views
from .views import schemes as scheme_views
from .views import summary as summary_views
from .views import workflow as workflow_views

# Each area appends its routes to its own list, so the areas can grow without stepping on each other.
start_urls = [
    path("", start.home, name="home"),
]
editor_urls: list = [
    path("evaluations/new/", editor.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", editor.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/<slug:section>/", editor.section_edit, name="evaluation_section"),
    path(
        "evaluations/<int:pk>/edit/<slug:section>/figures/", editor.section_figures, name="evaluation_section_figures"
    ),
]
excel_urls: list = [
    path("evaluations/<int:pk>/excel/template.xlsx", excel_views.excel_template, name="evaluation_excel_template"),
    path("evaluations/<int:pk>/excel/upload/", excel_views.excel_upload, name="evaluation_excel_upload"),
    path("evaluations/<int:pk>/excel/confirm/", excel_views.excel_confirm, name="evaluation_excel_confirm"),
    path("evaluations/<int:pk>/excel/export.xlsx", excel_views.excel_export, name="evaluation_excel_export"),
]
report_urls: list = [
    path("evaluations/<int:pk>/report/", report_views.report, name="evaluation_report"),
    path("evaluations/<int:pk>/report.pdf", report_views.report_pdf, name="evaluation_report_pdf"),
]
workflow_urls: list = [
    path("evaluations/<int:pk>/review/", workflow_views.review, name="workflow_review"),
    path("evaluations/<int:pk>/submit/", workflow_views.submit, name="workflow_submit"),
    path("evaluations/<int:pk>/approve/", workflow_views.approve, name="workflow_approve"),
    path(
        "evaluations/<int:pk>/department-approve/",
        workflow_views.department_approve,
        name="workflow_department_approve",
    ),
    path("evaluations/<int:pk>/return/", workflow_views.return_for_revision, name="workflow_return"),
    path("evaluations/<int:pk>/publish/", workflow_views.publish, name="workflow_publish"),
    path(
        "evaluations/<int:pk>/publish/first-page.pdf", workflow_views.publish_preview, name="workflow_publish_preview"
    ),
    path("evaluations/<int:pk>/reopen/", workflow_views.reopen_for_correction, name="workflow_reopen"),
]

outline_urls: list = [
    path("outlines/", outline_views.outline_list, name="outline_list"),
    path("outlines/<int:pk>/", outline_views.outline_edit, name="outline_edit"),
    path("outlines/<int:pk>/copy/", outline_views.outline_copy, name="outline_copy"),
    path("outlines/assign/", outline_views.outline_assign, name="outline_assign"),
    path("outlines/assignments/<int:pk>/delete/", outline_views.outline_unassign, name="outline_unassign"),
]

scheme_urls: list = [
    path("schemes/", scheme_views.scheme_list, name="scheme_list"),
    path("schemes/<int:pk>/", scheme_views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/copy/", scheme_views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/preview/", scheme_views.scheme_preview, name="scheme_preview"),
    path("schemes/assign/", scheme_views.scheme_assign, name="scheme_assign"),
    path("schemes/assignments/<int:pk>/delete/", scheme_views.scheme_unassign, name="scheme_unassign"),
]

campaign_urls: list = [
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_open, name="campaign_open"),
    path("campaigns/<int:year>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:year>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:year>/close/", campaign_views.campaign_close, name="campaign_close"),
]

department_urls: list = [
    path("department/", department_views.department_summary, name="department_summary"),
]

review_urls: list = [
    path("evaluations/<int:pk>/bureau-review/", review_views.bureau_review, name="bureau_review"),
    path(
        "evaluations/<int:pk>/bureau-review/release/", review_views.bureau_review_release, name="bureau_review_release"
    ),
    path(
        "evaluations/<int:pk>/bureau-review/withdraw/",
        review_views.bureau_review_withdraw,
        name="bureau_review_withdraw",
    ),
]

summary_urls: list = [
    path("summary/", summary_views.summary_latest, name="summary_latest"),
    path("summary/<int:year>/", summary_views.summary, name="summary"),
    path("summary/<int:year>/table.xlsx", summary_views.summary_xlsx, name="summary_xlsx"),
    path("summary/<int:year>/sheets.xlsx", summary_views.summary_sheets, name="summary_sheets"),
    path("summary/<int:year>/reports.zip", summary_views.summary_zip, name="summary_zip"),
    path("summary/units/<int:pk>/", summary_views.unit_years, name="summary_unit_years"),
]

urlpatterns = (
    start_urls
    + editor_urls
    + excel_urls
    + report_urls
    + workflow_urls
    + outline_urls
    + scheme_urls
    + campaign_urls
    + department_urls
    + review_urls
    + summary_urls
)

# Open data: public like the portal, so config/urls.py mounts these at /open-data/ rather than under /app/.
# The schema's path is frozen into every document (reports.open_data.SCHEMA_PATH): it never moves.
open_data_urls: list = [
    path("", open_data_views.index, name="open_data_index"),
    path("schema/v1.json", open_data_views.schema, name="open_data_schema"),
    path("publications/<int:pk>.json", open_data_views.publication_json, name="publication_data_json"),
    path("publications/<int:pk>.csv", open_data_views.publication_csv, name="publication_data_csv"),
    path("<int:year>.json", open_data_views.year_json, name="open_data_year_json"),
    path("<int:year>.csv", open_data_views.year_csv, name="open_data_year_csv"),
]
