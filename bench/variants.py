"""Build the code variants measured in docs/performance.md, side by side with the tree they came from.

    python bench/variants.py                 # all of them, under /tmp/vb/<name> (or $SAFET_VARIANTS_DIR)
    python bench/variants.py base post2      # some
    python bench/ack_latency.py --variant base=/tmp/vb/base --variant post2=/tmp/vb/post2

Each variant is a copy of the packages (slack_app, handlers, views, store) with one change applied by
text substitution. The substitutions are anchored to the code of 2026-11-22 04:02 UTC: when the code
they touch has moved, the script stops and names the anchor it could not find (adapt the patch, or
apply the change by hand as docs/performance.md describes it).

  base    the tree as it is
  db      order facts in one prebuilt statement; no refresh of a new case; 60 s locale cache
  all     db + the claim's card posted from the app's own thread pool instead of a Bolt lazy listener
  post    db + that work deferred until the HTTP response has been written (slack_app/after_response.py)
  post2   post + `/safet file|chargeback` opens its modal the same way
  si      sys.setswitchinterval(0.001) in the worker
  all_si  all + si
  sleepy  experiment: `/safet` lazy listener sleeps 10 ms first
  lean    gunicorn master without Bolt, the ORM and Alembic (SQLite migrated in a forked child)
  lean2   lean + `holidays` imported on first use, SAFET_HOLIDAYS not checked in the master
  sweep   get_case without the audit log unless asked; card redraw re-checks the version only
"""

# ruff: noqa: E501, E701, E702
import os
import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("SAFET_VARIANTS_DIR", "/tmp/vb"))
PKGS = ["slack_app", "handlers", "views", "store"]

def snap(name):
    d = OUT / name
    if d.exists(): shutil.rmtree(d)
    d.mkdir(parents=True)
    for p in PKGS:
        shutil.copytree(SRC / p, d / p, ignore=shutil.ignore_patterns("__pycache__"))
    return d

def sub(d, rel, old, new, count=1):
    p = d / rel; s = p.read_text()
    assert old in s, f"{d.name}: anchor not found in {rel}: {old[:60]!r}"
    p.write_text(s.replace(old, new, count))

