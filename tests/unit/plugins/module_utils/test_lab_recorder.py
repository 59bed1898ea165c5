# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The recorder replaying the engine's real events (fixtures/recorder, recorded by its record.sh on
Docker 20.10), served by a fake engine on a unix socket; the reader against hostile files."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils import docker_api, lab_recorder
from ansible_collections.microlab.docker_internals.tests.unit.plugins.module_utils.test_docker_api import Handler, Server

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures', 'recorder')
NAMES = ('web', 'ipa', 'tty', 'lonely', 'uid')


def fixture(name, mode='r'):
    with open(os.path.join(FIXTURES, name), mode) as handle:
        return handle.read()


EVENTS = [json.loads(line) for line in fixture('events.jsonl').splitlines()]
INSPECT = dict((name, json.loads(fixture('inspect-%s.json' % name))) for name in NAMES)
NETWORK = json.loads(fixture('network.json'))
LOGS = {'ipa': fixture('logs-ipa.bin', 'rb'), 'tty': fixture('logs-tty.bin', 'rb')}
IP_A = docker_api.demultiplex(LOGS['ipa'])[0]


class Engine(Handler):
    """The engine's answers recorded in fixtures/recorder."""

    def do_GET(self):
        url = urlparse(self.path)
        self.server.paths.append(self.path)
        parts = [unquote(p) for p in url.path.split('/')[1:]]
        if parts == ['events']:
            self.server.events_asked.set()
            since = int(parse_qs(url.query)['since'][0])
            return self.chunked([(json.dumps(e) + '\n').encode() for e in self.server.events if e['time'] >= since])
        if parts[:1] == ['containers'] and len(parts) == 3:
            name = next((n for n, d in INSPECT.items() if d['Id'] == parts[1]), None)
            if name is None:
                return self.answer(404, b'{"message": "No such container"}')
            if parts[2] == 'json':
                return self.answer(200, json.dumps(INSPECT[name]).encode())
            data = LOGS.get(name, b'')
            return self.chunked([data[i:i + 50] for i in range(0, len(data), 50)])
        if parts[:1] == ['networks'] and parts[1] == NETWORK['Id']:
            return self.answer(200, json.dumps(NETWORK).encode())
        return self.answer(404, b'{"message": "not found"}')

    def do_POST(self):
        """An attach: as the engine answers it, a raw stream without length, ended by closing."""
        parts = [unquote(p) for p in urlparse(self.path).path.split('/')[1:]]
        self.server.paths.append('POST ' + self.path)
        name = next((n for n, d in INSPECT.items() if d['Id'] == parts[1]), None)
        if name is None or parts[2:] != ['attach']:
            return self.answer(404, b'{"message": "No such container"}')
        self.send_response(200)
        self.send_header('Content-Type', 'application/vnd.docker.raw-stream')
        self.end_headers()
        self.wfile.write(LOGS.get(name, b''))
        self.wfile.flush()
        if name == 'uid' and self.server.hold_uid:  # it sleeps: its attach stays open
            self.server.released.wait(10)
        self.close_connection = True

    def answer(self, status, data):
        self.send_response(status)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def chunked(self, chunks):
        self.send_response(200)
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(b'%x\r\n%s\r\n' % (len(chunk), chunk))
        self.wfile.write(b'0\r\n\r\n')


def start_engine(path, events):
    server = Server(path, Engine)
    server.paths = []
    server.events = events
    server.events_asked = threading.Event()
    server.released = threading.Event()
    server.hold_uid = False
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.02})
    thread.daemon = True
    thread.start()
    return server


def stop_engine(server):
    server.released.set()
    server.shutdown()
    server.server_close()
    os.unlink(server.server_address)


@pytest.fixture
def engine(tmp_path):
    server = start_engine(str(tmp_path / 'docker.sock'), EVENTS)
    yield server
    stop_engine(server)


@pytest.fixture
def proc(tmp_path):
    """A /proc with the status of the two containers that were running (web as root, uid as 1234)."""
    for name, uid in (('web', 0), ('uid', 1234)):
        directory = tmp_path / 'proc' / str(INSPECT[name]['State']['Pid'])
        directory.mkdir(parents=True)
        (directory / 'status').write_text('Name:\tx\nUid:\t%d\t%d\t%d\t%d\nGid:\t0\t0\t0\t0\n' % ((uid,) * 4))
    return str(tmp_path / 'proc')


