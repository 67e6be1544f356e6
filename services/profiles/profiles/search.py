"""Mentor search, the sector cloud and the member directory.  Plain functions over
``db`` (profiles' ``Database``).

They read what migration 0004 adds: ``open_mentors`` (one narrow row per open
mentor, with a copy of the search vector) and ``mentor_sector_counts``, both kept
by triggers on ``profiles`` in the same transaction as every change; the GIN and
btree indexes; ``profiles_fold()``, SQL's ``fold``.  Nothing but the triggers
writes those two tables.

Free text is folded like ``search_text`` (``fold``: no case, no accents) and
matched against ``search_vector`` (simple + English + Dutch forms of every word)
with the query in the same three forms, ORed: "advocaten" finds "advocaat" (the
Dutch stem), "engineers" finds "engineering" (the English one), a name finds
itself (simple).  ``websearch_to_tsquery`` syntax works: "quoted phrases", OR,
-word.
"""

import re

import pycountry
from marshmallow import ValidationError
from sqlalchemy import text

from mentornet_contracts.api import DirectoryQuery, MentorSearchQuery
from mentornet_contracts.errors import field_errors
from mentornet_contracts.inputs import PARAMETERS_NEED_ATTENTION
from profiles import config, exceptions
from profiles.names import fold

# An open mentor: available, verified, with room left.  Migration 0004 keeps one
# row per open mentor in open_mentors (what search reads) and the open mentors
# per sector in mentor_sector_counts (the cloud), by triggers on profiles.
OPEN_MENTOR = (
    "mentor_available AND verified AND NOT suspended AND current_mentees < mentor_max_mentees"
)


_TSQUERY = (
    "(websearch_to_tsquery('simple', :q) || websearch_to_tsquery('english', :q)"
    " || websearch_to_tsquery('dutch', :q))"
)
_WORD = re.compile(r"\w")
_TWO_LETTERS = re.compile(r"^[A-Za-z]{2}$")


# -- parameters ---------------------------------------------------------------------
# What each field is (text, a year, a page) is checked by the API's own schema
# (mentornet_contracts.api), the one the gateway checks a URL with; what only
# profiles knows (its catalogues, ISO's codes) is checked here.
def _choice(value, name, problems, allowed):
    if value is not None and value not in allowed:
        problems[name] = [f"Unknown {name}; choose one of: {', '.join(allowed)}."]
        return None
    return value


def _code(value, name, problems, exists, example):
    """A two-letter code that ``exists``, in the case of ``example``."""
    if value is None:
        return None
    if not _TWO_LETTERS.match(value) or not exists(value):
        kind = "ISO 3166 country" if example.isupper() else "ISO 639-1 language"
        problems[name] = [f"Use a two-letter {kind} code, such as {example}."]
        return None
    return value.upper() if example.isupper() else value.lower()


def _load(schema, filters):
    """(what ``schema`` took, {name: [problem]}): every bad parameter at once,
    with the catalogue checks below."""
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        raise exceptions.InvalidInput("invalid_input", "The search parameters must be an object.")
    try:
        return schema.load(filters), {}
    except ValidationError as exc:
        valid = {**schema.load({}), **(exc.valid_data or {})}
        return valid, field_errors(exc.normalized_messages())


def _raise(problems):
    if problems:
        raise exceptions.InvalidInput("invalid_input", PARAMETERS_NEED_ATTENTION, problems)


def parse_mentor_filters(filters):
    """The query parameters (strings, as a URL carries them) checked and typed;
    InvalidInput names every bad one."""
    parsed, problems = _load(MentorSearchQuery(), filters)
    parsed["sector"] = _choice(parsed["sector"], "sector", problems, config.sector_ids())
    parsed["activity"] = _choice(parsed["activity"], "activity", problems, config.activity_ids())
    parsed["country"] = _code(
        parsed["country"],
        "country",
        problems,
        lambda v: pycountry.countries.get(alpha_2=v.upper()) is not None,
        "NL",
    )
    parsed["language"] = _code(
        parsed["language"],
        "language",
        problems,
        lambda v: pycountry.languages.get(alpha_2=v.lower()) is not None,
        "nl",
    )
    _raise(problems)
    return parsed


def parse_directory_filters(filters):
    parsed, problems = _load(DirectoryQuery(), filters)
    _raise(problems)
    return parsed


# -- queries ------------------------------------------------------------------------
def _begin(session, viewer_id, text_search):
    """Check the viewer is a verified member and set this transaction's planner
    settings, in one round trip.

    No JIT and no parallel workers: starting either costs more than these
    queries.  For a text search no sequential scan: PostgreSQL prices ``@@`` as
    a cheap operator and would rather test every row than read the GIN index,
    which here is always the shorter way."""
    verified = session.execute(
        text(
            "SELECT set_config('jit', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            "set_config('enable_seqscan', :seqscan, true), "
            "(SELECT verified FROM profiles WHERE user_id = :viewer)"
        ),
        {"seqscan": "off" if text_search else "on", "viewer": str(viewer_id or "")},
    ).one()[3]
    if not verified:
        raise exceptions.Forbidden(
            "not_verified",
            "Search and the directory are open to verified members; "
            "finish verifying your affiliation first.",
        )


