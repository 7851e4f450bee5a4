"""Assemble factwatch's demo corpus from the hand-written content modules in this folder.

Run: /work/main/.venv/bin/python demo/_build/build.py   (writes demo/feeds, demo/telegram, demo/social)
Deterministic: the same input gives byte-identical output.
"""
import csv, datetime as dt, json, random, re, sys
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent
sys.path.insert(0, str(HERE))
import c_kurir, c_vesti, c_bih, c_vesnik, c_lajme, c_pravda, c_telegram, c_social, routine  # noqa: E402

TZ = ZoneInfo("Europe/Belgrade")
CYR = dict(zip("абвгдђежзијклљмнњопрстћуфхцчџшАБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ",
               "a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š A B V G D Đ E Ž Z I J K L Lj M N Nj O P R S T Ć U F H C Č Dž Š".split()))
EXTRA = dict(zip("ѓќѕјљњџыэюяёъьйщ", ["gj", "kj", "dz", "j", "lj", "nj", "dz", "y", "e", "ju", "ja", "jo", "", "", "j", "sc"]))

def sr_latin(text):
    """Serbian Cyrillic -> Latin (our own table; all-caps digraphs become LJ/NJ/DŽ)."""
    out = []
    for i, ch in enumerate(text):
        lat = CYR.get(ch, ch)
        if len(lat) == 2 and lat[0].isupper():
            nxt = text[i + 1] if i + 1 < len(text) else ""
            prv = text[i - 1] if i else ""
            if nxt.isupper() or (not nxt.isalpha() and prv.isupper()):
                lat = lat.upper()
        out.append(lat)
    return "".join(out)

def slugify(title):
    s = sr_latin(title).lower()
    s = "".join(EXTRA.get(c, c) for c in s)
    s = s.translate(str.maketrans("čćžšđëç", "cczsdec"))
    words = re.findall(r"[a-z0-9]+", s)
    return "-".join(words[:6]) or "vest"

def when(md, year=2026):
    m, rest = md.split("-", 1)
    d, hm = rest.split(" ")
    h, mi = hm.split(":")
    return dt.datetime(year, int(m), int(d), int(h), int(mi), tzinfo=TZ)

def paras(body):
    return "".join(f"<p>{p}</p>" for p in body.split("\n\n"))

# ---------------------------------------------------------------------------- feed items
OUTLETS = {
 "jutarnji-kurir": dict(title="Јутарњи курир демо", host="https://demo-jutarnji-kurir.example", lang="sr", desc="Вести, друштво, спорт — ФИКТИВНИ демо извор пројекта factwatch"),
 "demo-vesti": dict(title="Demo Vesti", host="https://demo-vesti.example", lang="sr-Latn", desc="Vesti iz Srbije i sveta — FIKTIVNI demo izvor projekta factwatch"),
 "demo-portal-bih": dict(title="Demo Portal BiH", host="https://demo-portal-bih.example", lang="bs", desc="Vijesti iz Bosne i Hercegovine — FIKTIVNI demo izvor projekta factwatch"),
 "demo-vesnik": dict(title="Демо Весник", host="https://demo-vesnik.example", lang="mk", desc="Вести од Македонија — ФИКТИВЕН демо извор на проектот factwatch"),
 "demo-lajme": dict(title="Demo Lajme", host="https://demo-lajme.example", lang="sq", desc="Lajme nga Shqipëria dhe Kosova — burim FIKTIV demo i projektit factwatch"),
 "balkan-pravda": dict(title="Balkan Pravda Demo", host="https://demo-balkan-pravda.example", lang="ru", desc="Правда о Балканах — ВЫМЫШЛЕННЫЙ демо-источник проекта factwatch"),
}
SECTION = {"claim": "drustvo", "debunk": "provera", "story": "vesti", "": "vesti"}
# explicit URL paths referenced from Telegram and the social CSV
PRAVDA_SLUGS = {
 "10-02": ("ru", "bratstvo"), "10-04": ("sr", "studenti-peterburg"), "10-06": ("ru", "kfor-napadenie"), "10-09": ("ru", "gaz"),
 "10-12": ("sr", "nato-baza-nis"), "10-15": ("ru", "evropa-boitsya"), "10-20": ("ru", "kirillica"), "10-23": ("sr", "ansambl-novi-sad"),
 "10-25": ("ru", "vakciny"), "10-28": ("sr", "kursevi"), "11-02": ("sr", "eufor-odlazi"), "11-04": ("ru", "kultura"),
 "11-07": ("sr", "pasosi"), "11-09": ("ru", "diktat"), "11-11": ("ru", "chernogoriya-nato"), "11-15 09:00": ("ru", "naemniki"),
 "11-15 10:10": ("sr", "placenici"), "11-19": ("ru", "biolaboratorii"), "11-21": ("sr", "hor"), "11-25": ("ru", "sankcii"),
}
FIXED_PATHS = {("jutarnji-kurir", "k-cyr"): "drustvo/2026/10/19/brisel-cirilica", ("demo-vesti", "k-mne"): "svet/2026/11/12/crna-gora-nato"}