def recorder_for(engine, tmp_path, proc='/nonexistent', now=EVENTS[0]['time']):
    api = docker_api.DockerAPI('unix://' + engine.server_address)
    return lab_recorder.Recorder(str(tmp_path / 'rec' / 'runs.json'), api, proc=proc, now=lambda: now)


def wait_for(condition, seconds=10):
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, 'timed out'
        time.sleep(0.02)


def by_name(record):
    return dict((run['name'], run) for run in record['runs'])


def replayed(engine, tmp_path, proc):
    recorder = recorder_for(engine, tmp_path, proc)
    for event in EVENTS:
        recorder.handle(event)
    wait_for(lambda: not recorder.captures)
    return recorder


# The output streams ---------------------------------------------------------------------------

class Trickle(io.RawIOBase):
    """A response that gives at most `step` bytes per read, like a slow socket."""

    def __init__(self, data, step):
        self.data, self.step = data, step

    def read(self, size=-1):
        size = self.step if size is None or size < 0 else min(size, self.step)
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk

    read1 = read


@pytest.mark.parametrize('step', [1, 7, 4096])
def test_frames_are_joined_whatever_the_reads(step):
    chunks = docker_api.stream_chunks(Trickle(LOGS['ipa'], step), tty=False)
    assert b''.join(chunks).decode() == IP_A
    assert 'inet 127.0.0.1/8' in IP_A and 'inet 172.17.0.' in IP_A


def test_a_tty_stream_is_raw():
    assert b''.join(docker_api.stream_chunks(Trickle(LOGS['tty'], 5), tty=True)) == b'tty-out\r\nerr\r\n'


def test_a_cut_frame_ends_the_stream():
    assert b''.join(docker_api.stream_chunks(Trickle(LOGS['ipa'][:20], 64), tty=False)) == LOGS['ipa'][8:20]


def test_output_is_cut_at_its_bound_and_reading_stops():
    read = []

    def chunks():
        for number in range(100):
            read.append(number)
            yield b'x' * 1000

    assert lab_recorder.read_output(chunks()) == ('x' * lab_recorder.MAX_OUTPUT, True)
    assert len(read) == 5  # no more read than needed


def test_output_bound_counts_characters_not_bytes():
    text, truncated = lab_recorder.read_output(iter([u'\u00e9'.encode() * 3000]))
    assert (text, truncated) == (u'\u00e9' * 3000, False)
    assert lab_recorder.read_output(iter([b'ab', b'c']), limit=2) == ('ab', True)


# The recorded chapter, replayed ---------------------------------------------------------------

def test_every_run_is_recorded_with_what_the_steps_need(engine, tmp_path, proc):
    runs = by_name(replayed(engine, tmp_path, proc).snapshot())
    assert sorted(runs) == ['rec-test-%s' % n for n in sorted(NAMES)]
    assert dict((n, runs[n]['exit_code']) for n in runs) == {
        'rec-test-web': 137, 'rec-test-ipa': 0, 'rec-test-tty': 0, 'rec-test-lonely': 28, 'rec-test-uid': 137}
    web = runs['rec-test-web']
    assert web['image'] == 'microlab.local/lab-nginx:bookworm' and web['image_id'] == INSPECT['web']['Image']
    assert web['cmd'] == ['nginx', '-g', 'daemon off;'] and web['ports'] == ['80/tcp']
    assert web['networks'] == {'bridge': {'ip': '172.17.0.2', 'prefix': 16, 'gateway': '172.17.0.1'}}
    assert (web['host_uids'], web['pid']) == ([0], INSPECT['web']['State']['Pid'])
    uid = runs['rec-test-uid']
    assert (uid['user'], uid['host_uids'], uid['cmd']) == ('1234', [1234], ['sleep', '30'])
    lonely = runs['rec-test-lonely']
    assert list(lonely['networks']) == ['rec-test-net'] and lonely['image'] == 'microlab.local/lab-curl:bookworm'
    assert runs['rec-test-ipa']['output'] == IP_A and runs['rec-test-ipa']['output_truncated'] is False
    assert runs['rec-test-tty']['output'] == 'tty-out\r\nerr\r\n'
    for run in runs.values():
        assert run['created_at'] <= run['started_at'] <= run['ended_at']
        assert run['labels_lab'] is False and run['probe'] is False
    assert all(not run['auto_remove'] for run in runs.values())


