from pathlib import Path

import pytest

from ingest.loaders import LoadError, discover, load


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica, built by hand (no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def only(root: Path):
    files, warnings = discover(root)
    assert len(files) == 1, (files, warnings)
    return load(files[0])


def test_markdown_front_matter_and_markup(tmp_path: Path) -> None:
    write(
        tmp_path,
        "programmes/x.md",
        "---\ntitle: Angebot X\nplaces: [Köln]\n---\n# Angebot X\n\n- **Für** alle. [Link](http://x)\n",
    )
    doc = only(tmp_path)
    assert (doc.doc_id, doc.kind, doc.title) == ("programmes/x", "programme", "Angebot X")
    assert doc.places == ("Köln",)
    assert "Für alle. Link" in doc.text and "**" not in doc.text and "http" not in doc.text


def test_sidecar_metadata_for_text_files(tmp_path: Path) -> None:
    write(tmp_path, "press/a.txt", "Überschrift\nText.")
    write(tmp_path, "press/a.meta.json", '{"title": "Titel", "date": "2020-11-05"}')
    doc = only(tmp_path)
    assert (doc.kind, doc.title, doc.date) == ("press", "Titel", "2020-11-05")


def test_title_falls_back_to_first_line_and_date_stays_empty(tmp_path: Path) -> None:
    write(tmp_path, "press/a.txt", "\nÜberschrift der Meldung\nText.")
    doc = only(tmp_path)
    assert doc.title == "Überschrift der Meldung" and doc.date is None


def test_html_main_text_without_scripts(tmp_path: Path) -> None:
    body = "<p>Das Welcome Center erleichtert neu Zugewanderten das Ankommen im Kreis Kleve.</p>" * 3
    write(
        tmp_path,
        "a.html",
        f"<html><head><title>Seite</title><script>alert('x')</script></head><body><nav>Menü</nav><article>{body}</article></body></html>",
    )
    doc = only(tmp_path)
    assert "Welcome Center" in doc.text and "alert" not in doc.text
    assert doc.title == "Seite"


def test_pdf_text(tmp_path: Path) -> None:
    write(tmp_path, "a.pdf", minimal_pdf("KOMM-AN NRW gibt es seit 2015."))
    assert "KOMM-AN NRW gibt es seit 2015." in only(tmp_path).text


def test_broken_pdf_is_a_load_error(tmp_path: Path) -> None:
    write(tmp_path, "a.pdf", b"%PDF-1.4\nnonsense")
    files, _ = discover(tmp_path)
    with pytest.raises(LoadError, match="PDF"):
        load(files[0])


def test_invalid_utf8_is_a_load_error(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"Gr\xfc\xdfe aus K\xf6ln")
    files, _ = discover(tmp_path)
    with pytest.raises(LoadError, match="UTF-8"):
        load(files[0])


def test_broken_sidecar_is_a_load_error(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Text.")
    write(tmp_path, "a.meta.json", "{kaputt")
    files, _ = discover(tmp_path)
    with pytest.raises(LoadError, match="JSON"):
        load(files[0])


def test_unknown_types_are_skipped_with_a_warning_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path, "bild.png", b"\x89PNG")
    write(tmp_path, "ok.txt", "Text.")
    files, warnings = discover(tmp_path)
    assert [f.doc_id for f in files] == ["ok"]
    assert warnings == ["bild.png: übersprungen (Dateityp '.png' wird nicht unterstützt)"]


def test_glossary_and_sidecars_are_not_documents(tmp_path: Path) -> None:
    write(tmp_path, "glossary/glossary.yaml", "abbreviations: {}")
    write(tmp_path, "press/a.txt", "Text.")
    write(tmp_path, "press/a.meta.json", "{}")
    assert [f.doc_id for f in discover(tmp_path)[0]] == ["press/a"]


def test_symlink_loop_is_reported_not_followed_forever(tmp_path: Path) -> None:
    write(tmp_path, "sub/a.txt", "Text.")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path / "sub", target_is_directory=True)
    files, warnings = discover(tmp_path)
    assert [f.doc_id for f in files] == ["sub/a"]
    assert any("loop" in w for w in warnings)