def _words(q):
    """The folded query, or None when it has nothing to search for."""
    folded = fold(q) if q else ""
    return folded if _WORD.search(folded) else None


def _page(session, source, keys, shown, where, params, order, page, per_page, every_match):
    """One page of the members of ``source`` (a table and its alias) matching
    ``where``, in ``order`` (over ``keys``, which include ``user_id``), with the
    ``shown`` columns, each member's current position and registration study,
    and the exact total.

    With ``every_match`` (a text search, where every match needs its rank, or a
    filter PostgreSQL cannot estimate well) the matches' keys are gathered once
    (MATERIALIZED: planned to fetch them all, not in the hope of stopping at the
    page), then counted and sorted.  Without, the page is read in the order's
    index (or sorted, as the planner sees fit) and the total counted by a
    subquery planned on its own.  Either way one statement, and only the page's
    rows are read whole."""
    table, alias = source.split()
    matches = f"SELECT {keys} FROM {source} WHERE {' AND '.join(where)}"
    params = dict(params, limit=per_page, offset=(page - 1) * per_page)
    if every_match:
        hits = (
            f"WITH matches AS MATERIALIZED ({matches}), "
            f"hit AS (SELECT * FROM matches ORDER BY {order} LIMIT :limit OFFSET :offset)"
        )
        total = "(SELECT count(*) FROM matches)"
    else:
        hits = f"WITH hit AS ({matches} ORDER BY {order} LIMIT :limit OFFSET :offset)"
        total = f"(SELECT count(*) FROM ({matches}) AS counted)"
    rows = (
        session.execute(
            text(f"""
        {hits}
        SELECT hit.*, {shown}, {total} AS total,
               pos.title AS position_title, pos.organisation AS position_organisation,
               edu.programme AS study_programme, edu.year_graduated AS study_year_graduated
        FROM hit
        JOIN {table} AS {alias} ON {alias}.user_id = hit.user_id
        LEFT JOIN LATERAL (
            SELECT title, organisation FROM positions
            WHERE positions.user_id = hit.user_id AND positions.current
            ORDER BY start_month DESC, id DESC LIMIT 1) AS pos ON true
        LEFT JOIN LATERAL (
            SELECT programme, year_graduated FROM educations
            WHERE educations.user_id = hit.user_id AND educations.source = 'registration'
            ORDER BY id LIMIT 1) AS edu ON true
        ORDER BY {order}"""),
            params,
        )
        .mappings()
        .all()
    )
    if rows:
        return rows, rows[0]["total"]
    # Past the last page: no row to carry the total.
    return rows, session.execute(
        text(f"SELECT count(*) FROM ({matches}) AS counted"), params
    ).scalar()


def _ranked_page(db, viewer_id, f, source, where, params, keys, shown, order, item):
    """The page ``f`` asks for of the members of ``source`` (a table and its
    alias) matching ``where`` and ``f``'s study and words: by relevance first
    when there are words, then ``order``; each row made an ``item``.  ``keys``:
    the order's columns besides ``user_id`` and the rank."""
    alias = source.split()[1]
    study = _study_where(f, params)
    if study:
        where.append(f"{alias}.user_id IN ({study})")
    words = _words(f["q"])
    if words:
        where.append(f"{alias}.search_vector @@ {_TSQUERY}")
        params["q"] = words
    rank = f"ts_rank({alias}.search_vector, {_TSQUERY})" if words else "0"
    with db.transaction() as session:
        _begin(session, viewer_id, text_search=bool(words))
        rows, total = _page(
            session,
            source,
            f"{alias}.user_id, {keys}, {rank} AS rank",
            shown,
            where,
            params,
            ("rank DESC, " if words else "") + order,
            f["page"],
            f["per_page"],
            every_match=bool(words or study),
        )
    items = [item(row) for row in rows]
    return {"items": items, "total": total, "page": f["page"], "per_page": f["per_page"]}


