"""LinkedIn's "Get a copy of your data" archive: checked as a ZIP, its CSVs
read by their real column names, turned into the profile's own fields.

Nothing is extracted to disk.  The ZIP is refused when it is not one, has too
many entries, an entry with a path trick (absolute, ``..``, a backslash or a
drive), an encrypted or duplicated entry, or an entry whose size (declared,
or as actually read: a declared size can lie) or compression ratio is beyond
bounds: a ZIP bomb stops at the first byte over.  Only ``Profile.csv``,
``Positions.csv`` and ``Education.csv`` are read; everything else in the
archive is ignored.

The columns (as LinkedIn's exports name them):

- Profile.csv: First Name, Last Name, Maiden Name, Address, Birth Date,
  Headline, Summary, Industry, Zip Code, Geo Location, Twitter Handles,
  Websites, Instant Messengers (names, headline and summary are used);
- Positions.csv: Company Name, Title, Description, Location, Started On,
  Finished On (no Finished On: the position is current);
- Education.csv: School Name, Start Date, End Date, Notes, Degree Name,
  Activities.

Dates come as "Jan 2019", "2019" or "2019-01" depending on the export; what
cannot be read is passed on as written, so the profile's own check names it.
The profile service validates every row; this module only maps columns.
"""

import csv
import io
import re
import zipfile
import zlib

MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # one CSV, uncompressed
MAX_TOTAL_BYTES = 8 * 1024 * 1024  # the three we read, together
MAX_RATIO = 100  # uncompressed / compressed, per entry read
MAX_ROWS = 500
FILES = ("Profile.csv", "Positions.csv", "Education.csv")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def N_(text):
    """Marks a refusal for the catalogue; the page translates it when shown."""
    return text


class ArchiveRefused(Exception):
    """The upload is not an archive we read; ``message`` says why (a msgid)."""

    def __init__(self, message, **params):
        super().__init__(message)
        self.message, self.params = message, params


def _safe_name(name):
    return not (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in name
        or any(part in ("..", ".") for part in name.split("/"))
    )


def _read(archive, info):
    if info.flag_bits & 0x1:
        raise ArchiveRefused(N_("The archive has an encrypted file."))
    if info.file_size > MAX_ENTRY_BYTES:
        raise ArchiveRefused(N_("A file in the archive is too large."))
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise ArchiveRefused(N_("A file in the archive is compressed suspiciously well."))
    with archive.open(info) as stream:
        data = stream.read(MAX_ENTRY_BYTES + 1)  # never trust the declared size
    if len(data) > MAX_ENTRY_BYTES:
        raise ArchiveRefused(N_("A file in the archive is too large."))
    return data


def read_archive(raw):
    """{file name: ([row dicts], [the line each row starts on])} for the three
    CSVs the archive holds (a quoted cell may span lines)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ArchiveRefused(N_("This is not a ZIP archive."))
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ArchiveRefused(N_("The archive has too many files."))
        seen, wanted = set(), {}
        for info in entries:
            if not _safe_name(info.filename):
                raise ArchiveRefused(N_("The archive has a file with an unsafe name."))
            if info.filename in seen:
                raise ArchiveRefused(N_("The archive names a file twice."))
            seen.add(info.filename)
            if info.filename in FILES:  # LinkedIn puts them at the top level
                wanted[info.filename] = info
        if not wanted:
            raise ArchiveRefused(
                N_("The archive has none of Profile.csv, Positions.csv and Education.csv.")
            )
        total, tables = 0, {}
        for name, info in wanted.items():
            try:
                data = _read(archive, info)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
                # A wrong checksum or size, a truncated stream, an unknown method.
                raise ArchiveRefused(N_("A file in the archive is damaged."))
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise ArchiveRefused(N_("The archive is too large."))
            tables[name] = _rows(name, data)
        return tables


def _rows(name, data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchiveRefused(N_("%(file)s is not UTF-8 text."), file=name)
    if "\x00" in text:
        raise ArchiveRefused(N_("%(file)s is not UTF-8 text."), file=name)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        rows, lines, previous = [], [], 1
        for row in reader:
            lines.append(previous + 1)
            previous = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise ArchiveRefused(N_("%(file)s has too many rows."), file=name)
            if None in row:  # more cells than columns
                raise ArchiveRefused(
                    N_("%(file)s, line %(line)s, has more cells than columns."),
                    file=name,
                    line=reader.line_num,
                )
            rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k})
        return rows, lines
    except csv.Error:
        raise ArchiveRefused(N_("%(file)s is not a CSV file."), file=name)


def month(value):
    """'Jan 2019' / '2019-01' / '2019' as 'YYYY-MM'; otherwise as written (the
    profile's check then names it); '' as None."""
    value = (value or "").strip()
    if not value:
        return None
    found = re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{4})", value)
    if found and found.group(1).lower() in MONTHS:
        return f"{found.group(2)}-{MONTHS[found.group(1).lower()]:02d}"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return value
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01"
    return value


def year(value):
    value = (value or "").strip()
    found = re.search(r"(\d{4})$", value)
    if not value:
        return None
    return int(found.group(1)) if found else value


def changes_from(tables):
    """The profile's fields (as ``import_from_linkedin`` takes them), and for
    each list the line of the CSV each row starts on (to name a refused one)."""
    changes, lines = {}, {}
    profile_rows = tables.get("Profile.csv", ([], []))[0]
    if profile_rows:
        row = profile_rows[0]
        for column, field in (
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Headline", "headline"),
            ("Summary", "bio"),
        ):
            if row.get(column):
                changes[field] = row[column]
    if "Positions.csv" in tables:
        changes["positions"] = []
        rows, lines["positions"] = tables["Positions.csv"]
        for row in rows:
            end = month(row.get("Finished On"))
            changes["positions"].append(
                {
                    "organisation": row.get("Company Name", ""),
                    "title": row.get("Title", ""),
                    "location": row.get("Location", ""),
                    "start_month": month(row.get("Started On")),
                    "end_month": end,
                    "current": end is None,
                }
            )
    if "Education.csv" in tables:
        changes["education"] = []
        rows, lines["education"] = tables["Education.csv"]
        for row in rows:
            changes["education"].append(
                {
                    "institution": row.get("School Name", ""),
                    "programme": row.get("Degree Name", "") or row.get("Notes", ""),
                    "year_started": year(row.get("Start Date")),
                    "year_graduated": year(row.get("End Date")),
                }
            )
    # A position without a start date cannot be on the profile: the check names it.
    for position in changes.get("positions", []):
        if position["start_month"] is None:
            position.pop("start_month")
    return changes, lines