def item(outlet, date, author, title, body, tag, key=None, lang=None):
    d = when(date)
    # Routine items must not borrow a story's fixed slug (same day): that made two items share a link.
    if outlet == "balkan-pravda" and tag != "routine":
        sec, slug = PRAVDA_SLUGS.get(date) or PRAVDA_SLUGS.get(date[:5]) or ("ru", "servis-" + slugify(title))
        path = f"{sec}/{d:%Y/%m/%d}/{slug}"
    else:
        path = FIXED_PATHS.get((outlet, key)) or f"{SECTION[tag.split(':')[0]]}/{d:%Y/%m/%d}/{slugify(title)}"
    return dict(outlet=outlet, date=d, author=author, title=title, body=body, tag=tag, key=key,
                link=f"{OUTLETS[outlet]['host']}/{path}", lang=lang or OUTLETS[outlet]["lang"])

def routine_items(outlet, lang, n, seed):
    rng = random.Random(seed)
    out, used = [], set()
    days = [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(58)]
    picks = sorted(rng.sample(days, n))
    for i, day in enumerate(picks):
        if i % 3 == 2:
            title, body = routine.rates(lang, rng); hm = "08:30"
        else:
            title, body = routine.weather(lang, rng, day.month, day.day); hm = "06:" + str(rng.randint(10, 55))
        author = {"sq": "Redaksia", "mk": "Редакција", "ru": "Редакция", "sr": "Редакција"}.get(lang, "Redakcija")
        out.append(item(outlet, f"{day:%m-%d} {hm}", author, title, body, "routine", lang=lang))
    return out

SECTION["routine"] = "servis"

def build_items():
    feeds = {k: [] for k in OUTLETS}
    kurir_by_key = {}
    for row in c_kurir.ITEMS:
        it = item("jutarnji-kurir", *row); feeds["jutarnji-kurir"].append(it)
        if row[5]: kurir_by_key[row[5]] = row
    for key, date, author, title, added, where in c_vesti.COPIES:
        src = kurir_by_key[key]
        body = sr_latin(src[3])
        if added:
            body = f"{added}\n\n{body}" if where == "start" else f"{body}\n\n{added}"
        tag = src[4]
        feeds["demo-vesti"].append(item("demo-vesti", date, author, title, body, tag, key))
    for row in c_vesti.ITEMS: feeds["demo-vesti"].append(item("demo-vesti", *row))
    for row in c_bih.ITEMS: feeds["demo-portal-bih"].append(item("demo-portal-bih", *row))
    for row in c_vesnik.ITEMS: feeds["demo-vesnik"].append(item("demo-vesnik", *row))
    for row in c_lajme.ITEMS: feeds["demo-lajme"].append(item("demo-lajme", *row))
    for row in c_pravda.ITEMS:
        lang = "ru" if re.search(r"[ыэъё]", row[2] + row[3]) else "sr"
        feeds["balkan-pravda"].append(item("balkan-pravda", *row, lang=lang))
    routine_lang = {"jutarnji-kurir": "sr", "demo-vesti": "sr-Latn", "demo-portal-bih": "bs", "demo-vesnik": "mk", "demo-lajme": "sq", "balkan-pravda": "ru"}
    for i, (k, items) in enumerate(feeds.items()):
        items.extend(routine_items(k, routine_lang[k], max(0, 40 - len(items)), seed=1000 + i))
        items.sort(key=lambda x: x["date"])
    return feeds

def guid_for(it):
    return it["link"]

