# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class report's grades as CSV files (documented in class_grades_csv.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.microlab.docker_internals.plugins.plugin_utils import grades

KINDS = ('moodle', 'detail')


def class_grades_csv(report, kind='moodle', item=''):
    """grades.csv (kind moodle: Moodle's gradebook import, the grade item named C(item)) or grades-detail.csv."""
    if kind not in KINDS:
        raise AnsibleFilterError('class_grades_csv: kind must be one of %s, not %r' % (', '.join(KINDS), kind))
    if not report.get('grades'):
        raise AnsibleFilterError('class_grades_csv: the report has no grades (challenge mode with a scoring table)')
    return grades.moodle_csv(report, item) if kind == 'moodle' else grades.detail_csv(report)


class FilterModule:
    """Filters for the class's grades."""

    def filters(self):
        return {'class_grades_csv': class_grades_csv}
