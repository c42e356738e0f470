"""The local server's security settings and layout (scripts/server.sh, docassemble/rdvrefere/wsgi.py).

- config.yml: `restrict input variables: True`, no `permissions:` (staff no longer list
  client sessions: their state is in the package's register, registre.py).
- /storedfile and /storedfiledownload answer 404 to everyone, signed in or not, through our
  WSGI guard; and docassemble itself, without the guard, would serve the same address to
  anyone (the control runs docassemble's application in a separate process, in parallel
  with the other tests, because importing it takes ~15 s).
- `start-web2` starts a second web server sharing the database, Redis and files.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from PIL import Image

from server import START_TIMEOUT, VAR, VENV, Server, _server_sh

pytestmark = pytest.mark.server

UPLOAD_INTERVIEW = 'docassemble.base:data/questions/examples/upload.yml'
PORT2 = int(os.environ.get('RDV_PORT2', '8082'))
URL2 = f'http://127.0.0.1:{PORT2}'
MESSAGE = 'Fichier introuvable.'


def connecter(base: str, email: str, password: str) -> requests.Session:
    """A requests session signed in through docassemble's sign-in form on ``base``."""
    http = requests.Session()
    page = http.get(f'{base}/user/sign-in', timeout=60)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    answer = http.post(f'{base}/user/sign-in', allow_redirects=False, timeout=60,
                       data={'csrf_token': token, 'email': email, 'password': password, 'next': '/interviews'})
    assert answer.status_code == 302 and '/user/sign-in' not in answer.headers['Location'], \
        f'sign-in refused on {base} for {email}'
    assert est_connecte(http, base)
    return http


def est_connecte(http: requests.Session, base: str) -> bool:
    """Whether ``base`` takes this session as signed in (/user/profile needs an account)."""
    answer = http.get(f'{base}/user/profile', allow_redirects=False, timeout=60)
    return answer.status_code == 200


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (24, 16), 'red').save(buffer, 'PNG')
    return buffer.getvalue()


def televerser(serveur: Server, base: str | None = None) -> dict:
    """A real interview session (docassemble.base's upload example) holding one uploaded
    PNG, made through the REST API: its session key, the file number and the bytes."""
    base = base or serveur.url
    headers = {'X-API-Key': serveur.api_key}
    new = requests.get(f'{base}/api/session/new', params={'i': UPLOAD_INTERVIEW}, headers=headers, timeout=60)
    new.raise_for_status()
    session = new.json()
    content = png()
    sent = requests.post(f'{base}/api/session', headers=headers, timeout=60,
                         data={'i': UPLOAD_INTERVIEW, 'session': session['session'],
                               'secret': session.get('secret', ''), 'question': '0'},
                         files={'user_picture': ('photo.png', content, 'image/png')})
    assert sent.status_code in (200, 204), sent.text
    variables = requests.get(f'{base}/api/session', headers=headers, timeout=60,
                             params={'i': UPLOAD_INTERVIEW, 'session': session['session'],
                                     'secret': session.get('secret', '')})
    variables.raise_for_status()
    number = variables.json()['user_picture']['elements'][0]['number']
    return {'session': session['session'], 'number': int(number), 'content': content,
            'path': f"/storedfile/{session['session']}/{number}/photo.png",
            'download': f"/storedfiledownload/{session['session']}/{number}/photo.png"}


# Run in the server's environment: docassemble's own application, with and without our guard,
# asked for the same addresses in-process (werkzeug's test client, no network, no cookie).
CONTROLE = r'''
import json, sys
from werkzeug.test import Client
from docassemble.base import interview_cache
from docassemble.rdvrefere import wsgi
paths = json.loads(sys.argv[1])
out = {'read at start': sorted(interview_cache.cache), 'to preload': list(wsgi.ENTRETIENS_PRECHARGES)}
for path in paths:
    bare = Client(wsgi.application.app).get(path)
    guarded = Client(wsgi.application).get(path)
    out[path] = {'bare': [bare.status_code, bare.data.hex()], 'guarded': [guarded.status_code, guarded.get_data(as_text=True)]}
print('RESULT ' + json.dumps(out))
'''