def test_networks_made_are_recorded_with_their_driver_and_subnet(engine, tmp_path, proc):
    record = replayed(engine, tmp_path, proc).snapshot()
    assert [(n['name'], n['driver'], n['subnets'], n['internal']) for n in record['networks']] == [
        ('rec-test-net', 'bridge', ['172.19.0.0/16'], False)]
    assert record['networks'][0]['removed_at'] == lab_recorder.time_text(EVENTS[-1]['time'])


def test_the_resume_point_is_the_last_event(engine, tmp_path, proc):
    recorder = replayed(engine, tmp_path, proc)
    assert recorder.record['since'] == EVENTS[-1]['time']
    assert 'since=%d&' % EVENTS[-1]['time'] in recorder.events_path()


def test_output_is_attached_at_create_before_the_container_starts(engine, tmp_path, proc):
    replayed(engine, tmp_path, proc)
    attached = sorted(p.split('/')[2] for p in engine.paths if p.startswith('POST '))
    assert attached == sorted(INSPECT[name]['Id'] for name in NAMES)
    assert not [p for p in engine.paths if '/logs' in p]


def test_a_container_created_before_the_recorder_is_followed_through_its_logs(engine, tmp_path):
    recorder = recorder_for(engine, tmp_path)
    (start,) = [e for e in EVENTS if e['Action'] == 'start' and e['Actor']['ID'] == INSPECT['ipa']['Id']]
    recorder.handle(start)
    wait_for(lambda: not recorder.captures)
    assert by_name(recorder.snapshot())['rec-test-ipa']['output'] == IP_A
    assert [p for p in engine.paths if '/logs?follow=1' in p]


def test_a_container_removed_without_starting_frees_its_attach(engine, tmp_path):
    engine.hold_uid = True
    recorder = recorder_for(engine, tmp_path)
    (create,) = [e for e in EVENTS if e['Action'] == 'create' and e['Actor']['ID'] == INSPECT['uid']['Id']]
    recorder.handle(create)
    wait_for(lambda: recorder.captures.get(INSPECT['uid']['Id']) is not None)
    time.sleep(0.2)
    assert list(recorder.captures) == [INSPECT['uid']['Id']]  # still waiting for output
    recorder.handle(dict(create, Action='destroy', status='destroy'))
    wait_for(lambda: not recorder.captures, 2)


def test_lab_made_containers_are_marked(engine, tmp_path):
    recorder = recorder_for(engine, tmp_path)
    event = dict(EVENTS[1], Actor={'ID': 'f' * 64, 'Attributes': {
        'name': 'curl_bridge', 'image': 'x', 'microlab.lab': 'docker_internals'}})
    recorder.handle(event)
    run = by_name(recorder.snapshot())['curl_bridge']
    assert (run['labels_lab'], run['probe']) == (True, False)


def test_the_labs_probes_are_not_recorded(engine, tmp_path):
    """About two probes per `lab check`: kept, they would push the student's own runs out of the bounded record."""
    recorder = recorder_for(engine, tmp_path)
    event = dict(EVENTS[1], Actor={'ID': 'e' * 64, 'Attributes': {
        'name': 'probe', 'image': 'x', 'microlab.lab': 'docker_internals', 'microlab.lab.probe': 'true'}})
    recorder.handle(event)
    assert 'probe' not in by_name(recorder.snapshot()) and recorder.snapshot()['since'] == event['time']


