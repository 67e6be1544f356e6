"""How profiles compares text: folded, so that case and accents never matter, and
names with their compact forms, so that a name is found however it is typed.

``fold``: case folded (``casefold``, so ``ß`` and ``ẞ`` become ``ss``), accents
removed.  "Maaßen" -> "maassen", "Zoë Ölund" -> "zoe olund".  SQL's
``profiles_fold()`` (migrations 0004 and 0008) folds the letters of
U+00C0..U+017F the same way; a test holds the two together.

``name_forms``: the words a name is also found by, beside its own: each name
written without its spaces, hyphens and apostrophes, with and without its
particles.  "van den Berg" -> "vandenberg"; "Anne-Marie" -> "annemarie";
"d'Ancona" -> "dancona"; a middle name "van der" before the last name "Meer"
-> "vandermeer" (the Dutch tussenvoegsel kept apart from the surname).  "berg"
needs no form of its own: every word of a name is already a word of the search
text.  Particles only matter for where a compact form starts: "Ter Horst" ->
"terhorst" (no particle-free compact form: "horst" is a word already).
"""

import re
import unicodedata

# Particles of Dutch, German, French, Spanish, Portuguese and Italian surnames:
# a compact form is also made without those leading the name ("van den Berg"
# -> "vandenberg", and "de la Fuente Rivas" -> "fuenterivas").
PARTICLES = frozenset(
    {
        "van",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "de",
        "den",
        "der",
        "des",
        "het",
        "t",
        "te",
        "ten",
        "ter",
        "op",
        "in",
        "aan",
        "uit",
        "bij",
        "s",
        "d",
        "l",
        "la",
        "le",
        "les",
        "du",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "del",
        "della",
        "degli",
        "y",
        "e",
    }
)

# What separates the parts of one name: spaces, hyphens, apostrophes and dots.
_PARTS = re.compile(r"[\s\-\u2010\u2011\u2013'\u2019\u02bc`.]+")


def fold(text):
    """Case folded without accents: 'Zoë Maaßen' -> 'zoe maassen' (what search compares)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _parts(name):
    return [part for part in _PARTS.split(fold(name)) if part]


def name_forms(first_name, middle_names, last_name):
    """The compact forms of a member's names (folded, each once, in a stable
    order): what search finds them by besides the words themselves."""
    middle, last = _parts(middle_names), _parts(last_name)
    # The particles at the end of the middle names belong to the surname
    # ("van der" + "Meer"), the other middle names do not.
    split = len(middle)
    while split and middle[split - 1] in PARTICLES:
        split -= 1
    names = [_parts(first_name), middle[:split], middle[split:] + last]
    forms = []
    for parts in names:
        candidates = ["".join(parts)]
        start = 0
        while start < len(parts) - 1 and parts[start] in PARTICLES:
            start += 1
        candidates.append("".join(parts[start:]))
        for index, candidate in enumerate(candidates):
            words = len(parts) - (start if index else 0)
            if words > 1 and candidate not in forms:
                forms.append(candidate)
    return forms
