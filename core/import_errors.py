"""An import report's errors grouped by reason, on the page and as an .xlsx.

Why grouped: a file of 2,000 rows with one wrong column has 2,000 errors of one
kind; the person fixing the file needs the kinds with their counts first, then
each row with the value it held. A group is the column and the reason without
the row's values (``Problem.reason``, set by ``core.importing``).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.exporting import write_xlsx
from core.importing import ImportReport, Problem


@dataclass
class ErrorGroup:
    column: str | None
    reason: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.problems)


def error_groups(errors: list[Problem]) -> list[ErrorGroup]:
    """The errors by (column, reason), the largest group first, rows in file order."""
    groups: dict[tuple, ErrorGroup] = {}
    for problem in errors:
        reason = problem.reason or problem.message
        key = (problem.column, reason)
        groups.setdefault(key, ErrorGroup(problem.column, reason)).problems.append(problem)
    return sorted(groups.values(), key=lambda g: (-g.count, g.problems[0].row or 0))


def errors_xlsx(report: ImportReport, target) -> int:
    """The errors as a workbook, one line per error, group by group."""
    headers = [_("reason"), _("count"), _("row"), _("column"), _("value in the file"), _("error")]
    rows = (
        [group.reason, group.count, p.row or "", p.column or "", p.value or "", p.message]
        for group in error_groups(report.errors)
        for p in group.problems
    )
    return write_xlsx(headers, rows, target, title=_("Errors"))
