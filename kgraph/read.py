"""Read: one report file -> a `Report` (decoded text plus what is known about it).

Formats: .txt .md .html/.htm .docx .pdf. A JSON sidecar `<stem>.json` next to any file
(keys title, date, source, url, id) overrides the metadata found in the file itself.

Offsets of later stages point into `Report.text`, so the text is never re-flowed:
- .txt is decoded with no newline translation, i.e. it equals
  `open(path, encoding=report.encoding, newline="").read()`;
- .md is the same minus its front matter: `Report.text` is the body that follows the
  closing `---` line, so offsets count from the start of the body, not of the file;
- .html/.docx/.pdf text is built by the reader (main text, paragraphs, pages), and
  offsets point into that built text.

Every problem with an input raises `ReadError`, whose message starts with the file's name.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path, PurePath

from kgraph.model import Report

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")

# Limits are module constants, read at call time, so callers and tests can change them.
MAX_TEXT_BYTES = 20 * 2**20  # raw .txt/.md/.html, and the text extracted from any format
MAX_FILE_BYTES = 100 * 2**20  # raw .docx/.pdf: containers are larger than their text
MAX_UNZIPPED_BYTES = 200 * 2**20  # declared uncompressed size of a whole DOCX
MAX_ZIP_RATIO = 100  # uncompressed/compressed, checked only on large members:
ZIP_RATIO_MIN_BYTES = 2**20  # small XML parts legitimately compress very well
MAX_TITLE_CHARS = 200
# trafilatura's precision mode drops short lines such as a "15 марта 2023 г." byline;
# those matter to us and menus/footers are removed without it.
HTML_FAVOR_PRECISION = False

META_KEYS = ("title", "date", "source", "url", "id")


class ReadError(Exception):
    """A report file that cannot be read; the message names the file and the problem."""


# --- public API -------------------------------------------------------------------


def read_report(path: str | Path, root: str | Path | None = None) -> Report:
    """Read one report. `root` (default: the file's folder) makes `Report.id` relative."""
    p = Path(path)
    label = str(path)
    size = _file_size(p, label)  # first: a folder is "a directory", not "unsupported"
    fmt, reader, limit = _format_of(p, label)
    raw = _read_bytes(p, label, size, limit)
    side_raw, side_meta = _read_sidecar(p)

    text, encoding, meta = reader(raw, label)
    if len(text) > MAX_TEXT_BYTES:
        raise ReadError(f"{label}: text too large ({len(text)} characters; limit {MAX_TEXT_BYTES})")
    meta.update(side_meta)  # the sidecar wins, including an explicit null

    title = meta["title"] if "title" in meta else _title_from_text(text, fmt)
    dt = meta["date"] if "date" in meta else _date_from_text(text)
    return Report(
        path=label,
        id=meta.get("id") or _relative_id(p, root, label),
        text=text,
        sha256=_digest(raw, side_raw),
        format=fmt,
        encoding=encoding,
        title=title,
        date=dt,
        source=meta.get("source"),
        url=meta.get("url"),
    )


def identify(path: str | Path, root: str | Path | None = None) -> tuple[str, str]:
    """(id, sha256) of a report without decoding it: what re-ingestion compares."""
    p = Path(path)
    label = str(path)
    size = _file_size(p, label)
    _, _, limit = _format_of(p, label)
    raw = _read_bytes(p, label, size, limit)
    side_raw, side_meta = _read_sidecar(p)
    return side_meta.get("id") or _relative_id(p, root, label), _digest(raw, side_raw)


def find_reports(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """Yield (file, root) for every report under `paths`.

    A folder is walked recursively and sorted; only supported extensions are kept, and
    hidden files/folders, Word lock files (~$x.docx) and JSON sidecars are skipped. Its
    root is the folder itself. A file given explicitly is yielded as is (root: its
    folder) even when unsupported or missing, so that `read_report` reports the problem
    per file, except a .json, which is a sidecar.
    """
    seen: set[str] = set()
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = ((p / rel, p) for rel in _walk(p))
        elif p.suffix.lower() == ".json":
            continue
        else:
            found = iter([(p, p.parent)])
        for file, root in found:
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                yield file, root


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as e:
        raise ReadError(f"{path}: cannot read ({e.strerror or e})") from e
    return h.hexdigest()


# --- files --------------------------------------------------------------------------


def _format_of(p: Path, label: str):
    ext = p.suffix.lower()
    if ext not in _READERS:
        hint = " (save it as .docx)" if ext in (".doc", ".rtf", ".odt") else ""
        raise ReadError(f"{label}: unsupported format {ext or '(no extension)'!r}{hint}; "
                        f"supported: {' '.join(SUPPORTED)}")
    fmt, reader, binary = _READERS[ext]
    return fmt, reader, MAX_FILE_BYTES if binary else MAX_TEXT_BYTES


def _file_size(p: Path, label: str) -> int:
    try:
        st = p.stat()
    except FileNotFoundError as e:
        raise ReadError(f"{label}: no such file") from e
    except OSError as e:
        raise ReadError(f"{label}: cannot read ({e.strerror or e})") from e
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(f"{label}: is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
        raise ReadError(f"{label}: not a regular file")
    return st.st_size


def _read_bytes(p: Path, label: str, size: int, limit: int) -> bytes:
    if size > limit:
        raise ReadError(f"{label}: file too large ({size} bytes; limit {limit})")
    try:
        with open(p, "rb") as f:
            raw = f.read(limit + 1)  # the file may have grown since stat()
    except FileNotFoundError as e:
        raise ReadError(f"{label}: no such file") from e
    except PermissionError as e:
        raise ReadError(f"{label}: permission denied") from e
    except OSError as e:
        raise ReadError(f"{label}: cannot read ({e.strerror or e})") from e
    if len(raw) > limit:
        raise ReadError(f"{label}: file too large (over {limit} bytes)")
    if not raw:
        raise ReadError(f"{label}: empty file")
    return raw


def sidecar_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.stem + ".json")


def _read_sidecar(p: Path) -> tuple[bytes | None, dict]:
    side = sidecar_path(p)
    if not side.is_file():
        return None, {}
    label = str(side)
    try:
        raw = side.read_bytes()
    except OSError as e:
        raise ReadError(f"{label}: cannot read sidecar ({e.strerror or e})") from e
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReadError(f"{label}: invalid JSON sidecar ({e})") from e
    if not isinstance(data, dict):
        raise ReadError(f"{label}: sidecar must be a JSON object, not {type(data).__name__}")
    return raw, _sidecar_meta(data, label)


def _sidecar_meta(data: dict, label: str) -> dict:
    # A key set to null (or "") means "unknown, do not guess from the text".
    meta = {}
    for key in META_KEYS:
        if key not in data:
            continue
        value = data[key]
        if key == "date" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise ReadError(f"{label}: sidecar {key!r} must be a string, not {type(value).__name__}")
        value = (value or "").strip() or None
        if key == "date" and value is not None:
            norm = normalize_date(value)
            if norm is None:
                raise ReadError(f"{label}: sidecar date {value!r} is not a date")
            value = norm
        meta[key] = value
    if "id" in meta and meta["id"] is None:
        del meta["id"]  # the id always falls back to the path
    return meta


def _relative_id(p: Path, root, label: str) -> str:
    base = os.path.abspath(root if root is not None else p.parent)
    try:
        rel = os.path.relpath(os.path.abspath(p), base)
    except ValueError as e:  # another drive on Windows
        raise ReadError(f"{label}: not under the root {root}") from e
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise ReadError(f"{label}: not under the root {root}")
    return PurePath(rel).as_posix()


def _digest(raw: bytes, side_raw: bytes | None) -> str:
    # Without a sidecar this equals sha256_file(path).
    h = hashlib.sha256(raw)
    if side_raw is not None:
        h.update(b"\0sidecar\0")
        h.update(side_raw)
    return h.hexdigest()


NOT_REPORTS = {"README", "LICENSE", "CHANGELOG", "CONTRIBUTING"}


def _walk(root: Path) -> list[PurePath]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow folder symlinks
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = PurePath(os.path.relpath(dirpath, root))
        for name in filenames:
            if name.startswith((".", "~$")) or PurePath(name).suffix.lower() not in SUPPORTED:
                continue
            if PurePath(name).stem.upper() in NOT_REPORTS:
                continue  # a folder's README describes the reports, it is not one
            found.append(rel_dir / name if str(rel_dir) != "." else PurePath(name))
    return sorted(found, key=lambda rel: rel.parts)


# --- plain text ---------------------------------------------------------------------

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# legacy Russian single-byte encodings, in order of preference on a tie
_CYRILLIC_8BIT = ("cp1251", "koi8-r", "cp866")
_SAMPLE_CHARS = 64_000  # enough to tell encodings apart; scoring 20 MB would be slow
_FREQUENT = set("оеаинтсрвл")  # ~60% of the letters of Russian prose
_WORD = re.compile(r"[^\W\d_]+")
_TYPOGRAPHY = set("«»—–…№‘’“”„•·°§±©®™\u00a0\u2009\u202f")


def decode_text(raw: bytes, label: str) -> tuple[str, str]:
    """Decode bytes to (text, encoding) so that `open(path, encoding=enc, newline="")`
    gives the same text: BOM codecs strip the BOM, nothing translates newlines."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return _checked(raw.decode(enc), label), enc
            except UnicodeDecodeError as e:
                raise ReadError(f"{label}: invalid {enc.upper()} text ({e.reason} at byte {e.start})") from e
    if b"\0" in raw:
        raise ReadError(f"{label}: binary data (NUL bytes), not text")
    try:
        return _checked(raw.decode("utf-8"), label), "utf-8"
    except UnicodeDecodeError:
        pass
    enc = _guess_cyrillic(raw) or _guess_detector(raw)
    if enc is None:
        raise ReadError(f"{label}: cannot detect the text encoding (binary file?)")
    return _checked(raw.decode(enc), label), enc


def _guess_cyrillic(raw: bytes) -> str | None:
    # Each legacy encoding decodes almost any bytes; the right one gives Russian text
    # whose letters are mostly lowercase and frequent (the others give capitals or junk).
    best, best_score = None, -1.0
    for enc in _CYRILLIC_8BIT:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _russian_score(text[:_SAMPLE_CHARS])
        if score is not None and score > best_score:
            best, best_score = enc, score
    return best


def _russian_score(text: str) -> float | None:
    nonascii = [c for c in text if ord(c) > 127]
    cyr = [c for c in nonascii if "\u0400" <= c <= "\u04ff"]
    plausible = sum(1 for c in nonascii if c in _TYPOGRAPHY) + len(cyr)
    if not cyr or plausible < 0.95 * len(nonascii):
        return None
    # Western text read as Cyrillic gives words like "йtй": a letter of each script
    words = [w for w in _WORD.findall(text) if any("\u0400" <= c <= "\u04ff" for c in w)]
    mixed = sum(1 for w in words if any(c.isascii() and c.isalpha() for c in w))
    if mixed > 0.1 * len(words):
        return None
    return sum(1 for c in cyr if c in _FREQUENT) / len(cyr)


def _guess_detector(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        return None
    enc = best.encoding
    try:
        raw.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None
    return enc


# C0 controls other than whitespace and the DOS end-of-file mark, DEL, C1 controls
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def _checked(text: str, label: str) -> str:
    if "\0" in text:
        raise ReadError(f"{label}: binary data (NUL characters), not text")
    controls = len(_CONTROL.findall(text))
    if controls > 0.01 * len(text):
        raise ReadError(f"{label}: binary data ({controls} control characters), not text")
    return text


def _read_txt(raw: bytes, label: str):
    text, enc = decode_text(raw, label)
    if not text.strip():
        raise ReadError(f"{label}: no text (only whitespace)")
    return text, enc, {}


# --- markdown -----------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _read_md(raw: bytes, label: str):
    text, enc = decode_text(raw, label)
    body, meta = split_front_matter(text)
    if not body.strip():
        raise ReadError(f"{label}: no text after the front matter")
    return body, enc, meta


def split_front_matter(text: str) -> tuple[str, dict]:
    """(body, metadata) of a markdown text. Only flat `key: value` lines are read (no
    YAML library: we need five string keys, and YAML would turn dates into objects and
    `no` into False). A block that is not such lines is a thematic break, not metadata."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    meta = {}
    for line in m.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t-":  # nested values and lists: not one of our keys
            continue
        kv = _FM_LINE.match(line)
        if not kv:
            return text, {}
        key, value = kv.group(1).lower(), _unquote(kv.group(2))
        if key in META_KEYS and value:
            meta[key] = value
    if "date" in meta:
        meta["date"] = normalize_date(meta["date"])
        if meta["date"] is None:
            del meta["date"]  # unparseable: fall back to the text
    return text[m.end():], meta


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value.split(" #")[0].strip()  # a trailing YAML comment


# --- HTML ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DATE_METAS = ("date", "article:published_time", "dc.date", "dcterms.date", "dcterms.created",
               "dc.date.issued", "og:published_time", "pubdate", "publish-date")


def _read_html(raw: bytes, label: str):
    html, enc = _decode_html(raw, label)
    doc = _parse_html(html, label)
    meta = _html_meta(doc)
    text = _html_main_text(html, label)
    if _only_links(text, doc):  # trafilatura's fallback picks up a menu on an empty page
        raise ReadError(f"{label}: no main text could be extracted from the HTML (only links)")
    if meta.get("title") and not _has_title(text, meta["title"]):
        text = meta["title"] + "\n" + text  # trafilatura drops an <h1> outside the article
    return text, enc, meta


def _decode_html(raw: bytes, label: str) -> tuple[str, str]:
    if not any(raw.startswith(bom) for bom, _ in _BOMS):
        m = _META_CHARSET.search(raw[:4096])
        declared = _codec(m.group(1).decode("ascii")) if m else None
        if declared and declared not in ("utf-16", "utf-32"):  # a lie once we read it as bytes
            try:
                return _checked(raw.decode(declared), label), declared
            except UnicodeDecodeError:
                pass  # a wrong declaration is common: detect instead
    return decode_text(raw, label)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _parse_html(html: str, label: str):
    import lxml.html

    try:
        # bytes plus an explicit encoding: lxml refuses a str with an XML declaration
        parser = lxml.html.HTMLParser(encoding="utf-8")
        return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except Exception as e:  # lxml raises several types on junk
        raise ReadError(f"{label}: not valid HTML ({e})") from e


def _html_meta(doc) -> dict:
    metas: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    site = metas.get("og:site_name")
    title = metas.get("og:title") or _html_title(doc, site)
    dt = next((d for d in (normalize_date(metas[k]) for k in _DATE_METAS if k in metas) if d), None)
    url = metas.get("og:url") or next(
        (el.get("href") for el in doc.iter("link") if "canonical" in (el.get("rel") or "").lower().split()),
        None)
    meta = {"title": _one_line(title), "date": dt, "source": site,
            "url": url if url and url.startswith(("http://", "https://")) else None}
    return {k: v for k, v in meta.items() if v}


def _html_title(doc, site: str | None) -> str | None:
    # Several <h1>s usually mean the logo is one of them: then <title> is safer.
    h1s = [t for t in (el.text_content().strip() for el in doc.iter("h1")) if t]
    if len(h1s) == 1:
        return h1s[0]
    title = next((t for t in (el.text_content().strip() for el in doc.iter("title")) if t), None)
    if title and site and _norm(title).endswith(_norm(site)) and _norm(title) != _norm(site):
        title = title.strip()[: -len(site.strip())].rstrip(" |—–-:·") or title
    return title or (h1s[0] if h1s else None)


def _html_main_text(html: str, label: str) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True,
                                   favor_precision=HTML_FAVOR_PRECISION, deduplicate=False,
                                   output_format="txt")
    except Exception as e:
        raise ReadError(f"{label}: HTML could not be parsed ({type(e).__name__}: {e})") from e
    if not text or not any(c.isalpha() for c in text):
        raise ReadError(f"{label}: no main text could be extracted from the HTML")
    return text


