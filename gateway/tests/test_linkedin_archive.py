"""LinkedIn's archive read safely: a ZIP checked for path tricks and bombs,
the CSVs by their real column names, dates as the exports write them."""

import io
import zipfile

import pytest

from gateway import linkedin_archive as archive
from gateway.linkedin_archive import ArchiveRefused

PROFILE = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
    "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
    'Sanne,de Vries,,,,Curator at a museum,"Two lines,\nof summary",,,,,,\n'
)
POSITIONS = (
    "Company Name,Title,Description,Location,Started On,Finished On\n"
    'Rijksmuseum,Curator,"Looks after\nthe collection",Amsterdam,Jan 2019,\n'
    "Stadsarchief,Archivist,,,2015,Dec 2018\n"
)
EDUCATION = (
    "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
    "Universiteit Leiden,2010,2014,,MA History,\n"
)


def zipped(files, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_an_archive_becomes_the_profiles_fields_with_each_rows_line():
    tables = archive.read_archive(
        zipped(
            {
                "Profile.csv": PROFILE,
                "Positions.csv": POSITIONS,
                "Education.csv": EDUCATION,
                "Connections.csv": "x",
                "messages/messages.csv": "ignored",
            }
        )
    )
    changes, lines = archive.changes_from(tables)
    assert changes["first_name"] == "Sanne" and changes["bio"] == "Two lines,\nof summary"
    assert changes["positions"] == [
        {
            "organisation": "Rijksmuseum",
            "title": "Curator",
            "location": "Amsterdam",
            "start_month": "2019-01",
            "end_month": None,
            "current": True,
        },
        {
            "organisation": "Stadsarchief",
            "title": "Archivist",
            "location": "",
            "start_month": "2015-01",
            "end_month": "2018-12",
            "current": False,
        },
    ]
    assert changes["education"] == [
        {
            "institution": "Universiteit Leiden",
            "programme": "MA History",
            "year_started": 2010,
            "year_graduated": 2014,
        }
    ]
    assert lines == {"positions": [2, 4], "education": [2]}  # a quoted cell spans two lines


@pytest.mark.parametrize(
    "written,read",
    [
        ("Jan 2019", "2019-01"),
        ("September 2020", "2020-09"),
        ("2019-03", "2019-03"),
        ("2019", "2019-01"),
        ("", None),
        ("Spring 2019", "Spring 2019"),
    ],
)
def test_dates_as_the_exports_write_them(written, read):
    assert archive.month(written) == read


@pytest.mark.parametrize(
    "name",
    [
        "../Profile.csv",
        "/etc/Profile.csv",
        "a/../../Positions.csv",
        "C:\\Profile.csv",
        "dir\\..\\Profile.csv",
        "./Profile.csv",
    ],
)
def test_a_path_trick_refuses_the_whole_archive(name):
    with pytest.raises(ArchiveRefused) as refused:
        archive.read_archive(zipped({"Profile.csv": PROFILE, name: "x"}))
    assert refused.value.message == "The archive has a file with an unsafe name."


def test_a_zip_bomb_stops_before_it_is_inflated():
    bomb = zipped({"Positions.csv": "A" * (50 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(ArchiveRefused) as refused:
        archive.read_archive(bomb)
    assert refused.value.message in (
        "A file in the archive is too large.",
        "A file in the archive is compressed suspiciously well.",
    )


def test_a_lying_declared_size_is_not_believed():
    data = bytearray(
        zipped({"Positions.csv": POSITIONS + "x," * 1_500_000}, compression=zipfile.ZIP_STORED)
    )
    # Shrink the declared sizes in the central directory and the local header.
    real = len(POSITIONS) + 3_000_000
    fake = (100).to_bytes(4, "little")
    data = bytes(data).replace(real.to_bytes(4, "little"), fake)
    with pytest.raises(ArchiveRefused) as refused:
        archive.read_archive(data)
    assert refused.value.message == "A file in the archive is damaged."


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"PK\x03\x04 not really", "This is not a ZIP archive."),
        (b"%PDF-1.7", "This is not a ZIP archive."),
        (
            zipped({"Notes.txt": "hello"}),
            "The archive has none of Profile.csv, Positions.csv and Education.csv.",
        ),
        (zipped({"Positions.csv": b"\xff\xfe\x00bad"}), "%(file)s is not UTF-8 text."),
        (
            zipped({"Positions.csv": "Company Name,Title\nA,B,C,D\n"}),
            "%(file)s, line %(line)s, has more cells than columns.",
        ),
        (
            zipped({f"f{i}.txt": "" for i in range(archive.MAX_ENTRIES + 1)}),
            "The archive has too many files.",
        ),
    ],
)
def test_what_is_not_an_archive_we_read_is_named(raw, message):
    with pytest.raises(ArchiveRefused) as refused:
        archive.read_archive(raw)
    assert refused.value.message == message


def test_too_many_rows_are_refused():
    rows = "Company Name,Title,Description,Location,Started On,Finished On\n" + "A,B,,,2019,\n" * (
        archive.MAX_ROWS + 1
    )
    with pytest.raises(ArchiveRefused) as refused:
        archive.read_archive(zipped({"Positions.csv": rows}))
    assert refused.value.message == "%(file)s has too many rows."
