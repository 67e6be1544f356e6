"""Operators' actions that another service carries out and the gateway then
records in identity's audit log: written once here, used by the console's
pages and the operators' API alike.

``actor`` is the caller's credentials as identity's operator RPCs take them
(``{"operator_token": ...}`` from the console, ``{"api_key": ...}`` from the
API); identity resolves who acts and checks the area again when it records.
The area was checked with identity at the start of the request (the console's
operator_required, the API's key check), before the action; the entry is
written after it.  An action the service refused (a 4xx) is raised and
recorded nowhere.
"""

from gateway.request_input import client_address
from gateway.service_calls import call


def record_action(actor, area, action, subject="", details=None):
    """Audit an action another service carried out for ``actor``."""
    call(
        "identity",
        "record_operator_action",
        actor=actor,
        area=area,
        action=action,
        subject=subject,
        details=details or {},
        client=client_address(),
    )


def publish_service_update(actor, update):
    published = call("notifications", "publish_service_update", update=update)
    record_action(
        actor,
        "service_updates",
        "service_update_published",
        published["title_en"][:100],
        {"id": published["id"], "title_nl": published["title_nl"][:100]},
    )
    return published


def withdraw_service_update(actor, update_id):
    withdrawn = call("notifications", "withdraw_service_update", update_id=update_id)
    record_action(
        actor,
        "service_updates",
        "service_update_withdrawn",
        withdrawn["title_en"][:100],
        {"id": withdrawn["id"]},
    )
    return withdrawn


def warn_reported_member(actor, report_id, warning):
    """Warn the member who wrote the reported message (notifications tells them)."""
    warned = call("notifications", "warn_reported_member", report_id=report_id, warning=warning)
    record_action(
        actor,
        "message_reports",
        "member_warned",
        warned["user_id"],
        # Not the warning's words: the audit log cannot be erased with a member.
        {"report": report_id},
    )
    return warned


def close_message_report(actor, report_id):
    closed = call("notifications", "close_message_report", report_id=report_id)
    record_action(
        actor, "message_reports", "report_closed", closed["user_id"], {"report": report_id}
    )
    return closed


def replay_dead_letters(actor, service, dead_letter_ids=None, event_type=None):
    """Put parked events of ``service`` back in its retry queue: the ids given
    (those still waiting), or with none every parked one.  Answers the ids
    replayed; a replay that put nothing back records nothing."""
    if dead_letter_ids:
        replayed = call(service, "replay_dead_letters", dead_letter_ids=list(dead_letter_ids))
    else:
        replayed = call(service, "replay_dead_letters", every_dead=True)
    replayed = replayed["replayed"]
    if replayed:
        details = {"service": service, "ids": replayed}
        if event_type:
            details["event"] = event_type
        if dead_letter_ids and len(dead_letter_ids) == 1:
            subject = f"{service} #{dead_letter_ids[0]}"
        else:
            subject = service
        record_action(actor, "dead_letters", "dead_letter_replayed", subject, details)
    return replayed