def _has_title(text: str, title: str) -> bool:
    # whole lines: the title's words also occur inside the first paragraph
    return _norm(title) in {_norm(line) for line in _first_lines(text, 3)}


def _only_links(text: str, doc) -> bool:
    links = {_norm(a.text_content()) for a in doc.iter("a")}
    return all(_norm(line) in links for line in text.splitlines() if line.strip())


# --- DOCX ---------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# python-docx's own template: a document made by python-docx without setting these
_DOCX_TEMPLATE_DATE = datetime(2013, 12, 23, 23, 15)


def _read_docx(raw: bytes, label: str):
    import docx

    _check_zip(raw, label, "DOCX", "word/document.xml")
    try:
        document = docx.Document(io.BytesIO(raw))
        text = "\n".join(_block_lines(document))
        meta = _docx_meta(document.core_properties)
    except Exception as e:  # corrupt parts surface as zip, XML or KeyError exceptions
        raise ReadError(f"{label}: not a valid DOCX ({type(e).__name__}: {e})") from e
    if not text.strip():
        raise ReadError(f"{label}: DOCX has no text")
    return text, None, meta


def _check_zip(raw: bytes, label: str, kind: str, required: str) -> None:
    if raw.startswith(_OLE2):
        raise ReadError(f"{label}: not a valid {kind} (a legacy Word .doc file; save it as .docx)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise ReadError(f"{label}: not a valid {kind} (truncated or corrupt zip: {e})") from e
    if required not in {i.filename for i in infos}:
        raise ReadError(f"{label}: not a valid {kind} (no {required} in the zip)")
    # zipfile never inflates a member past its declared size, so checking the
    # declarations is enough to stop a zip bomb before python-docx opens it.
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise ReadError(f"{label}: {kind} unpacks to {total} bytes (limit {MAX_UNZIPPED_BYTES}): zip bomb?")
    for i in infos:
        if i.file_size > ZIP_RATIO_MIN_BYTES and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1):
            raise ReadError(f"{label}: {kind} member {i.filename} is compressed "
                            f"{i.file_size // max(i.compress_size, 1)}:1: zip bomb?")


