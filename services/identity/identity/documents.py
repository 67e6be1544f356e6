"""The texts members agree to or read, as versions operators publish: the
privacy policy, the terms and the cookie policy (area ``policies``) and the
guidelines (area ``guidelines``), each in English and Dutch.

The newest published version of a document is its current one.  Until an
operator publishes one, a document's current version is the university's
settings' text (data/university.yaml: the seed); the first publication writes
that seed as the document's first row, so the history is whole.  Versions
are only ever inserted (the database refuses anything else), each with who
published it, in the same transaction as its audit entry.

A text's body is plain text, paragraphs separated by a blank line; the
guidelines' body is made of sections, each beginning with a line
``## Its title``.
"""

import re
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from identity import audit, config, exceptions
from identity.models import DocumentVersion

POLICIES = ("privacy_policy", "terms", "cookie_policy")
DOCUMENTS = POLICIES + ("guidelines",)
LANGUAGES = ("en", "nl")
SEED_PUBLISHER = "university settings"
TITLE_LIMIT = 200
BODY_LIMIT = 20000
VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
SECTION_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t]*$", re.MULTILINE)


def _now():
    return datetime.now(UTC)


def area_of(document):
    return "guidelines" if document == "guidelines" else "policies"


def seed(document):
    """The settings' text of ``document``: {version, title_en, body_en, title_nl, body_nl}."""
    university = config.university()
    if document == "guidelines":
        texts = university["guidelines"]
        version = texts["version"]
        bodies = {
            language: "\n\n".join(
                f"## {section['title']}\n\n{section['body'].strip()}"
                for section in texts[language]["sections"]
            )
            for language in LANGUAGES
            if language in texts
        }
    else:
        texts = university["policies"][document]
        version = university["policy_versions"].get(document) or texts["version"]
        bodies = {
            language: texts[language]["body"].strip() for language in LANGUAGES if language in texts
        }
    english = texts["en"]
    dutch = texts.get("nl", english)
    return {
        "version": str(version),
        "title_en": english["title"],
        "body_en": bodies["en"],
        "title_nl": dutch["title"],
        "body_nl": bodies.get("nl", bodies["en"]),
    }


def _row_view(row):
    return {
        "version": row.version,
        "title_en": row.title_en,
        "body_en": row.body_en,
        "title_nl": row.title_nl,
        "body_nl": row.body_nl,
    }


def _latest(session, document):
    return session.execute(
        select(DocumentVersion)
        .where(DocumentVersion.document == document)
        .order_by(DocumentVersion.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def current_in(session, document):
    """The current version of ``document`` in both languages."""
    row = _latest(session, document)
    return seed(document) if row is None else _row_view(row)


def current_version(session, document):
    return current_in(session, document)["version"]


def current(db, document):
    with db.transaction() as session:
        return current_in(session, document)


def in_language(version, language):
    """One language's text of a version: {version, language, title, body}."""
    language = language if language in LANGUAGES else "en"
    return {
        "version": version["version"],
        "language": language,
        "title": version[f"title_{language}"],
        "body": version[f"body_{language}"],
    }


def sections(body):
    """The guidelines' body as its sections: [{id, title, body}]; text before
    the first heading (if any) is a section without a title of its own."""
    found = []
    headings = list(SECTION_HEADING.finditer(body))
    lead = body[: headings[0].start()] if headings else body
    if lead.strip():
        found.append({"title": "", "body": lead.strip()})
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(body)
        found.append({"title": heading.group(1), "body": body[heading.end() : end].strip()})
    return [dict(section, id=f"section-{number}") for number, section in enumerate(found, 1)]


def versions(db, credentials, document):
    """Every version of ``document``, newest first, for the console (the
    settings' text as the only one until a first publication)."""
    _known(document)
    with db.transaction() as session:
        audit.actor(session, credentials, area_of(document))
        rows = (
            session.execute(
                select(DocumentVersion)
                .where(DocumentVersion.document == document)
                .order_by(DocumentVersion.id.desc())
            )
            .scalars()
            .all()
        )
        if not rows:
            return {
                "document": document,
                "items": [
                    dict(
                        seed(document),
                        published_at=None,
                        published_by=SEED_PUBLISHER,
                        from_settings=True,
                    )
                ],
            }
        return {
            "document": document,
            "items": [
                dict(
                    _row_view(row),
                    published_at=row.published_at.isoformat(),
                    published_by=row.published_by,
                    from_settings=row.published_by == SEED_PUBLISHER,
                )
                for row in rows
            ],
        }


def _known(document):
    if document not in DOCUMENTS:
        raise exceptions.NotFound("document_not_found", "No such document.")


def _checked(texts):
    if not isinstance(texts, dict):
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", {})
    problems = {}
    checked = {}
    version = texts.get("version")
    if not isinstance(version, str) or not version.strip():
        problems["version"] = ["This field is required."]
    elif not VERSION_PATTERN.fullmatch(version.strip()):
        problems["version"] = [
            "Use 1 to 20 letters, digits, dots, dashes or underscores, for example 2027-01."
        ]
    else:
        checked["version"] = version.strip()
    for name, limit in (("title", TITLE_LIMIT), ("body", BODY_LIMIT)):
        for language in LANGUAGES:
            field = f"{name}_{language}"
            value = texts.get(field)
            if not isinstance(value, str) or not value.strip():
                problems[field] = ["This field is required."]
            elif len(value.strip()) > limit:
                problems[field] = [f"Use at most {limit} characters."]
            else:
                checked[field] = value.strip().replace("\r\n", "\n")
    known = {"version"} | {
        f"{name}_{language}" for name in ("title", "body") for language in LANGUAGES
    }
    for field in sorted(set(texts) - known):
        problems[field] = ["Unknown field."]
    if problems:
        raise exceptions.InvalidInput("invalid_input", "Some fields need your attention.", problems)
    return checked


def _already_published():
    return exceptions.InvalidInput(
        "invalid_input",
        "Some fields need your attention.",
        {"version": ["This version is already published; give the new one its own label."]},
    )


def publish(db, credentials, document, texts, client=""):
    """Publish a new version of ``document`` (its label, title and body in
    English and Dutch) as the operator behind ``credentials``."""
    _known(document)
    checked = _checked(texts)
    try:
        with db.transaction() as session:
            publisher = audit.actor(session, credentials, area_of(document))
            # One publication of a document at a time (the first one writes the seed).
            session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                {"name": f"document_versions:{document}"},
            )
            if _latest(session, document) is None:
                session.add(
                    DocumentVersion(
                        document=document,
                        **seed(document),
                        published_at=_now(),
                        published_by=SEED_PUBLISHER,
                    )
                )
                session.flush()
            taken = session.execute(
                select(DocumentVersion.id).where(
                    DocumentVersion.document == document,
                    DocumentVersion.version == checked["version"],
                )
            ).first()
            if taken is not None:
                raise _already_published()
            row = DocumentVersion(
                document=document, **checked, published_at=_now(), published_by=publisher.name
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                publisher,
                "guidelines_published" if document == "guidelines" else "policy_published",
                document,
                {"version": row.version, "title_en": row.title_en[:100]},
                client,
            )
            return dict(
                _row_view(row),
                document=document,
                published_at=row.published_at.isoformat(),
                published_by=row.published_by,
            )
    except IntegrityError:  # another publication of the same label won the race
        raise _already_published() from None
