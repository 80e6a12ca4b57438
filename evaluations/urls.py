from django.urls import path

from .views import report as report_views
from .views import start

# Each area appends its routes to its own list, so the areas can grow without stepping on each other.
start_urls = [
    path("", start.home, name="home"),
    path("evaluations/<int:pk>/", start.evaluation_detail, name="evaluation_detail"),
]
editor_urls: list = []
excel_urls: list = []
report_urls: list = [
    path("evaluations/<int:pk>/report/", report_views.report, name="evaluation_report"),
    path("evaluations/<int:pk>/report.pdf", report_views.report_pdf, name="evaluation_report_pdf"),
]
workflow_urls: list = []

urlpatterns = start_urls + editor_urls + excel_urls + report_urls + workflow_urls
