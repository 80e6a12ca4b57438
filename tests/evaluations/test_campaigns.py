"""陈静 at the finance bureau opens the 2024 self-evaluation work: its deadline, its outline and scheme, its units;
the campaign's outline and scheme are what its units' reports follow that year."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from evaluations.campaigns import (
    CLOSED,
    DEADLINE_IN_YEAR,
    DEADLINE_PAST,
    NO_UNITS,
    YEAR_TAKEN,
    change_campaign,
    close_campaign,
    open_campaign,
)
from evaluations.models import Campaign, CampaignUnit, Evaluation, ReportOutline, ScoringScheme, Unit
from evaluations.outlines import HUNAN, PLAIN, ensure_builtin_outlines, outline_for, outlines_for
from evaluations.scoring_schemes import chosen_scheme, ensure_builtin_schemes
from tests.base import BaseTestCase

TODAY = date(2025, 3, 1)
DEADLINE = date(2025, 4, 30)


def message(text, **params) -> str:
    return str(text) % params if params else str(text)


class OpeningTests(BaseTestCase):
    def open(self, **kwargs) -> Campaign:
        arguments = {
            "actor": self.chenjing,
            "year": 2024,
            "deadline": DEADLINE,
            "units": [self.unit_a, self.unit_b],
            "today": TODAY,
        }
        return open_campaign(**{**arguments, **kwargs})

    def assert_refused(self, field: str, text: str, **kwargs) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.open(**kwargs)
        self.assertEqual(caught.exception.message_dict[field], [text])
        self.assertFalse(Campaign.objects.exists())
        self.assertFalse(CampaignUnit.objects.exists())

    def test_chenjing_opens_the_2024_work_for_both_units(self):
        campaign = self.open(remind_days_before=5)
        self.assertEqual(campaign.year, 2024)
        self.assertEqual(campaign.deadline, DEADLINE)
        self.assertEqual(campaign.remind_days_before, 5)
        self.assertEqual(campaign.opened_by, self.chenjing)
        self.assertIsNotNone(campaign.opened_at)
        self.assertTrue(campaign.is_open)
        self.assertEqual(set(campaign.units.all()), {self.unit_a, self.unit_b})

    def test_a_deadline_inside_the_year_evaluated_is_refused(self):
        self.assert_refused("deadline", message(DEADLINE_IN_YEAR, year=2024), deadline=date(2024, 12, 31))

    def test_a_deadline_before_today_is_refused(self):
        self.assert_refused("deadline", message(DEADLINE_PAST, today="2025-03-01"), deadline=date(2025, 2, 28))

    def test_a_campaign_without_units_is_refused(self):
        self.assert_refused("units", message(NO_UNITS), units=[])

    def test_a_second_campaign_for_the_same_year_is_refused(self):
        self.open()
        with self.assertRaises(ValidationError) as caught:
            self.open(units=[self.unit_a])
        self.assertEqual(caught.exception.message_dict["year"], [message(YEAR_TAKEN, year=2024)])
        self.assertEqual(Campaign.objects.count(), 1)
        self.assertEqual(CampaignUnit.objects.count(), 2)

    def test_chenjing_moves_the_deadline_and_drops_a_unit_and_it_is_recorded(self):
        campaign = self.open()
        changed = change_campaign(
            campaign=campaign,
            actor=self.admin,
            deadline=date(2025, 5, 15),
            units=[self.unit_a],
            outline=None,
            scheme=None,
            remind_days_before=2,
            today=TODAY,
        )
        changed.refresh_from_db()
        self.assertEqual(changed.deadline, date(2025, 5, 15))
        self.assertEqual(changed.remind_days_before, 2)
        self.assertEqual(list(changed.units.all()), [self.unit_a])
        self.assertEqual(changed.changed_by, self.admin)
        self.assertIsNotNone(changed.changed_at)
        self.assertEqual(changed.opened_by, self.chenjing)

    def test_a_past_deadline_may_stay_when_other_things_change(self):
        campaign = self.open()
        later = date(2025, 6, 1)
        change_campaign(
            campaign=campaign,
            actor=self.chenjing,
            deadline=DEADLINE,
            units=[self.unit_a, self.unit_b],
            outline=None,
            scheme=None,
            remind_days_before=3,
            today=later,
        )
        with self.assertRaises(ValidationError) as caught:
            change_campaign(
                campaign=campaign,
                actor=self.chenjing,
                deadline=date(2025, 5, 1),
                units=[self.unit_a],
                outline=None,
                scheme=None,
                remind_days_before=3,
                today=later,
            )
        self.assertEqual(caught.exception.message_dict["deadline"], [message(DEADLINE_PAST, today="2025-06-01")])
        self.assertEqual(Campaign.objects.get().deadline, DEADLINE)
        self.assertEqual(CampaignUnit.objects.count(), 2)

    def test_a_closed_campaign_cannot_be_changed(self):
        campaign = close_campaign(campaign=self.open(), actor=self.chenjing)
        self.assertFalse(campaign.is_open)
        with self.assertRaises(ValidationError) as caught:
            change_campaign(
                campaign=campaign,
                actor=self.chenjing,
                deadline=date(2025, 5, 15),
                units=[self.unit_a],
                outline=None,
                scheme=None,
                remind_days_before=3,
                today=TODAY,
            )
        self.assertEqual(caught.exception.messages, [message(CLOSED)])
        self.assertEqual(Campaign.objects.get().deadline, DEADLINE)


class CampaignChoiceTests(BaseTestCase):
    """The unit's own outline and scheme, then the campaign's for the unit's year, then the region/year choices."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outlines = ensure_builtin_outlines()
        cls.schemes = ensure_builtin_schemes()
        cls.hunan_scheme = ScoringScheme.objects.get(builtin="hunan")
        cls.campaign = open_campaign(
            actor=cls.chenjing,
            year=2024,
            deadline=DEADLINE,
            units=[cls.unit_a],
            outline=cls.outlines[HUNAN],
            scheme=cls.hunan_scheme,
            today=TODAY,
        )
        cls.a_2024 = Evaluation.objects.create(unit=cls.unit_a, year=2024)
        cls.a_2023 = Evaluation.objects.create(unit=cls.unit_a, year=2023)
        cls.b_2024 = Evaluation.objects.create(unit=cls.unit_b, year=2024)

    def fresh(self, evaluation: Evaluation) -> Evaluation:
        return Evaluation.objects.select_related("unit").get(pk=evaluation.pk)

    def test_wangfangs_2024_report_follows_the_campaigns_outline_and_scheme(self):
        evaluation = self.fresh(self.a_2024)
        # Queries: the campaign of 2024 covering unit A, with its outline and scheme; the outline's headings. The
        # scheme comes with the campaign already read.
        with self.assertNumQueries(2):
            self.assertEqual(outline_for(evaluation).name, self.outlines[HUNAN].name)
            self.assertEqual(chosen_scheme(evaluation), self.hunan_scheme)

    def test_another_year_and_an_uncovered_unit_keep_the_default(self):
        self.assertEqual(outline_for(self.fresh(self.a_2023)).key, "seed")
        self.assertEqual(outline_for(self.fresh(self.b_2024)).key, "seed")
        self.assertEqual(chosen_scheme(self.fresh(self.b_2024)).builtin, "national")

    def test_the_units_own_choice_wins_over_the_campaign(self):
        Unit.objects.filter(pk=self.unit_a.pk).update(
            outline=self.outlines[PLAIN], scoring_scheme=self.schemes["national"]
        )
        evaluation = self.fresh(self.a_2024)
        self.assertEqual(outline_for(evaluation).key, PLAIN)
        self.assertEqual(chosen_scheme(evaluation).builtin, "national")

    def test_a_campaign_without_an_outline_leaves_the_region_and_year_choice(self):
        from evaluations.models import OutlineAssignment

        Campaign.objects.filter(pk=self.campaign.pk).update(outline=None)
        OutlineAssignment.objects.create(region=self.unit_a.region, year=2024, outline=self.outlines[PLAIN])
        self.assertEqual(outline_for(self.fresh(self.a_2024)).key, PLAIN)

    def test_many_evaluations_agree_with_one_at_a_time(self):
        evaluations = list(Evaluation.objects.select_related("unit"))
        # Queries: the assignments, the campaigns' outlines for these units and years, the outlines chosen, their
        # headings.
        with self.assertNumQueries(4):
            many = outlines_for(evaluations)
        for evaluation in evaluations:
            self.assertEqual(many[evaluation.pk], outline_for(self.fresh(evaluation)), evaluation)
        self.assertEqual(many[self.a_2024.pk].name, ReportOutline.objects.get(builtin=HUNAN).name)
