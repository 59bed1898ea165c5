# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The class report: every VM's verify results in one stable structure."""

from __future__ import annotations

SCHEMA_VERSION = 1
STATUSES = ('pass', 'fail', 'unreachable')


def _inventory_value(hostvars, name, host_vars, key):
    """A variable as the inventory sets it, never as the VM's facts do.

    Facts outrank inventory variables and a VM's root chooses its facts: when the VM
    returned a fact of that name (raw or with the ansible_ prefix), the merged value is
    not trusted and the inventory host's own variable is used, or None when the hostvars
    given do not expose the inventory (the caller then uses the inventory name).
    """
    facts = host_vars.get('ansible_facts') or {}
    bare = key[len('ansible_'):] if key.startswith('ansible_') else key
    if key not in facts and bare not in facts:
        return host_vars.get(key)
    inventory = getattr(hostvars, '_inventory', None)
    host = inventory.get_host(name) if inventory is not None else None
    return host.vars.get(key) if host is not None else None


def _host_entry(name, host_vars, hostvars=None):
    """One VM: student, address, overall status, the reason and each outcome."""
    outcomes = dict(host_vars.get('lab_outcomes') or {})
    reach = host_vars.get('lab_verify_reach') or {}
    error = host_vars.get('lab_verify_error')
    if reach.get('reachable') is False:
        status, reason = 'unreachable', reach.get('msg') or 'unreachable'
    elif error:
        status, reason = 'fail', 'verify stopped: %s' % error
    elif not outcomes:
        status, reason = 'fail', 'no outcome was recorded (did verify run on this VM?)'
    else:
        failing = sorted(oid for oid, result in outcomes.items() if result.get('status') != 'pass')
        status = 'fail' if failing else 'pass'
        reason = ('failing: %s' % ', '.join(failing)) if failing else ''
    return {
        'student': _inventory_value(hostvars, name, host_vars, 'student') or name,
        'host': _inventory_value(hostvars, name, host_vars, 'ansible_host') or name,
        'inventory_hostname': name,
        'status': status,
        'reason': reason,
        'outcomes': {
            oid: {'status': result.get('status', 'fail'), 'evidence': result.get('evidence', '')}
            for oid, result in sorted(outcomes.items())
        },
    }


def class_report(hostvars, hosts, generated=''):
    """Build the report for C(hosts) from C(hostvars); see docs/report.md for the schema."""
    entries = [_host_entry(name, hostvars[name], hostvars) for name in hosts]
    outcome_ids = sorted({oid for entry in entries for oid in entry['outcomes']})
    return {
        'schema_version': SCHEMA_VERSION,
        'generated': generated,
        'outcome_ids': outcome_ids,
        'summary': {status: sum(entry['status'] == status for entry in entries) for status in STATUSES},
        'hosts': sorted(entries, key=lambda entry: entry['student']),
    }


class FilterModule:
    """Filters for the class report."""

    def filters(self):
        return {'class_report': class_report}