@pytest.mark.parametrize('event', [
    None, [], 'x', {}, {'Type': 'container'}, {'Type': 'container', 'Action': 'create', 'Actor': []},
    {'Type': 'container', 'Action': 'create', 'Actor': {'ID': 5}, 'time': 1},
    {'Type': 'container', 'Action': 'create', 'Actor': {'ID': 'a'}, 'time': 'now'},
    {'Type': 'container', 'Action': 'exec_start: sh', 'Actor': {'ID': 'a', 'Attributes': {}}, 'time': 1},
    {'Type': 'plugin', 'Action': 'create', 'Actor': {'ID': 'a', 'Attributes': {}}, 'time': 1},
    {'Type': 'network', 'Action': 'connect', 'Actor': {'ID': 'n', 'Attributes': {'container': ['x'], 'name': 7}},
     'time': 1},
])
def test_odd_events_change_no_run(engine, tmp_path, event):
    recorder = recorder_for(engine, tmp_path)
    recorder.handle(event)
    assert recorder.snapshot()['runs'] == []


def test_odd_attributes_give_bounded_defaults(engine, tmp_path):
    recorder = recorder_for(engine, tmp_path)
    actor = {'ID': 'a' * 300, 'Attributes': {'name': 'n' * 1000, 'image': ['x'], 'exitCode': 'segfault'}}
    for action in ('create', 'start', 'die', 'destroy'):
        recorder.handle({'Type': 'container', 'Action': action, 'Actor': actor, 'time': 100})
    wait_for(lambda: not recorder.captures)
    (run,) = recorder.snapshot()['runs']
    assert (len(run['id']), len(run['name']), run['image'], run['exit_code']) == (256, 256, '', None)
    assert run['ended_at'] == lab_recorder.time_text(100)


def test_at_most_max_runs_and_networks_the_oldest_dropped(engine, tmp_path):
    recorder = recorder_for(engine, tmp_path)
    for number in range(lab_recorder.MAX_RUNS + 5):
        recorder.handle({'Type': 'container', 'Action': 'destroy', 'time': 10 + number,
                         'Actor': {'ID': 'c%d' % number, 'Attributes': {'name': 'c%d' % number}}})
        recorder._run('c%d' % number, {'name': 'c%d' % number}, 10 + number)
    for number in range(lab_recorder.MAX_NETWORKS + 3):
        recorder.handle({'Type': 'network', 'Action': 'create', 'time': 10,
                         'Actor': {'ID': 'n%d' % number, 'Attributes': {'name': 'n%d' % number, 'type': 'bridge'}}})
    record = recorder.snapshot()
    assert [run['name'] for run in record['runs']] == ['c%d' % n for n in range(5, lab_recorder.MAX_RUNS + 5)]
    assert [n['name'] for n in record['networks']] == ['n%d' % n for n in range(3, lab_recorder.MAX_NETWORKS + 3)]


def test_long_values_are_cut(engine, tmp_path):
    recorder = recorder_for(engine, tmp_path)
    run = recorder._run('x', {}, 1)
    lab_recorder.run_from_create(run, {'Name': '/' + 'n' * 999, 'Config': {
        'Cmd': ['a' * 999] * 99, 'Entrypoint': 'sh', 'User': 5, 'Labels': ['x']}, 'HostConfig': None})
    lab_recorder.run_from_start(run, {'State': {'Pid': -3}, 'NetworkSettings': {'Networks': dict(
        ('net%d' % i, {'IPAddress': '10.0.0.%d' % i, 'IPPrefixLen': 'x'}) for i in range(99))}})
    run = by_name(recorder.snapshot())['n' * 256]
    assert len(run['cmd']) == 32 and set(map(len, run['cmd'])) == {256}
    assert (run['entrypoint'], run['user'], run['pid'], len(run['networks'])) == ([], '', None, 32)
    assert run['networks']['net0'] == {'ip': '10.0.0.0', 'prefix': None, 'gateway': ''}


# The record on disk ---------------------------------------------------------------------------

def test_the_record_is_written_atomically_and_read_back(engine, tmp_path, proc):
    recorder = replayed(engine, tmp_path, proc)
    recorder.save()
    path = recorder.path
    assert os.stat(path).st_mode & 0o777 == 0o644 and os.listdir(os.path.dirname(path)) == ['runs.json']
    loaded = lab_recorder.load_runs(path)
    assert 'error' not in loaded and loaded['runs'] == recorder.snapshot()['runs']
    assert loaded['recorder_started_at'] == lab_recorder.time_text(EVENTS[0]['time'])


