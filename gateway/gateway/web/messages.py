"""The services' errors in the page's language.

Services answer in English with a machine-readable code and, for bad input,
a message per field.  The gateway's catalogue translates them: the summary by
the error's code (CODES), each field message by its own text as the msgid
(FIELD_MESSAGES, marked here for extraction), and the few messages with a
number or a library's detail in them by pattern (PATTERNS).  A message not
listed shows as the service wrote it.
"""

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from mentornet_contracts.events import DECLINE_REASONS


def N_(text):
    """Marks a service's message for extraction; translated when shown."""
    return text


CODES = {
    "invalid_input": _l("Some fields need your attention."),
    "invalid_credentials": _l("The username or password is incorrect."),
    "session_invalid": _l("Your session has ended; please log in again."),
    "too_many_attempts": _l(
        "Too many failed attempts. Wait a few minutes, or reset your password."
    ),
    "too_many_requests": _l(
        "Too many requests from you in a short time. Please wait a little and try again."
    ),
    "rate_limited": _l(
        "Too many requests from you in a short time. Please wait a little and try again."
    ),
    "username_taken": _l("This username is already taken."),
    "email_taken": _l("An account with this e-mail address already exists."),
    "token_invalid": _l("This link is invalid, already used or expired."),
    "download_link_invalid": _l(
        "This download link has been used or has expired. Ask for a new archive."
    ),
    "wrong_answer": _l("That answer is not correct."),
    "wrong_password": _l("Your password is not correct."),
    "record_not_matched": _l(
        "We could not match this number with your name and date of birth. "
        "Check the number, or ask a person to check it."
    ),
    "already_verified": _l("Your affiliation is already verified."),
    "review_pending": _l("Your request for a manual review is pending."),
    "wrong_step": _l("This step is not open now."),
    "guidelines_not_accepted": _l(
        "You cannot join the mentor network without agreeing to the guidelines."
    ),
    "guidelines_version_changed": _l(
        "The guidelines have changed while you were reading them; please read them again."
    ),
    "profile_not_found": _l("Your profile is not ready yet; please try again in a moment."),
    # The inbox (notifications): who may write to whom.
    "blocked": _l("This member does not accept your messages."),
    "messages_not_accepted": _l("This member only accepts messages from their mentoring contacts."),
    "not_verified": _l("Finish verifying your affiliation first."),
    "member_left": _l("This member has left the Mentor Network."),
    # Operators and suspended members (identity).
    "wrong_code": _l("That code is not right; enter the 6 digits your app shows now."),
    "account_suspended": _l(
        "This account is suspended after a report; contact the helpdesk if you think "
        "this is a mistake."
    ),
    "not_allowed": _l("Your role does not allow this."),
    "review_decided": _l("This review was already decided."),
    "review_not_found": _l("No such review."),
    "report_not_found": _l("No such report."),
    "report_closed": _l("This report is already closed."),
    "already_warned": _l("The member was already warned about this report."),
    # The university records' upload (identity.records).
    "upload_has_problems": _l("A file with a bad line cannot be loaded; correct it first."),
    "upload_expired": _l("This upload has expired; upload the file again."),
    "upload_changed": _l("This is not the file that was previewed; upload it again."),
    "upload_not_found": _l("No such upload."),
    "service_update_not_found": _l("No such service update."),
    "document_not_found": _l("No such document."),
    "recipient_not_found": _l("There is no such member."),
    "not_eligible_as_mentor": _l(
        "At this university your role cannot offer mentoring, so availability stays off."
    ),
    "service_unavailable": _l("A service is unavailable; please try again shortly."),
    "service_timeout": _l("A service did not answer in time; please try again."),
    "internal_error": _l("Something went wrong on our side; please try again."),
    # search and asking for mentoring
    "mentor_unavailable": _l("This mentor is not available now, so you cannot ask them."),
    "mentor_full": _l("This mentor has no free place for another mentee now."),
    "request_open": _l("You already asked this mentor; your request is waiting for an answer."),
    "already_mentored": _l("This mentor is already mentoring you."),
    "too_many_open_requests": _l(
        "You have as many open requests as you may have at a time; "
        "wait for an answer or withdraw one first."
    ),
    "own_request": _l("You cannot ask yourself to be your mentor."),
    "activity_not_offered": _l("Choose only activities this mentor offers."),
    "onboarding_incomplete": _l("Finish signing up before asking for mentoring."),
    "not_eligible_as_mentee": _l("Your role cannot ask for mentoring in this network."),
    "linkedin_linked_elsewhere": _l(
        "This LinkedIn account is linked to another account of the Mentor Network."
    ),
    "linkedin_already_linked": _l(
        "Your account is linked to another LinkedIn account; disconnect it first."
    ),
    "own_operator_account": _l(
        "Another administrator changes your own account, so that nobody locks themselves out."
    ),
    "operator_not_found": _l("There is no such operator."),
    "invalid_photo": _l("This photo cannot be used."),
    "photo_not_found": _l("There is no such photo."),
}