class Controle:
    """docassemble without the guard, asked for the stored file's addresses, in the background."""

    def __init__(self, serveur: Server, paths: list[str]):
        self.paths = paths
        self.process = subprocess.Popen(
            [str(VENV / 'bin' / 'python'), '-c', CONTROLE, json.dumps(paths)],
            cwd=VAR / 'run', env=serveur.environment(), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def resultat(self, timeout: float = 300) -> dict:
        if not hasattr(self, '_resultat'):
            stdout, stderr = self.process.communicate(timeout=timeout)
            found = re.search(r'^RESULT (.*)$', stdout, re.M)
            assert self.process.returncode == 0 and found, f'control process failed:\n{stderr[-3000:]}'
            self._resultat = json.loads(found.group(1))
        return self._resultat

    def arreter(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@pytest.fixture(scope='module')
def fichier_stocke(serveur):
    """An uploaded file of a real session, and the control started on its addresses."""
    fichier = televerser(serveur)
    controle = Controle(serveur, [fichier['path'], fichier['download']])
    try:
        yield fichier, controle
    finally:
        controle.arreter()


# --------------------------------------------------------------------------- (a) configuration
def test_configuration_restricts_input_and_grants_no_session_access(serveur):
    text = (VAR / 'config.yml').read_text(encoding='utf-8')
    config = yaml.safe_load(text)
    assert config['restrict input variables'] is True
    assert config['maximum content length'] >= 3 * 30 * 1024 * 1024  # several pièces of 30 Mo per form
    assert 'permissions' not in config
    assert 'access_sessions' not in text
    # the running web server serves docassemble behind our guard
    pid = (VAR / 'pids' / 'gunicorn.pid').read_text().strip()
    command = (Path('/proc') / pid / 'cmdline').read_bytes().replace(b'\0', b' ').decode()
    assert 'docassemble.rdvrefere.wsgi:application' in command


# --------------------------------------------------------------------------- (b) /storedfile
@pytest.fixture(scope='module')
def visiteurs(serveur):
    """Requests sessions on server 1: signed out, a plain account, the administrator."""
    user = serveur.create_user()
    return {'signed out': requests.Session(),
            'user': connecter(serveur.url, user.email, user.password),
            'admin': connecter(serveur.url, serveur.admin_email, serveur.admin_password)}


def test_storedfile_is_404_for_anyone(serveur, visiteurs):
    for path in ('/storedfile/0123456789abcdef/1/x.pdf', '/storedfiledownload/0123456789abcdef/1/x.pdf',
                 '/storedfile', '//storedfile/0123456789abcdef/1/x.pdf'):
        for who, http in visiteurs.items():
            for method in ('GET', 'HEAD'):
                answer = http.request(method, serveur.url + path, allow_redirects=False, timeout=60)
                assert answer.status_code == 404, (path, who, method)
                if method == 'GET':
                    assert answer.text == MESSAGE, (path, who, answer.text[:200])
                    assert answer.headers['Content-Type'].startswith('text/plain')
    # everything else still reaches docassemble
    assert visiteurs['signed out'].get(serveur.url + '/health_check', timeout=60).status_code == 200
    assert est_connecte(visiteurs['admin'], serveur.url)


def test_real_stored_file_is_404_through_the_guard(serveur, visiteurs, fichier_stocke):
    fichier, _ = fichier_stocke
    for path in (fichier['path'], fichier['download']):
        for who, http in visiteurs.items():
            answer = http.get(serveur.url + path, timeout=60)
            # our guard's answer, not docassemble's « File not found »
            assert (answer.status_code, answer.text) == (404, MESSAGE), (who, path)
    # the file is really there: its owner (the API) gets it by docassemble's API
    got = serveur.api('GET', f"/api/file/{fichier['number']}")
    assert got.status_code == 200 and got.content == fichier['content']


# --------------------------------------------------------------------------- (c) second web server
def test_second_web_server_shares_accounts_sessions_and_files(serveur):
    user = serveur.create_user()  # through server 1's API
    try:
        t0 = time.monotonic()
        # generous timeouts: start-web2 waits for the lock of a concurrent `server.sh start`
        done = _server_sh('start-web2', START_TIMEOUT + 600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert requests.get(f'{URL2}/health_check', timeout=30).status_code == 200
        # idempotent, and shown by status (which still answers for the main server)
        again = _server_sh('start-web2', START_TIMEOUT + 600)
        assert again.returncode == 0 and 'already running' in again.stdout
        status = _server_sh('status', 60)
        assert status.returncode == 0 and re.search(rf'web2\s+up\s+{re.escape(URL2)}', status.stdout), status.stdout
        print(f'web2 started in {time.monotonic() - t0:.1f}s')

        # the account made on server 1 signs in on server 2
        connecter(URL2, user.email, user.password)
        # a browser session signed in on server 1 is signed in on server 2 (same secret, same Redis)
        http = connecter(serveur.url, user.email, user.password)
        assert est_connecte(http, URL2)
        # an interview session and its file made on server 1 are read on server 2
        fichier = televerser(serveur)
        got = requests.get(f"{URL2}/api/file/{fichier['number']}", headers={'X-API-Key': serveur.api_key}, timeout=60)
        assert got.status_code == 200 and got.content == fichier['content']
        # the guard is in front of server 2 too
        answer = requests.get(URL2 + fichier['path'], timeout=60)
        assert (answer.status_code, answer.text) == (404, MESSAGE)
    finally:
        stopped = _server_sh('stop-web2', 700)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    with pytest.raises(requests.ConnectionError):
        requests.get(f'{URL2}/health_check', timeout=10)
    assert not (VAR / 'pids' / 'gunicorn2.pid').exists()
    assert _server_sh('stop-web2', 700).returncode == 0  # idempotent
    assert requests.get(f'{serveur.url}/health_check', timeout=30).status_code == 200


# --------------------------------------------------------------------------- (b) the control, last
def test_a_web_worker_reads_the_interviews_before_any_request(fichier_stocke):
    """Importing the WSGI application, as each gunicorn worker does when it starts, leaves the
    package's interviews in docassemble's cache: no client's request reads them (issue 15)."""
    _, controle = fichier_stocke
    result = controle.resultat()
    assert 'docassemble.rdvrefere:data/questions/rdvrefere.yml' in result['to preload']
    assert set(result['to preload']) <= set(result['read at start'])


def test_without_the_guard_docassemble_serves_the_file_to_anyone(fichier_stocke):
    """Proof that the 404 comes from the guard: docassemble's own application hands the same
    addresses' file to a client with no account and no cookie."""
    fichier, controle = fichier_stocke
    result = controle.resultat()
    for path in (fichier['path'], fichier['download']):
        status, data = result[path]['bare']
        assert status == 200 and bytes.fromhex(data) == fichier['content'], path
        assert result[path]['guarded'] == [404, MESSAGE], path
