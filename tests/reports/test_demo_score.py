from reports.scoring import score_of
from tests.base import SeedTestCase, make_scoreable


class T(SeedTestCase):
    def test_x(self):
        make_scoreable(self.evaluation)
        s = score_of(self.evaluation)
        print(s.scheme.name, s.sheet.total, s.sheet.grade, s.sheet.missing, s.sheet.reasons_needed)
        for leaf in s.sheet.leaves():
            print(leaf.key, leaf.points, leaf.explanation)
        from reports.completeness import completeness_of

        print([p.text for p in completeness_of(self.evaluation).blockers])
