"""kgraph.read: every format, every encoding and every bad input, on real files in tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest

from kgraph import read
from kgraph.read import SUPPORTED, ReadError, find_reports, read_report, sha256_file

FIXTURES = Path(__file__).parent / "fixtures" / "read"

TEXT = (
    "Отчёт о проведении Недели детской книги\n"
    "15 марта 2023 г.\n"
    "\n"
    "В Центральной городской библиотеке имени И. А. Бунина прошла встреча с писателем.\n"
    "Ведущая — библиотекарь Мария Ивановна Петрова («Школа № 12»).\n"
)


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


# --- plain text and encodings -------------------------------------------------------


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),  # Python writes a LE BOM
    ("utf-16-be-bom", "utf-16"),
    ("cp1251", "cp1251"),
    ("koi8-r", "koi8-r"),
    ("cp866", "cp866"),
    ("utf-32", "utf-32"),
])
def test_encodings_give_the_same_text(tmp_path, encoding, expected):
    text = TEXT
    if encoding in ("koi8-r", "cp866"):  # no «» — № in these
        text = TEXT.translate(str.maketrans({"—": "-", "«": '"', "»": '"', "№": "N"}))
    if encoding == "utf-16-be-bom":
        raw = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        raw = text.encode(encoding)
    path = write(tmp_path / "report.txt", raw)
    report = read_report(path)
    assert report.text == text
    assert "\ufeff" not in report.text
    assert report.encoding == expected
    # the encoding reported reproduces the text exactly with a plain open()
    with open(path, encoding=report.encoding, newline="") as f:
        assert f.read() == report.text
    assert report.format == "txt"
    assert report.title == "Отчёт о проведении Недели детской книги"
    assert report.date == "2023-03-15"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251"])
def test_crlf_is_kept_and_offsets_match_the_file(tmp_path, encoding):
    crlf = TEXT.replace("\n", "\r\n")
    path = write(tmp_path / "crlf.txt", crlf, encoding)
    report = read_report(path)
    assert report.text == crlf
    assert report.text.count("\r\n") == TEXT.count("\n")
    with open(path, encoding=report.encoding, newline="") as f:
        on_disk = f.read()
    start = report.text.index("Мария Ивановна Петрова")
    assert on_disk[start:start + len("Мария Ивановна Петрова")] == "Мария Ивановна Петрова"
    assert report.title == "Отчёт о проведении Недели детской книги"  # no trailing \r


def test_charset_normalizer_fallback_for_other_encodings(tmp_path):
    # Latin-only non-UTF-8 text is not Cyrillic: the deterministic guesses refuse it
    text = "Rapport d'activité de la bibliothèque municipale, édition été 2023. " * 5
    report = read_report(write(tmp_path / "fr.txt", text, "latin-1"))
    assert report.text == text
    assert report.encoding


def test_title_and_date_fallbacks(tmp_path):
    long_first = "А" * 250 + "\nвторая строка\n"
    assert read_report(write(tmp_path / "long.txt", long_first)).title is None
    report = read_report(write(tmp_path / "dateline.txt", "\n\n15.03.2023\nИтоги года в библиотеке\nтекст"))
    assert report.title == "Итоги года в библиотеке"  # a bare dateline is not a title
    assert report.date == "2023-03-15"
    late = read_report(write(tmp_path / "late.txt", "a\nb\nc\nd 15.03.2023\n"))
    assert late.date is None  # only the first three lines are searched
    bad = read_report(write(tmp_path / "bad.txt", "Отчёт\n31.02.2023\n"))
    assert bad.date is None


@pytest.mark.parametrize("value, iso", [
    ("2023-03-15", "2023-03-15"),
    ("15.03.2023", "2023-03-15"),
    ("5.3.2023", "2023-03-05"),
    ("2023-03-15T10:30:00+03:00", "2023-03-15"),
    ("2023-03-15 10:30", "2023-03-15"),
    ("15 марта 2023 г.", "2023-03-15"),
    ("«1» ДЕКАБРЯ 2022 года", "2022-12-01"),
    ("2023-03", "2023-03"),
    ("2023", "2023"),
    ("30.02.2023", None),
    ("вчера", None),
])
def test_normalize_date(value, iso):
    assert read.normalize_date(value) == iso


# --- markdown -----------------------------------------------------------------------

MD = (
    "---\n"
    "title: \"Квест в библиотеке\"\n"
    "date: 15.03.2023\n"
    "source: ЦБС г. Орла  # the publisher\n"
    "url: https://cbs-orel.example.ru/news/1\n"
    "tags:\n"
    "  - квест\n"
    "---\n"
    "# Библиотечный квест\n"
    "\n"
    "Прошёл квест для **школьников**.\n"
)


def test_markdown_front_matter_is_metadata_and_text_is_the_body(tmp_path):
    report = read_report(write(tmp_path / "news.md", MD))
    body = MD.split("---\n", 2)[2]
    assert report.text == body  # offsets count from the start of the body
    assert report.text.startswith("# Библиотечный квест")
    assert (report.title, report.date, report.source, report.url) == (
        "Квест в библиотеке", "2023-03-15", "ЦБС г. Орла", "https://cbs-orel.example.ru/news/1")
    assert report.format == "md"


def test_markdown_crlf_front_matter_and_heading_title(tmp_path):
    md = "---\r\nid: reports/2023/kvest\r\n---\r\n## Квест\r\nТекст\r\n"
    report = read_report(write(tmp_path / "x.md", md))
    assert report.text == "## Квест\r\nТекст\r\n"
    assert report.id == "reports/2023/kvest"
    assert report.title == "Квест"  # heading markers are not part of the title


def test_markdown_with_bom_and_front_matter(tmp_path):
    report = read_report(write(tmp_path / "bom.md", MD, "utf-8-sig"))
    assert report.encoding == "utf-8-sig"
    assert report.title == "Квест в библиотеке"
    assert report.text.startswith("# Библиотечный квест")


def test_markdown_thematic_break_is_not_front_matter(tmp_path):
    md = "---\nПросто текст после линии.\n---\nЕщё текст.\n"
    report = read_report(write(tmp_path / "hr.md", md))
    assert report.text == md


# --- sidecar, sha256 and ids ---------------------------------------------------------


def test_sidecar_metadata_wins(tmp_path):
    path = write(tmp_path / "news.md", MD)
    write(tmp_path / "news.json", json.dumps({
        "title": "Исправленный заголовок", "date": "2023-03-16", "source": "ЦГБ им. Бунина",
        "id": "orel/2023/kvest", "ignored": 1}, ensure_ascii=False))
    report = read_report(path)
    assert report.title == "Исправленный заголовок"
    assert report.date == "2023-03-16"
    assert report.source == "ЦГБ им. Бунина"
    assert report.url == "https://cbs-orel.example.ru/news/1"  # not overridden: kept
    assert report.id == "orel/2023/kvest"


def test_sidecar_null_means_unknown_and_dates_are_normalised(tmp_path):
    path = write(tmp_path / "r.txt", TEXT)
    write(tmp_path / "r.json", '{"date": null, "title": "Т", "url": "https://x.example/r"}')
    report = read_report(path)
    assert report.date is None  # not guessed from the text
    write(tmp_path / "r.json", '{"date": "15 марта 2023 г."}')
    assert read_report(path).date == "2023-03-15"
    write(tmp_path / "r.json", '{"date": "никогда"}')
    with pytest.raises(ReadError, match=r"r\.json.*date"):
        read_report(path)


def test_changed_sidecar_changes_sha256(tmp_path):
    path = write(tmp_path / "r.txt", TEXT)
    bare = read_report(path).sha256
    assert bare == sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    write(tmp_path / "r.json", '{"title": "Один"}')
    first = read_report(path).sha256
    write(tmp_path / "r.json", '{"title": "Два"}')
    second = read_report(path).sha256
    assert len({bare, first, second}) == 3
    assert read_report(path).sha256 == second  # stable


@pytest.mark.parametrize("content, problem", [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"title": 5}', "must be a string"),
    (b"\xff\xfe\x00garbage", "invalid JSON"),
])
def test_invalid_sidecar_names_the_sidecar(tmp_path, content, problem):
    path = write(tmp_path / "r.txt", TEXT)
    write(tmp_path / "r.json", content)
    with pytest.raises(ReadError, match="r.json") as err:
        read_report(path)
    assert problem in str(err.value)


def test_id_is_relative_to_root_with_forward_slashes(tmp_path):
    path = write(tmp_path / "2023" / "март" / "отчёт.txt", TEXT)
    assert read_report(path).id == "отчёт.txt"
    assert read_report(path, root=tmp_path).id == "2023/март/отчёт.txt"
    assert read_report(str(path), root=str(tmp_path / "2023")).id == "март/отчёт.txt"
    assert read_report(path, root=tmp_path).path == str(path)
    with pytest.raises(ReadError, match="отчёт.txt: not under the root"):
        read_report(path, root=tmp_path / "other")


@pytest.mark.parametrize("name", [
    "отчёт за март 2023.txt",
    'отчёт "кавычки" и «ёлочки».md',
    "it's a report (копия).htm",
    "  пробелы  .docx",
])
def test_odd_file_names_work(tmp_path, name, monkeypatch):
    path = tmp_path / "папка с пробелом" / name
    if path.suffix == ".docx":
        make_docx(path, ["Отчёт о работе", "Текст отчёта."])
    elif path.suffix == ".htm":
        write(path, (FIXTURES / "news.html").read_bytes())
    else:
        write(path, TEXT)
    write(path.with_name(path.stem + ".json"), '{"source": "ЦБС"}')
    report = read_report(path, root=tmp_path)
    assert report.id == f"папка с пробелом/{name}"
    assert report.source == "ЦБС"
    assert [f for f, _ in find_reports([tmp_path])] == [path]


# --- HTML ---------------------------------------------------------------------------

MENU_AND_FOOTER = ["Главная", "О библиотеке", "Афиша мероприятий", "Электронный каталог",
                   "Все права защищены", "Политика конфиденциальности", "ул. Ленина",
                   "файлы cookie", "Поиск по сайту", "Популярное", "Неделя детской книги"]


def test_html_main_text_without_menu_and_footer(tmp_path):
    path = write(tmp_path / "kvest.html", (FIXTURES / "news.html").read_bytes())
    report = read_report(path)
    assert report.format == "html" and report.encoding == "utf-8"
    assert "Мария Ивановна Петрова" in report.text
    assert "45 школьников" in report.text
    assert "Сидоров А. В." in report.text  # tables are kept
    assert "15 марта 2023 г." in report.text  # the short byline too
    for junk in MENU_AND_FOOTER:
        assert junk not in report.text, junk
    assert report.text.splitlines()[0] == "Библиотечный квест «Тайны книжных полок»"
    assert report.title == "Библиотечный квест «Тайны книжных полок»"  # og:title, no site suffix
    assert report.date == "2023-03-15"
    assert report.url == "https://cbs-orel.example.ru/news/kvest-2023"
    assert report.source == "ЦБС г. Орла"


def test_html_title_becomes_first_line_when_trafilatura_drops_it(tmp_path):
    html = (FIXTURES / "news.html").read_text(encoding="utf-8")
    html = html.replace('<article class="news-item">\n  <h1>Библиотечный квест «Тайны книжных полок»</h1>',
                        '<div class="page-title"><h1>Библиотечный квест «Тайны книжных полок»</h1></div>'
                        '\n<article class="news-item">')
    for tag in ('<meta property="og:title" content="Библиотечный квест «Тайны книжных полок»">',
                '<meta property="article:published_time" content="2023-03-15T10:30:00+03:00">'):
        html = html.replace(tag, "")
    report = read_report(write(tmp_path / "p.html", html))
    assert report.text.splitlines()[0] == "Библиотечный квест «Тайны книжных полок»"  # from the <h1>
    assert report.text.count("Тайны книжных полок»\n") == 1
    assert report.title == "Библиотечный квест «Тайны книжных полок»"
    assert report.date == "2023-03-15"  # from the byline in the first lines


def test_html_title_when_the_logo_is_an_h1_too(tmp_path):
    html = (FIXTURES / "news.html").read_text(encoding="utf-8")
    html = html.replace('<div class="logo"><a href="/">Централизованная библиотечная система г. Орла</a></div>',
                        '<h1 class="logo"><a href="/">Централизованная библиотечная система г. Орла</a></h1>')
    html = html.replace('<meta property="og:title" content="Библиотечный квест «Тайны книжных полок»">', "")
    report = read_report(write(tmp_path / "logo.html", html))
    # two <h1>s: <title> without the site name after its dash
    assert report.title == "Библиотечный квест «Тайны книжных полок»"
    assert report.text.splitlines()[0] == "Библиотечный квест «Тайны книжных полок»"
    assert "Централизованная библиотечная система" not in report.text


def test_html_in_cp1251_with_meta_charset(tmp_path):
    html = (FIXTURES / "news.html").read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    report = read_report(write(tmp_path / "old.htm", html, "cp1251"))
    assert report.encoding == "cp1251"
    assert "Мария Ивановна Петрова" in report.text


@pytest.mark.parametrize("content", [
    "<html><head><title>Пусто</title></head><body><nav><a href='/'>Главная</a></nav></body></html>",
    "<<<>>> <!-- --> <script>var x = 1;</script>",
    "   \n  ",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
])
def test_garbage_html_raises(tmp_path, content):
    path = write(tmp_path / "junk.html", content)
    with pytest.raises(ReadError, match="junk.html"):
        read_report(path)


# --- DOCX ---------------------------------------------------------------------------


def make_docx(path: Path, paragraphs, table=None, title=None, created=None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    document.add_paragraph("После таблицы.")
    props = document.core_properties
    props.author = "Иванова"
    if title:
        props.title = title
    if created:
        props.created = created
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def test_docx_text_and_core_properties(tmp_path):
    path = make_docx(tmp_path / "report.docx",
                     ["Отчёт о работе библиотеки", "", "Провела Петрова М. И."],
                     table=[["Дата", "Мероприятие"], ["15.03.2023", "Квест"]],
                     title="Отчёт за март", created=dt.datetime(2023, 3, 20, 9, 0))
    report = read_report(path)
    assert report.text == ("Отчёт о работе библиотеки\n\nПровела Петрова М. И.\n"
                           "Дата\tМероприятие\n15.03.2023\tКвест\nПосле таблицы.")
    assert report.format == "docx" and report.encoding is None
    assert report.title == "Отчёт за март"
    assert report.date == "2023-03-20"
    assert report.source is None  # the author is not the publishing library


def test_docx_merged_cells_once_and_template_date_ignored(tmp_path):
    document = docx.Document()
    document.add_paragraph("Итоги года")
    document.add_paragraph("01.12.2022")
    t = document.add_table(rows=1, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Объединённая"
    t.cell(0, 2).text = "Третья"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    report = read_report(path)
    assert "Объединённая\tТретья" in report.text
    assert report.title == "Итоги года"
    assert report.date == "2022-12-01"  # python-docx's 2013 template date is not metadata


def test_docx_broken_files(tmp_path):
    good = make_docx(tmp_path / "good.docx", ["Текст"]).read_bytes()
    cases = {
        "truncated.docx": (good[: len(good) // 2], "truncated or corrupt zip"),
        "text.docx": ("просто текст".encode(), "not a valid DOCX"),
        "legacy.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy Word .doc"),
        "empty.docx": (b"", "empty file"),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "не docx")
    cases["otherzip.docx"] = (buf.getvalue(), "no word/document.xml")
    for name, (data, problem) in cases.items():
        with pytest.raises(ReadError, match=name) as err:
            read_report(write(tmp_path / name, data))
        assert problem in str(err.value), name


def test_docx_without_text(tmp_path):
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    with pytest.raises(ReadError, match="blank.docx: DOCX has no text"):
        read_report(path)


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    good = make_docx(tmp_path / "good.docx", ["Текст"]).read_bytes()
    buf = io.BytesIO(good)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/image1.bin", bytes(8 * 2**20))  # ~1000:1
    bomb = write(tmp_path / "bomb.docx", buf.getvalue())
    with pytest.raises(ReadError, match="bomb.docx: .*zip bomb"):
        read_report(bomb)
    monkeypatch.setattr(read, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ReadError, match="good.docx: DOCX unpacks to"):
        read_report(tmp_path / "good.docx")


# --- PDF ----------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], info: dict | None = None) -> bytes:
    """A minimal PDF: one line per text-show operator, a ToUnicode map for Cyrillic."""
    chars = sorted({ch for page in pages for line in page for ch in line}) or [" "]
    code = {ch: i + 1 for i, ch in enumerate(chars)}  # one byte per distinct character
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CMapName /Custom def /CMapType 2 def\n1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"{len(chars)} beginbfchar\n" + "".join(f"<{code[c]:02X}> <{ord(c):04X}>\n" for c in chars)
            + "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end\n").encode()
    objs: list[bytes | None] = []

    def add(body):
        objs.append(body)
        return len(objs)

    font, tounicode, pages_obj = add(None), add(None), add(None)
    kids = []
    for page in pages:
        ops = ["BT /F1 12 Tf 72 760 Td 14 TL"]
        ops += ["<" + "".join(f"{code[c]:02X}" for c in line) + "> Tj T*" for line in page]
        stream = "\n".join(ops + ["ET"]).encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 612 792] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
    objs[font - 1] = (f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 1 "
                      f"/LastChar {len(chars)} /Widths [{' '.join(['600'] * len(chars))}] "
                      f"/ToUnicode {tounicode} 0 R >>").encode()
    objs[tounicode - 1] = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    objs[pages_obj - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                           f"/Count {len(kids)} >>").encode()
    catalog = add(f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode())
    info_ref = ""
    if info:
        entries = " ".join(f"/{k} <FEFF{v.encode('utf-16-be').hex()}>" for k, v in info.items())
        info_ref = f" /Info {add(f'<< {entries} >>'.encode())} 0 R"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R{info_ref} >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


PDF_PAGES = [["Отчёт о работе библиотеки", "Провела квест Петрова М. И."], ["Вторая страница."]]


def test_pdf_text_and_metadata(tmp_path):
    path = write(tmp_path / "report.pdf", make_pdf(
        PDF_PAGES, {"Title": "Отчёт за март", "CreationDate": "D:20230320101500+03'00'"}))
    report = read_report(path)
    assert report.text == "Отчёт о работе библиотеки\nПровела квест Петрова М. И.\n\nВторая страница."
    assert report.format == "pdf" and report.encoding is None
    assert report.title == "Отчёт за март"
    assert report.date == "2023-03-20"


def test_pdf_junk_title_falls_back_to_the_text(tmp_path):
    path = write(tmp_path / "word.pdf", make_pdf(PDF_PAGES, {"Title": "Microsoft Word - отчет.docx"}))
    assert read_report(path).title == "Отчёт о работе библиотеки"


def test_pdf_without_text_layer(tmp_path):
    path = write(tmp_path / "scan.pdf", make_pdf([[], []]))
    with pytest.raises(ReadError, match=r"scan.pdf: PDF has no text layer \(scanned\?\)"):
        read_report(path)


def encrypt(data: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf(tmp_path):
    locked = write(tmp_path / "locked.pdf", encrypt(make_pdf(PDF_PAGES), "secret"))
    with pytest.raises(ReadError, match=r"locked.pdf: PDF is encrypted"):
        read_report(locked)
    # an empty user password only restricts printing: every viewer opens it, so do we
    open_pdf = write(tmp_path / "restricted.pdf", encrypt(make_pdf(PDF_PAGES), ""))
    assert "Петрова М. И." in read_report(open_pdf).text


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage without objects", b"not a pdf at all"])
def test_broken_pdf(tmp_path, data):
    with pytest.raises(ReadError, match="broken.pdf: not a valid PDF"):
        read_report(write(tmp_path / "broken.pdf", data))


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\r\n\t", "no text"),
    ("nul.txt", "текст\0текст".encode(), "binary data"),
    ("random.txt", bytes(range(1, 32)) * 50 + bytes(range(128, 256)) * 5, "binary"),
    ("image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", "binary data"),
    ("bad-utf16.txt", b"\xff\xfe\x00\xd8", "invalid UTF-16"),
    ("front-only.md", "---\ntitle: Только метаданные\n---\n\n".encode(), "no text after the front matter"),
    ("report.doc", b"\xd0\xcf\x11\xe0", "unsupported format '.doc' (save it as .docx)"),
    ("noext", b"text", "unsupported format"),
])
def test_bad_input_raises_naming_the_file(tmp_path, name, data, problem):
    path = write(tmp_path / name, data)
    with pytest.raises(ReadError) as err:
        read_report(path)
    assert str(err.value).startswith(str(path) + ":")
    assert problem in str(err.value)


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_TEXT_BYTES", 100)
    path = write(tmp_path / "big.txt", "слово " * 100)
    with pytest.raises(ReadError, match=r"big.txt: file too large"):
        read_report(path)
    monkeypatch.setattr(read, "MAX_TEXT_BYTES", 10)  # the limit applies to extracted text too
    with pytest.raises(ReadError, match=r"doc.docx: text too large"):
        read_report(make_docx(tmp_path / "doc.docx", ["Длинный абзац текста"]))
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 100)
    with pytest.raises(ReadError, match=r"doc.docx: file too large"):
        read_report(tmp_path / "doc.docx")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError, match=r"нет такого.txt: no such file"):
        read_report(tmp_path / "нет такого.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ReadError, match=r"folder.txt: is a directory"):
        read_report(folder)
    (tmp_path / "plain folder").mkdir()
    with pytest.raises(ReadError, match=r"plain folder: is a directory"):
        read_report(tmp_path / "plain folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="pipe.txt: not a regular file"):
        read_report(fifo)


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "secret.txt", TEXT)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    # chmod 000 does not stop root, which runs CI: fake the OS refusing instead
    monkeypatch.setattr(read, "open", denied, raising=False)
    with pytest.raises(ReadError, match=r"secret.txt: permission denied"):
        read_report(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_for_real(tmp_path):
    path = write(tmp_path / "secret.txt", TEXT)
    path.chmod(0)
    try:
        with pytest.raises(ReadError, match=r"secret.txt: permission denied"):
            read_report(path)
    finally:
        path.chmod(0o644)


# --- find_reports -----------------------------------------------------------------------


def test_find_reports_walks_folders_sorted_skipping_hidden_and_sidecars(tmp_path):
    root = tmp_path / "archive"
    for rel in ["b.txt", "a.md", "a.json", "z/новость.html", "z/old.HTM", "z/y/report.docx",
                "z/y/report.json", "m.pdf", ".hidden.txt", ".git/config.txt", "z/.cache/x.md",
                "~$report.docx", "notes.doc", "data.csv"]:
        write(root / rel, "x")
    found = list(find_reports([root]))
    assert [f.relative_to(root).as_posix() for f, _ in found] == [
        "a.md", "b.txt", "m.pdf", "z/old.HTM", "z/y/report.docx", "z/новость.html"]
    assert all(r == root for _, r in found)
    assert {f.suffix.lower() for f, _ in found} <= set(SUPPORTED)


def test_find_reports_files_and_roots(tmp_path):
    root = tmp_path / "archive"
    write(root / "sub" / "a.txt", TEXT)
    write(root / "sub" / "a.json", "{}")
    single = write(tmp_path / "single.md", "# x")
    found = list(find_reports([root, single, root / "sub" / "a.txt", root / "sub" / "a.json",
                               tmp_path / "missing.txt", tmp_path / "x.doc"]))
    assert found == [
        (root / "sub" / "a.txt", root),  # once, with the folder's root
        (single, tmp_path),
        (tmp_path / "missing.txt", tmp_path),  # read_report reports it
        (tmp_path / "x.doc", tmp_path),
    ]
    reports = [read_report(f, r) for f, r in found[:2]]
    assert [r.id for r in reports] == ["sub/a.txt", "single.md"]
