"""What no input may hold, whatever its field, and how far a list may be paged.

These rules hold for every value that reaches a service, from the gateway
(the JSON body, the query string, the path) and over RPC alike, so they are
checked where input enters rather than by each field's schema:

- no NUL character: PostgreSQL cannot store one in text;
- no lone UTF-16 surrogate (``"\\ud800"`` is valid JSON): it cannot be
  encoded as UTF-8, so neither the database nor an e-mail can take it;
- no nesting deeper than :data:`MAX_DEPTH`: no request of this API needs more
  than a few levels, and a deeper one would only exhaust a parser's stack;
- no whole number beyond PostgreSQL's ``bigint``: no identifier, count or
  year is that large, and the database would refuse it with an error instead
  of a refusal that names the field.

Paging is bounded here too (:func:`paging`), once for every list.
"""

import re

from mentornet_contracts.errors import InvalidInput

MAX_DEPTH = 32
BIGINT = 2**63 - 1
MAX_PAGE = 1000  # a deep page costs a scan of every row before it
MAX_PER_PAGE = 50

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value):
    """Why ``value`` (a string) cannot be taken, or None."""
    bad = _UNSTORABLE.search(value)
    if bad is None:
        return None
    if bad.group() == "\x00":
        return "Must not contain the NUL character (\\u0000)."
    return "Must be valid Unicode text: a lone surrogate (\\ud800 to \\udfff) is not."


def printable_name(name):
    """A field name fit to be sent back (a bad character in a key becomes U+FFFD)."""
    return _UNSTORABLE.sub("\ufffd", name)


def problems(value, name=""):
    """Every place in ``value`` (JSON-like: dicts, lists, strings, numbers) that
    breaks the rules above, as ``{field path: [message]}``; the path is dotted
    (``positions.0.title``) from ``name``.  Walks without recursion, so a deeply
    nested value cannot exhaust the stack here either."""
    found = {}
    pending = [(value, name, 0)]
    while pending:
        item, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            found[printable_name(path) or "(body)"] = [
                f"Nested too deeply: at most {MAX_DEPTH} levels of objects and lists."
            ]
            continue
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                found[printable_name(path) or "(body)"] = [problem]
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -BIGINT <= item <= BIGINT:
                found[printable_name(path) or "(body)"] = ["Too large a number."]
        elif isinstance(item, dict):
            for key, child in item.items():
                key = str(key)
                child_path = f"{path}.{key}" if path else key
                problem = text_problem(key)
                if problem:
                    found[printable_name(child_path)] = [problem]
                    continue
                pending.append((child, child_path, depth + 1))
        elif isinstance(item, (list, tuple)):
            for index, child in enumerate(item):
                pending.append((child, f"{path}.{index}" if path else str(index), depth + 1))
    return found


def too_deep(value):
    """True when ``value`` nests deeper than :data:`MAX_DEPTH` (checked first,
    so a hostile body gets one clear answer rather than a field per level)."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend((child, depth + 1) for child in item)
    return False


def refuse_unstorable(named_values, message="Some fields need your attention."):
    """Raise an InvalidInput naming every bad place in the values of
    ``named_values`` (each checked from its own name and depth, as a request
    body is), if any."""
    found = {}
    for name, value in named_values.items():
        found.update(problems(value, str(name)))
    if found:
        raise InvalidInput("invalid_input", message, found)


# -- paging ------------------------------------------------------------------------
def whole_number(value, name, problems_found, low, high, default=None):
    """``value`` (a number, or digits as a URL carries them) as an int in
    ``low..high``; otherwise ``default``, with the reason in ``problems_found``."""
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        problems_found[name] = ["Must be a whole number."]
        return default
    try:
        number = int(value)
    except ValueError:
        problems_found[name] = ["Must be a whole number."]
        return default
    if not low <= number <= high:
        problems_found[name] = [f"Must be between {low} and {high}."]
        return default
    return number


def paging(page, per_page, problems_found, default_per_page=20):
    """(page, per_page) checked once for every list: page 1 to :data:`MAX_PAGE`,
    per_page 1 to :data:`MAX_PER_PAGE`; problems go into ``problems_found``."""
    return (
        whole_number(page, "page", problems_found, 1, MAX_PAGE, 1),
        whole_number(per_page, "per_page", problems_found, 1, MAX_PER_PAGE, default_per_page),
    )


def page_and_size(page, per_page, default_per_page=20):
    """:func:`paging`, raising an InvalidInput that names each bad parameter."""
    found = {}
    result = paging(page, per_page, found, default_per_page)
    if found:
        raise InvalidInput("invalid_input", "Some paging parameters need your attention.", found)
    return result
