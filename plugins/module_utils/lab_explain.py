# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the student reads after a scenario: what was done, what to look at
(with the commands to see it by hand on this VM), why, and the result.

Every sentence comes from the catalogs (catalog.py); this module only puts
them in order, with the placeholders and extra lines each scenario's unit
gives (scenarios/*.py). Standard library only.
"""

from __future__ import annotations

from ansible_collections.microlab.docker_internals.plugins.module_utils import catalog, scenarios


def rendered_outcomes(lang, results):
    """{id: {'status', 'evidence' as text}}: the shape of lab_outcomes."""
    return dict((oid, {'status': result['status'], 'evidence': catalog.render(lang, result['evidence'])})
                for oid, result in results.items())


def explain(lang, scenario, spec, observation, outcomes, images):
    """The text of one scenario; outcomes as rendered_outcomes returns them."""
    unit = scenarios.BY_NAME[scenario]
    options = spec[scenario]
    params = unit.explain_params(options, observation, images)

    def say(key):
        return catalog.text(lang, key, **params)

    lines = [say(scenario + '.title'),
             '%s %s' % (say('label.done'), say(scenario + '.done')),
             '%s %s' % (say('label.look'), say(scenario + '.look'))]
    lines += ['  ' + command for command in say(scenario + '.commands')]
    lines.append('%s %s' % (say('label.why'), say(scenario + '.why')))
    lines += unit.explain_more(say, lang, options, observation)
    for part in ('notes', 'errata'):
        items = say(scenario + '.' + part)
        if items:
            lines.append(say('label.' + part))
            lines += ['  - ' + item for item in items]
    lines.append(say('label.result'))
    for oid in unit.outcome_ids(options):
        outcome = outcomes[oid]
        lines.append('  %s %s: %s' % (say('status.' + outcome['status']), oid, outcome['evidence']))
    return '\n'.join(lines)