def _block_lines(container) -> list[str]:
    """Paragraphs and tables in document order: one line per paragraph, one per table
    row with its cells joined by tabs (a row's facts stay on one line). Headers, footers
    and footnotes are left out: they are boilerplate in reports."""
    from docx.table import Table

    lines = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_row_line(row) for row in block.rows)
        else:
            lines.append(block.text)
    return lines


def _row_line(row) -> str:
    cells, last = [], None
    for cell in row.cells:
        if cell._tc is last:  # a merged cell is repeated once per grid column it spans
            continue
        last = cell._tc
        cells.append(" ".join(line.strip() for line in _block_lines(cell) if line.strip()))
    return "\t".join(cells)


def _docx_meta(props) -> dict:
    meta = {}
    if props.title and props.title.strip():
        meta["title"] = _one_line(props.title)
    for when in (props.created, props.modified):  # the author/company is not the source
        if when and when.replace(tzinfo=None) != _DOCX_TEMPLATE_DATE:
            meta["date"] = when.date().isoformat()
            break
    return meta


# --- PDF ----------------------------------------------------------------------------

# what PDF writers put in /Title when the author did not: not a title of the report
_JUNK_PDF_TITLE = re.compile(r"^(microsoft (word|excel|powerpoint) - |untitled$|без названия$)|"
                             r"\.(docx?|rtf|odt|pdf|txt|xlsx?)$", re.I)


