# Copyright (c) microlab.docker_internals contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A student in the class's browser terminal, in headless Chromium (Debian's chromium and chromium-driver).

Opens the terminal's page, fills its form as a student does (host, port, account, password), types
COMMAND into the terminal with the keyboard, and waits until the screen shows EXPECT. Then asks, with the
same form, for each --refused host:port and reads what the page says. Prints one JSON object:
{"screen": the terminal's text, "refused": {"host:port": the page's status line}}; exit 1 when EXPECT never
shows (the JSON still printed, for the failure message).

xterm.js draws on a canvas; its text is read from the Terminal object the page makes, which a script run
before the page's own keeps (window.__microlabTerminals).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

KEEP_TERMINALS = """
(function () {
  var kept;
  Object.defineProperty(window, 'Terminal', {configurable: true, get: function () { return kept; },
    set: function (made) {
      kept = function (options) {
        var terminal = new made(options);
        (window.__microlabTerminals = window.__microlabTerminals || []).push(terminal);
        return terminal;
      };
      kept.prototype = made.prototype;
    }});
})();
"""
SCREEN = """
var terminals = window.__microlabTerminals || [];
if (!terminals.length) { return ''; }
var terminal = terminals[terminals.length - 1], buffer = terminal.buffer.active || terminal.buffer, lines = [];
for (var i = 0; i < buffer.length; i++) { lines.push(buffer.getLine(i).translateToString(true)); }
return lines.join('\\n');
"""


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = '/usr/bin/chromium'
    for flag in ('--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync',
                 '--disable-background-networking', '--disable-component-update', '--window-size=1100,700',
                 '--user-data-dir=' + profile):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
    driver.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument', {'source': KEEP_TERMINALS})
    return driver


def log_in(driver, url, host, port, user, password):
    driver.get(url)
    for name, value in (('hostname', host), ('port', str(port)), ('username', user), ('password', password)):
        field = driver.find_element(By.ID, name)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()


def status_line(driver, timeout):
    WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.ID, 'status').text.strip())
    return driver.find_element(By.ID, 'status').text.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', required=True)
    parser.add_argument('--host', required=True)
    parser.add_argument('--port', type=int, default=22)
    parser.add_argument('--user', required=True)
    parser.add_argument('--password', required=True)
    parser.add_argument('--command', required=True)
    parser.add_argument('--expect', required=True, help='text the screen shows once the command has run')
    parser.add_argument('--refused', action='append', default=[], help='host:port the terminal must refuse')
    parser.add_argument('--profile', required=True, help="Chromium's profile directory")
    parser.add_argument('--screenshot', default='')
    parser.add_argument('--timeout', type=float, default=30)
    args = parser.parse_args(argv)
    found = {'screen': '', 'refused': {}}
    driver = browser(args.profile)
    try:
        log_in(driver, args.url, args.host, args.port, args.user, args.password)
        # Logged in: the shell's prompt names the student.
        WebDriverWait(driver, args.timeout).until(lambda d: args.user + '@' in d.execute_script(SCREEN))
        driver.find_element(By.CSS_SELECTOR, '.xterm-helper-textarea').send_keys(args.command + '\n')
        try:
            WebDriverWait(driver, args.timeout).until(
                lambda d: args.expect in d.execute_script(SCREEN).split(args.command, 1)[-1])
            shown = True
        except TimeoutException:
            shown = False
        found['screen'] = driver.execute_script(SCREEN)
        if args.screenshot:
            driver.save_screenshot(args.screenshot)
        for target in args.refused:
            host, port = target.rsplit(':', 1)
            log_in(driver, args.url, host, port, args.user, args.password)
            found['refused'][target] = status_line(driver, args.timeout)
    finally:
        driver.quit()
    print(json.dumps(found, ensure_ascii=False))
    return 0 if shown else 1


if __name__ == '__main__':
    start = time.monotonic()
    code = main()
    print('took %.1f s' % (time.monotonic() - start), file=sys.stderr)
    sys.exit(code)
