from django.contrib import admin

from evaluations.admin import EvaluationInline, LockedWhenSubmittedMixin

from .forms import IndicatorAdminForm
from .models import Indicator, Theme


@admin.register(Theme)
class ThemeAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("achievements",)
    list_display = ["title", "evaluation", "order"]
    list_filter = ["evaluation__year"]
    search_fields = ["title", "body", "evaluation__unit__name"]
    list_select_related = ["evaluation__unit"]


@admin.register(Indicator)
class IndicatorAdmin(LockedWhenSubmittedMixin, admin.ModelAdmin):
    editor_sections = ("achievements",)
    evaluation_scoped = {"theme": Theme}
    form = IndicatorAdminForm
    list_display = ["name", "level1", "level2", "direction", "target", "actual", "measure_unit", "evaluation"]
    list_filter = ["level1", "direction", "evaluation__year"]
    search_fields = ["name", "level2", "ranking", "evaluation__unit__name"]
    list_select_related = ["evaluation__unit"]


class ThemeInline(EvaluationInline):
    model = Theme
    fields = ["order", "title", "body"]


class IndicatorInline(EvaluationInline):
    model = Indicator
    fields = [
        "order",
        "level1",
        "level2",
        "name",
        "measure_unit",
        "direction",
        "target",
        "actual",
        "weight",
        "ranking",
        "deviation_reason",
        "qualitative_tier",
        "self_score",
        "score_reason",
        "not_applicable",
        "theme",
    ]
    evaluation_scoped = {"theme": Theme}
    form = IndicatorAdminForm