def _card(row):
    return {
        "user_id": row["user_id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "headline": row["headline"],
        "role": row["role"],
        "current_position": (
            {"title": row["position_title"], "organisation": row["position_organisation"]}
            if row["position_title"] is not None
            else None
        ),
        "study": (
            {"programme": row["study_programme"], "year_graduated": row["study_year_graduated"]}
            if row["study_programme"] is not None
            else None
        ),
    }


def _study_where(f, params):
    """The subquery of the members with a study matching the programme and years
    in ``f`` (one and the same study), or None without those filters."""
    study = []
    if f["programme"]:
        # Folded prefix: "law" finds "Law" and "Law and Economics", "economie" "Économie".
        # A range (every string that starts with the prefix sorts between it and
        # it + the last code point) is exactly what the folded index answers.
        study.append(
            "profiles_fold(e.programme) ~>=~ profiles_fold(:programme) AND "
            "profiles_fold(e.programme) ~<~ (profiles_fold(:programme) || chr(1114111))"
        )
        params["programme"] = f["programme"]
    if f["graduated_from"]:
        study.append("e.year_graduated >= :graduated_from")
        params["graduated_from"] = f["graduated_from"]
    if f["graduated_to"]:
        study.append("e.year_graduated <= :graduated_to")
        params["graduated_to"] = f["graduated_to"]
    return ("SELECT e.user_id FROM educations e WHERE " + " AND ".join(study)) if study else None


def search_mentors(
    db,
    viewer_id,
    q=None,
    sector=None,
    activity=None,
    programme=None,
    graduated_from=None,
    graduated_to=None,
    country=None,
    language=None,
    page=1,
    per_page=20,
):
    """Open mentors (available, verified, room left) other than the viewer, matching
    every filter given; by relevance when ``q`` is given, else most room left first,
    then by name.  Values may be strings (as in a URL); they are checked first."""
    f = parse_mentor_filters(
        {
            name: value
            for name, value in {
                "q": q,
                "sector": sector,
                "activity": activity,
                "programme": programme,
                "graduated_from": graduated_from,
                "graduated_to": graduated_to,
                "country": country,
                "language": language,
                "page": page,
                "per_page": per_page,
            }.items()
            if value is not None
        }
    )
    return _search_mentors(db, viewer_id, f)


def search_mentors_with(db, viewer_id, filters):
    """``search_mentors`` with the query parameters as one dict, as the gateway
    passes them (strings; unknown names refused)."""
    return _search_mentors(db, viewer_id, parse_mentor_filters(filters))


def _search_mentors(db, viewer_id, f):
    """The search itself, for filters ``parse_mentor_filters`` has checked."""
    where = ["m.user_id <> :viewer"]
    params = {"viewer": str(viewer_id or "")}
    # The arrays are varchar[]: the value is cast to match, or the GIN index goes unused.
    for name, column, size in (
        ("sector", "sectors", 60),
        ("activity", "activities", 40),
        ("language", "languages", 2),
    ):
        if f[name]:
            where.append(f"m.{column} @> ARRAY[CAST(:{name} AS varchar({size}))]")
            params[name] = f[name]
    if f["country"]:
        where.append("m.country = :country")
        params["country"] = f["country"]
    return _ranked_page(
        db,
        viewer_id,
        f,
        "open_mentors m",
        where,
        params,
        keys="m.room_left, m.last_name, m.first_name",
        shown="m.headline, m.role, m.sectors, m.activities, m.languages",
        order="room_left DESC, last_name, first_name, user_id",
        item=lambda row: dict(
            _card(row),
            sectors=list(row["sectors"]),
            activities=list(row["activities"]),
            languages=list(row["languages"]),
            room_left=row["room_left"],
        ),
    )


def directory(
    db,
    viewer_id,
    q=None,
    page=1,
    per_page=20,
    programme=None,
    graduated_from=None,
    graduated_to=None,
):
    """Every verified member (the viewer too), by relevance when ``q`` is given,
    else by name (the page straight off the directory index); ``programme`` and
    the graduation years narrow it to one study, as in mentor search."""
    f = parse_directory_filters(
        {
            name: value
            for name, value in {
                "q": q,
                "programme": programme,
                "graduated_from": graduated_from,
                "graduated_to": graduated_to,
                "page": page,
                "per_page": per_page,
            }.items()
            if value is not None
        }
    )
    return _ranked_page(
        db,
        viewer_id,
        f,
        "profiles p",
        ["p.verified", "NOT p.suspended"],
        {},
        keys="p.last_name, p.first_name",
        shown=(
            "p.headline, p.role, EXISTS (SELECT 1 FROM open_mentors o "
            "WHERE o.user_id = hit.user_id) AS available_as_mentor"
        ),
        order="last_name, first_name, user_id",
        item=lambda row: dict(_card(row), available_as_mentor=row["available_as_mentor"]),
    )


def sector_cloud(db, language="en"):
    """Open mentors per sector of the catalogue, most first: read from the counts
    that 0004's triggers keep in step with every change to a profile."""
    with db.transaction() as session:
        return sector_cloud_in(session, language)


def sector_cloud_in(session, language="en"):
    labels = {item["id"]: item["label"] for item in config.labelled("sectors", language)}
    counts = session.execute(
        text(
            "SELECT sector, mentors FROM mentor_sector_counts WHERE mentors > 0 "
            "ORDER BY mentors DESC, sector"
        )
    ).all()
    return [
        {"sector": sector, "label": labels[sector], "count": mentors}
        for sector, mentors in counts
        if sector in labels
    ]
