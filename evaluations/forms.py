"""Forms of the editor: the amount input shared by every money field, the building blocks of a section page, and the
pages for the unit profile and the narrative sections.

Amounts are stored in 元 to the fen and typed in 元 or in 万元, as the page says (README, "Entering a report"). The
input is deliberately strict: what the person typed either becomes exactly that amount or is refused with a message;
nothing is rounded or guessed. 万元 with up to six decimals is exact in 元.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import ORDERING_FIELD_NAME
from django.forms.models import construct_instance
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import AmountUnit, Duty, Evaluation, Office, StaffingLine
from .money import (
    AMOUNT_GROUPING,
    AMOUNT_NEGATIVE,
    AMOUNT_NOT_A_NUMBER,
    AMOUNT_SPECIAL,
    AMOUNT_TOO_LARGE,
    AMOUNT_TOO_PRECISE,
    AMOUNT_UNIT_TYPED,
    MAX_AMOUNT,
    MAX_QUANTITY,
    TEN_THOUSAND,
    format_quantity,
    parse_amount,
    parse_quantity,
)
from .rows import ROWS_DO_NOT_MATCH, new_row_key

# ---------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------


# How a label names the unit of its amount: “本年决算数（万元）”.
UNIT_IN_LABEL = _("{label}（{unit}）")


def unit_suffix(unit: str) -> str:
    """What a label adds for ``unit``: “（万元）”. The page's script swaps it when the unit is changed."""
    return str(format_lazy(UNIT_IN_LABEL, label="", unit=AmountUnit(unit).label))


# Typed in 万元, the same rule reads four more decimals; its messages name the unit that was typed.
AMOUNT_WAN_NOT_A_NUMBER = _("请填写金额数字（单位：万元），例如 386.4449。")
AMOUNT_WAN_TOO_PRECISE = _("以万元填写时最多保留六位小数（到分）。")
AMOUNT_WAN_TOO_LARGE = _("金额不能超过 %(max)s 万元，请检查是否多输了位数。")
AMOUNT_WAN_UNIT_TYPED = _("请只填数字，单位已在列名中（万元）。")
_WAN_MESSAGES = {
    "invalid": AMOUNT_WAN_NOT_A_NUMBER,
    "unit": AMOUNT_WAN_UNIT_TYPED,
    "precision": AMOUNT_WAN_TOO_PRECISE,
    "too_large": AMOUNT_WAN_TOO_LARGE,
}
# 万元 carry four more decimals than 元: six for the fen.
_WAN_PLACES = 4


def grouped(text: str) -> str:
    """A plain number with thousands separators in its whole part: "4123560.00" → "4,123,560.00". The reader
    (:func:`evaluations.money.parse_amount`) accepts exactly this grouping back."""
    whole, dot, decimals = text.partition(".")
    return f"{int(whole):,}{dot}{decimals}"


def yuan_as_wan(amount: Decimal) -> str:
    """An exact amount in 元 written in 万元 without losing anything: at least two decimals, at most six, no
    trailing zeros beyond two (3864449.00 → "386.4449", 4710700 → "471.07", 0.01 → "0.000001")."""
    text = f"{(amount / TEN_THOUSAND).quantize(Decimal('0.000001')):f}"
    whole, _dot, decimals = text.partition(".")
    decimals = decimals.rstrip("0").ljust(2, "0")
    return f"{whole}.{decimals}"


def amount_messages() -> dict[str, dict[str, str]]:
    """The messages of the amount reader by unit and code, for the editor's script, which checks an amount while it
    is typed with the same rule: the server's wording is the one source of both."""
    yuan = {
        "invalid": AMOUNT_NOT_A_NUMBER,
        "special": AMOUNT_SPECIAL,
        "negative": AMOUNT_NEGATIVE,
        "grouping": AMOUNT_GROUPING,
        "unit": AMOUNT_UNIT_TYPED,
        "precision": AMOUNT_TOO_PRECISE,
        "too_large": str(AMOUNT_TOO_LARGE) % {"max": f"{MAX_AMOUNT:f}"},
    }
    wan = {**yuan, **_WAN_MESSAGES, "too_large": str(AMOUNT_WAN_TOO_LARGE) % {"max": f"{MAX_AMOUNT / TEN_THOUSAND:f}"}}
    return {
        AmountUnit.YUAN.value: {code: str(message) for code, message in yuan.items()},
        AmountUnit.WAN.value: {code: str(message) for code, message in wan.items()},
    }


