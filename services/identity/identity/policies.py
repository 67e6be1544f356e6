"""The service policies (privacy policy, terms and conditions, cookie policy):
versioned texts in both languages, the newest version operators published
(identity.documents; the university's settings' text until the first).
Sign-up records consent to the current versions of those listed in the
settings' ``policy_versions``; the pages show each text with its version."""

from identity import config, documents

LANGUAGES = documents.LANGUAGES


def consented():
    """The policies a member consents to at sign-up (the cookie policy informs only)."""
    return tuple(config.university()["policy_versions"])


def current(db, language="en"):
    """{document: {version, consent, title, body}} in ``language`` (English for
    any other)."""
    language = language if language in LANGUAGES else "en"
    with db.transaction() as session:
        versions = {
            document: documents.current_in(session, document) for document in documents.POLICIES
        }
    items = {}
    for document, version in versions.items():
        text = documents.in_language(version, language)
        items[document] = {
            "version": text["version"],
            "consent": document in consented(),
            "title": text["title"],
            "body": text["body"],
        }
    return {"language": language, "items": items}