def db(d):
    s = (d / "store/cases.py").read_text()
    a = s.index("def _order_facts("); b = s.index("def _already_claimed(")
    s = s[:a] + '''_FACTS = select(
    exists().where(Case.kind == CaseKind.SAFET, Case.order_id == bindparam("order_id")),
    exists().where(Case.kind == CaseKind.CHARGEBACK, Case.order_id == bindparam("order_id")),
    exists().select_from(RosterOrder),
    exists().where(RosterOrder.order_id == bindparam("order_id")),
)
"""Built once: constructing the expression costs more than running it."""


def _order_facts(session: Session, order_id: str) -> OrderFacts:
    """Everything eligibility needs about the order, in one round trip."""
    has_safet, has_chargeback, roster_loaded, on_roster = session.execute(_FACTS, {"order_id": order_id}).one()
    return OrderFacts(has_safet_claim=bool(has_safet), has_chargeback=bool(has_chargeback),
                      roster_loaded=bool(roster_loaded), on_roster=bool(roster_loaded and on_roster))


''' + s[b:]
    s = s.replace("from sqlalchemy import exists, select, update", "from sqlalchemy import bindparam, exists, select, update")
    assert "bindparam, exists" in s
    unit = d / "store/unit.py"
    in_unit = unit.exists() and "def finish(" in unit.read_text()
    name = "finish" if in_unit else "_finish"
    old = f'''def {name}(session: Session, case: Case, event: AuditEvent) -> Change:
    session.flush()
    session.refresh(case, ["deadlines"])'''
    new = f'''def {name}(session: Session, case: Case, event: AuditEvent, *, deadlines_loaded: bool = False) -> Change:
    session.flush()
    if not deadlines_loaded:
        session.refresh(case, ["deadlines"])'''
    if in_unit:
        t = unit.read_text()
        assert old in t, "finish anchor (store/unit.py)"
        unit.write_text(t.replace(old, new))
    else:
        assert old in s, "_finish anchor (store/cases.py)"
        s = s.replace(old, new)
    a = s.index("def open_safet_claim("); b = s.index("def open_chargeback(")
    block = s[a:b]
    call = f"return {name}(session, case, event)"
    assert "details={}," in block and call in block, "open_safet_claim anchors"
    block = block.replace("details={},", "details={}, deadlines=[],", 1).replace(
        call, f"return {name}(session, case, event, deadlines_loaded=True)")
    s = s[:a] + block + s[b:]
    (d / "store/cases.py").write_text(s)
    sub(d, "slack_app/people.py", "USERGROUP_TTL_SECONDS = 300", "USERGROUP_TTL_SECONDS = 300\nLOCALE_TTL_SECONDS = 60")
    sub(d, "slack_app/people.py", "        self._groups: dict[str, tuple[float, frozenset[str]]] = {}",
        "        self._groups: dict[str, tuple[float, frozenset[str]]] = {}\n        self._locales: dict[str, tuple[float, str]] = {}")
    p = d / "slack_app/people.py"; s = p.read_text()
    a = s.index("    def cached_locale(")
    body_start = s.index('"""', s.index('"""', a) + 3) + 3  # end of docstring
    rest = s[body_start:]
    end = rest.index("\n    def ")
    s = s[:body_start] + '''
        hit = self._locales.get(user_id)
        if hit is not None and time.monotonic() - hit[0] < LOCALE_TTL_SECONDS:
            return hit[1]
        locale = self._cached_locale(user_id)
        self._locales[user_id] = (time.monotonic(), locale)
        return locale

    def _cached_locale(self, user_id: str) -> str:''' + rest[:end] + rest[end:]
    # invalidate on writes
    s = s.replace("save_chosen_locale(self.store, user_id,", "self._locales.pop(user_id, None)\n        save_chosen_locale(self.store, user_id,")
    i = s.index("save_slack_profile(self.store")
    ls = s.rindex("\n", 0, i) + 1
    indent = s[ls:i][: len(s[ls:i]) - len(s[ls:i].lstrip())]
    j = s.index("\n", i)
    # the call may span lines: find the end of the statement (balanced parens)
    depth = 0; k = i
    while True:
        ch = s[k]
        if ch == "(": depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0: break
        k += 1
    j = s.index("\n", k)
    s = s[:j + 1] + indent + "self._locales.pop(user_id, None)\n" + s[j + 1:]
    p.write_text(s)

def executor(d):
    p = d / "handlers/safet_claims.py"; s = p.read_text()
    old = '''    def announce(client: WebClient, context: BoltContext) -> None:
        change = context.get("change")
        if change is not None:
            after_change(deps, client, change)

    app.view(ids.MODAL_SAFET_CLAIM)(ack=submit, lazy=[announce])'''
    assert old in s, "announce anchor"
    s = s.replace(old, '''    app.view(ids.MODAL_SAFET_CLAIM)(submit)''')
    assert 'context["change"] = change' in s
    s = s.replace('context["change"] = change', '_BACKGROUND.submit(after_change, deps, client, change)')
    # add client to submit's signature
    a = s.index("    def submit(")
    close = s.index(") -> None:", a)
    s = s[:close] + ", client: WebClient" + s[close:]
    s = s.replace("\nFIELDS = {", "\nfrom concurrent.futures import ThreadPoolExecutor\n\n_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix=\"safet-after\")\n\nFIELDS = {", 1)
    assert "_BACKGROUND = " in s
    p.write_text(s)

def si(d):
    sub(d, "slack_app/server.py", "            # Each worker builds its own app",
        "            import sys\n\n            sys.setswitchinterval(0.001)\n            # Each worker builds its own app")

