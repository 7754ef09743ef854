from ingest.chunking import chunk_paragraphs


def test_chunks_hold_whole_sentences_within_the_size_limit() -> None:
    paragraphs = [" ".join(f"Satz Nummer {i} steht hier z. B. im Text." for i in range(40))]
    chunks = chunk_paragraphs("d", paragraphs, max_chars=300, min_chars=100)
    assert len(chunks) > 1
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(s.endswith("im Text.") for c in chunks for s in c.sentences)
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_short_heading_stays_with_following_text() -> None:
    chunks = chunk_paragraphs("d", ["Geld", "Das Land stellte 2022 38,1 Millionen Euro bereit."], min_chars=100)
    assert len(chunks) == 1 and chunks[0].text.startswith("Geld\n")


def test_ids_are_stable_and_depend_on_content_and_document() -> None:
    a = chunk_paragraphs("doc", ["Ein Satz hier."])[0]
    assert a.id == chunk_paragraphs("doc", ["Ein Satz hier."])[0].id
    assert a.id != chunk_paragraphs("doc", ["Ein anderer Satz."])[0].id
    assert a.id != chunk_paragraphs("other", ["Ein Satz hier."])[0].id


def test_no_empty_chunks() -> None:
    assert chunk_paragraphs("d", []) == []
    assert chunk_paragraphs("d", ["", "  "]) == []
