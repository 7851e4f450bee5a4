"""Each format's parser on a realistic fixture, and on the bad input each format meets."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from factwatch.errors import ConfigError, InputError
from factwatch.ingest.detect import detect_format
from factwatch.ingest.feeds import iter_feed
from factwatch.ingest.inputs import iter_input
from factwatch.ingest.ira import iter_ira
from factwatch.ingest.tables import check_mapping, iter_csv, iter_jsonl
from factwatch.ingest.telegram import iter_telegram
from factwatch.ingest.web import iter_html
from factwatch.ingest.x import iter_x
from factwatch.models import ParsedRecord, RejectedRecord

DATA = Path(__file__).parent / "data" / "ingest"


def split(items):
    items = list(items)
    return ([i for i in items if isinstance(i, ParsedRecord)], [i for i in items if isinstance(i, RejectedRecord)])


# --------------------------------------------------------------------------- detection

@pytest.mark.parametrize("name,fmt", [
    ("rss2.xml", "rss"), ("rss1.rdf", "rss"), ("atom.xml", "rss"), ("article_sr.html", "html"),
    ("posts.jsonl", "jsonl"), ("posts_map.csv", "csv"), ("ira_sample.csv", "ira"), ("x_tweets.jsonl", "x"),
    ("x_pages.jsonl", "x"), ("telegram/result.json", "telegram"),
])
def test_detects_format_of_fixture(name, fmt):
    assert detect_format(name, (DATA / name).read_bytes()[:65536]) == fmt


@pytest.mark.parametrize("name,head,fmt", [
    ("feed", b"<?xml version='1.0'?><rss version='2.0'><channel>", "rss"),
    ("page.xml", b"<!DOCTYPE html><html><body>x</body></html>", "html"),  # sniffing beats the extension
    ("export.txt", b"author_id,account_category,publish_date,content\nx,y,z,w\n", "ira"),
    ("export", b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
    ("export.json", b'{\n "name": "Kanal",\n "type": "public_channel",\n "id": 1,\n', "telegram"),
    ("data.csv.gz", b"id;poruka;autor\n1;tekst;ana\n", "csv"),
])
def test_detects_by_sniffing(name, head, fmt):
    assert detect_format(name, head) == fmt


@pytest.mark.parametrize("head,message", [
    (b"", "is empty"),
    (b"\x00\x01\x02\x03PK\x03\x04" * 100, "does not look like text"),
    (b"[1, 2, 3]", "jq -c"),
    (b"just some words without structure", "pass --format"),
])
def test_detection_errors_name_the_fix(head, message):
    with pytest.raises(InputError, match=message):
        detect_format("input.bin", head)


# --------------------------------------------------------------------------- feeds

def test_rss2_items_rejects_empty_item_keeps_headline_only():
    ok, bad = split(iter_feed((DATA / "rss2.xml").read_bytes(), name="rss2.xml"))
    assert [r.position for r in bad] == ["item 3"] and bad[0].reason == "item 3: no text or title"
    first = ok[0]
    assert first.source == "Vesti Balkan" and first.platform == "rss"
    assert first.external_id == "vb-10231" and first.url.endswith("zakon-o-medijima")
    assert first.published_at == "2024-03-01T08:15:00Z"  # +0100 converted to UTC
    assert first.author == "Jelena Marković" and first.meta["tags"] == ["Politika"]
    assert "Zakona o javnom informisanju" in first.text and "alert" not in first.text  # content:encoded, sanitised
    assert ok[-1].title.startswith("Samo naslov")


def test_rss1_rdf_and_atom():
    rdf, bad = split(iter_feed((DATA / "rss1.rdf").read_bytes(), name="rss1.rdf"))
    assert not bad and len(rdf) == 2 and rdf[0].source == "Портал МК"
    assert rdf[0].published_at == "2024-02-14T07:30:00Z"
    atom, bad = split(iter_feed((DATA / "atom.xml").read_bytes(), name="atom.xml", source="Lajme"))
    assert not bad and [a.source for a in atom] == ["Lajme", "Lajme"]
    assert atom[0].author == "Arta Krasniqi" and atom[0].published_at == "2024-01-10T09:30:00Z"
    assert atom[1].text.startswith("Policia e Kosovës")


def test_malformed_feed_keeps_recovered_entries():
    broken = (DATA / "rss2.xml").read_bytes().replace(b"</channel>\n</rss>", b"<item><title>unclosed &bogus;")
    ok, _ = split(iter_feed(broken, name="broken.xml"))
    assert len(ok) >= 3


def test_feed_without_entries_and_parse_error_fails_whole():
    with pytest.raises(InputError, match="not a readable RSS/Atom feed"):
        list(iter_feed(b"<rss><channel><title>x</tit", name="bad.xml"))
    with pytest.raises(InputError, match="no RSS or Atom feed"):
        list(iter_feed(b"<html><body>hi</body></html>", name="page.xml"))
    # An entry recovered from broken XML but with neither title nor text is a rejection.
    _, bad = split(iter_feed(b"<rss><channel><title>x</title><item><title>a</ti", name="bad.xml"))
    assert bad[0].reason == "item 1: no text or title"


def test_feed_in_cp1250_declared():
    xml = ('<?xml version="1.0" encoding="windows-1250"?><rss version="2.0"><channel><title>Dnevnik</title>'
           "<item><title>Šef države: čudna odluka</title><description>Đaci i učitelji štrajkuju.</description>"
           "</item></channel></rss>").encode("cp1250")
    ok, _ = split(iter_feed(xml, name="cp.xml"))
    assert ok[0].title == "Šef države: čudna odluka" and "Đaci" in ok[0].text


# --------------------------------------------------------------------------- web

def test_html_article_in_serbian_cyrillic():
    ok, bad = split(iter_html((DATA / "article_sr.html").read_bytes(), name="article_sr.html",
                              url="https://istinitomer.example/cirilica"))
    assert not bad and len(ok) == 1
    page = ok[0]
    assert page.title == "Нетачна тврдња о забрани ћирилице"
    assert page.author == "Марко Јовановић"
    assert page.published_at is not None and page.published_at.startswith("2024-04-05")
    assert "министарство" in page.text and "Најчитаније" not in page.text and "tracker" not in page.text
    assert page.url == "https://istinitomer.example/cirilica" and page.platform == "web"


def test_html_in_cp1251_without_charset():
    html = ("<html><body><article><p>" + "Влада је саопштила да вест о забрани није тачна. " * 12
            + "</p></article></body></html>").encode("cp1251")
    ok, _ = split(iter_html(html, name="p.html"))
    assert "саопштила" in ok[0].text


def test_html_without_main_text_is_rejected():
    ok, bad = split(iter_html(b"<html><body><script>x()</script> </body></html>", name="nav.html"))
    assert not ok and "no main text" in bad[0].reason


# --------------------------------------------------------------------------- JSONL / CSV

def test_jsonl_generic_with_default_columns():
    ok, bad = split(iter_jsonl((DATA / "posts.jsonl").open("rb"), name="posts.jsonl"))
    assert [r.external_id for r in ok] == ["p1", "p2", "p3", "p6"]
    assert ok[0].meta == {"likes": 120, "shares": 14} and ok[0].source == "posts"
    assert ok[1].author == "istina_sada" and ok[1].published_at == "2024-03-02T08:15:00Z"
    assert ok[2].published_at == "2024-03-02T09:00:00Z"  # unix seconds
    reasons = [r.reason for r in bad]
    assert reasons == [
        "line 5: invalid JSON: Expecting ',' delimiter at column 37",
        "line 6: expected a JSON object, got list",
        "line 7: no text or title",
    ]


def test_jsonl_mapping_with_dotted_paths():
    lines = (b'{"body": {"msg": "Vijest iz Sarajeva"}, "user": {"screen_name": "ba_news"}, "ts": "2024-01-01T00:00:00Z"}\n'
             b'{"user": {"screen_name": "no_text"}}\n')
    ok, bad = split(iter_jsonl(lines, name="m.jsonl",
                               mapping={"text": "body.msg", "author": "user.screen_name", "published_at": "ts"}))
    assert ok[0].text == "Vijest iz Sarajeva" and ok[0].author == "ba_news"
    assert bad[0].reason == "line 2: missing text field 'body.msg'"


def test_csv_with_map_and_multiline_quoted_field():
    mapping = {"text": "Poruka", "author": "Autor", "published_at": "Datum", "url": "Veza", "external_id": "ID"}
    ok, bad = split(iter_csv((DATA / "posts_map.csv").open("rb"), name="posts_map.csv", mapping=mapping))
    assert [r.external_id for r in ok] == ["101", "102", "104"]
    assert ok[1].text == 'Objava sa zarezom, navodnicima "citat" i\nprelomom reda u tekstu.'
    assert ok[0].published_at == "2024-03-01T09:30:00Z"  # 01.03.2024 09:30
    assert ok[2].position == "row 4 (line 6)"
    assert [r.reason for r in bad] == ["row 3: no text or title"]


def test_csv_map_naming_a_missing_column_fails_with_fix():
    with pytest.raises(InputError, match=r"no column 'content' for text.*--map text=COLUMN"):
        list(iter_csv(b"id,body\n1,x\n", name="a.csv", mapping={"text": "content"}))


def test_csv_short_row_missing_text_column():
    data = b"id,author,content\n1,ana,prvi tekst\n2,marko\n3,ivan,treci\n"
    ok, bad = split(iter_csv(data, name="s.csv", mapping={"text": "content"}))
    assert len(ok) == 2 and bad[0].reason == "row 2: missing text column 'content'"


def test_csv_semicolon_delimited_and_defaults():
    data = "id;text;author;date\n1;Zdravo Beograde;ana;2024-01-01\n".encode()
    ok, _ = split(iter_csv(data, name="s.csv"))
    assert ok[0].text == "Zdravo Beograde" and ok[0].author == "ana"


def test_csv_without_text_column_fails_whole():
    with pytest.raises(InputError, match="pass --map text=COLUMN"):
        list(iter_csv(b"a,b\n1,2\n", name="x.csv"))


def test_mapping_with_an_unknown_field_names_the_fields():
    with pytest.raises(ConfigError, match="unknown field.*fields are text, title"):
        check_mapping({"txt": "content"})


# --------------------------------------------------------------------------- IRA / X / Telegram

def test_ira_fixture():
    ok, bad = split(iter_ira((DATA / "ira_sample.csv").open("rb"), name="ira_sample.csv"))
    assert len(ok) == 3 and bad[0].reason == "row 4: no text or title"
    first = ok[0]
    assert first.author == "BALKANSTRUTH" and first.published_at == "2015-02-27T15:30:00Z"
    assert first.external_id == "570290137436811264" and first.platform == "ira"
    assert first.meta["account_category"] == "RightTroll" and first.meta["followers"] == 9636
    assert first.meta["lang"] == "en" and first.meta["retweet"] is False
    assert ok[1].meta["retweet"] is True and ok[1].meta["lang"] == "sr"
    assert ok[2].url == "https://twitter.com/NEWSBALKAN24/status/588717000000000000"


def test_ira_real_sample(shared_data):
    ok, bad = split(iter_input(str(shared_data / "ira" / "tweets_balkans_subset.csv.gz")))
    assert len(ok) + len(bad) == 3476 and len(ok) > 3400
    assert all(r.platform == "ira" and r.author for r in ok)
    assert ok[1].published_at == "2015-02-27T15:30:00Z"


def test_x_tweet_per_line():
    ok, bad = split(iter_x((DATA / "x_tweets.jsonl").open("rb"), name="x.jsonl"))
    assert len(ok) == 2 and bad[0].reason == "line 3: tweet 1765000000000000003 has no text"
    t = ok[0]
    assert t.external_id == "1765000000000000001" and t.author == "111" and t.platform == "x"
    assert t.published_at == "2024-03-05T07:30:00Z"
    assert t.meta["links"] == ["https://kosovo-police.example/jarinje"] and t.meta["hashtags"] == ["Kosovo"]
    assert t.meta["retweets"] == 12 and t.meta["views"] == 5000 and t.meta["lang"] == "en"
    assert ok[1].meta["retweet"] is True


def test_x_response_pages_map_author_ids_to_usernames():
    ok, bad = split(iter_x((DATA / "x_pages.jsonl").open("rb"), name="x_pages.jsonl"))
    assert [t.author for t in ok] == ["tirana_news", "beograd_vesti", "tirana_news"]  # page 2 reuses page 1's users
    assert ok[0].url == "https://x.com/tirana_news/status/1766000000000000001"
    assert ok[0].meta["followers"] == 15000 and ok[0].meta["mentions"] == ["edirama"]
    assert "API error page" in bad[0].reason


def test_telegram_export():
    ok, bad = split(iter_telegram((DATA / "telegram" / "result.json").open("rb"), name="result.json"))
    assert [r.external_id for r in ok] == ["1789456123/2", "1789456123/3", "1789456123/6"]
    assert [r.position for r in bad] == ["message 4"] and "photo only" in bad[0].reason  # service messages skipped
    first, linked, last = ok
    assert first.source == "Balkan Insajder" and first.url == "https://t.me/balkan_insajder/2"
    assert first.published_at == "2024-03-01T11:05:00Z" and first.meta["views"] == 15420
    assert linked.text.startswith("Прочитајте цео текст: https://news.example.ru/balkan/123 и погледајте видео")
    assert linked.meta["links"] == ["https://news.example.ru/balkan/123", "https://video.example.ru/v/9"]
    assert linked.meta["hashtags"] == ["#Kosovo"] and linked.meta["mentions"] == ["@srbija_danas"]
    assert linked.meta["forwarded_from"] == "Русские новости Балкан" and linked.meta["edited"] == "2024-03-01T14:45:10Z"
    assert last.meta["reactions"] == 127 and last.meta["forwards"] == 44


def test_telegram_without_username_has_no_url_and_truncated_keeps_earlier():
    doc = json.loads((DATA / "telegram" / "result.json").read_text(encoding="utf-8"))
    del doc["username"]
    blob = json.dumps(doc, ensure_ascii=False).encode()
    ok, _ = split(iter_telegram(blob, name="r.json"))
    assert all(r.url is None for r in ok)
    cut = blob[: blob.index(b'"id": 6')]
    ok, bad = split(iter_telegram(cut, name="r.json"))
    assert len(ok) == 2 and "invalid JSON after message" in bad[-1].reason


@pytest.mark.parametrize("blob,message", [
    (b"{not json", "not valid JSON"),
    (b'{"name": "x", "type": "public_channel"}', "no 'messages' list"),
    (b"[1, 2]", "JSON array"),
])
def test_telegram_whole_input_errors(blob, message):
    with pytest.raises(InputError, match=message):
        list(iter_telegram(blob, name="r.json"))


# --------------------------------------------------------------------------- encodings and bad bytes

SR_LATIN = "Đorđe je rekao: šta će Čačak i Niš uraditi sa ćevapima? Žalosno."
SR_CYRL = "Ђорђе је рекао да ће Србија и Косово разговарати у Бриселу."


@pytest.mark.parametrize("encoding,text", [
    ("cp1250", SR_LATIN), ("cp1251", SR_CYRL), ("utf-8-sig", SR_CYRL), ("latin-1", "Café société à Genève"),
    ("utf-16", SR_CYRL),
])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_line_formats_decode_legacy_encodings(encoding, text, fmt, tmp_path):
    if fmt == "csv":
        body = f"id,text,author\n1,\"{text}\",ana\n2,\"{text} 2\",ivan\n"
    else:
        body = "".join(json.dumps({"id": i, "text": f"{text} {i}"}, ensure_ascii=False) + "\n" for i in (1, 2))
    path = tmp_path / f"enc.{fmt}"
    path.write_bytes(body.encode(encoding))
    ok, bad = split(iter_input(str(path)))
    assert not bad and len(ok) == 2
    assert ok[0].text.startswith(text)


def test_mixed_encoding_line_is_rejected_rest_kept(tmp_path):
    good = json.dumps({"text": SR_CYRL}, ensure_ascii=False).encode("utf-8")
    bad_line = json.dumps({"text": SR_LATIN}, ensure_ascii=False).encode("cp1250")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join([good, bad_line, good]) + b"\n")
    ok, bad = split(iter_input(str(path)))
    assert len(ok) == 2 and bad[0].reason.startswith("line 2: not valid utf-8")


def test_mixed_encoding_csv_row_rejected(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("id,text\n1,dobro šefe\n".encode() + "2,loše čć\n".encode("cp1250") + "3,ćao\n".encode())
    ok, bad = split(iter_input(str(path)))
    assert [r.text for r in ok] == ["dobro šefe", "ćao"] and "line 3: not valid utf-8" in bad[0].reason


def test_html_and_script_in_fields_are_kept_for_cleaning():
    ok, _ = split(iter_jsonl(b'{"text": "<b>x</b><script>alert(1)</script>"}\n', name="h.jsonl"))
    assert ok[0].text == "<b>x</b><script>alert(1)</script>"  # cleaned by the service, not the parser


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        list(iter_input(str(empty)))
    binary = tmp_path / "blob.dat"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"does not look like text \(\d+% binary bytes\)"):
        list(iter_input(str(binary)))


def test_binary_garbage_with_explicit_format_is_rejected_per_line(tmp_path):
    path = tmp_path / "blob.jsonl"
    path.write_bytes(b"\x00\xff\xfe garbage\n" + b'{"text": "ok"}\n' + b"\x89PNG\r\n\x1a\n")
    ok, bad = split(iter_input(str(path), fmt="jsonl"))
    assert [r.text for r in ok] == ["ok"] and len(bad) >= 2


def test_gzip_file_and_truncated_gzip(tmp_path):
    data = (DATA / "posts.jsonl").read_bytes()
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(gzip.compress(data))
    ok, bad = split(iter_input(str(path)))
    assert len(ok) == 4 and len(bad) == 3
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(data * 50)[:300])
    with pytest.raises(InputError, match="truncated gzip"):
        list(iter_input(str(cut)))


def test_directory_recursive_sorted_skips_hidden():
    items = list(iter_input(str(DATA / "dir")))
    positions = [i.position for i in items]
    assert positions[0].startswith("a_feed.xml: item 1")
    assert not any(".hidden" in p or ".skip" in p for p in positions)
    assert positions[-1] == "sub/empty.csv"  # an empty member is a rejection, not a failed run
    assert isinstance(items[-1], RejectedRecord) and "is empty" in items[-1].reason


def test_missing_path():
    with pytest.raises(InputError, match="no such file or directory"):
        list(iter_input("/nonexistent/x.jsonl"))


def test_overlong_line_rejected_without_reading_it_whole(monkeypatch):
    import factwatch.ingest._io as io_mod

    monkeypatch.setattr(io_mod, "MAX_LINE_BYTES", 1000)
    data = b'{"text": "' + b"a" * 5000 + b'"}\n{"text": "short"}\n'
    ok, bad = split(iter_jsonl(io.BytesIO(data), name="long.jsonl"))
    assert [r.text for r in ok] == ["short"] and "longer than" in bad[0].reason
