"""Bad inputs of every kind a user can hand the ingest, made at test time (big ones sparse or
compressed, so nothing big is committed), each with the refusal kind it must get."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.pdf_maker import make_pdf

TEXT_EN = "Enterprises should first take stock of their key equipment, then connect it to the cloud in batches. "
TEXT_ZH = "企业应先摸清设备底数，再分批推进设备联网改造，并按月复盘设备综合效率。"


def _real_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("设备联网", level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_content_types(content_types: bytes) -> bytes:
    """A real .docx whose [Content_Types].xml is replaced: python-docx fails on it with an
    AttributeError (no ``overrides``), which once ended the whole run with a traceback."""
    source = zipfile.ZipFile(io.BytesIO(_real_docx(TEXT_ZH * 3)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name in source.namelist():
            package.writestr(name, content_types if name == "[Content_Types].xml" else source.read(name))
    return out.getvalue()


def write_zip_bomb(path: Path, unpacked_mb: int) -> None:
    """A zip renamed .docx holding ``unpacked_mb`` MB of zeros (a few hundred KB packed)."""
    block = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(block)


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([TEXT_EN * 3]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_sparse(path: Path, size_mb: int) -> None:
    """A file of ``size_mb`` MB that takes no disk space (a hole): reading it would still cost
    that much memory, so only a refusal from its size is quick."""
    with open(path, "wb") as f:
        f.truncate(size_mb * 1024 * 1024)


def make_bad_inputs(folder: Path) -> dict[str, str]:
    """Write the bad files into ``folder``; returns {file name: expected refusal kind}."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def put(name: str, data: bytes, kind: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = kind

    put("zero-bytes.txt", b"", "empty")
    put("no-pages.pdf", make_pdf([]), "pdf_no_pages")
    put("truncated.pdf", make_pdf([TEXT_EN * 5])[:300], "pdf_truncated")
    put("corrupt.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\ntrailer\n<< /Root 99 0 R >>\n%%EOF\n",
        "pdf_corrupt")
    put("encrypted.pdf", encrypted_pdf(), "pdf_encrypted")
    put("image-only-scan.pdf", make_pdf(["", ""]), "ocr_no_text")  # OCR'd, and nothing on its pages
    put("glyph-names.pdf", make_pdf(["/G21/G22/G23/G24 /G25/G26/G27/G28 /G2A/G2B " * 12]), "glyph_names")
    put("not-a-zip.docx", b"This is a plain text file that someone renamed to .docx.\n" * 5, "docx_not_zip")
    put("bad-content-types.docx", docx_with_content_types(
        b'<?xml version="1.0"?><Types><Default Extension="xml" ContentType="application/xml"/></Types>'),
        "docx_malformed")
    put("not-xml-content-types.docx", docx_with_content_types(b"hello"), "docx_malformed")
    write_zip_bomb(folder / "zip-bomb.docx", unpacked_mb=64)
    expected["zip-bomb.docx"] = "zip_bomb"
    put("scripts-only.html", b"<html><head><style>body{color:red}</style><script>var a = 1; alert(a);</script>"
                             b"</head><body><script>document.write('hi')</script></body></html>", "no_text")
    put("binary.txt", bytes(range(256)) * 64, "binary")
    write_sparse(folder / "huge-200mb.txt", 200)
    expected["huge-200mb.txt"] = "too_big"
    put("control\x1b[31mchars\n.txt", (TEXT_EN * 3).encode(), "bad_name")
    put("notes.xyz", b"some notes", "unsupported")
    put("bad-front-matter.md", b"---\ntitle: [unclosed\n---\n# Title\n\n" + (TEXT_ZH * 3).encode(), "front_matter")
    return expected