def lean(d):
    p = d / "slack_app/runtime.py"; s = p.read_text()
    assert "from store.db import Store, upgrade\n" in s
    s = s.replace("from store.db import Store, upgrade\n", "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from store.db import Store\n", 1)
    s = s.replace('''    """The store; an SQLite database is created or migrated on start-up (PostgreSQL: `safet db upgrade`)."""''',
                  '''    """The store; an SQLite database is created or migrated on start-up (PostgreSQL: `safet db upgrade`)."""
    from store.db import Store, upgrade
''', 1)
    s = s.replace("    from store.db import current_revision\n", "    from store.db import current_revision, upgrade\n")
    old = '''    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
    run_gunicorn('''
    assert old in s, "serve upgrade anchor"
    s = s.replace(old, '''    if settings.database_url.startswith("sqlite"):
        _upgrade_in_child(settings.database_url)
    run_gunicorn(''')
    s += '''

def _upgrade_in_child(url: str) -> None:
    """Migrate in a short-lived child process, so the gunicorn master never imports Alembic and the ORM."""
    import os
    import traceback

    from slack_app.config import ConfigError

    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            from store.db import upgrade

            upgrade(url)
            code = 0
        except BaseException:  # noqa: BLE001 - reported, then the parent fails
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise ConfigError(f"could not create or migrate the SQLite database ({_safe_url(url)})")
'''
    p.write_text(s)
    p = d / "slack_app/server.py"; s = p.read_text()
    old_imports = "from slack_bolt.adapter.wsgi import SlackRequestHandler\n"
    assert old_imports in s
    s = s.replace(old_imports, "")
    s = s.replace("from slack_app.app import Runtime\n", "")
    s = s.replace("from slack_app.config import Settings\n", "")
    s = s.replace("from typing import Any\n", "from typing import TYPE_CHECKING, Any\n\nif TYPE_CHECKING:\n    from slack_app.app import Runtime\n    from slack_app.config import Settings\n", 1)
    s = s.replace("    bolt = SlackRequestHandler(runtime.app, path=EVENTS_PATH)", "    from slack_bolt.adapter.wsgi import SlackRequestHandler\n\n    bolt = SlackRequestHandler(runtime.app, path=EVENTS_PATH)")
    p.write_text(s)

def lazy_holidays(d):
    p = d / "rules/deadlines.py"; s = p.read_text()
    assert "import holidays\n" in s
    s = s.replace("import holidays\n", "", 1)
    s = s.replace("from .text import N_\n", "from .text import N_\n\nif TYPE_CHECKING:\n    import holidays\n", 1)
    if "TYPE_CHECKING" not in s.split("if TYPE_CHECKING")[0]:
        s = s.replace("from __future__ import annotations\n", "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n", 1)
    s = s.replace("    return holidays.country_holidays(", "    import holidays\n\n    return holidays.country_holidays(")
    p.write_text(s)
    p = d / "slack_app/config.py"; s = p.read_text()
    old = "        BusinessCalendar(ZoneInfo(timezone), holidays_code).holiday_name(date(2026, 1, 1))"
    assert old in s, "config holidays anchor"
    s = s.replace(old, "        if env.get('SAFET_BENCH_CHECK_HOLIDAYS'):  # bench only: the check moves to the preflight child\n    " + old)
    p.write_text(s)

def sweepfast(d):
    p = d / "store/queries.py"; s = p.read_text()
    old = '''        case = session.get(Case, case_id, options=[selectinload(Case.deadlines), selectinload(Case.events)])'''
    assert old in s, "get_case anchor"
    s = s.replace(old, '''        loads = [selectinload(Case.deadlines), selectinload(Case.events)] if history else [selectinload(Case.deadlines)]
        case = session.get(Case, case_id, options=loads)''')
    s += '''

def case_version(store: Store, case_id: int) -> int | None:
    """The case's current version alone (is a drawing still current?)."""
    with store.reading() as session:
        return session.scalar(select(Case.version).where(Case.id == case_id))
'''
    p.write_text(s)
    p = d / "handlers/case_card.py"; s = p.read_text()
    old = '''    drawn_version = None
    for _ in range(3):
        case = get_case(deps.store, case_id, history=False)'''
    assert old in s, "refresh anchor"
    s = s.replace(old, '''    drawn_version = None
    case = None
    for _ in range(3):
        if drawn_version is not None and case_version(deps.store, case_id) == drawn_version:
            return case  # unchanged while it was drawn: one cheap read instead of the whole case
        case = get_case(deps.store, case_id, history=False)''')
    s = s.replace("from store.queries import get_case", "from store.queries import case_version, get_case")
    assert "case_version, get_case" in s
    p.write_text(s)