def _read_pdf(raw: bytes, label: str):
    import pypdf

    if b"%PDF-" not in raw[:1024]:
        raise ReadError(f"{label}: not a valid PDF (no %PDF header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            _decrypt(reader, label)
        pages = [(page.extract_text() or "").rstrip() for page in reader.pages]
        meta = _pdf_meta(reader)
    except ReadError:
        raise
    except Exception as e:  # pypdf raises many types on damaged files
        raise ReadError(f"{label}: not a valid PDF ({type(e).__name__}: {e})") from e
    # pypdf may return decomposed letters (и + combining breve for й), which NER misreads
    text = unicodedata.normalize("NFC", "\n\n".join(pages))
    if not any(c.isalpha() for c in text):
        raise ReadError(f"{label}: PDF has no text layer (scanned?)")
    return text, None, meta


def _decrypt(reader, label: str) -> None:
    # Many PDFs are encrypted with an empty user password only to restrict printing;
    # those open in any viewer and are read. Anything needing a password is refused.
    try:
        ok = reader.decrypt("")
    except Exception as e:  # e.g. AES without the optional crypto package
        raise ReadError(f"{label}: PDF is encrypted ({type(e).__name__}: {e})") from e
    if not ok:
        raise ReadError(f"{label}: PDF is encrypted (password required)")


def _pdf_meta(reader) -> dict:
    info = reader.metadata
    if info is None:
        return {}
    meta = {}
    title = _one_line(str(info.title or ""))
    if title and not _JUNK_PDF_TITLE.search(title):
        meta["title"] = title
    for attr in ("creation_date", "modification_date"):
        try:
            when = getattr(info, attr)
        except Exception:  # a malformed date string in /Info
            when = None
        if when:
            meta["date"] = when.date().isoformat()
            break
    return meta


_READERS = {  # extension -> (Report.format, reader, binary container?)
    ".txt": ("txt", _read_txt, False),
    ".md": ("md", _read_md, False),
    ".html": ("html", _read_html, False),
    ".htm": ("html", _read_html, False),
    ".docx": ("docx", _read_docx, True),
    ".pdf": ("pdf", _read_pdf, True),
}


# --- title and date -----------------------------------------------------------------

MONTHS = {"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
          "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12}
_MONTH_RE = "|".join(MONTHS)
_DATE_WORDS = re.compile(rf"(?<!\d)[«\"]?(\d{{1,2}})[»\"]?\s+({_MONTH_RE})\s+(\d{{4}})(?!\d)", re.I)
_DATE_DOTS = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])")
_DATE_ISO = re.compile(r"(?<![\d-])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d])")
_DATE_ONLY_LINE = re.compile(r"^\W*(?:дата\W*)?$|^\W*(г|года?)\W*$", re.I)
_HEAD_CHARS = 64_000  # titles and datelines are looked for in the head only
_LINE_CHARS = 1_000