class AmountField(forms.Field):
    """An amount: a text input (so that what was typed is shown back exactly, even when refused) read by
    :func:`evaluations.money.parse_amount`, the rule the admin and the spreadsheet import use too.

    Typed in 元 unless the page sets another unit (:meth:`set_unit`): then the label says the unit, 万元 are read
    with up to six decimals and turned into exact 元, and a stored amount is shown back in 万元 to the fen."""

    default_error_messages = {"required": _("请填写此项。")}
    # Indicator values (QuantityField) are not money and ignore the page's unit.
    follows_amount_unit = True

    def __init__(self, *, max_value: Decimal = MAX_AMOUNT, decimal_places: int = 2, **kwargs: Any) -> None:
        self.max_value = max_value
        self.decimal_places = decimal_places
        self.unit = AmountUnit.YUAN
        # Given by a model DecimalField's formfield (the admin): the bound is max_value, checked by parse_amount.
        kwargs.pop("max_digits", None)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "text-end amount"}),
        )
        super().__init__(**kwargs)
        self.base_label = self.label

    def set_unit(self, unit: str) -> None:
        """Read and show this field in ``unit`` (元 or 万元), and say so in its label: “本年决算数（万元）”."""
        self.unit = AmountUnit(unit)
        if self.base_label:
            self.label = format_lazy(UNIT_IN_LABEL, label=self.base_label, unit=self.unit.label)
        # The page's script finds the amounts to convert when the unit is changed by this mark.
        self.widget.attrs["data-amount-unit"] = self.unit.value

    def to_python(self, value: Any) -> Decimal | None:
        # Only spaces is nothing typed, as a blank spreadsheet cell is (reports.excel.cells.is_blank).
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        return self.parse(str(value))

    def parse(self, text: str) -> Decimal:
        if self.unit != AmountUnit.WAN:
            return parse_amount(text, max_value=self.max_value, decimal_places=self.decimal_places)
        try:
            wan = parse_amount(
                text, max_value=self.max_value / TEN_THOUSAND, decimal_places=self.decimal_places + _WAN_PLACES
            )
        except ValidationError as error:
            message = _WAN_MESSAGES.get(error.code)
            if message is None:
                raise
            raise ValidationError(message, code=error.code, params=error.params) from None
        # Exact: six decimals of 万元 are two of 元.
        return (wan * TEN_THOUSAND).quantize(Decimal(1).scaleb(-self.decimal_places))

    def prepare_value(self, value: Any) -> Any:
        # Stored amounts are shown in the page's unit with thousands separators (4,123,560.00 reads at a glance, as in
        # the 决算 tables), never in exponent form; what was typed is shown as typed.
        if isinstance(value, Decimal):
            return grouped(yuan_as_wan(value) if self.unit == AmountUnit.WAN else f"{value:f}")
        return value


class QuantityField(AmountField):
    """A non-negative indicator value (target or actual): up to four decimals, as the model stores, read by
    :func:`evaluations.money.parse_quantity`."""

    follows_amount_unit = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("max_value", MAX_QUANTITY)
        super().__init__(**kwargs)

    def parse(self, text: str) -> Decimal:
        return parse_quantity(text, max_value=self.max_value, decimal_places=self.decimal_places)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format_quantity(value)
        return value


class AmountsInUnit:
    """For a form with amounts: ``amount_unit`` (元 or 万元) is the unit its amounts are typed and shown in."""

    def __init__(self, *args: Any, amount_unit: str = AmountUnit.YUAN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, AmountField) and field.follows_amount_unit:
                field.set_unit(amount_unit)


PAGE_WITHOUT_UNIT = _("页面已损坏（缺少金额单位），请重新打开本页。")


