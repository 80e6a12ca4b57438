"""The editor's 报告文字 page: the unit's own text for the places of its report. It lives here rather than beside
the other pages because it shows what the report builder generates (:func:`reports.report.replaceable_paragraphs`)
next to each place, so the unit sees what the data say before writing its own wording."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from evaluations.forms import SectionPage
from evaluations.models import Section
from evaluations.outlines import WritingPlace, outline_for, writing_places
from evaluations.services import save_written_texts

from .report import replaceable_paragraphs

# The form's prefix: its inputs are named "texts-para-staffing", "texts-node-other".
TEXTS_PREFIX = "texts"


def field_name(key: str) -> str:
    """The form field of a place: "para:staffing" → "para-staffing", so that its input's id is
    ``id_texts-para-staffing`` (and ``id_texts-node-<key>`` for a free section, the id completeness links to)."""
    return key.replace(":", "-", 1)


OUTLINE_CHANGED = _(
    "报告提纲在您打开本页之后有了变动，本页的栏目与现在的提纲不符，本次修改没有保存。"
    "请把需要的内容复制下来，重新打开本页后再填写。"
)


class WrittenTextsForm(forms.Form):
    """One textarea per place of the outline; each optional (blank: the generated text, or no content)."""

    # The places the page was opened with. The fields are built from the outline as it is when the page is posted:
    # had the outline changed in between (the bureau edited it), a text typed for a place it no longer has would be
    # dropped without a word, so the page is refused instead.
    places = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, places: list[WritingPlace], written: dict[str, str], **kwargs: Any):
        initial = {field_name(place.key): written.get(place.key, "") for place in places}
        initial["places"] = " ".join(place.key for place in places)
        super().__init__(data, initial=initial, **kwargs)
        self.keys = {field_name(place.key): place.key for place in places}
        for place in places:
            if place.is_free_text:
                label, help_text, rows = _("本节内容"), "", 6
            else:
                label = _("本单位的表述")
                help_text = _("留空则报告使用上面根据数据生成的文字；表格不受影响。")
                rows = 4
            self.fields[field_name(place.key)] = forms.CharField(
                label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": rows})
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("places", "").split() != list(self.keys.values()):
            raise ValidationError(OUTLINE_CHANGED, code="rows")
        return cleaned

    def texts(self) -> dict[str, str]:
        """The cleaned text of every place, by its key."""
        return {key: self.cleaned_data[name] for name, key in self.keys.items()}


@dataclass(frozen=True)
class TextEntry:
    """One place as the page shows it: its heading, the generated text (paragraphs only) and the input."""

    place: WritingPlace
    field: forms.BoundField
    generated: str

    @property
    def title(self) -> str:
        return self.place.node.title


class TextsPage(SectionPage):
    section = Section.TEXTS
    title = Section.TEXTS.label
    template = "editor/texts.html"

    def build(self) -> None:
        self.outline = outline_for(self.evaluation)
        self.places = writing_places(self.outline)
        # Prefetched, so that the report's data (read only to show the page) do not fetch the texts again.
        prefetch_related_objects([self.evaluation], "written_texts")
        written = {row.key: row.text for row in self.evaluation.written_texts.all()}
        self.forms["texts"] = WrittenTextsForm(self.data, places=self.places, written=written, prefix=TEXTS_PREFIX)

    @cached_property
    def entries(self) -> list[TextEntry]:
        """Every place in the outline's order. The generated texts need the report's data: read only when the page
        is shown, never for a save that succeeds."""
        generated: dict[str, str] = {}
        if any(not place.is_free_text for place in self.places):
            found = replaceable_paragraphs(self.evaluation, outline=self.outline)
            generated = {paragraph.key: paragraph.generated for paragraph in found}
        form = self.forms["texts"]
        return [TextEntry(place, form[field_name(place.key)], generated.get(place.key, "")) for place in self.places]

    def save(self, *, actor: Any) -> None:
        save_written_texts(
            evaluation=self.evaluation, actor=actor, revision=self.revision, texts=self.forms["texts"].texts()
        )