def test_a_restarted_recorder_keeps_its_start_and_resume_point(engine, tmp_path, proc):
    first = replayed(engine, tmp_path, proc)
    first.save()
    second = recorder_for(engine, tmp_path, now=EVENTS[-1]['time'] + 60)
    assert second.record['since'] == EVENTS[-1]['time']
    assert second.record['recorder_started_at'] == first.record['recorder_started_at']
    assert len(second.snapshot()['runs']) == len(NAMES)
    # A resume point in the future (a hand-edited file) would make the engine hold back every event.
    assert recorder_for(engine, tmp_path, now=EVENTS[-1]['time'] - 60).record['since'] == EVENTS[-1]['time'] - 60


def test_saving_replaces_a_link_and_never_writes_through_it(tmp_path):
    target = tmp_path / 'elsewhere'
    target.write_text('keep')
    path = tmp_path / 'runs.json'
    path.symlink_to(target)
    lab_recorder.save_record(str(path), lab_recorder.empty_record())
    assert target.read_text() == 'keep' and not path.is_symlink()


def test_a_missing_record_is_empty_with_a_reason(tmp_path):
    record = lab_recorder.load_runs(str(tmp_path / 'none.json'))
    assert record['runs'] == [] and record['error'] == 'missing'


def hostile(tmp_path, kind):
    path = tmp_path / 'runs.json'
    if kind == 'link':
        (tmp_path / 'real.json').write_text(json.dumps({'runs': [{'id': 'a'}]}))
        path.symlink_to(tmp_path / 'real.json')
    elif kind == 'fifo':
        os.mkfifo(str(path))
    elif kind == 'huge':
        path.write_text(' ' * (lab_recorder.MAX_FILE_BYTES + 1) + '{}')
    elif kind == 'deep':
        path.write_text('[' * 100000 + ']' * 100000)
    elif kind == 'binary':
        path.write_bytes(b'\xff\xfe{')
    elif kind == 'directory':
        path.mkdir()
    return str(path)


@pytest.mark.parametrize('kind', ['link', 'fifo', 'huge', 'deep', 'binary', 'directory'])
def test_an_unsafe_or_unreadable_record_is_refused_without_blocking(tmp_path, kind):
    started = time.time()
    record = lab_recorder.load_runs(hostile(tmp_path, kind))
    assert record['runs'] == [] and record['error'] and len(record['error']) <= 256
    assert time.time() - started < 5


@pytest.mark.parametrize('content', [[], 'x', 5, None, {'runs': 'x', 'networks': {}}, {'runs': [1, None, []]}])
def test_a_record_of_the_wrong_shape_is_empty(tmp_path, content):
    path = tmp_path / 'runs.json'
    path.write_text(json.dumps(content))
    record = lab_recorder.load_runs(str(path))
    assert record == lab_recorder.empty_record()


def test_wrong_types_are_dropped_and_sizes_capped(tmp_path):
    run = {'id': 'a', 'name': 5, 'user': ['root'], 'cmd': ['ok', 3, 'x' * 999] + ['y'] * 99, 'exit_code': 999,
           'host_uids': [0, -1, 'x', True, 1234], 'pid': '12', 'auto_remove': 'yes', 'probe': 1,
           'networks': {'bridge': {'ip': 7, 'prefix': 16}, 'x': 'y'}, 'output': 'o' * 5000, 'extra': 'dropped',
           'created_at': '2026-12-02T19:00:00Z', 'started_at': 'yesterday', 'ended_at': '2026-13-40T99:00:00Z'}
    runs = [dict(run, id='r%d' % i) for i in range(250)] + [dict(run, id='r249', name='dup')]
    path = tmp_path / 'runs.json'
    path.write_text(json.dumps({'version': 'x', 'since': -5, 'runs': runs, 'bogus': 1, 'networks': [
        {'id': 'n', 'subnets': '10.0.0.0/8', 'internal': 'true', 'removed_at': 0}]}))
    record = lab_recorder.load_runs(str(path))
    assert sorted(record) == sorted(lab_recorder.empty_record())
    assert (record['version'], record['since']) == (1, None)
    # The newest MAX_RUNS entries (r51 .. r249 and a second r249), one run per container.
    assert len(record['runs']) == lab_recorder.MAX_RUNS - 1 and record['runs'][0]['id'] == 'r51'
    assert record['runs'][-1]['name'] == 'dup' and len(set(r['id'] for r in record['runs'])) == 199
    got = record['runs'][0]
    assert sorted(got) == sorted(lab_recorder.new_run('x'))
    assert (got['name'], got['user'], got['exit_code'], got['pid']) == ('', '', None, None)
    assert got['cmd'][:2] == ['ok', 'x' * 256] and len(got['cmd']) == 31
    assert got['host_uids'] == [0, 1234] and (got['auto_remove'], got['probe']) == (False, False)
    assert got['networks'] == {'bridge': {'ip': '', 'prefix': 16, 'gateway': ''}, 'x': {
        'ip': '', 'prefix': None, 'gateway': ''}}
    assert (len(got['output']), got['output_truncated']) == (4096, True)
    assert (got['created_at'], got['started_at'], got['ended_at']) == ('2026-12-02T19:00:00Z', None, None)
    assert record['networks'] == [dict(lab_recorder.new_network('n'))]


