"""The service policies (privacy policy, terms and conditions, cookie policy):
versioned texts in both languages from the university's settings.  Sign-up
records consent to the current versions of those in ``policy_versions``;
the pages show each text with its version."""

from identity import config

LANGUAGES = ("en", "nl")


def current(language="en"):
    """{document: {version, consent, title, body}} in ``language`` (English when
    the settings have no text in it)."""
    university = config.university()
    versions = university["policy_versions"]
    language = language if language in LANGUAGES else "en"
    documents = {}
    for document, texts in university["policies"].items():
        text = texts.get(language) or texts["en"]
        documents[document] = {
            "version": versions.get(document) or texts["version"],
            "consent": document in versions,
            "title": text["title"],
            "body": text["body"].strip(),
        }
    return {"language": language, "items": documents}