class AmountUnitForm(forms.Form):
    """The unit of a budget page's amounts. ``amount_unit`` is the person's choice, remembered on the evaluation
    when the page is saved; ``typed_in`` is the unit the amounts on the page are written in: the unit the page was
    shown in, changed by the page's script when it converts the amounts to the other unit. Amounts are always read
    in ``typed_in``, so that without the script a changed choice never turns 386.44 元 into 386.44 万元: the
    amounts are read as their labels said, and shown in the new unit after the save."""

    amount_unit = forms.ChoiceField(
        label=_("金额单位"),
        choices=AmountUnit.choices,
        widget=forms.RadioSelect(attrs={"class": "amount-unit-choice"}),
        help_text=_("本页金额按所选单位填写和显示，保存时换算为元，精确到分（以万元填写时最多六位小数）。"),
    )
    typed_in = forms.ChoiceField(
        label=_("金额单位"),
        choices=AmountUnit.choices,
        widget=forms.HiddenInput(attrs={"class": "amount-typed-in"}),
        error_messages={"required": PAGE_WITHOUT_UNIT, "invalid_choice": PAGE_WITHOUT_UNIT},
    )

    def __init__(self, data: Any = None, *, evaluation: Evaluation) -> None:
        unit = evaluation.amount_unit
        super().__init__(data, initial={"amount_unit": unit, "typed_in": unit}, prefix="unit")
        self.helper = crispy_helper()
        self.helper.layout = Layout(InlineRadios("amount_unit"), "typed_in")

    @property
    def typed_unit(self) -> str:
        """The unit the page's amounts are written in (what the page sent, else the evaluation's unit)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["typed_in"]
        return self.initial["typed_in"]

    @property
    def chosen_unit(self) -> str:
        """The unit to remember for the next time (valid forms only)."""
        return self.cleaned_data["amount_unit"]

    @property
    def suffixes(self) -> dict[str, str]:
        """Each unit's label suffix, for the page's script."""
        return {unit: unit_suffix(unit) for unit in AmountUnit.values}


# ---------------------------------------------------------------------------
# Building blocks of a section page
# ---------------------------------------------------------------------------


class DateTextInput(forms.DateInput):
    """A date typed as 2024-12-31 (2024/12/31 and 2024年12月31日 are read too, by the locale's input formats). A text
    input rather than type=date: Chromium's date input shows the browser's own format (mm/dd/yyyy on an English
    browser) whatever the page's language, and the report's dates are written year first."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        hint = {"placeholder": _("年-月-日，如 2024-12-31"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**hint, **(attrs or {})}, format="%Y-%m-%d")


def crispy_helper() -> FormHelper:
    """Forms are rendered inside the page's own <form>, so crispy must not add another one."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class RowModelForm(forms.ModelForm):
    """A list row built from its model's fields (labels, lengths, choices), validated without the model's
    constraints. Django checks each CheckConstraint with a query, once per row, so a long list would cost one
    query per row; these rows' constraints are enforced by the form fields (amounts never negative) and the
    formset (unique names) instead, and the database still enforces them when the rows are written.

    The row's id travels in a hidden field, so that a save updates the row in place and its id stays what a
    downloaded spreadsheet knows it by (:mod:`evaluations.rows`); a new row has none."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def _post_clean(self) -> None:
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)


