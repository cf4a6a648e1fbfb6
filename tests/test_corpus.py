import shutil

import pytest

from helpers import corpus, params, paths, provinces, sources


@pytest.fixture
def corpus_copy(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(paths.CORPUS, target)
    return target


def test_loads_the_corpus_in_order():
    docs = sources.load_corpus_documents()
    meta = sources.load_corpus_metadata()
    assert [d.doc_id for d in docs] == sorted(meta["doc_id"])  # every article of the metadata, by number
    assert [d.doc_id[:3] for d in docs][:5] == ["000", "001", "002", "003", "004"]


def test_describe_counts_characters_of_normalised_text():
    docs = sources.load_corpus_documents()
    meta = sources.load_corpus_metadata()
    table = corpus.describe(docs, meta)
    first = table.iloc[0]
    assert first["characters"] == len(corpus.normalise(docs[0].raw))
    assert (table["sentences"] > 0).all()
    assert (table.set_index("doc_id").loc[[d.doc_id for d in docs[:5]], "sentences"] > 10).all()
    assert set(table["province"]) == set(meta["province"])


def test_normalise_maps_eth_to_d_with_stroke():
    assert corpus.normalise("\u00d0ảng") == "Đảng"
    assert corpus.normalise("Bạc Lie\u0302u") == "Bạc Liêu"  # decomposed → NFC


def test_sentence_split_survives_missing_space():
    assert corpus.split_sentences("Đạt 90% cả nước.Ông Thiều cho biết thêm. Hết") == [
        "Đạt 90% cả nước.", "Ông Thiều cho biết thêm.", "Hết"]


def test_sentence_split_keeps_decimals_and_dates():
    assert corpus.split_sentences("Tỷ lệ đạt 12,5% ngày 23/10. Tiếp theo") == [
        "Tỷ lệ đạt 12,5% ngày 23/10.", "Tiếp theo"]


def test_non_utf8_file_is_named(corpus_copy):
    bad = corpus_copy / "002_1c5b429307902cc1.txt"
    bad.write_bytes("Bạc Liêu".encode("utf-16"))
    with pytest.raises(sources.SourceError, match=r"002_1c5b429307902cc1.txt: not valid UTF-8"):
        sources.load_corpus_documents(corpus_copy)


def test_empty_document_is_named(corpus_copy):
    (corpus_copy / "003_0f03bd98b1c07f1c.txt").write_text(" \n", encoding="utf-8")
    with pytest.raises(sources.SourceError, match=r"003_0f03bd98b1c07f1c.txt: the document is empty"):
        sources.load_corpus_documents(corpus_copy)


def test_document_missing_from_metadata_is_named(corpus_copy):
    (corpus_copy / "999_unknown.txt").write_text("Văn bản", encoding="utf-8")
    with pytest.raises(sources.SourceError, match=r"999_unknown.txt: document id '999_unknown' is not in metadata"):
        sources.load_corpus_documents(corpus_copy)


def test_articles_about_checks_the_parameter_and_names_what_is_allowed():
    meta = sources.load_corpus_metadata()
    assert set(params.articles_about(meta, "provinces", "ben-tre")["province"]) == {"Bến Tre"}
    assert params.articles_about(meta, "provinces", "all")["doc_id"].tolist() == meta["doc_id"].tolist()
    with pytest.raises(params.ParameterError, match=r"parameter provinces='bac-liu'.*did you mean 'bac-lieu'"):
        params.articles_about(meta, "provinces", "bac-liu")
    elsewhere = meta.copy()
    elsewhere.loc[elsewhere.index[-1], "gso_code"] = ""  # an article about a place that is not one of the 63
    assert params.articles_about(elsewhere, "provinces", "all")["doc_id"].tolist() == meta["doc_id"].tolist()
    absent = next(c for c in sorted(provinces.load_reference()["gso_code"]) if c not in set(meta["gso_code"]))
    name = provinces.name_of(absent)
    with pytest.raises(params.ParameterError, match=rf"the corpus has no article about {name}; allowed: 'all' or slugs"):
        params.articles_about(meta, "provinces", provinces.slugify(name))


def test_prepare_maps_back_to_raw_offsets():
    raw = "Ðến nay đạt 95%.\n|\nẢnh minh họa |\n- Tin 1 ngày 2\n- Tin 2 có 58 người\n"
    prep = corpus.prepare(raw, "x")
    assert prep.text == "Đến nay đạt 95%.\nẢnh minh họa\n"
    i = prep.text.index("95%")
    a, b = prep.raw_span(i, i + 3)
    assert raw[a:b] == "95%"
    assert [r[2] for r in prep.removed].count("related-article list at the end of the page") == 2


def test_prepare_composes_decomposed_characters_with_raw_span():
    raw = "Bạc Lie\u0302u 1.412 trạm"
    prep = corpus.prepare(raw)
    assert prep.text == "Bạc Liêu 1.412 trạm"
    i = prep.text.index("Liêu")
    a, b = prep.raw_span(i, i + 4)
    assert raw[a:b] == "Lie\u0302u"


def test_sentence_split_keeps_abbreviations():
    assert corpus.split_sentences("tại chợ Hộ Phòng (TX. Giá Rai). Ngoài ra") == [
        "tại chợ Hộ Phòng (TX. Giá Rai).", "Ngoài ra"]


def test_real_corpus_boilerplate_removed():
    docs = {d.doc_id[:3]: d for d in sources.load_corpus_documents()}
    p1 = corpus.prepare(docs["001"].raw)
    assert "Trao chứng chỉ bồi dưỡng tiếng Khmer" not in p1.text and p1.text.rstrip().endswith("HOÀNG LAM")
    p3 = corpus.prepare(docs["003"].raw)
    assert "\n|\n" not in p3.text and " |" not in p3.text