def write_rss(name, items):
    o = OUTLETS[name]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
             "<channel>", f"<title>{escape(o['title'])}</title>", f"<link>{o['host']}/</link>",
             f"<description>{escape(o['desc'])}</description>", f"<language>{o['lang']}</language>",
             f'<atom:link href="{o["host"]}/rss.xml" rel="self" type="application/rss+xml"/>',
             f"<lastBuildDate>{format_datetime(max(i['date'] for i in items))}</lastBuildDate>"]
    for it in reversed(items):  # newest first, as feeds are
        lines += ["<item>", f"<title>{escape(it['title'])}</title>", f"<link>{it['link']}</link>",
                  f'<guid isPermaLink="true">{guid_for(it)}</guid>', f"<pubDate>{format_datetime(it['date'])}</pubDate>",
                  f"<dc:creator>{escape(it['author'])}</dc:creator>",
                  f"<description>{escape(paras(it['body']))}</description>", "</item>"]
    lines += ["</channel>", "</rss>", ""]
    (DEMO / "feeds" / f"{name}.xml").write_text("\n".join(lines), encoding="utf-8")

def write_atom(name, items):
    o = OUTLETS[name]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{o["lang"]}">',
             f"<title>{escape(o['title'])}</title>", f"<subtitle>{escape(o['desc'])}</subtitle>",
             f'<link href="{o["host"]}/"/>', f'<link rel="self" href="{o["host"]}/atom.xml"/>',
             f"<id>{o['host']}/</id>", f"<updated>{max(i['date'] for i in items).isoformat()}</updated>"]
    for it in reversed(items):
        lines += ["<entry>", f"<title>{escape(it['title'])}</title>", f'<link rel="alternate" href="{it["link"]}"/>',
                  f"<id>{guid_for(it)}</id>", f"<published>{it['date'].isoformat()}</published>",
                  f"<updated>{it['date'].isoformat()}</updated>",
                  f"<author><name>{escape(it['author'])}</name></author>",
                  f'<summary type="html">{escape(paras(it["body"]))}</summary>', "</entry>"]
    lines += ["</feed>", ""]
    (DEMO / "feeds" / f"{name}.xml").write_text("\n".join(lines), encoding="utf-8")

