# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""firewall.py on rulesets recorded live (Docker 20.10, 26.1, 28.5) and built from moby's golden files (29)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import firewall

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'firewall')


def _read(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def _exists(name):
    return os.path.exists(os.path.join(FIXTURES, name))


def recorded(prefix, when):
    """A snapshot as snapshot() returns it, from fixture files PREFIX-WHEN.{iptables-save,nft.json}."""
    saved = prefix + '-' + when + '.iptables-save'
    nft = prefix + '-' + when + '.nft.json'
    facts = json.loads(_read(prefix + '-facts.json')) if _exists(prefix + '-facts.json') else {}
    version = facts.get('iptables_version')
    return {'iptables_version': version, 'iptables_backend': firewall.iptables_backend(version),
            'iptables_save': _read(saved) if _exists(saved) else None,
            'nft_ruleset': _read(nft) if _exists(nft) else None, 'errors': {}}


def facts(prefix):
    """src_bridge, dst_bridge, dst_ip of a recording."""
    data = json.loads(_read(prefix + '-facts.json'))
    return data['src_bridge'], data['dst_bridge'], data['dst_ip']


# The lonely network of the fixtures made from moby's sources (no facts file).
MOBY_PACKET = ('br-7c1d2e3f4a5b', 'docker0', '172.17.0.2')

# fixture prefix, (src, dst, ip) or None for its facts file, and the drop that must be found.
SHAPES = [
    ('docker-20.10-bookworm', None,
     dict(backend='iptables-nft', kind='isolation-stage-2', table='filter', chain='DOCKER-ISOLATION-STAGE-2',
          rule='-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP', packets_before=0, packets_after=2,
          command='iptables -t filter -L DOCKER-ISOLATION-STAGE-2 -v -n')),
    ('docker-26.1-trixie', None,
     dict(backend='iptables-nft', kind='isolation-stage-2', table='filter', chain='DOCKER-ISOLATION-STAGE-2',
          rule='-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP', packets_before=0, packets_after=2,
          command='iptables -t filter -L DOCKER-ISOLATION-STAGE-2 -v -n')),
    ('docker-28.5-forky', None,
     dict(backend='iptables-nft', kind='direct-access-drop', table='raw', chain='PREROUTING',
          rule='-A PREROUTING -d 172.18.0.2/32 ! -i docker0 -j DROP', packets_before=0, packets_after=2,
          command='iptables -t raw -L PREROUTING -v -n')),
    ('docker-28.5-forky-direct-routing', None,
     dict(backend='iptables-nft', kind='isolation-stage-2', table='filter', chain='DOCKER-ISOLATION-STAGE-2',
          rule='-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP', packets_before=0, packets_after=2,
          command='iptables -t filter -L DOCKER-ISOLATION-STAGE-2 -v -n')),
    ('moby-29-iptables', None,
     dict(backend='iptables-nft', kind='direct-access-drop', table='raw', chain='PREROUTING',
          rule='-A PREROUTING -d 172.18.0.2/32 ! -i docker0 -j DROP', packets_before=0, packets_after=2,
          command='iptables -t raw -L PREROUTING -v -n')),
    ('moby-29-iptables-direct-routing', None,
     dict(backend='iptables-nft', kind='bridge-ingress-drop', table='filter', chain='DOCKER',
          rule='-A DOCKER ! -i docker0 -o docker0 -j DROP', packets_before=0, packets_after=2,
          command='iptables -t filter -L DOCKER -v -n')),
    ('moby-29-nftables', MOBY_PACKET,
     dict(backend='nftables', kind='direct-access-drop', table='ip docker-bridges', chain='raw-PREROUTING',
          rule='ip daddr 172.17.0.2 iifname != "docker0" counter packets 2 bytes 120 drop comment "DROP DIRECT ACCESS"',
          packets_before=0, packets_after=2, command='nft list chain ip docker-bridges raw-PREROUTING')),
    ('moby-29-nftables-direct-routing', MOBY_PACKET,
     dict(backend='nftables', kind='unpublished-port-drop', table='ip docker-bridges',
          chain='filter-forward-in__docker0',
          rule='counter packets 2 bytes 120 drop comment "UNPUBLISHED PORT DROP"',
          packets_before=0, packets_after=2, command='nft list chain ip docker-bridges filter-forward-in__docker0')),
]


@pytest.mark.parametrize('prefix, packet, expected', SHAPES, ids=[s[0] for s in SHAPES])
def test_find_drop_names_the_rule_whose_counter_moved(prefix, packet, expected):
    src, dst, ip = packet or facts(prefix)
    result = firewall.find_drop(recorded(prefix, 'before'), recorded(prefix, 'after'), src, dst, ip)
    assert result['drop'] == expected
    assert result['matched'] == [expected]
    assert result['candidates'] == [] and result['errors'] == []


@pytest.mark.parametrize('prefix, packet, expected', SHAPES, ids=[s[0] for s in SHAPES])
def test_no_counter_moved_gives_candidates(prefix, packet, expected):
    """Same snapshot twice (a firewall in front dropped the probe): nothing matched, the path's drops listed."""
    src, dst, ip = packet or facts(prefix)
    before = recorded(prefix, 'before')
    result = firewall.find_drop(before, before, src, dst, ip)
    assert result['drop'] is None and result['matched'] == []
    rules = [(c['chain'], c['packets_before'], c['packets_after']) for c in result['candidates']]
    assert (expected['chain'], 0, 0) in rules


@pytest.mark.parametrize('prefix, packet', [(s[0], s[1]) for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_probe_the_other_way_matches_nothing(prefix, packet):
    """From docker0 to the lonely bridge, the recorded counters show no drop of that traffic."""
    src, dst = (packet or facts(prefix))[:2]
    result = firewall.find_drop(recorded(prefix, 'before'), recorded(prefix, 'after'), dst, src)
    assert result['matched'] == []


def test_unrelated_drop_whose_counter_moved_is_not_matched():
    """Other traffic on a shared host: a drop towards another bridge counts packets too."""
    before = recorded('docker-20.10-bookworm', 'before')
    after = dict(before, iptables_save=before['iptables_save'].replace(
        '[0:0] -A DOCKER-ISOLATION-STAGE-2 -o br-', '[7:420] -A DOCKER-ISOLATION-STAGE-2 -o br-'))
    src, dst, ip = facts('docker-20.10-bookworm')
    assert after != before
    assert firewall.find_drop(before, after, src, dst, ip)['matched'] == []


def test_a_firewall_rule_in_docker_user_is_matched_as_other():
    """An administrator's drop in DOCKER-USER comes first on the path and is named as it is."""
    src, dst, ip = facts('docker-20.10-bookworm')
    rule = '-A DOCKER-USER -i %s -j DROP' % src
    before = recorded('docker-20.10-bookworm', 'before')
    text = before['iptables_save'].replace('[48:3355] -A DOCKER-USER -j RETURN', '[%s] %s\n[48:3355] -A DOCKER-USER -j RETURN')
    before = dict(before, iptables_save=text % ('0:0', rule))
    after = dict(before, iptables_save=text % ('2:120', rule))
    result = firewall.find_drop(before, after, src, dst, ip)
    assert result['drop']['kind'] == 'other'
    assert result['drop']['rule'] == rule
    assert result['drop']['command'] == 'iptables -t filter -L DOCKER-USER -v -n'


def test_policy_drop_is_matched_when_its_counter_moves():
    before = recorded('docker-20.10-bookworm', 'before')
    after = dict(before, iptables_save=before['iptables_save'].replace(':FORWARD DROP [0:0]', ':FORWARD DROP [2:120]'))
    src, dst, ip = facts('docker-20.10-bookworm')
    drop = firewall.find_drop(before, after, src, dst, ip)['drop']
    assert (drop['kind'], drop['rule'], drop['packets_after']) == ('policy', '-P FORWARD DROP', 2)


def test_missing_snapshot_parts_are_reported_not_raised():
    empty = {'iptables_save': None, 'nft_ruleset': None, 'errors': {'iptables-save': 'exited 1: Permission denied'}}
    result = firewall.find_drop(empty, empty, 'br-x', 'docker0')
    assert result == {'matched': [], 'candidates': [], 'drop': None,
                      'errors': ['iptables-save: exited 1: Permission denied']}


# ---------------------------------------------------------------- parse_iptables_save

def test_parse_iptables_save_tables_chains_counters():
    tables = firewall.parse_iptables_save(_read('docker-20.10-bookworm-after.iptables-save'))
    assert sorted(tables) == ['filter', 'nat']
    forward = tables['filter']['chains']['FORWARD']
    assert (forward['policy'], forward['packets'], forward['bytes']) == ('DROP', 0, 0)
    assert tables['filter']['chains']['DOCKER']['policy'] is None
    stage2 = tables['filter']['chains']['DOCKER-ISOLATION-STAGE-2']['rules']
    expected = [(0, 0, 'DROP'), (2, 120, 'DROP'), (28, 1781, 'RETURN')]
    assert [(r['packets'], r['bytes'], r['target']) for r in stage2] == expected


@pytest.mark.parametrize('line, matches, target, other', [
    ('[8:494] -A DOCKER-ISOLATION-STAGE-1 -i br-1 ! -o br-1 -j DOCKER-ISOLATION-STAGE-2',
     {'in': (False, 'br-1'), 'out': (True, 'br-1'), 'src': None, 'dst': None}, 'DOCKER-ISOLATION-STAGE-2', []),
    ('[2:120] -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP',
     {'in': (True, 'docker0'), 'out': None, 'src': None, 'dst': (False, '172.17.0.2/32')}, 'DROP', []),
    ('[0:0] -A DOCKER -d 192.168.0.2/32 ! -i br-d -o br-d -p tcp -m tcp --dport 80 -j ACCEPT',
     {'in': (True, 'br-d'), 'out': (False, 'br-d'), 'src': None, 'dst': (False, '192.168.0.2/32')}, 'ACCEPT',
     ['-p', 'tcp', '-m', 'tcp', '--dport', '80']),
    ('[1:2] -A POSTROUTING ! -s 10.0.0.0/8 -m comment --comment "two words" -j MASQUERADE',
     {'in': None, 'out': None, 'src': (True, '10.0.0.0/8'), 'dst': None}, 'MASQUERADE',
     ['-m', 'comment', '--comment', 'two words']),
])
def test_parse_iptables_save_rule(line, matches, target, other):
    chain = line.split()[2]
    rule = firewall.parse_iptables_save('*t\n:%s - [0:0]\n%s\nCOMMIT\n' % (chain, line))['t']['chains'][chain]['rules'][0]
    assert (rule['matches'], rule['target'], rule['other']) == (matches, target, other)
    assert rule['text'] == line.split(' ', 1)[1]


def test_parse_iptables_save_without_counters_and_garbage():
    tables = firewall.parse_iptables_save('junk before a table\n*raw\n:PREROUTING ACCEPT\n-A PREROUTING -j DROP\n')
    rule = tables['raw']['chains']['PREROUTING']['rules'][0]
    assert (rule['packets'], rule['target']) == (0, 'DROP')


@pytest.mark.parametrize('rule_other, established_only', [
    (['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'], True),
    (['-m', 'state', '--state', 'ESTABLISHED'], True),
    (['-m', 'conntrack', '--ctstate', 'NEW'], False),
    (['-m', 'conntrack', '--ctstate', 'INVALID'], False),
    (['-p', 'tcp'], False),
])
def test_established_only_rules_never_see_the_probe(rule_other, established_only):
    assert firewall._new_connection_only({'other': rule_other}) is established_only


# ---------------------------------------------------------------- nftables

def test_nft_rule_text_is_what_nft_prints():
    """Every rule rendered from nft's JSON equals the line `nft list ruleset` printed for it."""
    printed = set(line.strip() for line in _read('moby-29-nftables-after.nft.txt').splitlines())
    tables = firewall.parse_nft_json(_read('moby-29-nftables-after.nft.json'))
    rules = [r for t in tables.values() for c in t['chains'].values() for r in c['rules']]
    assert len(rules) == 20
    for rule in rules:
        assert firewall.nft_rule_text(rule) in printed


def test_parse_nft_json_maps_and_base_chains():
    tables = firewall.parse_nft_json(_read('moby-29-nftables-after.nft.json'))
    table = tables[('ip', 'docker-bridges')]
    assert table['chains']['raw-PREROUTING']['hook'] == 'prerouting'
    assert table['chains']['raw-PREROUTING']['prio'] == -300
    assert ('docker0', {'jump': {'target': 'filter-forward-in__docker0'}}) in table['maps']['filter-forward-in-jumps']


@pytest.mark.parametrize('text', ['', 'not json', '{"nftables": []}'])
def test_parse_nft_json_of_nothing(text):
    assert firewall.parse_nft_json(text) == {}


def test_iptables_nft_tables_in_nft_output_are_not_counted_twice():
    """On the iptables-nft backend `nft -j` also shows `table ip filter`: iptables-save already covers it."""
    ruleset = json.loads(_read('moby-29-nftables-after.nft.json'))
    for item in ruleset['nftables']:
        for value in item.values():
            if isinstance(value, dict) and value.get('table') == 'docker-bridges':
                value['table'] = 'filter'
            elif isinstance(value, dict) and value.get('name') == 'docker-bridges':
                value['name'] = 'filter'
    tables = firewall.parse_nft_json(json.dumps(ruleset))
    assert firewall.nft_drops(tables, {'in': 'br-7c1d2e3f4a5b', 'out': 'docker0', 'dst': '172.17.0.2'},
                              skip_iptables_tables=True) == []
    assert firewall.nft_drops(tables, {'in': 'br-7c1d2e3f4a5b', 'out': 'docker0', 'dst': '172.17.0.2'},
                              skip_iptables_tables=False) != []


@pytest.mark.parametrize('right, iface, expected', [
    ('docker0', 'br-1', True),
    ('docker0', 'docker0', False),
    ({'set': ['docker0', 'eth1']}, 'eth1', False),
    ({'set': ['docker0', 'eth1']}, 'br-1', True),
])
def test_nft_iifname_not_equal(right, iface, expected):
    match = {'op': '!=', 'left': {'meta': {'key': 'iifname'}}, 'right': right}
    assert firewall._nft_match_result(match, {'in': iface}) is expected


# ---------------------------------------------------------------- snapshot

class FakeRunner(object):
    """subprocess.run stand-in: argv[0] -> (returncode, stdout, stderr) or an exception to raise."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __call__(self, argv, **kwargs):
        self.calls.append(argv)
        answer = self.answers.get(argv[0], FileNotFoundError(2, 'No such file or directory'))
        if isinstance(answer, Exception):
            raise answer
        return subprocess.CompletedProcess(argv, answer[0], answer[1], answer[2])


SAVED = _read('docker-20.10-bookworm-after.iptables-save')


@pytest.mark.parametrize('answers, expected', [
    ({'iptables': (0, 'iptables v1.8.9 (nf_tables)\n', ''), 'iptables-save': (0, SAVED, ''), 'nft': (0, '{}', '')},
     {'iptables_version': 'iptables v1.8.9 (nf_tables)', 'iptables_backend': 'nf_tables', 'iptables_save': SAVED,
      'nft_ruleset': '{}', 'errors': {}}),
    ({'iptables': (0, 'iptables v1.8.7 (legacy)\n', ''), 'iptables-save': (0, SAVED, '')},
     {'iptables_version': 'iptables v1.8.7 (legacy)', 'iptables_backend': 'legacy', 'iptables_save': SAVED,
      'nft_ruleset': None, 'errors': {}}),
    ({},
     {'iptables_version': None, 'iptables_backend': None, 'iptables_save': None, 'nft_ruleset': None,
      'errors': {'iptables -V': 'iptables: command not found', 'iptables-save': 'iptables-save: command not found'}}),
    ({'iptables': (0, 'iptables v1.8.9 (nf_tables)\n', ''),
      'iptables-save': (1, '', 'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: '
                               'Permission denied (you must be root)\n'),
      'nft': (1, '', 'Operation not permitted (you must be root)\n')},
     {'iptables_version': 'iptables v1.8.9 (nf_tables)', 'iptables_backend': 'nf_tables', 'iptables_save': None,
      'nft_ruleset': None,
      'errors': {'iptables-save': 'iptables-save exited 1: iptables-save v1.8.9 (nf_tables): Could not fetch rule set '
                                  'generation id: Permission denied (you must be root)',
                 'nft': 'nft exited 1: Operation not permitted (you must be root)'}}),
    ({'iptables': PermissionError(13, 'Permission denied'), 'iptables-save': (0, '', '')},
     {'iptables_version': None, 'iptables_backend': None, 'iptables_save': None, 'nft_ruleset': None,
      'errors': {'iptables -V': 'iptables: [Errno 13] Permission denied',
                 'iptables-save': 'iptables-save printed nothing (not root?)'}}),
    ({'iptables': subprocess.TimeoutExpired(['iptables'], 20), 'iptables-save': (0, SAVED, '')},
     {'iptables_version': None, 'iptables_backend': None, 'iptables_save': SAVED, 'nft_ruleset': None,
      'errors': {'iptables -V': "iptables: Command '['iptables']' timed out after 20 seconds"}}),
], ids=['nf_tables-with-nft', 'legacy-without-nft', 'no-binaries', 'not-root', 'not-executable', 'timeout'])
def test_snapshot(answers, expected):
    runner = FakeRunner(answers)
    assert firewall.snapshot(runner) == expected
    assert runner.calls == [['iptables', '-V'], ['iptables-save', '-c'], ['nft', '-j', 'list', 'ruleset']]


@pytest.mark.parametrize('text, backend', [
    ('iptables v1.8.9 (nf_tables)', 'nf_tables'),
    ('iptables v1.8.7 (legacy)', 'legacy'),
    ('iptables v1.4.21', None),
    (None, None),
])
def test_iptables_backend(text, backend):
    assert firewall.iptables_backend(text) == backend


def test_snapshot_is_json_serialisable():
    runner = FakeRunner({'iptables': (0, 'iptables v1.8.9 (nf_tables)\n', ''), 'iptables-save': (0, SAVED, '')})
    snap = firewall.snapshot(runner)
    assert json.loads(json.dumps(snap)) == snap
    result = firewall.find_drop(snap, snap, 'br-5ec8d15693d8', 'docker0', '172.17.0.2')
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize('prefix, kind, table, chain, rule', [
    ('docker-26.1-trixie', 'isolation-stage-2', 'ip filter', 'DOCKER-ISOLATION-STAGE-2',
     'oifname "docker0" counter packets 2 bytes 120 drop'),
    ('docker-28.5-forky', 'direct-access-drop', 'ip raw', 'PREROUTING',
     'ip daddr 172.18.0.2 iifname != "docker0" counter packets 2 bytes 120 drop'),
    ('docker-28.5-forky-direct-routing', 'isolation-stage-2', 'ip filter', 'DOCKER-ISOLATION-STAGE-2',
     'oifname "docker0" counter packets 2 bytes 120 drop'),
])
def test_without_iptables_save_nft_reads_the_iptables_nft_tables(prefix, kind, table, chain, rule):
    """iptables-save failed, `nft -j` answered (recorded live): the same rule, as nft prints it."""
    before, after = recorded(prefix, 'before'), recorded(prefix, 'after')
    before['iptables_save'] = after['iptables_save'] = None
    drop = firewall.find_drop(before, after, *facts(prefix))['drop']
    assert (drop['backend'], drop['kind'], drop['table'], drop['chain'], drop['rule']) == (
        'nftables', kind, table, chain, rule)
    assert drop['command'] == 'nft list chain %s %s' % (table, chain)