class RevisionForm(forms.Form):
    """The revision of the section the page was loaded with: a save from a stale page is refused."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RowFormSet(forms.BaseFormSet):
    """A list of rows that can be added, removed and reordered. Rows are numbered by the "排序" field; a row left
    without a number goes last. A new row left blank is ignored.

    When the rows carry ids, the ids in the initial rows (the evaluation's rows as the page loaded them) are the only
    ones accepted back: an id that is not one of them, or one that comes twice, refuses the whole list."""

    row_label = _("第%(n)s行")
    unique_field: str | None = None
    unique_message = _("“%(value)s”重复了，每行只能出现一次。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if ORDERING_FIELD_NAME in form.fields:
            form.fields[ORDERING_FIELD_NAME].label = _("排序")
            form.fields[ORDERING_FIELD_NAME].widget.attrs.update({"class": "order-input", "min": 0})
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("删除此行")

    def row_where(self, number: int, form: forms.Form) -> str:
        """How the error summary names a row: "第3行" (a list whose rows have a name of their own says so)."""
        return self.row_label % {"n": number}

    def kept_forms(self) -> list[forms.Form]:
        """The rows to keep, in the order the person asked for: deleted rows and blank new rows are left out."""
        return list(self.ordered_forms)

    def rows(self) -> list[dict[str, Any]]:
        """Cleaned rows in their new order, without the formset's own fields."""
        rows = []
        for form in self.kept_forms():
            row = {k: v for k, v in form.cleaned_data.items() if k not in {ORDERING_FIELD_NAME, "DELETE"}}
            rows.append(row)
        return rows

    def clean(self) -> None:
        if any(self.errors):
            return
        known_ids = {row.get("id") for row in self.initial or ()} - {None}
        sent_ids = [form.cleaned_data.get("id") for form in self.kept_forms()]
        sent_ids = [pk for pk in sent_ids if pk is not None]
        if len(set(sent_ids)) != len(sent_ids) or not set(sent_ids) <= known_ids:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
        if self.unique_field is None:
            return
        seen: set[str] = set()
        for form in self.kept_forms():
            value = form.cleaned_data.get(self.unique_field)
            if not value:
                continue
            if value in seen:
                # Beside the field; the row's error also makes the formset invalid.
                form.add_error(self.unique_field, ValidationError(self.unique_message, params={"value": value}))
            seen.add(value)


def row_reference(value: str | int) -> int | str:
    """A select's value naming a row of the page: a saved row's id, or the key of a row typed as new ("new:2")."""
    if isinstance(value, int):  # an initial value, already an id
        return value
    return int(value) if value.isdigit() else value


def new_row_choices(formset: forms.BaseFormSet, label_field: str) -> list[tuple[str, str]]:
    """The rows typed as new on a posted page, as choices for a select of another list on the same page: (key,
    the name as typed). A new row without a name, or marked for deletion, is not one."""
    if not formset.is_bound:
        return []
    choices = []
    for index in range(formset.initial_form_count(), formset.total_form_count()):
        form = formset.forms[index]
        label = (form.data.get(form.add_prefix(label_field)) or "").strip()
        if label and not form.data.get(form.add_prefix("DELETE")):
            choices.append((new_row_key(index), label))
    return choices


def keyed_rows(formset: RowFormSet) -> list[dict[str, Any]]:
    """:meth:`RowFormSet.rows`, each new row with the key other rows of the page may point at it by."""
    rows = formset.rows()
    for row, form in zip(rows, formset.kept_forms(), strict=True):
        if row.get("id") is None:
            row["key"] = new_row_key(formset.forms.index(form))
    return rows


def is_kept_as_typed(formset: forms.BaseFormSet, form: forms.Form) -> bool:
    """For a live preview of a list as typed (valid rows only): is this row one the save would keep? A row the
    page loaded counts even when unchanged; a new row only when something was typed in it; a row marked for
    deletion never."""
    if form.cleaned_data.get("DELETE"):
        return False
    return form in formset.initial_forms or form.has_changed()


def row_formset(form: type[forms.Form], formset: type[RowFormSet] = RowFormSet, **kwargs: Any) -> type[RowFormSet]:
    return forms.formset_factory(form, formset=formset, extra=1, can_delete=True, can_order=True, **kwargs)


def initial_rows(rows: list[Any], fields: list[str]) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in fields} for row in rows]


# What the live figures say they leave out (SectionPage.figures_left_out).
ROW_AMOUNT_LEFT_OUT = _("%(list)s第%(n)s行金额无效，未计入（%(message)s）")
ROW_LEFT_OUT = _("%(list)s第%(n)s行有错误，未计入（%(field)s：%(message)s）")
FIELD_LEFT_OUT = _("%(where)s无效，未计入（%(message)s）")


@dataclass(frozen=True)
class ErrorLine:
    """One line of the error summary at the top of a page: where, and what."""

    where: str
    message: str
    anchor: str