def test_runs_since_counts_from_the_session_start():
    record = {'runs': [{'id': 'a', 'created_at': '2026-12-02T18:59:59Z'}, {'id': 'b', 'created_at': None},
                       {'id': 'c', 'created_at': '2026-12-02T19:00:00Z'}]}
    assert [r['id'] for r in lab_recorder.runs_since(record, '2026-12-02T19:00:00Z')] == ['c']
    assert [r['id'] for r in lab_recorder.runs_since(record, None)] == ['a', 'b', 'c']


# The main loop: resume and reconnect ----------------------------------------------------------

def test_the_loop_reconnects_when_the_engine_comes_back_and_resumes(tmp_path, proc, capsys):
    socket_path = str(tmp_path / 'docker.sock')
    first = start_engine(socket_path, EVENTS[:10])
    stop = threading.Event()
    path = str(tmp_path / 'rec' / 'runs.json')
    # An earlier recorder stopped right before the chapter's events.
    lab_recorder.save_record(path, dict(lab_recorder.empty_record(), since=EVENTS[0]['time']))
    loop = threading.Thread(target=lab_recorder.run_recorder, args=(path, 'unix://' + socket_path, stop, proc))
    loop.start()
    try:
        wait_for(lambda: 'rec-test-ipa' in by_name(lab_recorder.load_runs(path)))
        stop_engine(first)  # the engine goes away: its socket too
        time.sleep(1.5)
        second = start_engine(socket_path, EVENTS)
        wait_for(second.events_asked.is_set, 40)
        wait_for(lambda: len(lab_recorder.load_runs(path)['networks']) == 1 and
                 lab_recorder.load_runs(path)['networks'][0]['removed_at'])
    finally:
        stop.set()
        loop.join(40)
    asked = [p for p in second.paths if p.startswith('/events')]
    assert asked[0].startswith('/events?since=%d&' % EVENTS[9]['time'])
    record = lab_recorder.load_runs(path)
    assert by_name(record)['rec-test-lonely']['exit_code'] == 28 and record['since'] == EVENTS[-1]['time']
    assert not loop.is_alive()
    stop_engine(second)
    # Several attempts while the engine was away (every RETRY_MAX s at most), one line in the log.
    assert capsys.readouterr().err.count('engine not reachable') == 1


def test_recorded_text_cannot_drive_a_terminal(tmp_path):
    """A student's container name, image or command reaches other students' `lab check` and `lab status`: no
    escape sequence, bidirectional override or line separator survives reading the record; output keeps its lines."""
    hostile = u'\x1b]0;owned\x07\u202egnp.exe\u2028x'
    path = tmp_path / 'runs.json'
    path.write_text(json.dumps({'version': 1, 'runs': [{
        'id': 'a' * 64, 'name': hostile, 'image': hostile, 'cmd': ['printf', hostile],
        'output': u'inet 10.0.0.2/24\r\n\tbrd\n\x1b[2J'}]}))
    (run,) = lab_recorder.load_runs(str(path))['runs']
    for value in (run['name'], run['image'], run['cmd'][1]):
        assert value == u'?]0;owned??gnp.exe?x'
    assert run['output'] == u'inet 10.0.0.2/24\r\n\tbrd\n?[2J'
