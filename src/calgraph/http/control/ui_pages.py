"""The inspector's HTML: server-rendered, every value escaped, every button a form with the CSRF token."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Any, Iterable
from urllib.parse import quote

from calgraph.core.clock import ClockState
from calgraph.core.faults import FaultRule
from calgraph.core.model import Event, Mailbox
from calgraph.core.timezones import to_utc
from calgraph.services.inspection import DeliveredMessage, Week
from calgraph.services.request_log import LoggedRequest

ROOT = "/_calgraph/ui"
STYLE = """
body{font:14px system-ui,sans-serif;margin:0;color:#1f2328}
header{background:#24292f;color:#fff;padding:8px 16px}header a{color:#fff;margin-right:12px}
main{padding:12px 16px}table{border-collapse:collapse;margin:6px 0 18px}
td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.cancelled{text-decoration:line-through;color:#8c959f}
.grid td{width:14%;min-width:120px}.item{border-left:3px solid #0969da;padding:2px 4px;margin:2px 0}
form.inline{display:inline}section{margin-bottom:18px}h2{font-size:16px}
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)} · calgraph</title>'
            f'<style>{STYLE}</style><script src="{ROOT}/app.js" defer></script></head><body>'
            f'<header><a href="{ROOT}">calgraph inspector</a><span>{e(title)}</span></header>'
            f'<main id="main">{body}</main></body></html>')


def login_needed() -> str:
    return page("Sign in", "<p>Open the one-time link that <code>calgraph serve</code> printed "
                           "(<code>/_calgraph/ui?login=…</code>), or send the admin token as a bearer token.</p>")


def button(action: str, csrf: str, label: str, fields: dict[str, str] | None = None, name: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in (fields or {}).items())
    return (f'<form class="inline" method="post" action="{e(action)}"><input type="hidden" name="csrf" '
            f'value="{e(csrf)}">{hidden}<button type="submit" name="{e(name)}">{e(label)}</button></form>')


def instant(value: datetime | None) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S") + "Z" if value else ""


def mailbox_link(address: str) -> str:
    return f'<a href="{ROOT}/mailboxes/{quote(address)}">{e(address)}</a>'


def overview(mailboxes: list[Mailbox], clock: tuple[ClockState, datetime], rules: list[tuple[FaultRule, int | None]],
             requests: list[LoggedRequest], messages: list[DeliveredMessage], csrf: str) -> str:
    boxes = "".join(f"<tr><td>{mailbox_link(m.address)}</td><td>{e(m.display_name)}</td><td>{e(m.kind)}</td></tr>"
                    for m in mailboxes)
    body = (f'<section id="mailboxes"><h2>Mailboxes</h2><table><tr><th>address</th><th>name</th><th>kind</th></tr>'
            f'{boxes}</table>{button(ROOT + "/reset", csrf, "Reset to seed", {"to": "seed"})} '
            f'{button(ROOT + "/reset", csrf, "Reset to empty", {"to": "empty"})}</section>')
    body += clock_section(*clock, csrf) + faults_section(rules, csrf)
    body += f'<section id="messages"><h2>Meeting messages</h2>{messages_table(messages)}</section>'
    body += f'<section id="requests"><h2>Requests</h2>{requests_table(requests)}</section>'
    return page("Overview", body)


def clock_section(state: ClockState, now: datetime, csrf: str) -> str:
    freeze = (f'<form class="inline" method="post" action="{ROOT}/clock"><input type="hidden" name="csrf" '
              f'value="{e(csrf)}"><input name="frozenAt" id="frozen-at" placeholder="2030-01-01T09:00:00Z">'
              f'<button type="submit" name="do" value="freeze">Freeze</button></form>')
    return (f'<section id="clock"><h2>Clock</h2><p>Mode <b id="clock-mode">{e(state.mode)}</b>, now '
            f'<b id="clock-now">{e(instant(now))}</b></p>{freeze} '
            f'{button(ROOT + "/clock", csrf, "+1 hour", {"advance": "3600"})} '
            f'{button(ROOT + "/clock", csrf, "+1 day", {"advance": "86400"})} '
            f'{button(ROOT + "/clock", csrf, "Real time", {"real": "1"})}</section>')


FAULT_INPUTS = (("method", "GET"), ("path", "/me/events"), ("status", "503"), ("code", ""), ("retryAfter", ""),
                ("times", ""))


def faults_section(rules: list[tuple[FaultRule, int | None]], csrf: str) -> str:
    rows = "".join(
        f"<tr><td>{e(r.method or '*')}</td><td>{e(r.path or '*')}</td><td>{e(r.mailbox or '')}</td>"
        f"<td>{e(r.status)}</td><td>{e(r.error_code if r.status else '')}</td><td>{e(r.retry_after)}</td>"
        f"<td>{e('∞' if left is None else left)}</td>"
        f"<td>{button(f'{ROOT}/faults/{quote(r.id)}/delete', csrf, 'Delete')}</td></tr>" for r, left in rules)
    inputs = "".join(f'<input name="{name}" id="fault-{name}" placeholder="{e(name)} {e(hint)}" size="10">'
                     for name, hint in FAULT_INPUTS)
    add = (f'<form method="post" action="{ROOT}/faults" id="add-fault"><input type="hidden" name="csrf" '
           f'value="{e(csrf)}">{inputs}<button type="submit">Add fault rule</button></form>')
    return (f'<section id="faults"><h2>Fault rules</h2><table id="fault-rules"><tr><th>method</th><th>path</th>'
            f'<th>mailbox</th><th>status</th><th>code</th><th>Retry-After</th><th>left</th><th></th></tr>{rows}'
            f'</table>{add} {button(ROOT + "/faults/clear", csrf, "Clear all")}</section>')


def messages_table(messages: Iterable[DeliveredMessage]) -> str:
    rows = "".join(
        f"<tr><td>{e(instant(m.message.received))}</td><td>{mailbox_link(m.mailbox.address)}</td>"
        f"<td>{e(m.folder)}</td><td>{e(m.message.meeting.message_type if m.message.meeting else '')}</td>"
        f"<td>{e(m.message.sender.address if m.message.sender else '')}</td><td>{e(m.message.subject)}</td></tr>"
        for m in messages)
    return (f"<table><tr><th>received</th><th>mailbox</th><th>folder</th><th>type</th><th>from</th>"
            f"<th>subject</th></tr>{rows}</table>")


def requests_table(requests: Iterable[LoggedRequest], names: dict[str, str] | None = None) -> str:
    rows = "".join(
        f"<tr><td>{e(instant(r.at))}</td><td>{e(r.method)}</td><td>{e(r.path)}</td><td>{e(r.status)}</td>"
        f"<td>{e((names or {}).get(r.caller, r.caller))}</td><td>{e(r.duration_ms)}</td></tr>" for r in requests)
    return (f"<table><tr><th>time</th><th>method</th><th>path</th><th>status</th><th>caller</th><th>ms</th></tr>"
            f"{rows}</table>")


def week_view(view: Week, messages: list[DeliveredMessage]) -> str:
    address = view.mailbox.address
    base = f"{ROOT}/mailboxes/{quote(address)}"
    days = [view.start + timedelta(days=n) for n in range(7)]
    cells = []
    for day in days:
        items = "".join(event_item(address, ev) for ev in view.events if _on(ev, day))
        cells.append(f"<td>{items}</td>")
    calendars = " ".join(
        f'<a href="{base}?calendar={quote(c.id)}&week={view.start.isoformat()}">{e(c.name)}</a>'
        for c in view.calendars)
    prev, nxt = view.start - timedelta(days=7), view.start + timedelta(days=7)
    nav = (f'<a href="{base}?calendar={quote(view.calendar.id)}&week={prev.isoformat()}">← previous week</a> · '
           f'<a href="{base}?calendar={quote(view.calendar.id)}&week={nxt.isoformat()}">next week →</a>')
    head = "".join(f"<th>{d.strftime('%a %d %b')}</th>" for d in days)
    body = (f"<p>Calendars: {calendars}</p><h2>{e(view.calendar.name)}, week of {e(view.start.isoformat())}</h2>"
            f'<p>{nav}</p><table class="grid" id="week"><tr>{head}</tr><tr>{"".join(cells)}</tr></table>'
            f"<h2>Meeting messages</h2>{messages_table(messages)}")
    return page(address, body)


def _on(event: Event, day: date) -> bool:
    return to_utc(event.start).date() <= day <= (to_utc(event.end) - timedelta(microseconds=1)).date() \
        if not event.is_all_day else event.start.local.date() <= day < event.end.local.date()


def event_item(address: str, event: Event) -> str:
    css = "item cancelled" if event.is_cancelled else "item"
    kind = "" if event.type == "singleInstance" else f" ({e(event.type)})"
    start = "all day" if event.is_all_day else to_utc(event.start).strftime("%H:%M")
    href = f"{ROOT}/mailboxes/{quote(address)}/events/{quote(event.id, safe='')}"
    return (f'<div class="{css}" data-subject="{e(event.subject)}"><a href="{href}">{e(start)} '
            f'{e(event.subject)}</a>{kind}</div>')


def event_page(mailbox: Mailbox, event: Event) -> str:
    rows = "".join(
        f"<tr><td>{e(a.email.name)}</td><td>{e(a.email.address)}</td><td>{e(a.type)}</td>"
        f'<td class="response">{e(a.status.response)}</td>'
        f"<td>{e(_slot(a.proposed_new_time)) if a.proposed_new_time else ''}</td></tr>" for a in event.attendees)
    facts = [("subject", event.subject), ("type", event.type), ("cancelled", event.is_cancelled),
             ("start", f"{event.start.local.isoformat()} {event.start.zone}"),
             ("end", f"{event.end.local.isoformat()} {event.end.zone}"),
             ("organizer", event.organizer.address), ("my response", event.response_status.response),
             ("iCalUId", event.ical_uid)]
    table = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    body = (f"<p>{mailbox_link(mailbox.address)}</p><table>{table}</table><h2>Attendees</h2>"
            f'<table id="attendees"><tr><th>name</th><th>address</th><th>type</th><th>response</th>'
            f"<th>proposed new time</th></tr>{rows}</table>")
    return page(event.subject or "(no subject)", body)


def _slot(slot: Any) -> str:
    return f"{slot.start.local.isoformat()} – {slot.end.local.isoformat()} {slot.start.zone}"


APP_JS = """
// The inspector follows the server: when its state changes the page's content is fetched and swapped in.
(function () {
  let seen = null;
  async function check() {
    try {
      const answer = await fetch('%s/state', {credentials: 'same-origin', cache: 'no-store'});
      if (answer.ok) {
        const state = (await answer.json()).fingerprint;
        if (seen !== null && state !== seen) {
          const page = await fetch(location.href, {credentials: 'same-origin', cache: 'no-store'});
          const doc = new DOMParser().parseFromString(await page.text(), 'text/html');
          const fresh = doc.getElementById('main');
          const active = document.activeElement;
          if (fresh && !(active && active.tagName === 'INPUT' && active.value)) {
            document.getElementById('main').replaceWith(fresh);
          } else { return; }
        }
        seen = state;
      }
    } catch (e) { /* the server may be restarting */ }
  }
  check();
  setInterval(check, 700);
})();
""" % ROOT
