# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: roster
short_description: A class roster (CSV or YAML) as the lab's inventory
version_added: 0.1.0
author:
  - microlab.docker_internals contributors (@microlab)
description:
  - Reads the class roster an instructor keeps, one row per student VM, and makes one inventory host per student.
  - "A CSV roster is given straight to C(-i): C(ansible-playbook -i class.csv lab.yml). Its first row names the columns;
    column names are case-insensitive. The delimiter is a comma, or a semicolon or tab when the header row uses that instead
    (spreadsheets in many locales save CSV with semicolons). Blank rows and rows whose first cell starts with C(#) are ignored."
  - "Alternatively, a YAML configuration file whose name ends in C(roster.yml) or C(roster.yaml) sets the options below;
    its O(roster) option names the roster, a CSV file or a YAML file holding a list of mappings with the same keys as the columns."
  - "Columns: C(student) (required) becomes the host name and the host variable C(student). It may hold letters, digits,
    C(-), C(_) and C(.), and must start with a letter, digit or C(_). Students are unique, ignoring case."
  - "C(host) (required) becomes C(ansible_host), the address Ansible connects to: a host name (labels of letters,
    digits and C(-), not starting or ending with C(-)) or an IPv4 or IPv6 address. Anything else (C(-oProxyCommand=...),
    a space, a shell character) is a bad row, since ssh would take it as given."
  - "C(user) (optional) becomes C(ansible_user); when empty, O(default_user) is used if set. It is an account name:
    letters, digits, C(_), C(.) and C(-), not starting with C(-) or C(.), at most 32 characters; anything else is a bad row."
  - "C(port) (optional) becomes C(ansible_port), a number from 1 to 65535."
  - "C(group) (optional) is one more inventory group for the host (letters, digits and C(_), not starting with a digit)."
  - Every other column becomes a host variable of that name, as a string with surrounding whitespace removed;
    empty cells set nothing. Column names must be valid variable names; names starting with C(__) are reserved.
  - "In a YAML roster every value is text too: numbers, dates and C(true)/C(false) become their text, and a list
    or mapping is a bad row. Keys that differ only in case or spaces (C(Host) and C(host)) are a bad row, and so is
    a key given twice."
  - "Two rows with the same C(host) and C(port) (ignoring case; no port means 22) would give two students accounts
    on one VM: the second is a bad row."
  - "Error messages repeat a value from the roster only when it is short plain text: a file that is not a roster
    (a password file, say) is never shown in an error, only its file, line and column."
  - Every host joins the group O(group), C(lab_vms) unless changed, which the lab's playbooks target.
  - "A row with a problem (a missing student or host, a student name that is not a valid host name, a duplicate student
    or VM, a bad port or group, a YAML value that is not text) is reported with the file and line.
    With O(strict=true) the whole inventory fails and every problem is listed; otherwise the row is skipped with a warning."
  - A roster without any valid student, or whose header lacks a required column, always fails.
  - Roster values are never templated, so a cell holding C({{) is kept as it is.
  - The file may be encrypted with ansible-vault.
notes:
  - Enable the plugin in C(ansible.cfg) (this collection's checkout does) by listing it first in C(enable_plugins) in
    the C([inventory]) section; the C(ini) plugin would otherwise read a CSV file as an INI inventory of garbled host names.
  - The plugin claims files whose name ends in C(.csv), C(roster.yml) or C(roster.yaml), and files whose first row names
    the columns C(student) and C(host). When it cannot read one it prints its error at once, since Ansible then tries the
    next plugin and shows the error only if none reads the file (C(ini) reads a CSV file as hosts named after its lines).
options:
  plugin:
    description:
      - The name of this plugin; marks a YAML file as this plugin's configuration. Not needed for a C(.csv) file given directly.
    type: str
    required: true
    choices: ['microlab.docker_internals.roster']
  roster:
    description:
      - The roster to read, a C(.csv) file or a C(.yml)/C(.yaml) file with a list of mappings.
      - A relative path is relative to the directory of the configuration file. C(~) is expanded.
      - Required in a configuration file; a C(.csv) file given directly is its own roster.
    type: str
  default_user:
    description:
      - The SSH user (C(ansible_user)) of students whose C(user) cell is empty or missing.
      - When not set, such hosts get no C(ansible_user) and Ansible's usual default applies.
    type: str
    env:
      - name: MICROLAB_ROSTER_DEFAULT_USER
    ini:
      - section: inventory_plugin_microlab_roster
        key: default_user
  strict:
    description:
      - If V(true), any bad row fails the whole inventory, listing every problem.
      - If V(false), a bad row is skipped with a warning naming the file and line.
    type: bool
    default: false
    env:
      - name: MICROLAB_ROSTER_STRICT
    ini:
      - section: inventory_plugin_microlab_roster
        key: strict
  group:
    description:
      - The group every student's host joins.
    type: str
    default: lab_vms
"""

EXAMPLES = r"""
# class.csv, given straight to -i:
#   ansible-playbook -i class.csv lab.yml
#   ansible-inventory -i class.csv --graph
#
# student,host,user,port,group,password_hash
# ana,192.0.2.11,admin,,morning,
# bruno,192.0.2.12,admin,2222,morning,
# carla,192.0.2.13,,,afternoon,

# class.roster.yml: a configuration file with options
plugin: microlab.docker_internals.roster
roster: class.csv
default_user: admin
strict: true

# students.roster.yml, with the students in a YAML roster (students.yml):
#   - student: ana
#     host: 192.0.2.11
#     port: 2222
#   - {student: bruno, host: 192.0.2.12, group: afternoon}
# plugin: microlab.docker_internals.roster
# roster: students.yml
"""

import csv
import datetime
import io
import ipaddress
import os
import re

import yaml

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.plugins.inventory import BaseFileInventoryPlugin

REQUIRED_COLUMNS = ('student', 'host')
HOST_NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*$')
# What ssh is given: a DNS name of RFC 1123 labels, and an account name. Neither starts with '-' (an ssh option)
# nor holds a space or a shell character.
DNS_LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')
SSH_USER = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$')
GROUP_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
VARIABLE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
RESERVED_GROUPS = ('all', 'ungrouped')
# Columns that would set what the known columns set.
SHADOWED = {'ansible_host': 'host', 'ansible_user': 'user', 'ansible_port': 'port'}
CONFIG_ENDINGS = ('roster.yml', 'roster.yaml')
HEADER_SNIFF_BYTES = 4096


def has_roster_header(path):
    """Whether the file's first row (not blank, not a # comment) names the columns student and host."""
    try:
        with open(path, 'rb') as handle:
            head = handle.read(HEADER_SNIFF_BYTES)
    except (OSError, ValueError):
        return False
    for line in head.decode('utf-8', errors='replace').lstrip('\ufeff').splitlines():
        if line.strip() and not line.lstrip().startswith('#'):
            cells = set(cell.strip().strip('"').lower() for cell in re.split('[,;\t]', line))
            return {'student', 'host'} <= cells
    return False


YAML_ENDINGS = ('.yml', '.yaml')
# What an error message may repeat from the roster: short, plain words. Anything else (a password
# hash, a whole line of a file that is not a roster) is described by its length only.
SHOWABLE = re.compile(r'^[\w .@:/-]{1,40}$')
YAML_MERGE_TAG = 'tag:yaml.org,2002:merge'
DEFAULT_SSH_PORT = 22


class RosterError(Exception):
    """A problem with the roster as a whole: no row can be trusted."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def shown(value):
    """A roster value as an error message may show it: quoted, or only its length."""
    text = to_text(value)
    if SHOWABLE.match(text) and '$' not in text:
        return "'%s'" % text
    return '(%d characters, not shown)' % len(text)


def column_label(index, name):
    """'column NAME' when the name may be shown, else 'column INDEX'."""
    return "column '%s'" % name if SHOWABLE.match(name) else 'column %d' % index


class Student:
    """One good row: the host name, its line, its groups and its variables."""

    def __init__(self, name, line, groups, variables):
        self.name = name
        self.line = line
        self.groups = groups
        self.variables = variables

    def __repr__(self):
        return 'Student(%r, line %d)' % (self.name, self.line)


def _cell(value):
    """A cell as text, whitespace stripped; None for an empty one; ValueError naming the kind of
    a value that is not text (a YAML list or mapping)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        raise ValueError('a list')
    if isinstance(value, dict):
        raise ValueError('a mapping')
    if not isinstance(value, (str, int, float)):
        raise ValueError('a %s' % type(value).__name__)
    text = to_text(value).strip()
    return text or None


def text_cells(row):
    """({column: text or None}, problems, columns that are not text) for one row."""
    values, problems, bad = {}, [], set()
    for key, value in row.items():
        try:
            values[key] = _cell(value)
        except ValueError as exc:
            problems.append("column '%s' holds %s; roster values are text" % (key, exc))
            bad.add(key)
    return values, problems, bad


def check_group_name(name, what):
    """Raise ValueError unless name can be an inventory group."""
    if name in RESERVED_GROUPS:
        raise ValueError("%s '%s' is one of Ansible's own groups (%s)" % (what, name, ', '.join(RESERVED_GROUPS)))
    if not GROUP_NAME.match(name):
        raise ValueError("%s %s is not a valid group name (letters, digits and _, not starting with a digit)" % (what, shown(name)))


def is_address(text):
    """Whether text is a host name (RFC 1123 labels, at most 253 characters) or an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    name = text[:-1] if text.endswith('.') else text
    return 0 < len(name) <= 253 and all(DNS_LABEL.match(label) for label in name.split('.'))


def parse_port(value):
    """The port as an int, or ValueError naming the bad value."""
    text = to_text(value).strip()
    if text.isdigit() and text.isascii() and 1 <= int(text) <= 65535:
        return int(text)
    raise ValueError("port %s is not a number from 1 to 65535" % shown(text))


def check_columns(columns):
    """Raise RosterError for a header that cannot work; return the normalised column names."""
    names = [to_text(column or '').strip().lower() for column in columns]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append('missing required column%s %s' % ('s' if len(missing) > 1 else '', ', '.join(missing)))
    seen = set()
    for index, name in enumerate(names, 1):
        if not name:
            problems.append('column %d has no name' % index)
        elif name in seen:
            problems.append("%s appears twice" % column_label(index, name))
        elif not VARIABLE_NAME.match(name):
            problems.append("%s is not a valid variable name (letters, digits and _)" % column_label(index, name))
        elif name.startswith('__'):
            problems.append("%s is reserved: names starting with __ are internal" % column_label(index, name))
        elif name in SHADOWED:
            problems.append("column '%s' would override column '%s'; use '%s'" % (name, SHADOWED[name], SHADOWED[name]))
        seen.add(name)
    if problems:
        raise RosterError('; '.join(problems))
    return names


def build_students(rows, default_user=None, group='lab_vms'):
    """Turn (line, {column: value}) pairs into Students and per-line problems.

    Returns (students, errors) where errors is a list of (line, message) for
    the rows that were left out.
    """
    check_group_name(group, 'group option')
    students = []
    errors = []
    first_line = {}
    vms = {}
    for line, row in rows:
        values, problems, bad = text_cells(row)
        name = values.get('student')
        if name is None:
            if 'student' not in bad:
                problems.append('missing student')
        else:
            name = to_text(name)
            if not HOST_NAME.match(name):
                problems.append("student %s is not a valid host name (letters, digits, -, _ and ., starting with a letter, digit or _)" % shown(name))
            elif name.lower() in first_line:
                problems.append("duplicate student '%s' (first on line %d)" % (name, first_line[name.lower()]))
        host = values.get('host')
        if host is None and 'host' not in bad:
            problems.append('missing host')
        elif host is not None and not is_address(to_text(host)):
            problems.append('host %s is not a host name or an IP address (ssh would take it as given)' % shown(host))
        host_vars = {'student': name, 'ansible_host': to_text(host) if host is not None else None}
        user = values.get('user') if values.get('user') is not None else _cell(default_user)
        if user is not None:
            if not SSH_USER.match(to_text(user)):
                problems.append('user %s is not an account name (letters, digits, _, . and -, not starting with - or .)'
                                % shown(user))
            host_vars['ansible_user'] = to_text(user)
        if values.get('port') is not None:
            try:
                host_vars['ansible_port'] = parse_port(values['port'])
            except ValueError as exc:
                problems.append(str(exc))
        groups = [group]
        if values.get('group') is not None:
            extra = to_text(values['group'])
            try:
                check_group_name(extra, 'group')
            except ValueError as exc:
                problems.append(str(exc))
            if extra != group:
                groups.append(extra)
        for key, value in values.items():
            if key not in ('student', 'host', 'user', 'port', 'group') and value is not None:
                host_vars[key] = value
        if name is not None and HOST_NAME.match(name) and name.lower() not in first_line:
            first_line[name.lower()] = line
        vm = (to_text(host).lower(), host_vars.get('ansible_port', DEFAULT_SSH_PORT)) if host is not None else None
        if vm in vms:
            problems.append("host %s (port %d) is the same VM as student '%s' (line %d)"
                            % (shown(host), vm[1], vms[vm].name, vms[vm].line))
        if problems:
            errors.append((line, '; '.join(problems)))
        else:
            students.append(Student(name, line, groups, host_vars))
            vms[vm] = students[-1]
    return students, errors


def csv_problem(exc):
    """What a csv.Error means, in the roster's words (never the cell itself)."""
    if 'field larger than field limit' in str(exc):
        return "a cell is larger than %d characters, the csv module's limit (an unbalanced quote?)" % csv.field_size_limit()
    return 'is not valid CSV (%s)' % exc


def read_csv_rows(text):
    """(line, {column: cell}, problem) for each data row of CSV text; line counts from 1 at the header.

    problem is None, or why the row cannot be used (more cells than columns).
    """
    if text.startswith('\ufeff'):
        text = text[1:]
    header_line = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith('#')), '')
    delimiter = max((',', ';', '\t'), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns = None
    rows = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise RosterError(csv_problem(exc), line=start)
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith('#'):
            continue
        if columns is None:
            columns = check_columns(cells)
            continue
        extra = [cell for cell in cells[len(columns):] if cell.strip()]
        problem = "has %d cells, more than the header's columns" % len(cells) if extra else None
        rows.append((line, dict(zip(columns, cells)), problem))
    return columns, rows


def duplicate_keys(mapping_node):
    """Problems with the keys of one YAML row: keys that are the same column once case and spaces go."""
    seen, problems = set(), []
    for key_node, dummy in mapping_node.value:
        if key_node.tag == YAML_MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
            continue
        key = to_text(key_node.value).strip().lower()
        if key in seen:
            problems.append('key %s appears twice (keys ignore case and spaces)' % shown(key))
        seen.add(key)
    return problems


def yaml_problem(exc):
    """What a YAML error means, with its place but without the file's text."""
    mark = getattr(exc, 'problem_mark', None)
    problem = getattr(exc, 'problem', None) or 'unreadable'
    if mark is None:
        return 'is not valid YAML (%s)' % problem
    return 'is not valid YAML (line %d, column %d: %s)' % (mark.line + 1, mark.column + 1, problem)


def read_yaml_rows(text):
    """(line, {key: value}, problem) for each entry of a YAML list of mappings."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        key_problems = [duplicate_keys(item) if isinstance(item, yaml.MappingNode) else [] for item in items]
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise RosterError(yaml_problem(exc))
    finally:
        loader.dispose()
    if data is None:
        return []
    if not isinstance(data, list):
        raise RosterError('must hold a list of students (mappings with student, host, ...), not a %s' % type(data).__name__)
    rows = []
    columns = set()
    for item, item_node, problems in zip(data, items, key_problems):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            rows.append((line, {}, 'not a mapping of column names to values'))
            continue
        row = {to_text(key).strip().lower(): value for key, value in item.items()}
        columns.update(row)
        rows.append((line, row, '; '.join(problems) or None))
    if rows:
        check_columns(sorted(columns | set(REQUIRED_COLUMNS)))
    return rows


def parse_roster(text, path, default_user=None, group='lab_vms'):
    """Students and row errors ("FILE line N: problem") from a roster's text; RosterError if it is unusable.

    An empty roster gives no students and no errors: the caller decides.
    """
    if path.lower().endswith(YAML_ENDINGS):
        rows = read_yaml_rows(text)
    else:
        dummy, rows = read_csv_rows(text)
    checked = []
    early = []
    for line, row, problem in rows:
        if problem:
            early.append((line, problem))
        else:
            checked.append((line, row))
    students, errors = build_students(checked, default_user=default_user, group=group)
    name = os.path.basename(path)
    messages = ['%s line %d: %s' % (name, line, problem) for line, problem in sorted(early + errors)]
    return students, messages


class InventoryModule(BaseFileInventoryPlugin):
    """Hosts, groups and student variables from a class roster."""

    NAME = 'microlab.docker_internals.roster'

    def verify_file(self, path):
        """A .csv roster, a CSV file whose header names student and host, or a YAML config *roster.yml / *roster.yaml.

        Claiming them here matters because the ini plugin, tried after this one, reads any text: a
        roster it read would become hosts named after whole lines (see parse()).
        """
        if not super().verify_file(path):
            return False
        return path.lower().endswith(('.csv',) + CONFIG_ENDINGS) or has_roster_header(path)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        try:
            self._parse_roster(path)
        except AnsibleParserError as exc:
            if not path.lower().endswith(CONFIG_ENDINGS):
                # Ansible shows a plugin's error only when no later plugin reads the source, and
                # the ini plugin reads a CSV file too (each line a host): say it now, whatever comes next.
                self.display.error('microlab.docker_internals.roster could not read %s: %s' % (path, to_native(exc)))
            raise

    def _parse_roster(self, path):
        if not path.lower().endswith(CONFIG_ENDINGS):
            self.set_options(direct={'plugin': self.NAME}, var_options=self._vars)
            roster = path
        else:
            try:
                self._read_config_data(path)
            except (AttributeError, TypeError, ValueError) as exc:
                raise AnsibleParserError('%s: a roster configuration file must be a YAML mapping such as '
                                         '"plugin: microlab.docker_internals.roster" and "roster: students.yml" (%s); '
                                         'a YAML list of students goes in the file its roster option names'
                                         % (path, to_native(exc)))
            roster = self.get_option('roster')
            if not roster:
                raise AnsibleParserError('%s: the roster option is required (the CSV or YAML file with the students)' % path)
            roster = os.path.join(os.path.dirname(os.path.abspath(path)), os.path.expanduser(to_text(roster)))

        try:
            b_data, dummy = self.loader._get_file_contents(roster)
        except Exception as exc:
            raise AnsibleParserError('cannot read roster %s: %s' % (roster, to_native(exc)))
        try:
            text = b_data.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise AnsibleParserError('roster %s is not UTF-8 text (save it as "CSV UTF-8"): %s' % (roster, exc))

        if '\x00' in text:
            raise AnsibleParserError('roster %s holds NUL bytes: it is not CSV or YAML text (a spreadsheet saved as '
                                     'xlsx/ods, or UTF-16?); save it as "CSV UTF-8"' % roster)
        try:
            students, errors = parse_roster(text, roster, default_user=self.get_option('default_user'), group=self.get_option('group'))
        except RosterError as exc:
            where = '%s line %d' % (roster, exc.line) if exc.line else roster
            raise AnsibleParserError('roster %s: %s' % (where, exc))
        except ValueError as exc:
            raise AnsibleParserError('roster %s: %s' % (roster, exc))

        if errors and self.get_option('strict'):
            raise AnsibleParserError('roster %s has %d bad row%s (strict):\n%s' % (roster, len(errors), '' if len(errors) == 1 else 's', '\n'.join(errors)))
        for message in errors:
            self.display.warning('%s; row skipped' % message)
        if not students:
            detail = ' (%d bad row%s skipped)' % (len(errors), '' if len(errors) == 1 else 's') if errors else ''
            raise AnsibleParserError('roster %s has no students%s' % (roster, detail))

        self.populate(students)

    def populate(self, students):
        """Add the students' hosts, groups and variables to the inventory."""
        for student in students:
            for group in student.groups:
                self.inventory.add_group(group)
            self.inventory.add_host(student.name, group=student.groups[0])
            for group in student.groups[1:]:
                self.inventory.add_child(group, student.name)
            for key, value in student.variables.items():
                self.inventory.set_variable(student.name, key, value)
