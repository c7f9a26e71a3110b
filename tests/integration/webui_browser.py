#!/usr/bin/python3
"""webui_browser: the web page in headless Chromium (Debian's chromium and
chromium-driver, through python3-selenium; nothing is downloaded).

    webui_browser.py URL PROGRAM [USER PASSWORD]

Loads the status page, checks that PROGRAM is in the table as running,
clicks its Restart button, and checks through XML-RPC that its pid changed
and that the page says so.  Then, from a page of another origin (served
here on another port), it makes the browser send supervisor's GET action
link and a cross-site POST of the page's form, and checks that PROGRAM
still runs with the same pid.

Exit 0 when all holds, 1 with a message otherwise, 77 when Chromium,
chromedriver or selenium is missing (the caller skips).
"""
import base64
import http.server
import os
import sys
import threading
import time
import urllib.parse
import xmlrpc.client

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("python3-selenium is not installed")
    sys.exit(77)


def fail(msg):
    print("webui_browser: " + msg)
    sys.exit(1)


def rpc(base, user, password):
    u = urllib.parse.urlsplit(base)
    netloc = u.netloc
    if user is not None:
        netloc = "%s:%s@%s" % (urllib.parse.quote(user),
                               urllib.parse.quote(password), netloc)
    return xmlrpc.client.ServerProxy("http://%s/RPC2" % netloc)


def info(proxy, name):
    return proxy.supervisor.getProcessInfo(name)


def wait_for(pred, secs, what):
    deadline = time.time() + secs
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    fail("timed out waiting for " + what)


EVIL = """<!DOCTYPE html>
<html><body>
<img src="%(base)s/index.html?processname=%(name)s&action=stop">
<form id="f" method="post" action="%(base)s/index.html">
<input type="hidden" name="action" value="stop:%(name)s">
<input type="hidden" name="processname" value="%(name)s">
<input type="hidden" name="token" value="guessed">
</form>
<script>document.getElementById('f').submit();</script>
</body></html>
"""


def serve_evil(base, name):
    page = (EVIL % {"base": base, "name": name}).encode()

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *a):
            pass

    # Threads: Chromium keeps spare connections open, on which a single
    # threaded server would wait for ever, and shutdown() with it.
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main():
    if len(sys.argv) not in (3, 5):
        fail("usage: webui_browser.py URL PROGRAM [USER PASSWORD]")
    base, name = sys.argv[1].rstrip("/"), sys.argv[2]
    user = password = None
    if len(sys.argv) == 5:
        user, password = sys.argv[3], sys.argv[4]
    for f in (CHROMIUM, CHROMEDRIVER):
        if not os.access(f, os.X_OK):
            print("%s is not installed" % f)
            sys.exit(77)

    proxy = rpc(base, user, password)
    before = info(proxy, name)
    if before["statename"] != "RUNNING":
        fail("%s is %s, not RUNNING" % (name, before["statename"]))

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--no-first-run",
              "--disable-extensions", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"):
        opts.add_argument(a)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        drv.set_page_load_timeout(30)
        if user is not None:
            # Basic auth on every request, as a browser that has the
            # credentials cached sends it.
            token = base64.b64encode(
                ("%s:%s" % (user, password)).encode()).decode()
            drv.execute_cdp_cmd("Network.enable", {})
            drv.execute_cdp_cmd("Network.setExtraHTTPHeaders", {
                "headers": {"Authorization": "Basic " + token}})
        drv.get(base + "/")
        rows = drv.find_elements(By.CSS_SELECTOR, "#statustable tbody tr")
        if not rows:
            fail("no rows in the status table: " + drv.page_source[:2000])
        row = None
        for r in rows:
            if r.find_element(By.CSS_SELECTOR, "td.name").text == name:
                row = r
        if row is None:
            fail("%s is not in the table" % name)
        state = row.find_element(By.CSS_SELECTOR, "td.status").text
        if state != "running":
            fail("%s shows %r, not 'running'" % (name, state))
        desc = row.find_element(By.CSS_SELECTOR, "td.desc").text
        if ("pid %d" % before["pid"]) not in desc:
            fail("description %r lacks pid %d" % (desc, before["pid"]))

        row.find_element(
            By.CSS_SELECTOR, "button[value='restart:%s']" % name).click()
        msg = WebDriverWait(drv, 30).until(
            lambda d: d.find_elements(By.ID, "message"))
        text = msg[0].text
        if text != "Process %s restarted" % name:
            fail("message after restart: %r" % text)
        after = wait_for(lambda: (lambda i: i if i["statename"] == "RUNNING"
                                  else None)(info(proxy, name)), 10,
                         "%s RUNNING again" % name)
        if after["pid"] == before["pid"]:
            fail("pid %d did not change" % before["pid"])
        print("restarted: pid %d -> %d" % (before["pid"], after["pid"]))

        # Another site makes the browser send an action link and POST the
        # form: neither may act.
        evil = serve_evil(base, name)
        try:
            drv.get("http://127.0.0.1:%d/" % evil.server_address[1])
            time.sleep(1.5)
        finally:
            evil.shutdown()
        last = info(proxy, name)
        if last["statename"] != "RUNNING" or last["pid"] != after["pid"]:
            fail("a cross-site request acted: %s pid %d (was %d)" %
                 (last["statename"], last["pid"], after["pid"]))
        print("cross-site: still RUNNING, pid %d" % last["pid"])
    finally:
        drv.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
