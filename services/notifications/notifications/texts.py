"""The short texts of in-app notifications, in English and Dutch, and the
HTML-escaped form of any text that may quote a member's own words."""

import html

TEXTS = {
    "welcome": {
        "en": "Welcome to the Mentor Network, {first_name}! Finish the sign-up steps to start.",
        "nl": "Welkom bij het Mentornetwerk, {first_name}! Rond de aanmeldstappen af om te beginnen.",
    },
    "email_confirmed": {
        "en": "Your e-mail address {email} is confirmed.",
        "nl": "Je e-mailadres {email} is bevestigd.",
    },
    "affiliation_reviewed_approved": {
        "en": "Your affiliation was verified: you can continue signing up.",
        "nl": "Je band met de universiteit is bevestigd: je kunt verder met aanmelden.",
    },
    "affiliation_reviewed_rejected": {
        "en": "We could not verify your affiliation. {reason}",
        "nl": "We konden je band met de universiteit niet bevestigen. {reason}",
    },
    "member_warned": {
        "en": "The operators warned you about a message you wrote: {reason}",
        "nl": "De beheerders waarschuwen je om een bericht dat je schreef: {reason}",
    },
    "request_created": {
        "en": "{name} asks you for mentoring.",
        "nl": "{name} vraagt je om mentoring.",
    },
    "request_withdrawn": {
        "en": "{name} withdrew their mentoring request.",
        "nl": "{name} heeft het verzoek om mentoring ingetrokken.",
    },
    "request_accepted": {
        "en": "{name} accepted your mentoring request.",
        "nl": "{name} heeft je verzoek om mentoring geaccepteerd.",
    },
    "request_declined": {
        "en": "{name} declined your mentoring request.",
        "nl": "{name} heeft je verzoek om mentoring afgewezen.",
    },
    "request_expired": {
        "en": "Your mentoring request to {name} expired without an answer.",
        "nl": "Je verzoek om mentoring aan {name} is verlopen zonder antwoord.",
    },
    "request_expiring": {
        "en": "{name}'s mentoring request expires soon; please answer it.",
        "nl": "Het verzoek om mentoring van {name} verloopt binnenkort; beantwoord het alsjeblieft.",
    },
    "relationship_ended": {
        "en": "{name} ended your mentoring relationship. {reason}",
        "nl": "{name} heeft jullie mentorrelatie beëindigd. {reason}",
    },
    "data_export_ready": {
        "en": "Your data is ready to download until {expires_at}. The link works once.",
        "nl": "Je gegevens staan klaar om te downloaden tot {expires_at}. De link werkt één keer.",
    },
    "relationship_completed": {
        "en": "{name} marked your mentoring relationship as completed. {reason}",
        "nl": "{name} heeft jullie mentorrelatie als voltooid afgesloten. {reason}",
    },
    "feedback_requested": {
        "en": "How did your mentoring relationship with {name} go? Give short feedback.",
        "nl": "Hoe ging je mentorrelatie met {name}? Geef korte feedback.",
    },
    "relationship_quiet": {
        "en": "It has been quiet in your mentoring relationship with {name}: plan a meeting or send a message?",
        "nl": "Het is stil in je mentorrelatie met {name}: plan een afspraak of stuur een bericht?",
    },
    "mentors_suggested": {
        "en": "Mentors who could help you: see why we suggest them and ask one.",
        "nl": "Mentoren die je kunnen helpen: zie waarom we ze voorstellen en vraag er een.",
    },
    # Why a mentor is suggested (profiles' recommend.py reasons), as the dashboard says it.
    "reason_shared_programme": {
        "en": "You both studied {programme}",
        "nl": "Jullie studeerden allebei {programme}",
    },
    "reason_sector_of_interest": {
        "en": "Works in a sector you are interested in: {sectors}",
        "nl": "Werkt in een sector die je interesseert: {sectors}",
    },
    "reason_offers": {"en": "Offers: {activities}", "nl": "Biedt: {activities}"},
    "reason_room_left_one": {
        "en": "Room for {num} more mentee",
        "nl": "Ruimte voor nog {num} mentee",
    },
    "reason_room_left": {
        "en": "Room for {num} more mentees",
        "nl": "Ruimte voor nog {num} mentees",
    },
    "meeting_proposed": {
        "en": "{name} proposes a meeting: pick one of the times.",
        "nl": "{name} stelt een afspraak voor: kies een van de tijden.",
    },
    "meeting_scheduled": {
        "en": "Your meeting with {name} is on {when}.",
        "nl": "Je afspraak met {name} is op {when}.",
    },
    "meeting_moved": {
        "en": "Your meeting with {name} moved to {when}.",
        "nl": "Je afspraak met {name} is verplaatst naar {when}.",
    },
    "meeting_cancelled": {
        "en": "Your meeting with {name} on {when} is cancelled.",
        "nl": "Je afspraak met {name} op {when} gaat niet door.",
    },
    "meeting_proposal_cancelled": {
        "en": "{name} withdrew their proposal for a meeting.",
        "nl": "{name} heeft het voorstel voor een afspraak ingetrokken.",
    },
    "meeting_reminder": {
        "en": "Reminder: your meeting with {name} is on {when}.",
        "nl": "Herinnering: je afspraak met {name} is op {when}.",
    },
    "new_message": {
        "en": "{sender} sent you a message.",
        "nl": "{sender} heeft je een bericht gestuurd.",
    },
}


def render(key, language, **values):
    texts = TEXTS[key]
    return texts.get(language, texts["en"]).format(**values).strip()[:500]


def as_html(text):
    """``text`` HTML-escaped, line breaks kept: a member's words (a message, a
    reason) quoted in it are never rendered as markup by a client."""
    return html.escape(text).replace("\n", "<br>")