# ---------------------------------------------------------------------------- telegram
TOKEN = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|(https?://\S+)|(#\w+)")

def entities(text):
    ents, pos = [], 0
    for m in TOKEN.finditer(text):
        if m.start() > pos: ents.append({"type": "plain", "text": text[pos:m.start()]})
        if m.group(1): ents.append({"type": "bold", "text": m.group(1)})
        elif m.group(2): ents.append({"type": "italic", "text": m.group(2)})
        elif m.group(3): ents.append({"type": "link", "text": m.group(3)})
        else: ents.append({"type": "hashtag", "text": m.group(4)})
        pos = m.end()
    if pos < len(text): ents.append({"type": "plain", "text": text[pos:]})
    return ents

def write_telegram():
    chan_id = 1987654321
    name = "Балкански фронт демо"
    rows = [("m", m) for m in c_telegram.MESSAGES] + [("s", s) for s in c_telegram.SERVICE]
    rows.sort(key=lambda r: when(r[1][0]))
    ids = {}
    for n, (kind, r) in enumerate(rows, 1):
        ids[r[0]] = n
    msgs = []
    for n, (kind, r) in enumerate(rows, 1):
        d = when(r[0])
        base = {"id": n, "type": "message" if kind == "m" else "service",
                "date": d.strftime("%Y-%m-%dT%H:%M:%S"), "date_unixtime": str(int(d.timestamp()))}
        if kind == "s":
            _, action, extra = r
            base.update({"actor": name, "actor_id": f"channel{chan_id}", "action": action})
            extra = dict(extra)
            if "message_id" in extra: extra["message_id"] = ids[extra.pop("message_id")]
            base.update(extra)
            base.update({"text": "", "text_entities": []})
        else:
            _, text, fwd, views, tag = r
            ents = entities(text)
            base.update({"from": name, "from_id": f"channel{chan_id}"})
            if fwd: base["forwarded_from"] = fwd
            if n % 7 == 3: base["edited"] = (d + dt.timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S"); base["edited_unixtime"] = str(int((d + dt.timedelta(minutes=4)).timestamp()))
            if n % 9 == 4: base.update({"photo": f"photos/photo_{n}@{d:%d-%m-%Y_%H-%M-%S}.jpg", "width": 1280, "height": 720})
            base["text"] = ents[0]["text"] if len(ents) == 1 and ents[0]["type"] == "plain" else [e["text"] if e["type"] == "plain" else e for e in ents]
            base["text_entities"] = ents
            base["views"] = views
        msgs.append(base)
    doc = {"name": name, "type": "public_channel", "id": chan_id, "messages": msgs}
    (DEMO / "telegram" / "result.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return msgs

# ---------------------------------------------------------------------------- social CSV
HOME_LANG = {"amra_sa": "bs", "dino_tuzla": "bs", "mostarka": "bs", "bl_dejan": "sr", "novinar_ba": "bs", "faktcheck_fan": "bs",
             "podgorica_m": "cnr", "niksicanin": "cnr", "budva_leto": "cnr", "arben_pr": "sq", "tirana_girl": "sq", "dritoni": "sq",
             "sq_lajme_fan": "sq", "skopjanka": "mk", "ohrid_lake": "mk", "bitola_mk": "mk", "mk_zdravje": "mk",
             "balkan_analyst": "en", "osint_wb": "en", "journalist_eu": "en", "ru_slavyanin": "ru", "moskva_beograd": "ru"}

def lang_hint(text, account):
    """A hint as a platform would give it: script and a few letters first, else the account's usual language."""
    home = HOME_LANG.get(account, "sr")
    if re.search(r"[ыэъё]", text): return "ru"
    if re.search(r"[ѓќѕ]", text) or re.search(r"\b(во|кај|Споделете|сега|нема)\b", text): return "mk"
    if re.search(r"[А-Яа-я]", text):
        return home if home in ("mk", "ru") else "sr"
    if re.search(r"\b(the|is|and|of|to|from)\b", text): return "en"
    if re.search(r"[ëç]|\b(dhe|është|nuk|për|në)\b", text): return "sq"
    return home if home not in ("mk", "ru") else ""

def write_csv():
    rng = random.Random(7)
    rows = []
    pid = 1790000000000000000
    def add(account, d, text, rt, likes, hint=None):
        nonlocal pid
        pid += rng.randint(1_000_000, 90_000_000)
        disp, platform = c_social.ACCOUNTS[account]
        url = (f"https://social.example/{account}/status/{pid}" if platform == "x" else f"https://fb.example/{account}/posts/{pid}")
        rows.append(dict(post_id=str(pid), account=account, display_name=disp, platform=platform,
                         created_at=d.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), text=text, url=url,
                         retweets=rt, likes=likes, lang_hint=hint if hint is not None else lang_hint(text, account), _d=d))
    bursts = []
    for claim, start, base, variants, accts in c_social.BURSTS:
        t0 = when(start)
        times = []
        for j, a in enumerate(accts):
            d = t0 + dt.timedelta(seconds=j * rng.randint(20, 40) + rng.randint(0, 15))
            text = variants[j % len(variants)] if j % 4 == 3 else base
            add(a, d, text, rng.randint(3, 40), rng.randint(5, 60))
            times.append(d)
        bursts.append(dict(claim=claim, accounts=accts, first=min(times), last=max(times)))
    for a, date, text, tag in c_social.POSTS:
        add(a, when(date), text, rng.randint(0, 120), rng.randint(0, 600))
    rows.sort(key=lambda r: (r["_d"], r["post_id"]))
    cols = ["post_id", "account", "display_name", "platform", "created_at", "text", "url", "retweets", "likes", "lang_hint"]
    with open(DEMO / "social" / "posts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader(); w.writerows(rows)
    return rows, bursts

def main():
    feeds = build_items()
    for name, items in feeds.items():
        (write_atom if name == "demo-lajme" else write_rss)(name, items)
    msgs = write_telegram()
    rows, bursts = write_csv()
    stats = {"feeds": {k: len(v) for k, v in feeds.items()}, "telegram": len(msgs), "csv": len(rows)}
    stats["bursts"] = [dict(b, first=b["first"].astimezone(dt.timezone.utc).isoformat(), last=b["last"].astimezone(dt.timezone.utc).isoformat()) for b in bursts]
    claims = {}
    for k, v in feeds.items():
        for it in v:
            if it["tag"] and it["tag"] != "routine":
                claims.setdefault(it["tag"], []).append(f"{k}:{it['date']:%m-%d %H:%M}:{it['lang']}")
    stats["tags"] = claims
    print(json.dumps(stats, ensure_ascii=False, indent=1, default=str))

if __name__ == "__main__":
    main()
