# -*- coding: utf-8 -*-
# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler

import pytest

from ansible_collections.microlab.docker_internals.plugins.module_utils.docker_api import DockerAPI, DockerAPIError

INSPECT = {'Id': 'abc123' * 10 + 'abcd', 'Name': '/web', 'State': {'Running': True, 'Pid': 4242}}
ROUTES = {
    '/containers/web/json': (200, INSPECT),
    '/containers/json': (200, [{'Id': INSPECT['Id'], 'Names': ['/web']}]),
    '/containers/broken/json': (500, {'message': 'engine exploded'}),
    '/containers/with%2Fslash/json': (200, {'Id': 'x', 'Name': '/with/slash', 'State': {}}),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):
        self.server.paths.append(self.path)
        status, body = ROUTES.get(self.path, (404, {'message': 'No such container'}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def address_string(self):
        return 'unix'

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def engine(tmp_path):
    path = str(tmp_path / 'docker.sock')
    server = Server(path, Handler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.02})
    thread.daemon = True
    thread.start()
    yield 'unix://' + path, server
    server.shutdown()
    server.server_close()


def test_inspect_found(engine):
    host, server = engine
    api = DockerAPI(host)
    assert api.inspect_container('web') == INSPECT
    assert server.paths == ['/containers/web/json']


def test_inspect_missing_is_none(engine):
    assert DockerAPI(engine[0]).inspect_container('ghost') is None


def test_name_is_quoted(engine):
    assert DockerAPI(engine[0]).inspect_container('with/slash')['Name'] == '/with/slash'


def test_server_error_raises_with_message(engine):
    with pytest.raises(DockerAPIError) as exc:
        DockerAPI(engine[0]).inspect_container('broken')
    assert '500' in str(exc.value) and 'engine exploded' in str(exc.value)


def test_running_and_keepalive(engine):
    host, server = engine
    api = DockerAPI(host)
    assert api.running_containers()[0]['Names'] == ['/web']
    assert api.inspect_container('web')['State']['Pid'] == 4242
    assert server.paths == ['/containers/json', '/containers/web/json']
    api.close()


def test_unreachable_engine(tmp_path):
    with pytest.raises(DockerAPIError) as exc:
        DockerAPI('unix://%s/none.sock' % tmp_path).inspect_container('web')
    assert 'cannot reach the Docker engine' in str(exc.value) and 'none.sock' in str(exc.value)


@pytest.mark.parametrize('host', ['ssh://user@box', 'npipe:////./pipe/docker_engine'])
def test_unsupported_scheme(host):
    with pytest.raises(DockerAPIError) as exc:
        DockerAPI(host)
    assert 'unsupported docker_host' in str(exc.value)
