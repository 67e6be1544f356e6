"""Mentoring takes few inputs (ids, a list of activities, short texts); they are
checked where they are used, in requests.py (``_text`` and the request's own
checks), and answered with InvalidInput naming the field."""
