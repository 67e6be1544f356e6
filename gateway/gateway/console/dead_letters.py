"""Dead letters (administrators): the events each service parked after its
handler failed too often (or at once, for an event breaking its contract),
listed per service, shown one by one, and put back in the service's retry
queue once the cause is fixed.  Each service answers for its own store
(``mentornet_platform.deadletters.DeadLetterEntrypoints``); every replay is
recorded in the audit log (gateway.operator_actions, shared with the
operators' API)."""

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from gateway import operator_actions
from gateway.console import actor, blueprint, operator_required
from gateway.rpc import ServiceTimeout, ServiceUnavailable
from gateway.service_calls import call, call_parallel

SERVICE_LABELS = {
    "identity": _l("Identity (accounts)"),
    "profiles": _l("Profiles"),
    "mentoring": _l("Mentoring"),
    "notifications": _l("Notifications (mail)"),
}


def _service(service):
    if service not in SERVICE_LABELS:
        abort(404)
    return service


@blueprint.get("/dead-letters")
@operator_required("dead_letters")
def dead_letters():
    # The four stores asked at once; one service down still shows the others.
    found = call_parallel(
        {service: (service, "list_dead_letters", {}) for service in SERVICE_LABELS}
    )
    stores = [
        {
            "service": service,
            "label": label,
            "unavailable": isinstance(found[service], Exception),
            "items": [] if isinstance(found[service], Exception) else found[service]["items"],
            "retrying": 0 if isinstance(found[service], Exception) else found[service]["retrying"],
        }
        for service, label in SERVICE_LABELS.items()
    ]
    for store in stores:
        absent = (ServiceUnavailable, ServiceTimeout)  # a service's error is no absence
        if store["unavailable"] and not isinstance(found[store["service"]], absent):
            raise found[store["service"]]  # not the service's absence: a bug, shown as one
    return render_template("console/dead_letters.html", stores=stores)


@blueprint.get("/dead-letters/<service>/<int:dead_letter_id>")
@operator_required("dead_letters")
def dead_letter(service, dead_letter_id):
    letter = call(_service(service), "get_dead_letter", dead_letter_id=dead_letter_id)
    return render_template(
        "console/dead_letter.html",
        service=service,
        service_label=SERVICE_LABELS[service],
        letter=letter,
        payload=json.dumps(letter["payload"], indent=2, ensure_ascii=False, sort_keys=True),
    )


@blueprint.post("/dead-letters/<service>/<int:dead_letter_id>/replay")
@operator_required("dead_letters")
def replay_dead_letter(service, dead_letter_id):
    letter = call(_service(service), "get_dead_letter", dead_letter_id=dead_letter_id)
    replayed = operator_actions.replay_dead_letters(
        actor(), service, [dead_letter_id], letter["event_type"]
    )
    if replayed:
        flash(
            _(
                "The event %(event)s is back in %(service)s's retry queue.",
                event=letter["event_type"],
                service=SERVICE_LABELS[service],
            )
        )
    else:
        flash(_("That event was no longer waiting: nothing was replayed."))
    return redirect(url_for("console.dead_letters", _anchor=f"store-{service}"))


@blueprint.post("/dead-letters/<service>/replay")
@operator_required("dead_letters")
def replay_dead_letters(service):
    replayed = operator_actions.replay_dead_letters(actor(), _service(service))
    flash(
        ngettext(
            "%(num)d event of %(service)s is back in its retry queue.",
            "%(num)d events of %(service)s are back in its retry queue.",
            len(replayed),
            service=SERVICE_LABELS[service],
        )
    )
    return redirect(url_for("console.dead_letters", _anchor=f"store-{service}"))