class SectionPage:
    """The forms of one editor page, validated together: nothing of a page with an error is saved.

    Subclasses declare the section key and title, build their forms in ``build`` and hand cleaned data to their
    service in ``save``. The stale-page check and the workflow guard live in that service, not here.
    """

    section: str = ""
    title: str = ""
    template: str = ""
    # A page with amounts has a unit choice (元 / 万元); its forms read their amounts in that unit.
    has_amounts: bool = False

    def __init__(self, evaluation: Evaluation, data: Any = None, *, revision: int = 0) -> None:
        self.evaluation = evaluation
        self.data = data
        self.revision_form = RevisionForm(data, initial={"revision": revision}, prefix="page")
        self.page_errors: list[str] = []
        self.forms: dict[str, forms.Form | forms.BaseFormSet] = {}
        # Where several forms share field labels (人员经费 and 日常公用经费 both have 本年决算数), the summary
        # names the form too.
        self.form_titles: dict[str, str] = {}
        self.unit_form = AmountUnitForm(data, evaluation=evaluation) if self.has_amounts else None
        # The unit the amounts of this page are read and shown in: build() hands it to every form with amounts.
        self.amount_unit = self.unit_form.typed_unit if self.unit_form is not None else AmountUnit.YUAN
        self.build()
        if self.unit_form is not None:
            self.forms = {"unit": self.unit_form, **self.forms}

    # Subclasses ---------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def clean(self) -> None:
        """Checks across the page's forms; add messages with ``add_error``."""

    def save(self, *, actor: Any) -> None:
        raise NotImplementedError

    # Shared -------------------------------------------------------------
    @property
    def revision(self) -> int:
        return self.revision_form.cleaned_data["revision"]

    @property
    def chosen_unit(self) -> str | None:
        """The amount unit to remember on the evaluation when the page is saved (None on a page without amounts)."""
        return self.unit_form.chosen_unit if self.unit_form is not None else None

    def add_error(self, error: str | ValidationError) -> None:
        if isinstance(error, ValidationError):
            self.page_errors.extend(error.messages)
        else:
            self.page_errors.append(str(error))

    def is_valid(self) -> bool:
        if self.data is None:
            return False
        valid = self.revision_form.is_valid()
        if not valid:
            self.add_error(_("页面已损坏（缺少版本号），请重新打开本页。"))
        for form in self.forms.values():
            valid = form.is_valid() and valid
        if not valid:
            self._explain_unknown_rows()
            return False
        self.clean()
        # clean() may have put errors beside fields of any form; ask the forms again.
        return not self.page_errors and all(form.is_valid() for form in self.forms.values())

    def _explain_unknown_rows(self) -> None:
        """A row id the page does not know usually means that someone saved this section since the page was opened
        (deleting a row the page still shows, in the editor or by a spreadsheet import). Then say so, with who and
        when, as the save would have. One query, and only on this error path."""
        from .services import section_revision, stale_error

        refused = any(
            error.code == "rows"
            for form in self.forms.values()
            if isinstance(form, forms.BaseFormSet)
            for error in form.non_form_errors().as_data()
        )
        if not refused or not self.revision_form.is_valid():
            return
        record = section_revision(self.evaluation, self.section)
        if record is not None and record.revision != self.revision:
            self.add_error(stale_error(record))

    def error_summary(self) -> list[ErrorLine]:
        lines: list[ErrorLine] = []
        for key, form in self.forms.items():
            if isinstance(form, forms.BaseFormSet):
                lines.extend(ErrorLine("", str(message), "") for message in form.non_form_errors())
                for n, row in enumerate(form.forms, start=1):
                    if form.can_delete and form._should_delete_form(row):
                        continue
                    lines.extend(self._form_lines(row, f"{form.row_where(n, row)} "))
            else:
                title = self.form_titles.get(key)
                lines.extend(self._form_lines(form, f"{title} " if title else ""))
        return lines

    @staticmethod
    def _form_lines(form: forms.Form, where: str) -> list[ErrorLine]:
        if not form.is_bound:
            return []
        lines = []
        for name, errors in form.errors.items():
            if name == "__all__":
                lines.extend(ErrorLine(where.strip(), str(message), "") for message in errors)
                continue
            field = form.fields.get(name)
            label = str(field.label) if field is not None and field.label else name
            anchor = form[name].auto_id if name in form.fields else ""
            lines.extend(ErrorLine(f"{where}{label}", str(message), anchor) for message in errors)
        return lines

    @property
    def has_errors(self) -> bool:
        return bool(self.page_errors) or any(line for line in self.error_summary())

    # Read-only ----------------------------------------------------------
    def make_read_only(self) -> None:
        """Render every field disabled, for a report the person may not change (its state, or their role): typing
        into a page that cannot be saved would only lose the typing. The save services refuse anyway; this is what
        the person sees. Lists get no blank row to fill in."""
        for form in self.forms.values():
            if isinstance(form, forms.BaseFormSet):
                # Before the rows are built (they are built on first use): no blank row at the end.
                if "forms" not in form.__dict__:
                    form.extra = 0
                rows = form.forms
            else:
                rows = [form]
            for row in rows:
                for field in row.fields.values():
                    field.disabled = True

    # The live figures ---------------------------------------------------
    # The forms whose figures the live panel computes, and for lists, what a row is called there ("项目"): a row
    # or an amount with an error is left out of the figures, and the panel says so (figures_left_out).
    figure_forms: tuple[str, ...] = ()
    figure_lists: dict[str, str] = {}

    def figures_left_out(self) -> list[str]:
        """What was typed but is not counted in the live figures, and why: "项目第3行金额无效，未计入（…）". Only for
        a page as typed (bound); valid rows and fields are counted as typed, invalid ones not at all (never the
        saved value in their place, which would look as if the typing had been counted)."""
        if not self.data:
            return []
        left_out: list[str] = []
        for key in self.figure_forms:
            form = self.forms[key]
            if isinstance(form, forms.BaseFormSet):
                for n, row in enumerate(form.forms, start=1):
                    if not row.errors:
                        continue
                    if form.can_delete and form._should_delete_form(row):
                        continue
                    name, errors = next(iter(row.errors.items()))
                    params = {"list": self.figure_lists.get(key, ""), "n": n, "message": errors[0]}
                    if isinstance(row.fields.get(name), AmountField):
                        left_out.append(str(ROW_AMOUNT_LEFT_OUT) % params)
                    else:
                        label = row.fields[name].label if name in row.fields else ""
                        left_out.append(str(ROW_LEFT_OUT) % {**params, "field": label})
                continue
            title = self.form_titles.get(key, "")
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                if isinstance(field, AmountField | forms.IntegerField):
                    where = f"{title} {field.label}".strip()
                    left_out.append(str(FIELD_LEFT_OUT) % {"where": where, "message": errors[0]})
        return left_out