def normalize_date(value: str) -> str | None:
    """ISO YYYY-MM-DD (or YYYY-MM, YYYY) from "2023-03-15", ISO datetimes, "15.03.2023",
    "15 марта 2023 г."; None when it is not a valid date."""
    s = value.strip()
    if re.fullmatch(r"\d{4}", s):
        return s
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", s)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}" if 1 <= int(m.group(2)) <= 12 else None
    m = re.match(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[T ]\d)", s)  # date or datetime
    if m:
        return _ymd(m.group(1), m.group(2), m.group(3))
    m = re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:$|\s)", s)
    if m:
        return _ymd(m.group(3), m.group(2), m.group(1))
    m = _DATE_WORDS.match(s)
    if m:
        return _ymd(m.group(3), MONTHS[m.group(2).lower()], m.group(1))
    return None


def _ymd(y, m, d) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _find_date(line: str) -> tuple[str, re.Match] | None:
    """(ISO date, match) of the leftmost valid date in a line."""
    found = []
    for m in _DATE_WORDS.finditer(line):
        found.append((_ymd(m.group(3), MONTHS[m.group(2).lower()], m.group(1)), m))
    for m in _DATE_DOTS.finditer(line):
        found.append((_ymd(m.group(3), m.group(2), m.group(1)), m))
    for m in _DATE_ISO.finditer(line):
        found.append((_ymd(m.group(1), m.group(2), m.group(3)), m))
    found = [hit for hit in found if hit[0]]
    return min(found, key=lambda hit: hit[1].start()) if found else None


def _date_from_text(text: str) -> str | None:
    for line in _first_lines(text, 3):
        hit = _find_date(line)
        if hit:
            return hit[0]
    return None


def _title_from_text(text: str, fmt: str) -> str | None:
    for line in _first_lines(text, 3):
        if fmt == "md":
            line = line.strip().strip("#").strip()
        if _is_date_line(line):
            continue  # a dateline above the heading
        title = _one_line(line)
        return title if title and len(title) < MAX_TITLE_CHARS else None
    return None


def _is_date_line(line: str) -> bool:
    hit = _find_date(line)
    if not hit:
        return False
    rest = line[: hit[1].start()] + line[hit[1].end():]
    return bool(_DATE_ONLY_LINE.match(rest.strip()))


def _first_lines(text: str, n: int) -> list[str]:
    # Only the head matters, and a text may be one 20 MB line.
    lines = []
    for line in text[:_HEAD_CHARS].splitlines():
        if line.strip():
            lines.append(line[:_LINE_CHARS])
            if len(lines) == n:
                break
    return lines


def _one_line(s: str | None) -> str | None:
    return (" ".join(s.split()) or None) if s else None


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()