AFTER_RESPONSE = '''"""Work that Slack should see soon, started only once the HTTP response has been written.

``defer(fn, *args)`` inside a request queues ``fn`` until the WSGI server closes the response
iterable (gunicorn does so after the last byte is sent); outside a request it runs on the pool at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger("safet")
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="safet-after")
_request = threading.local()


def _run(fn: Callable[..., Any], args: tuple) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("deferred %s failed", getattr(fn, "__name__", fn))


def defer(fn: Callable[..., Any], *args: Any) -> None:
    pending = getattr(_request, "pending", None)
    if pending is None:
        _pool.submit(_run, fn, args)
    else:
        pending.append((fn, args))


class _Body:
    def __init__(self, body: Iterable[bytes], pending: list) -> None:
        self._body, self._pending = body, pending

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            for fn, args in self._pending:
                _pool.submit(_run, fn, args)


def wrap(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        pending: list = []
        _request.pending = pending
        try:
            body = app(environ, start_response)
        finally:
            _request.pending = None
        return _Body(body, pending) if pending else body

    return application
'''


def post(d):
    executor(d)
    (d / "slack_app/after_response.py").write_text(AFTER_RESPONSE)
    sub(d, "slack_app/server.py", """        return bolt(environ, start_response)

    return application
""", """        return bolt(environ, start_response)

    from slack_app.after_response import wrap

    return wrap(application)
""")
    p = d / "handlers/safet_claims.py"; s = p.read_text()
    s = s.replace("_BACKGROUND.submit(after_change, deps, client, change)", "defer(after_change, deps, client, change)")
    s = s.replace('''from concurrent.futures import ThreadPoolExecutor

_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="safet-after")
''', "from slack_app.after_response import defer\n")
    assert "defer(after_change" in s and "_BACKGROUND" not in s
    p.write_text(s)


def post_commands(d):
    sub(d, "handlers/commands.py", '''        if sub in ("file", "chargeback", "cb"):
            ack()  # the modal opens in the lazy listener, with the trigger_id, right away
            return''', '''        if sub in ("file", "chargeback", "cb"):
            ack()  # the modal opens once this answer has been written, with the trigger_id
            defer(open_modal, client, command)
            return''')
    sub(d, "handlers/commands.py", "    app.command(ids.COMMAND)(ack=answer, lazy=[open_modal])", "    app.command(ids.COMMAND)(answer)")
    sub(d, "handlers/commands.py", "from handlers.deps import Deps\n", "from slack_app.after_response import defer\nfrom handlers.deps import Deps\n")


def sleepy(d):
    sub(d, "handlers/commands.py", "    def open_modal(client: WebClient, command: dict[str, Any]) -> None:\n",
        "    def open_modal(client: WebClient, command: dict[str, Any]) -> None:\n        import time\n\n        time.sleep(0.01)  # experiment: the ack's response leaves before the lazy work\n")


plans = {"base": [], "db": [db], "all": [db, executor], "post": [db, post], "post2": [db, post, post_commands],
         "si": [si], "all_si": [db, executor, si], "sleepy": [sleepy], "lean": [lean], "lean2": [lean, lazy_holidays],
         "sweep": [sweepfast]}
which = sys.argv[1:] or list(plans)
for name in which:
    d = snap(name)
    for f in plans[name]:
        f(d)
    r = subprocess.run([sys.executable, "-c", "import slack_app.app, slack_app.server, slack_app.runtime, handlers, store.cases, webapi.people; from slack_app.app import create_app"], cwd="/tmp", env={"PYTHONPATH": str(d), "PATH": "/usr/bin"}, capture_output=True, text=True)
    print(name, "ok" if r.returncode == 0 else r.stderr[-800:])
