# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class's grades: a student's points from their checked steps and a scoring table, and the CSV files.

``grade(steps, scoring, end, closed)`` scores one student's steps (class_report's, already checked by vm_data
and clamped to the session); ``moodle_csv`` and ``detail_csv`` write the class report's grades as Moodle's
gradebook import reads them and as a plain table. Every cell goes through ``cell``: no control or bidirectional
character, capped, and never the start of a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog
from ansible_collections.microlab.docker_internals.plugins.module_utils.lab_steps import STEP_IDS
from ansible_collections.microlab.docker_internals.plugins.plugin_utils import vm_data

IDENTIFIERS = ('username', 'email', 'idnumber')
# What makes a spreadsheet (Excel, LibreOffice, what Moodle's own exports open in) read a cell as a formula.
FORMULA_START = ('=', '+', '-', '@')
CELL_CAP = 200


def cell(value):
    """A value as one CSV cell: cleaned and capped like the report's texts; a formula's start is quoted with '."""
    text = vm_data.clean_text('' if value is None else str(value), CELL_CAP)
    return "'" + text if text.lstrip().startswith(FORMULA_START) else text


def _number(value):
    """Points as shown: a whole number when they are one, else rounded to 2 decimals."""
    value = round(value, 2)
    return int(value) if value == int(value) else value


def _counts(step, end, closed):
    """Whether a step earns points: it passed (now, or before); with an end, first passed by then (a closed
    session: only a known first pass by the end counts, since a step passing now passed after it)."""
    first = step['first_passed_at']
    if first:
        return end is None or first <= end
    return step['status'] == 'pass' and not closed


def grade(steps, scoring, end=None, closed=False):
    """One student's grade: points per step, the hints and steps solved by the lab, the steps passed too late,
    the total and the most a student can get. A step that earns points loses what its hints asked before it first
    passed and `lab solve` cost, down to 0; a step that earns none costs nothing."""
    points, late = {}, []
    for step in STEP_IDS:
        entry = steps.get(step)
        if entry is None or not _counts(entry, end, closed):
            points[step] = 0
            if entry is not None and (entry['first_passed_at'] or entry['status'] == 'pass'):
                late.append(step)
            continue
        cost = (scoring['hint'] * entry['hints_before_pass']
                + (scoring['solved_by_lab'] if entry['solved_by_lab'] else 0))
        points[step] = _number(max(0, scoring['steps'][step] - cost))
    return {'points': points,
            'hints': sum(entry['hints'] for entry in steps.values()),
            'solved_by_lab': sum(1 for entry in steps.values() if entry['solved_by_lab']),
            'late': late,
            'total': _number(sum(points.values())),
            'max': _number(sum(scoring['steps'][step] for step in STEP_IDS))}


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerows([[cell(value) for value in row] for row in rows])
    return out.getvalue()


def moodle_csv(report, item):
    """grades.csv: Moodle's gradebook CSV import, a header then one row per graded student who has an identifier:
    the identifier (report.grades.identifier) and the grade item named item (the total)."""
    grades = report['grades']
    header = catalog.text(report['lang'], 'report.grades.id.' + grades['identifier'])
    rows = [[vm['grade_identifier'], vm['grade']['total']] for vm in report['hosts']
            if vm.get('grade') is not None and vm.get('grade_identifier')]
    return _csv([[header, item]] + rows)


def detail_csv(report):
    """grades-detail.csv: every student, host, the points of each step, hints, steps solved by the lab, total;
    the cells of a student who was not graded (unreachable, verify stopped) are empty."""
    words = catalog.messages(report['lang'])
    header = ([words['report.html.col.student'], words['report.html.col.host']] + list(STEP_IDS)
              + [words['report.html.col.hints'], words['report.html.col.solved'], words['report.html.col.grade']])
    rows = []
    for vm in report['hosts']:
        grade_ = vm.get('grade')
        numbers = ([grade_['points'][step] for step in STEP_IDS] + [grade_['hints'], grade_['solved_by_lab'], grade_['total']]
                   if grade_ is not None else [''] * (len(STEP_IDS) + 3))
        rows.append([vm['student'], vm['host']] + numbers)
    return _csv([header] + rows)