FIELD_MESSAGES = [
    N_("This field is required."),
    N_("That code is not right; enter the 6 digits your app shows now."),
    N_("Say why the review is rejected: the member is told."),
    N_("Say why, in 1 to 2000 characters: it is kept in the audit log."),
    N_("Say what the member is warned about, in 1 to 400 characters: they are told."),
    N_("Give the key a name of 1 to 100 characters."),
    N_("Choose at least one area the key may act in."),
    N_("Use a date (YYYY-MM-DD) or an ISO date-time with a time zone."),
    N_("The end must be in the future."),
    N_("Use 1 to 20 letters, digits, dots, dashes or underscores, for example 2027-01."),
    N_("This version is already published; give the new one its own label."),
    N_("Use 3 to 40 letters, digits, dots, dashes or underscores."),
    N_("Choose a role."),
    N_("Unknown field."),
    N_("Not a valid date."),
    N_("Not a valid boolean."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Use letters, spaces, hyphens and apostrophes only."),
    N_("Must not contain control characters."),
    N_("Must not contain control characters or line breaks."),
    N_("The date of birth is in the future."),
    N_("Enter a real date of birth."),
    N_("Use 3 to 40 characters: a-z, 0-9, '.', '_' or '-', starting with a letter."),
    N_("This password is too common; choose another."),
    N_("You must accept the privacy policy to join."),
    N_("You must accept the terms and conditions to join."),
    N_("The passwords do not match."),
    N_("The e-mail addresses do not match."),
    N_("This username is already taken."),
    N_("An account with this e-mail address already exists."),
    N_("Your password is not correct."),
    N_("That answer is not correct."),
    N_("Enter your username or e-mail address."),
    N_("Enter your username and password."),
    N_("No record matches this number, role, name and date of birth."),
    N_("Use the letters and digits of your number."),
    N_("Must be one of: student, alumnus, staff."),
    N_("Alumni need the year they graduated."),
    N_("The year you graduated comes before the year you started."),
    N_("You must agree to the guidelines to join."),
    N_("Choose one of: en (English), nl (Nederlands)."),
    N_("Not a valid URL."),
    N_("Write a message."),
    N_("The message contains control characters."),
    N_("Choose another member to write to."),
    N_("There is no such member."),
    N_("You cannot block yourself."),
    N_("Say briefly (under 1000 characters) what is wrong."),
    # profiles: the profile and the mentor settings
    N_("Enter a full web address starting with https://."),
    N_("Enter your profile address on linkedin.com."),
    N_("Use the form YYYY-MM."),
    N_("Enter a month after 1940."),
    N_("This month is in the future."),
    N_("A current position has no end month."),
    N_("Enter the end month, or mark the position current."),
    N_("The end month comes before the start month."),
    N_("Use a two-letter ISO 3166 country code, such as NL."),
    N_("Use letters, digits, spaces and hyphens."),
    N_("Use 6 to 32 letters, digits, dots, commas, dashes or underscores, starting with a letter."),
    N_("Choose at least one activity to offer."),
    N_("You cannot switch availability on."),
    # search and asking for mentoring
    N_("Must be a whole number."),
    N_("Use a two-letter ISO 639-1 language code, such as nl."),
    N_("Must not come before the first year."),
    N_("Tell the mentor what you would like help with."),
    N_("Choose at least one of the activities the mentor offers."),
    # photos (profiles) and the LinkedIn archive (gateway/web/linkedin.py)
    N_("The photo is larger than 1 MB."),
    N_("The photo has too many pixels."),
    N_("Upload a JPEG, PNG or WebP photo."),
    N_("Choose a photo to upload."),
    N_("Choose the ZIP archive you downloaded from LinkedIn."),
    # Mentoring's answers about a request or relationship (their summary is the
    # text itself: a code such as request_closed reads differently per state).
    N_("No such mentoring request."),
    N_("No such relationship."),
    N_("This request is already accepted."),
    N_("This request is already declined."),
    N_("This request is already withdrawn."),
    N_("This request is already expired."),
    N_("This request has expired."),
    N_("You have no room for another mentee; end a relationship or raise your maximum first."),
    N_("You are already mentoring this member."),
    N_("This relationship has already ended."),
    N_("Say whether the relationship is completed or ended early."),
    N_("Choose a rating from 1 to 5."),
    N_("You have already given feedback on this relationship."),
    N_("Feedback is asked for once the relationship has ended."),
    N_("Choose why you decline."),
    # The relationship's workspace (mentoring's goals, meetings and notes).
    N_("Say what the goal is."),
    N_("No such goal."),
    N_("Only the mentee ticks a goal off."),
    N_("This goal is already ticked off."),
    N_("Give a date and time for the meeting."),
    N_("Give each time as a date and a time, like 2026-12-03 14:30."),
    N_("Choose a time in the future."),
    N_("Choose a time within a year."),
    N_("Choose a time zone from the list."),
    N_("Paste the meeting's link, starting with https://."),
    N_("No such meeting."),
    N_("A time was already picked for this meeting, or it was cancelled."),
    N_("The other member picks one of your times."),
    N_("Choose one of the proposed times."),
    N_("This time has passed; choose another or propose new times."),
    N_("Only a scheduled meeting can be moved."),
    N_("Choose a time other than the current one."),
    N_("This meeting is already cancelled."),
    N_("This meeting has already taken place."),
    N_("Write the note first."),
    N_("Notes are written after the meeting has begun."),
]

# (pattern of the service's text, msgid with the pattern's named groups)
PATTERNS = [
    (
        re.compile(r"^You must be at least (?P<years>\d+) years old to join\.$"),
        _l("You must be at least %(years)s years old to join."),
    ),
    (
        re.compile(r"^Use at least (?P<count>\d+) characters; .*$"),
        _l("Use at least %(count)s characters; a few unrelated words make a good password."),
    ),
    (
        re.compile(r"^Use at most (?P<count>\d+) characters\.$"),
        _l("Use at most %(count)s characters."),
    ),
    (
        re.compile(r"^Keep it under (?P<count>\d+) characters\.$"),
        _l("Keep it under %(count)s characters."),
    ),
    (
        re.compile(r"^Keep a message under (?P<count>\d+) characters\.$"),
        _l("Keep a message under %(count)s characters."),
    ),
    (
        re.compile(r"^Keep the \w+ under (?P<count>\d+) characters\.$"),  # mentoring's texts
        _l("Keep it under %(count)s characters."),
    ),
    (
        re.compile(r"^Longer than maximum length (?P<count>\d+)\.$"),
        _l("Use at most %(count)s characters."),
    ),
    (
        re.compile(r"^Length must be between (?P<low>\d+) and (?P<high>\d+)\.$"),
        _l("Use %(low)s to %(high)s characters."),
    ),
    (
        re.compile(r"^Enter a year between (?P<low>\d+) and (?P<high>\d+)\.$"),
        _l("Enter a year between %(low)s and %(high)s."),
    ),
    (
        re.compile(r"^'(?P<code>.*)' is not a two-letter ISO 639-1 language code\.$"),
        _l("'%(code)s' is not a two-letter language code, such as nl or en."),
    ),
    (
        re.compile(
            r"^Must be greater than or equal to (?P<low>\d+) and less than or equal to "
            r"(?P<high>\d+)\.$"
        ),
        _l("Enter a number from %(low)s to %(high)s."),
    ),
    # A catalogue's long list (a sector, an activity); the roles' short one is a msgid above.
    (
        re.compile(r"^Must be one of: (?!student, alumnus, staff\.$).*\.$"),
        _l("Choose one of the options offered."),
    ),
    (
        re.compile(r"^Must be between (?P<low>\d+) and (?P<high>\d+)\.$"),
        _l("Enter a number between %(low)s and %(high)s."),
    ),
    (re.compile(r"^Unknown sector; choose one of: .*$"), _l("Choose a sector from the list.")),
    (re.compile(r"^Unknown activity; choose one of: .*$"), _l("Choose an activity from the list.")),
    (
        re.compile(r"^This mentor does not offer: .*$"),
        _l("Choose only activities this mentor offers."),
    ),
    (
        re.compile(r"^Keep the (message|reply|reason) under (?P<count>\d+) characters\.$"),
        _l("Keep it under %(count)s characters."),
    ),
    (
        re.compile(r"^Use at most (?P<count>\d+) characters\.$"),
        _l("Use at most %(count)s characters."),
    ),
    (
        re.compile(r"^Propose at most (?P<count>\d+) times at once\.$"),
        _l("Propose at most %(count)s times at once."),
    ),
    (
        re.compile(r"^A meeting lasts between (?P<low>\d+) and (?P<high>\d+) minutes\.$"),
        _l("A meeting lasts between %(low)s and %(high)s minutes."),
    ),
    # email-validator's English detail is kept in English only.
    (
        re.compile(r"^This is not a valid e-mail address: (?P<detail>.*)$"),
        _l("This is not a valid e-mail address."),
    ),
]


# marshmallow's own wording, said as the services say it elsewhere.
ALIASES = {
    "Missing data for required field.": "This field is required.",
    "Field may not be null.": "This field is required.",
    # search's parameter name, said as the page's field says it
    "Must not come before graduated_from.": "Must not come before the first year.",
    # mentoring lists its reason codes; the page offers them by label
    "Choose one of: " + ", ".join(DECLINE_REASONS) + ".": "Choose why you decline.",
}


def field_message(text):
    if not isinstance(text, str):
        return str(text)
    text = ALIASES.get(text, text)
    for pattern, msgid in PATTERNS:
        found = pattern.match(text)
        if found:
            from gateway.web.i18n import current_language

            if current_language() == "en" and "detail" in found.groupdict():
                return text
            return str(msgid) % found.groupdict()
    return gettext(text)


def error_message(code, text):
    """The summary: the code's, except where a refusal's own text is listed here
    (one code, such as mentor_full, is said to the mentee who asks and to the
    mentor who accepts in different words); bad input keeps its one summary
    ("Some fields need your attention.") above the fields' own messages."""
    if code != "invalid_input" and text in _LISTED:
        return field_message(text)
    if code in CODES:
        return str(CODES[code])
    return field_message(text) if text else str(CODES["internal_error"])


_LISTED = frozenset(FIELD_MESSAGES)
