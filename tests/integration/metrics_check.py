#!/usr/bin/python3
"""metrics_check: fetch a /metrics page and check it against Prometheus'
text format (0.0.4), with prometheus_client's own parser and the rules it
leaves to the exposer: HELP and TYPE at most once per family and before its
samples, each family's samples together, no series twice, values numbers.

    metrics_check.py URL USER:PASSWORD|- OUT

Writes the page to OUT.  Exit 0 when it is well formed, 1 (with the reason
on stderr) when it is not, 3 for an HTTP error (its code on stdout), 4 when
prometheus_client is missing.
"""
import base64
import re
import sys
import urllib.error
import urllib.request

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    sys.exit(4)

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
SAMPLE = re.compile(r'^(' + NAME + r')(\{(.*)\})? (\S+)( -?\d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')


def fail(why):
    sys.stderr.write('metrics_check: %s\n' % why)
    sys.exit(1)


def labels(text, line):
    out, pos = [], 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if m is None:
            fail('bad labels in %r' % line)
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    names = [k for k, _ in out]
    if len(set(names)) != len(names):
        fail('a label twice in %r' % line)
    return tuple(sorted(out))


def main():
    url, cred, out = sys.argv[1:4]
    req = urllib.request.Request(url)
    if cred != '-':
        req.add_header('Authorization', 'Basic ' +
                       base64.b64encode(cred.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            ctype = r.headers.get('Content-Type', '')
            body = r.read()
    except urllib.error.HTTPError as e:
        print(e.code)
        sys.exit(3)
    with open(out, 'wb') as f:
        f.write(body)
    if not ctype.startswith('text/plain; version=0.0.4'):
        fail('Content-Type %r' % ctype)
    text = body.decode('utf-8')
    if not text.endswith('\n'):
        fail('no newline at the end')
    # The parser: it raises on what it cannot read.
    fams = list(text_string_to_metric_families(text))
    if not fams:
        fail('no metric family')
    # What the parser leaves to us.
    typed, helped, done, series = {}, set(), set(), set()
    current = None
    for line in text.split('\n')[:-1]:
        if line.startswith('# HELP ') or line.startswith('# TYPE '):
            kind, name = line.split(' ')[1:3]
            seen = helped if kind == 'HELP' else typed
            if name in seen:
                fail('%s twice for %s' % (kind, name))
            if name in done or (current is not None and current != name
                                and name in typed and kind == 'HELP'):
                fail('%s for %s after its samples' % (kind, name))
            if kind == 'TYPE':
                t = line.split(' ')[3]
                if t not in ('counter', 'gauge', 'untyped', 'summary',
                             'histogram'):
                    fail('type %r' % t)
                typed[name] = t
            if current is not None and current != name:
                done.add(current)
            current = name
            continue
        if line.startswith('#') or line == '':
            continue
        m = SAMPLE.match(line)
        if m is None:
            fail('not a sample: %r' % line)
        name = m.group(1)
        if name != current:
            if name in done or name in series_names(series):
                fail('samples of %s not together: %r' % (name, line))
            if current is not None:
                done.add(current)
            current = name
        if name not in typed:
            fail('%s has no TYPE before its samples' % name)
        key = (name, labels(m.group(3) or '', line))
        if key in series:
            fail('series twice: %r' % line)
        series.add(key)
        try:
            float(m.group(4))
        except ValueError:
            fail('value of %r' % line)
    print('%d families, %d series' % (len(typed), len(series)))


def series_names(series):
    return {n for n, _ in series}


main()