# ---------------------------------------------------------------------------
# New year
# ---------------------------------------------------------------------------


class NewEvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


# ---------------------------------------------------------------------------
# 一、预算单位基本情况
# ---------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    """The mandate and the year's staff movements. Every count is optional: blank is unknown and produces no
    sentence in the report, an entered 0 produces the sentence for zero (the page says so once)."""

    class Meta:
        model = Evaluation
        fields = [
            "mandate",
            "staff_transferred_in",
            "staff_transferred_out",
            "staff_retired",
            "retirees_deceased",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()
        # The four headcounts side by side: one line on a laptop instead of four.
        self.helper.layout = Layout(
            "mandate",
            Row(*(Column(name, css_class="col-sm-6 col-lg-3") for name in self.Meta.fields[1:])),
        )


class StaffingSummaryForm(forms.ModelForm):
    """The unit-level staffing figures beside the lines by establishment type: each optional."""

    class Meta:
        model = Evaluation
        fields = ["staff_on_roll", "staffing_authority", "staffing_date"]
        widgets = {"staffing_date": DateTextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()
        self.helper.layout = Layout(Row(*(Column(name, css_class="col-md-4") for name in self.Meta.fields)))


PROFILE_FIELDS = [*ProfileForm.Meta.fields, *StaffingSummaryForm.Meta.fields]


class DutyRowForm(RowModelForm):
    class Meta:
        model = Duty
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class OfficeRowForm(RowModelForm):
    class Meta:
        model = Office
        fields = ["group", "name"]
        labels = {"name": _("机构名称")}
        # The suggestions are a <datalist> on the page: any other group may be typed.
        widgets = {"group": forms.TextInput(attrs={"list": "office-groups", "placeholder": Office.DEFAULT_GROUP})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].required = False
        self.fields["group"].help_text = _("可从列表中选择，也可自行填写；留空为“内设机构”。")

    def clean_group(self) -> str:
        return self.cleaned_data["group"].strip() or Office.DEFAULT_GROUP


class StaffingRowForm(RowModelForm):
    class Meta:
        model = StaffingLine
        fields = ["establishment_type", "approved", "actual"]


class OfficeFormSet(RowFormSet):
    unique_field = "name"
    unique_message = _("内设机构“%(value)s”重复了。")


class StaffingFormSet(RowFormSet):
    unique_field = "establishment_type"
    unique_message = _("编制类型“%(value)s”重复了。")


DutyFormSet = row_formset(DutyRowForm)
OfficeRowFormSet = row_formset(OfficeRowForm, OfficeFormSet)
StaffingRowFormSet = row_formset(StaffingRowForm, StaffingFormSet)


class ProfilePage(SectionPage):
    section = "profile"
    title = _("单位基本情况")
    template = "editor/profile.html"
    office_groups = Office.SUGGESTED_GROUPS

    def build(self) -> None:
        evaluation = self.evaluation
        self.forms = {
            "profile": ProfileForm(self.data, instance=evaluation, prefix="profile"),
            "duties": DutyFormSet(
                self.data, prefix="duties", initial=initial_rows(list(evaluation.duties.all()), ["id", "text"])
            ),
            "offices": OfficeRowFormSet(
                self.data,
                prefix="offices",
                initial=initial_rows(list(evaluation.offices.all()), ["id", "group", "name"]),
            ),
            "staffing_summary": StaffingSummaryForm(self.data, instance=evaluation, prefix="staffing_summary"),
            "staffing": StaffingRowFormSet(
                self.data,
                prefix="staffing",
                initial=initial_rows(
                    list(evaluation.staffing_lines.all()), ["id", "establishment_type", "approved", "actual"]
                ),
            ),
        }

    def save(self, *, actor: Any) -> None:
        from .services import save_profile

        profile = {**self.forms["profile"].cleaned_data, **self.forms["staffing_summary"].cleaned_data}
        save_profile(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            profile={name: profile[name] for name in PROFILE_FIELDS},
            duties=self.forms["duties"].rows(),
            offices=self.forms["offices"].rows(),
            staffing=self.forms["staffing"].rows(),
        )


# ---------------------------------------------------------------------------
# 四、五、六 and the signature
# ---------------------------------------------------------------------------


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "overall_goal",
            "overall_goal_result",
            "problems",
            "measures",
            "results_use",
            "no_spending_note",
            "signature_date",
        ]
        widgets = {
            "overall_goal": forms.Textarea(attrs={"rows": 3}),
            "overall_goal_result": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 5}),
            "measures": forms.Textarea(attrs={"rows": 5}),
            "results_use": forms.Textarea(attrs={"rows": 4}),
            "no_spending_note": forms.Textarea(attrs={"rows": 2}),
            "signature_date": DateTextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


class NarrativePage(SectionPage):
    section = "narrative"
    title = _("问题、措施、应用和公开")
    template = "editor/narrative.html"

    def build(self) -> None:
        self.forms = {"narrative": NarrativeForm(self.data, instance=self.evaluation, prefix="narrative")}

    def save(self, *, actor: Any) -> None:
        from .services import save_narrative

        form = self.forms["narrative"]
        save_narrative(
            evaluation=self.evaluation,
            actor=actor,
            revision=self.revision,
            fields={name: form.cleaned_data[name] for name in NarrativeForm.Meta.fields},
        )
