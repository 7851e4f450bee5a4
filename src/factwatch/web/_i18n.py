"""The interface in English and Serbian (Latin and Cyrillic script), and languages shown by name.

Templates call ``_("English text", name=value)``: the message is looked up in the catalogue of
the request's interface language and formatted with ``str.format``; a message missing from a
catalogue shows in English, so a new string never breaks a page. The Cyrillic catalogue is the
Latin one transliterated (serbian-translit), so the two never drift apart.

The language comes from ``?lang=`` (which ``remember_language`` also stores in a cookie, so a
plain link switches it, no JavaScript), else the cookie, else the browser's Accept-Language
(``browser_language``), else English. Counted messages go through ``ngettext``: Serbian has three
plural forms (1, 21, 31…; 2–4, 22–24…; the rest, 11–14 included). ``render()`` calls
``activate`` before rendering; the current language lives in a context variable, so macros
imported without the page's context translate too.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import Response

LANGUAGES: tuple[str, ...] = ("en", "sr-Latn", "sr-Cyrl")
DEFAULT = "en"
COOKIE = "factwatch_lang"
# Each interface language named in itself, for the switch.
SELF_NAMES = {"en": "English", "sr-Latn": "Srpski", "sr-Cyrl": "Српски"}

_current: ContextVar[str] = ContextVar("factwatch_interface_language", default=DEFAULT)
_request: ContextVar[Request | None] = ContextVar("factwatch_request", default=None)

# English -> Serbian (Latin). Keys are the exact English strings of the templates.
SR_LATN: dict[str, str] = {
    # navigation and frame (base.html, _render.NAV)
    "Overview": "Pregled",
    "Documents": "Dokumenti",
    "Sources": "Izvori",
    "Runs": "Učitavanja",
    "Claims": "Tvrdnje",
    "Review": "Provera",
    "Match": "Uparivanje",
    "Facts": "Činjenice",
    "Clusters": "Klasteri",
    "Coordination": "Koordinacija",
    "Narratives": "Narativi",
    "Candidates": "Kandidati",
    "Trends": "Trendovi",
    "Alerts": "Upozorenja",
    "About": "O alatu",
    "Saved": "Sačuvano",
    "Saved searches": "Sačuvane pretrage",
    "Actors": "Akteri",
    "Log out {name}": "Odjavi {name}",
    "Log out {name} ({role})": "Odjavi {name} ({role})",
    "Main": "Glavni meni",
    "Menu": "Meni",
    "Interface language": "Jezik interfejsa",
    "Western Balkans media monitoring · text from sources is shown as received, never trusted":
        "praćenje medija Zapadnog Balkana · tekst iz izvora prikazan je onako kako je primljen, bez poverenja",
    # lists (_macros.html, list pages)
    "Pages": "Stranice",
    "← prev": "← prethodna",
    "next →": "sledeća →",
    "{first}–{last} of {total}": "{first}–{last} od {total}",
    "any": "sve",
    "Search": "Pretraga",
    "full text, any script": "ceo tekst, bilo koje pismo",
    "Language": "Jezik",
    "Source": "Izvor",
    "Since": "Od",
    "Until": "Do",
    "Filter": "Filtriraj",
    "Clear": "Poništi",
    "Date": "Datum",
    "Lang": "Jezik",
    "Script": "Pismo",
    "Title": "Naslov",
    "Snippet": "Odlomak",
    "untitled": "bez naslova",
    "No documents match these filters.": "Nijedan dokument ne odgovara ovim filterima.",
    "No documents match.": "Nijedan dokument ne odgovara.",
    "Download this list as CSV (every page, these filters)": "Preuzmi ovaj spisak kao CSV (sve stranice, ovi filteri)",
    "Save this search": "Sačuvaj ovu pretragu",
    "Save search": "Sačuvaj pretragu",
    "{n} waiting": "{n} na čekanju",
    "new matching documents the next `factwatch analyze` will alert on":
        "novi dokumenti koji odgovaraju, o kojima će sledeće `factwatch analyze` upozoriti",
    "Name": "Naziv",
    "Save": "Sačuvaj",
    "Page": "Stranica",
    "Filters": "Filteri",
    "Owner": "Vlasnik",
    "Alert": "Upozorenje",
    "Created": "Napravljeno",
    "on": "uključeno",
    "off": "isključeno",
    "Make it an alert": "Pretvori u upozorenje",
    "Stop alerting": "Isključi upozorenje",
    "Delete": "Obriši",
    "Open": "Otvori",
    "No saved searches yet: filter a list, then save the search from its page.":
        "Još nema sačuvanih pretraga: filtrirajte spisak, pa sačuvajte pretragu na njegovoj stranici.",
    "A saved search of Documents can become an alert: the next `factwatch analyze` raises one for the documents that match it and arrived after it was switched on.":
        "Sačuvana pretraga dokumenata može postati upozorenje: sledeće `factwatch analyze` javlja dokumente koji joj odgovaraju i stigli su posle uključivanja.",
    # headings, table headers, labels and buttons of the other pages
    "About the numbers": "O brojevima",
    "Account": "Nalog",
    "Accounts": "Nalozi",
    "Active coordinated networks": "Aktivne koordinisane mreže",
    "Actor": "Akter",
    "Actor type": "Vrsta aktera",
    "Addressed": "Obrađeno",
    "Analyst review": "Provera analitičara",
    "{confirmed} confirmed, {rejected} rejected; the other assignments are the classifier's candidates, to confirm or reject (factwatch narratives confirm | reject)":
        "potvrđeno {confirmed}, odbačeno {rejected}; ostale dodele su kandidati klasifikatora, koje treba potvrditi ili odbaciti (factwatch narratives confirm | reject)",
    "Assignee": "Zadužen",
    "Audit list": "Spisak odluka",
    "Author": "Autor",
    "By": "Po",
    "By month": "Po mesecima",
    "Candidate fact-check": "Moguća provera činjenica",
    "Candidate fact-checks and p": "Moguće provere činjenica i p",
    "Candidate narratives": "Mogući narativi",
    "Carrier": "Prenosilac",
    "Carriers": "Prenosioci",
    "Catalogue": "Katalog",
    "Changes from the first appearance": "Izmene u odnosu na prvo pojavljivanje",
    "Check-worthy": "Vredno provere",
    "Check-worthy ≥": "Vredno provere ≥",
    "Claim": "Tvrdnja",
    "Claims addressed": "Obrađene tvrdnje",
    "Claims matched to fact-checks": "Tvrdnje uparene s proverama činjenica",
    "Cluster": "Klaster",
    "Co-shared posts": "Zajednički deljene objave",
    "Co-shares": "Zajednička deljenja",
    "Co-shares with their lags": "Zajednička deljenja sa zaostajanjem",
    "Community": "Zajednica",
    "Confirm": "Potvrdi",
    "Coordinated sharing": "Koordinisano deljenje",
    "Copied from": "Kopirano iz",
    "Copies in time order": "Kopije po vremenu",
    "Copy chain": "Lanac kopiranja",
    "Country": "Zemlja",
    "Decision": "Odluka",
    "Density": "Gustina",
    "Docs": "Dok.",
    "Document": "Dokument",
    "Documents a day": "Dokumenata dnevno",
    "Documents per language": "Dokumenti po jeziku",
    "Duplicates": "Duplikati",
    "Edges": "Veze",
    "Error": "Greška",
    "External id": "Spoljni id",
    "Fact base": "Baza činjenica",
    "Fact-base matches": "Poklapanja iz baze činjenica",
    "Fact-check": "Provera činjenica",
    "Fact-check / fact": "Provera činjenica / činjenica",
    "Fact-checked claim": "Proverena tvrdnja",
    "Fact-checks": "Provere činjenica",
    "Facts and statements": "Činjenice i izjave",
    "Feed": "Fid",
    "Finished": "Završeno",
    "First": "Prvi",
    "First appearance": "Prvo pojavljivanje",
    "First seen": "Prvi put viđeno",
    "First share": "Prvo deljenje",
    "First – last share": "Prvo – poslednje deljenje",
    "From": "Od",
    "Graph": "Graf",
    "History": "Istorija",
    "In its document": "U svom dokumentu",
    "Ingested": "Učitano",
    "Ingestion runs": "Učitavanja",
    "Input": "Ulaz",
    "Inserted": "Dodato",
    "Its sources": "Njegovi izvori",
    "Kind": "Vrsta",
    "Lag": "Zaostajanje",
    "Lag after the network's first": 'Zaostajanje za prvim u mreži',
    "Languages": "Jezici",
    "Last 7 days": "Poslednjih 7 dana",
    "Last co-share": "Poslednje zajedničko deljenje",
    "Latest": "Najnovije",
    "Latest candidate fact-checks": "Najnovije moguće provere činjenica",
    "Latest runs": "Najnovija učitavanja",
    "Latin key": "Latinični ključ",
    "Match a claim": "Upari tvrdnju",
    "Matched": "Upareno",
    "Matches": "Poklapanja",
    "Median lag": "Medijana zaostajanja",
    "Median lag (s)": "Medijana zaostajanja (s)",
    "Metadata": "Metapodaci",
    "Min. documents": "Najmanje dokumenata",
    "Min. outlets or accounts": "Najmanje medija ili naloga",
    "Most shared objects": "Najdeljeniji objekti",
    "Narrative": "Narativ",
    "Narratives carried": "Preneti narativi",
    "Network": "Mreža",
    "New alerts": "Nova upozorenja",
    "Note": "Napomena",
    "Notes": "Napomene",
    "Object": "Objekat",
    "Object kind": "Vrsta objekta",
    "Objects": "Objekti",
    "Objects shared": "Deljeni objekti",
    "On": "Dana",
    "Outlets and accounts": "Mediji i nalozi",
    "Outlets and channels": "Mediji i kanali",
    "Owning actors": "Vlasnici",
    "Parameters": "Parametri",
    "Parent": "Nadređeni",
    "Peak": "Vrhunac",
    "Per": "Po",
    "Platform": "Platforma",
    "Platforms": "Platforme",
    "Position": "Položaj",
    "Posted (UTC)": "Objavljeno (UTC)",
    "Posted at": "Objavljeno na",
    "Previous 7": "Prethodnih 7",
    "Public page": "Javna stranica",
    "Published": "Objavljeno",
    "Published responses": "Objavljeni odgovori",
    "Publisher": "Izdavač",
    "Rank score": "Ocena rangiranja",
    "Raw input (excerpt)": "Sirovi ulaz (odlomak)",
    "Reason": "Razlog",
    "Record": "Zapis",
    "Reject": "Odbij",
    "Rejected": "Odbijeno",
    "Rejected records": "Odbijeni zapisi",
    "Related fact-checks": "Povezane provere činjenica",
    "Reply drafts": "Nacrti odgovora",
    "Representative claims": "Reprezentativne tvrdnje",
    "Response card": "Kartica odgovora",
    "Review queue": "Red za proveru",
    "Rising narratives": "Narativi u usponu",
    "Run": "Učitavanje",
    "Score": "Ocena",
    "Share of false claims": "Udeo netačnih tvrdnji",
    "Shares in co-shares": "Deljenja u zajedničkim deljenjima",
    "Show": "Prikaži",
    "Sort": "Redosled",
    "Sources by actor type": "Izvori po vrsti aktera",
    "Span": "Raspon",
    "Spikes": "Skokovi",
    "Spread": "Širenje",
    "Stance": "Stav",
    "Started": "Početak",
    "State or state-affiliated content": "Sadržaj državnih ili državi bliskih aktera",
    "Statement": "Izjava",
    "Status": "Status",
    "Story clusters": "Klasteri priča",
    "The fact-check rates its claim": "Provera činjenica ocenjuje svoju tvrdnju",
    "Timeline": "Vremenska linija",
    "Timespan": "Vremenski raspon",
    "To": "Do",
    "Top terms": "Najčešći pojmovi",
    "Type": "Vrsta",
    "Verdict": "Ocena",
    "Weight (co-shares)": "Težina (zajednička deljenja)",
    "When": "Kada",
    "When (UTC)": "Kada (UTC)",
    "Where the reply was posted": "Gde je odgovor objavljen",
    "Who": "Ko",
    "Who pushes it": "Ko ga gura",
    "Why it counts": "Zašto se računa",
    "Workflow": "Tok rada",
    "Candidate fact-check / fact": "Moguća provera činjenica / činjenica",
    "Sentence": "Rečenica",
    "the search": "pretraga",
    "Sentences the fact base addresses": "Rečenice na koje baza činjenica odgovara",
    # match status and stance (_macros.html)
    "confirmed": "potvrđeno",
    "rejected": "odbijeno",
    "by {who} on {when}": "{who}, {when}",
    "candidate fact-check": "moguća provera činjenica",
    "not addressed": "nije obrađeno",
    "p not stored": "p nije sačuvan",
    "repeats the claim": "ponavlja tvrdnju",
    "rejects the claim": "odbacuje tvrdnju",
    "reports the claim": "prenosi tvrdnju",
    "asks about the claim": "pita o tvrdnji",
    "the fact-check rates its claim:": "provera činjenica ocenjuje svoju tvrdnju:",
    "a fact from the fact base": "činjenica iz baze činjenica",
    "p: calibrated probability that this fact-check addresses this sentence (not that the sentence is false); an analyst confirms it":
        "p: kalibrisana verovatnoća da se ova provera činjenica odnosi na ovu rečenicu (ne da je rečenica netačna); analitičar to potvrđuje",
    # overview, narrative, cluster, network, source and actor pages and their charts (issue 10, C's pages)
    "Counts": "Brojevi",
    "What is spreading": "Šta se širi",
    "No dated documents yet:": "Još nema datiranih dokumenata:",
    "By language": "Po jeziku",
    "documents a day by language": "dokumenata dnevno po jeziku",
    "By actor type of the source": "Po vrsti aktera izvora",
    "documents a day by actor type": "dokumenata dnevno po vrsti aktera",
    "Documents carrying each narrative in the last 7 days of data against the 7 days before;":
        "Dokumenti koji nose svaki narativ u poslednjih 7 dana podataka prema 7 dana pre toga;",
    "all trends →": "svi trendovi →",
    "rising narratives": "narativi u usponu",
    "7 days before": "7 dana pre",
    "No narrative grew this week.": "Nijedan narativ nije rastao ove nedelje.",
    "Accounts that repeatedly shared the same object within seconds, most recently active first.":
        "Nalozi koji su više puta delili isti objekat u roku od nekoliko sekundi, najskorije aktivni prvi.",
    "active coordinated networks": "aktivne koordinisane mreže",
    "No coordinated network found.": "Nije pronađena nijedna koordinisana mreža.",
    "Claims today": "Tvrdnje danas",
    "Claims on {day}": "Tvrdnje {day}",
    "Check-worthy claims": "Tvrdnje vredne provere",
    "on the newest day with documents": "poslednjeg dana sa dokumentima",
    "addressed by a fact-check": "obrađene proverom činjenica",
    "all claims →": "sve tvrdnje →",
    "No dated documents yet.": "Još nema datiranih dokumenata.",
    "No alerts.": "Nema upozorenja.",
    "All alerts →": "Sva upozorenja →",
    "No documents yet.": "Još nema dokumenata.",
    "No sources registered.": "Nema registrovanih izvora.",
    "All sources →": "Svi izvori →",
    "Automatic matches are candidates until an analyst confirms them;":
        "Automatska poklapanja su kandidati dok ih analitičar ne potvrdi;",
    "what p means": "šta znači p",
    "No claim is addressed by the fact base yet.": "Baza činjenica još ne obrađuje nijednu tvrdnju.",
    "All addressed claims →": "Sve obrađene tvrdnje →",
    "All runs →": "Sva učitavanja →",
    "← all narratives": "← svi narativi",
    "trend by source": "trend po izvoru",
    "Id": "Id",
    "sub-narrative of": "podnarativ narativa",
    "{n} from state or state-affiliated sources": "{n} iz državnih ili državi bliskih izvora",
    "document {id}": "dokument {id}",
    "documents a day carrying {id}": "dokumenata dnevno koji nose {id}",
    "documents by language": "dokumenti po jeziku",
    "outlets and channels carrying it": "mediji i kanali koji ga prenose",
    "Fact-checks that address claims in its documents: the best match when addressed, or one an analyst confirmed.":
        "Provere činjenica koje obrađuju tvrdnje iz njegovih dokumenata: najbolje poklapanje kad je obrađena, ili ono koje je analitičar potvrdio.",
    "No fact-check addresses a claim in its documents yet.": "Još nijedna provera činjenica ne obrađuje tvrdnju iz njegovih dokumenata.",
    "No registered owner for the sources carrying it.": "Izvori koji ga prenose nemaju registrovanog vlasnika.",
    "Not found in any document yet.": "Još nije pronađen ni u jednom dokumentu.",
    "None.": "Nema.",
    "Cluster {id}": "Klaster {id}",
    "{n} documents": "dokumenata: {n}",
    "undated": "bez datuma",
    "actor": "akter",
    "no member has a timestamp: the first stored stands in": "nijedan član nema vreme: zamenjuje ga prvi sačuvani",
    "Languages and scripts": "Jezici i pisma",
    "Altered copies": "Izmenjene kopije",
    "{n} of {size} differ in wording from the first appearance (script aside)":
        "{n} od {size} se razlikuje u tekstu od prvog pojavljivanja (pismo se ne računa)",
    "Undated": "Bez datuma",
    "{n} without a timestamp, listed last, no lag": "{n} bez vremena, navedeni na kraju, bez zaostajanja",
    "Shown": "Prikazano",
    "the first {n} in time order": "prvih {n} po vremenu",
    "Copies so far at each copy's publication, by platform, and how many changed the wording; each copy below names the earlier copy it was taken from and what it changed in it.":
        "Broj kopija do objave svake kopije, po platformi, i koliko ih je izmenilo tekst; svaka kopija ispod navodi raniju kopiju iz koje je preuzeta i šta je u njoj izmenila.",
    "copies of the story over time": "kopije priče kroz vreme",
    "What it changed": "Šta je izmenila",
    "first": "prvi",
    "same text": "isti tekst",
    "against the first appearance": "u odnosu na prvo pojavljivanje",
    "Network {id}": "Mreža {id}",
    "← all networks": "← sve mreže",
    "density": "gustina",
    "Accounts (circles: size = co-shared posts, colour = actor type of their source) linked by how often they co-shared; the most shared objects (diamonds) linked to each account that shared them. Drag, zoom, and click a node or a link for its details and lag.":
        "Nalozi (krugovi: veličina = zajednički deljene objave, boja = vrsta aktera njihovog izvora) povezani prema tome koliko su često zajedno delili; najdeljeniji objekti (rombovi) povezani sa svakim nalogom koji ih je delio. Prevucite, zumirajte i kliknite čvor ili vezu za detalje i zaostajanje.",
    "shared object": "deljeni objekat",
    "graph of {n} accounts and the objects they co-shared": "graf {n} naloga i objekata koje su zajedno delili",
    "Click a node or a link.": "Kliknite čvor ili vezu.",
    "The accounts' documents carrying its objects are no longer stored.":
        "Dokumenti naloga koji nose njene objekte više nisu sačuvani.",
    "← all sources": "← svi izvori",
    "actor profile: {name}": "profil aktera: {name}",
    "not registered": "nije registrovan",
    "published by a state or state-affiliated source, or a copy, translation, forward of or link to a story one published":
        "objavio državni ili državi blizak izvor, ili kopija, prevod, prosleđivanje ili veza ka priči koju je takav izvor objavio",
    "← all actors": "← svi akteri",
    "{n} from 1 source": "{n} iz 1 izvora",
    "{n} from {k} sources": "{n} iz {k} izvora",
    "No source registered for this actor.": "Za ovog aktera nije registrovan nijedan izvor.",
    "Who owns the sources: state bodies, state-affiliated and independent media, networks of channels.":
        "Ko poseduje izvore: državni organi, državi bliski i nezavisni mediji, mreže kanala.",
    "No actors registered.": "Nema registrovanih aktera.",
    "Claims and false claims": "Tvrdnje i netačne tvrdnje",
    "{n} check-worthy claims in its documents": "tvrdnji vrednih provere u njegovim dokumentima: {n}",
    "{n} of {total}": "{n} od {total}",
    "matched to a fact-check rating them false, misleading or partly false;":
        "uparene s proverom činjenica koja ih ocenjuje kao netačne, obmanjujuće ili delimično netačne;",
    "candidate matches": "moguća poklapanja",
    "count until an analyst rejects them": "se računaju dok ih analitičar ne odbije",
    "Narratives carried, by month": "Preneti narativi, po mesecima",
    "documents a month carrying each narrative": "dokumenata mesečno koji nose svaki narativ",
    "Claims by month, false or misleading": "Tvrdnje po mesecima, netačne ili obmanjujuće",
    "claims a month rated false or misleading": "tvrdnji mesečno ocenjenih kao netačne ili obmanjujuće",
    "No catalogued narrative found in its documents.": "U njegovim dokumentima nije pronađen nijedan katalogizovani narativ.",
    "confirmed by an analyst": "potvrdio analitičar",
    "candidate": "kandidat",
    "None of its claims is matched to a fact-check.": "Nijedna njegova tvrdnja nije uparena s proverom činjenica.",
    "No dated documents to chart.": "Nema datiranih dokumenata za grafikon.",
    "documents": "dokumenti",
    "sources": "izvori",
    "clusters": "klasteri",
    "actors": "akteri",
    "runs": "učitavanja",
    "rejections": "odbijanja",
    "claims": "tvrdnje",
    "fact checks": "provere činjenica",
    "facts": "činjenice",
    "claim matches": "poklapanja tvrdnji",
    "addressed claims": "obrađene tvrdnje",
    "reviews pending": "provere na čekanju",
    "reviews confirmed": "potvrđene provere",
    "reviews rejected": "odbijene provere",
    "state": "državni",
    "state-affiliated": "blizak državi",
    "non-state": "nedržavni",
    "independent media": "nezavisni mediji",
    "unknown": "nepoznato",
    "unassigned": "bez vlasnika",
    "active": "aktivan",
    "source": "izvor",
    "account": "nalog",
    "replace": "zamena",
    "insert": "dodato",
    "delete": "obrisano",
    "Documents a day by language": "Dokumenata dnevno po jeziku",
    "Documents a day by actor type of the source": "Dokumenata dnevno po vrsti aktera izvora",
    "last {n} days": "poslednjih {n} dana",
    "{n} days before": "{n} dana pre",
    "accounts": "nalozi",
    "objects": "objekti",
    "Copies so far, from the first appearance": "Broj kopija od prvog pojavljivanja",
    "altered wording": "izmenjen tekst",
    "hours after the first appearance": "sati posle prvog pojavljivanja",
    "minutes after the first appearance": "minuta posle prvog pojavljivanja",
    "Documents a day by actor type": "Dokumenata dnevno po vrsti aktera",
    "Documents by language": "Dokumenti po jeziku",
    "Outlets and channels carrying it": "Mediji i kanali koji ga prenose",
    "Documents a month carrying each narrative": "Dokumenata mesečno koji nose svaki narativ",
    "Claims a month, false or misleading by fact-checks": "Tvrdnji mesečno, netačnih ili obmanjujućih prema proverama činjenica",
    "rated false or misleading": "ocenjene kao netačne ili obmanjujuće",
    "other claims": "ostale tvrdnje",
    "Nothing to chart yet.": "Još nema ničega za grafikon.",
    "{n} documents over {s} seconds": "dokumenata: {n}, tokom {s} sekundi",
    # accounts (issue 10): login form, the claim page's publish box, the admin's users page
    "Log in": "Prijava",
    "User name": "Korisničko ime",
    "Password": "Lozinka",
    "No account? An admin creates one with": "Nemate nalog? Administrator ga pravi komandom",
    "Scripts use an API token:": "Skripte koriste API token:",
    "sent as": "koji šalju kao",
    "Published response cards are public:": "Objavljene kartice odgovora su javne:",
    "The login form was out of date (or cookies are off); please try again.":
        "Obrazac za prijavu je zastareo (ili su kolačići isključeni); pokušajte ponovo.",
    "Too many failed logins; try again in {minutes} minutes, or ask an admin to reset the password.":
        "Previše neuspelih prijava; pokušajte ponovo za {minutes} min. ili zamolite administratora da promeni lozinku.",
    "Wrong name or password.": "Pogrešno ime ili lozinka.",
    "Published by {who} on {when}:": "Objavio {who}, {when}:",
    "readable without login, with its {markup} markup; also in the":
        "čitljivo bez prijave, sa {markup} oznakama; objavljeno je i kroz",
    "Atom feed": "Atom fid",  # a link after "kroz" (accusative) or "kao" (nominative): one form serves both
    "Not published. Publishing puts the card on a public page anyone can read.":
        "Nije objavljeno. Objavljivanje stavlja karticu na javnu stranicu koju svako može da čita.",
    "Not published. Publishing puts the card with the team's edited drafts on a public page anyone can read.":
        "Nije objavljeno. Objavljivanje stavlja karticu sa nacrtima koje je tim uredio na javnu stranicu koju svako može da čita.",
    "Confirm the match before publishing: only confirmed cards go public.":
        "Potvrdite poklapanje pre objavljivanja: javne su samo potvrđene kartice.",
    "Republish the current card": "Ponovo objavi trenutnu karticu",
    "Withdraw": "Povuci",
    "Publish": "Objavi",
    "Users": "Korisnici",
    "A viewer reads, an analyst decides and edits, an admin also manages users. A change applies to the user's next request.":
        "Čitalac čita, analitičar odlučuje i uređuje, administrator i upravlja korisnicima. Izmena važi od sledećeg zahteva korisnika.",
    "Role": "Uloga",
    "Role of {name}": "Uloga korisnika {name}",
    "API tokens": "API tokeni",
    "you": "vi",
    "viewer": "čitalac",
    "analyst": "analitičar",
    "admin": "administrator",
    "Change role": "Promeni ulogu",
    "Revoke": "Opozovi",
    "no tokens": "nema tokena",
    "Remove": "Ukloni",
    "Add a user": "Dodaj korisnika",
    "Add": "Dodaj",
    "API tokens are created on the server:": "API tokeni se prave na serveru:",
    # facts, claims, spread, review, match, runs, documents, trends (issue 10, engineer N)
    "Claim checked": "Proverena tvrdnja",
    "Rebuttal": "Pobijanje",
    "Headline": "Naslov",
    "Language (sr, hr, sq, mk, en…)": "Jezik (sr, hr, sq, mk, en…)",
    "Date (YYYY-MM-DD)": "Datum (gggg-mm-dd)",
    "Edit": "Izmeni",
    "The next factwatch analyze embeds the new text and matches every claim against it again.":
        "Sledeće pokretanje factwatch analyze ugrađuje novi tekst i ponovo upoređuje svaku tvrdnju s njim.",
    "new": "nova",
    "in review": "u proveri",
    "responded": "odgovoreno",
    "Seen in": "Viđeno u",
    "A claim is never labelled with a verdict. Beside it is its candidate fact-check and p, the calibrated probability that this fact-check addresses the sentence, until an analyst confirms or rejects it (factwatch review); the verdict shown is the fact-check's, on its own claim.":
        "Tvrdnji se nikad ne dodeljuje ocena. Pored nje je kandidat provera činjenica i p, kalibrisana verovatnoća da se ta provera odnosi na rečenicu, dok je analitičar ne potvrdi ili odbaci (factwatch review); prikazana ocena pripada proveri, i to njenoj tvrdnji.",
    "What p means": "Šta znači p",
    "p is the calibrated probability that this fact-check addresses this sentence (not that the sentence is false), fitted on rewordings, translations and look-alike negatives (near-topic sentences, real news); an analyst confirms or rejects the candidate with factwatch review.":
        "p je kalibrisana verovatnoća da se ova provera činjenica odnosi na ovu rečenicu (ne da je rečenica netačna), podešena na preformulacijama, prevodima i sličnim negativnim primerima (rečenice bliske temi, prave vesti); analitičar potvrđuje ili odbacuje kandidata komandom factwatch review.",
    "More on p": "Više o p",
    "No reply recorded yet.": "Još nije zabeležen odgovor.",
    "this claim": "ova tvrdnja",
    "same sentence": "ista rečenica",
    "same story": "ista priča",
    "same fact-check": "ista provera činjenica",
    "The first {shown} of {total} in time order.": "Prvih {shown} od {total}, hronološki.",
    "All": "Sve",
    "Candidate matches": "Kandidati za uparivanje",
    "Narrative labels": "Oznake narativa",
    "Deciding needs the analyst role.": "Za odlučivanje je potrebna uloga analitičara.",
    "Keys: j/k next/previous item, c confirm, r reject, n write a note (Enter in the note confirms, Esc leaves it). Who decided and when is stored and shown in the audit list.":
        "Tasteri: j/k sledeća/prethodna stavka, c potvrdi, r odbaci, n napiši belešku (Enter u belešci potvrđuje, Esc izlazi iz nje). Ko je i kada odlučio čuva se i prikazuje u spisku odluka.",
    "{count} more candidate matches →": "još {count} kandidata za uparivanje →",
    "{count} more narrative labels →": "još {count} oznaka narativa →",
    "{count} more candidate narratives →": "još {count} kandidata za narative →",
    "next {limit} of {more} more →": "sledećih {limit} od još {more} →",
    "Every decision and edit, newest first: who, when, what, and the note. Nothing here is ever overwritten; a later decision supersedes an earlier one.":
        "Svaka odluka i izmena, najnovije prve: ko, kada, šta i beleška. Ništa se ovde ne prepisuje; kasnija odluka zamenjuje raniju.",
    "No decisions yet.": "Još nema odluka.",
    "Paste a claim or an article (any language or script)": "Nalepite tvrdnju ili članak (bilo koji jezik ili pismo)",
    "or an article's URL": "ili URL članka",
    "The text was empty. Paste a claim or an article above (or its URL), then press Match.":
        "Tekst je prazan. Nalepite tvrdnju ili članak iznad (ili njegov URL), pa pritisnite Upari.",
    "Paste a claim above to see which fact-checks in the fact base address it, best first.":
        "Nalepite tvrdnju iznad da vidite koje se provere činjenica iz baze odnose na nju, najbolje prve.",
    "Webhook": "Vebhuk",
    "No records were rejected in this run.": "U ovom učitavanju nijedan zapis nije odbijen.",
    "No check-worthy claims in this document (or factwatch analyze has not run since it arrived).":
        "U ovom dokumentu nema tvrdnji vrednih provere (ili factwatch analyze nije pokrenut otkad je stigao).",
    "narrative": "narativ",
    "actor_type": "tip aktera",
    "language": "jezik",
    "platform": "platforma",
    # the coordination graph's click details (static/charts.js via _network.NetworkGraph.spec)
    "No accounts to draw.": "Nema naloga za crtanje.",
    "Object: {full}": "Objekat: {full}",
    "Shared by {accounts} accounts of this network": "Delilo ga je {accounts} naloga ove mreže",
    "First share: {at}": "Prvo deljenje: {at}",
    "Account: {label}": "Nalog: {label}",
    "Actor type: {actor_type}": "Tip aktera: {actor_type}",
    "Co-shared posts: {shares}": "Zajednički podeljene objave: {shares}",
    "Sources: {sources}": "Izvori: {sources}",
    "{account} shared {target}": "{account} je podelio {target}",
    "at {at} · {lag} after the network's first share": "u {at} · {lag} posle prvog deljenja u mreži",
    "{a} and {b}": "{a} i {b}",
    "co-shared {weight} times": "zajedno podeljeno {weight} puta",
    "no lag": "bez zaostajanja",
    # every page, found by tests/test_i18n_pages.py's crawl (issue 10, helper P)
    "(a question). Only a sentence that repeats a claim gets a draft reply.":
        "(pitanje). Nacrt odgovora dobija samo rečenica koja ponavlja tvrdnju.",
    "(asserts it),": "(tvrdi je),",
    "(attributes it to someone: “X claims that …”) or": "(pripisuje je nekome: „NN tvrdi da …”) ili",
    "(denies or debunks it),": "(poriče je ili opovrgava),",
    "(missing)": "(nedostaje)",
    "(none)": "(nema)",
    "(one of the two is undated)": "(jedan od dva nema datum)",
    "(the fact-check's verdict on its claim)": "(ocena provere činjenica za njenu tvrdnju)",
    "(undated)": "(bez datuma)",
    "(untitled #{id})": "(bez naslova #{id})",
    "+{duration} after the first appearance": "+{duration} posle prvog pojavljivanja",
    ", which nothing in the fact base addresses. Add the verdict, the rebuttal and the fact-check's URL.":
        ", na koju se ništa iz baze činjenica ne odnosi. Dodajte ocenu, pobijanje i URL provere činjenica.",
    "; each page carries schema.org ClaimReview markup.": "; svaka stranica nosi schema.org ClaimReview oznake.",
    "; the nearest candidates follow.": "; slede najbliži kandidati.",
    "Add a fact": "Dodaj činjenicu",
    "Add a fact-check": "Dodaj proveru činjenica",
    "Addresses": "Odnosi se na",
    "Among held-out sentences shown p = 0.9, about nine in ten are addressed by the fact-check (the reliability table is in docs/benchmarks.md).":
        "Među izdvojenim test-rečenicama prikazanim sa p = 0.9, provera činjenica se odnosi na oko devet od deset (tabela pouzdanosti je u docs/benchmarks.md).",
    "An analyst confirmed this fact-check addresses the claim.": "Analitičar je potvrdio da se ova provera činjenica odnosi na tvrdnju.",
    "An analyst promotes one into the catalogue with": "Analitičar ga unosi u katalog komandom",
    "An automatic match stays a candidate until an analyst confirms it ({confirm}) or rejects it ({reject}).":
        "Automatsko poklapanje ostaje kandidat dok ga analitičar ne potvrdi ({confirm}) ili odbije ({reject}).",
    "Analyst's note:": "Beleška analitičara:",
    "Back to the overview": "Nazad na pregled",
    "Candidate match {id}": "Kandidat za uparivanje {id}",
    "Candidate narrative {id}": "Mogući narativ {id}",
    "Cascade": "Kaskada",
    "Cascade:": "Kaskada:",
    "Circles mark spikes the alerts stage found (Poisson test against the 7 days before; see":
        "Krugovi označavaju skokove koje je pronašla faza upozorenja (Poasonov test prema prethodnih 7 dana; vidi",
    "Circles mark spikes the alerts stage found (Poisson test against the 7 hours before; see":
        "Krugovi označavaju skokove koje je pronašla faza upozorenja (Poasonov test prema prethodnih 7 sati; vidi",
    "Claim {id}": "Tvrdnja {id}",
    "Claims circulating in the region, the fact-checks that address them and our response. Also as an":
        "Tvrdnje koje kruže regionom, provere činjenica koje se na njih odnose i naš odgovor. Dostupno i kao",
    "Claims that this fact-check addresses:": "Tvrdnje na koje se ova provera činjenica odnosi:",
    "Claims with check-worthiness below 0.5 that nothing in the fact base addresses are hidden;":
        "Skrivene su tvrdnje s ocenom vrednosti provere ispod 0.5 na koje se ništa iz baze činjenica ne odnosi;",
    "Confirm (c)": "Potvrdi (c)",
    "Copied": "Kopirano",
    "Copy": "Kopiraj",
    "Copy of": "Kopija dokumenta",
    "Counted below: pending, the claims whose candidate awaits a decision; confirmed and rejected, the decisions in force (one per claim and fact-check; a later decision replaces an earlier one). The claims list filters by the decision on each claim's best candidate.":
        "Ispod su prebrojane: na čekanju, tvrdnje čiji kandidat čeka odluku; potvrđene i odbijene, odluke koje važe (jedna po tvrdnji i proveri činjenica; kasnija odluka zamenjuje raniju). Spisak tvrdnji filtrira po odluci o najboljem kandidatu svake tvrdnje.",
    "Create a fact-check from this claim": "Napravi proveru činjenica od ove tvrdnje",
    "DISARM": "DISARM",
    "Download:": "Preuzmi:",
    "Drafts": "Nacrti",
    "Drafts of a candidate match (unconfirmed)": "Nacrti za moguće poklapanje (nepotvrđeno)",
    "Edit the text, then copy it.": "Izmenite tekst, pa ga kopirajte.",
    "Facets": "Fasete",
    "Fact {id}": "Činjenica {id}",
    "Fact-check {id}": "Provera činjenica {id}",
    "First appearance of": "Prvo pojavljivanje —",
    "First appearance:": "Prvo pojavljivanje:",
    "Groups of accounts that shared the same link, repost, hashtag, story or image within seconds of each other, more than once (CooRTweet's definition; see {doc}). Score: density × synchrony.":
        "Grupe naloga koji su više puta, u razmaku od nekoliko sekundi, delili isti link, repost, hešteg, priču ili sliku (definicija alata CooRTweet; vidi {doc}). Ocena: gustina × sinhronost.",
    "How the sentence relates to the fact-checked claim, decided once by the match stage and stored with the match:":
        "Odnos rečenice prema proverenoj tvrdnji, koji faza uparivanja određuje jednom i čuva uz poklapanje:",
    "ID": "ID",
    "It is computed from absolute evidence about the first candidate (similarity of meaning, agreement of names, numbers, years and the claim's predicate), never from being the best of a weak lot, and calibrated on:":
        "Računa se iz apsolutnih pokazatelja o prvom kandidatu (sličnost značenja, slaganje imena, brojeva, godina i predikata tvrdnje), nikad iz toga što je najbolji od slabih, i kalibrisana je na:",
    "JSON": "JSON",
    "Long": "Duži",
    "Matched the article at": "Upareni članak na adresi",
    "Narrative label": "Oznaka narativa",
    "Nearest candidates for the best sentence": "Najbliži kandidati za najbolju rečenicu",
    "Nearest candidates for the most probable sentence": "Najbliži kandidati za najverovatniju rečenicu",
    "New": "Novo",
    "New fact": "Nova činjenica",
    "New fact-check": "Nova provera činjenica",
    "No alerts;": "Nema upozorenja;",
    "No analyst has confirmed this match yet: check it before using the card.":
        "Nijedan analitičar još nije potvrdio ovo poklapanje: proverite ga pre korišćenja kartice.",
    "No candidates in the fact base.": "U bazi činjenica nema kandidata.",
    "No candidates yet:": "Još nema kandidata:",
    "No card: {who} rejected this candidate fact-check on {when}": "Nema kartice: {who} je odbio ovu moguću proveru činjenica {when}",
    "No card: {who} rejected this candidate fact on {when}": "Nema kartice: {who} je odbio ovu moguću činjenicu {when}",
    "No claims match these filters.": "Nijedna tvrdnja ne odgovara ovim filterima.",
    "No claims yet;": "Još nema tvrdnji;",
    "No clusters of this size yet;": "Još nema klastera ove veličine;",
    "No coordination networks stored;": "Nema sačuvanih koordinisanih mreža;",
    "No copies found:": "Nisu pronađene kopije:",
    "No dated documents with narratives; run {analyze} after {import_}.":
        "Nema datiranih dokumenata sa narativima; pokrenite {analyze} posle {import_}.",
    "No dated documents.": "Nema datiranih dokumenata.",
    "No document carries this claim yet.": "Nijedan dokument još ne nosi ovu tvrdnju.",
    "No draft:": "Nema nacrta:",
    "No fact-check in the fact base addresses this claim": "Nijedna provera činjenica iz baze se ne odnosi na ovu tvrdnju",
    "No fact-checks on this page.": "Na ovoj stranici nema provera činjenica.",
    "No fact-checks;": "Nema provera činjenica;",
    "No facts on this page.": "Na ovoj stranici nema činjenica.",
    "No facts.": "Nema činjenica.",
    "No narratives;": "Nema narativa;",
    "No runs yet.": "Još nema učitavanja.",
    "No sources.": "Nema izvora.",
    "Not addressed by the fact base.": "Baza činjenica se ne odnosi na ovo.",
    "Not placed in a story cluster yet": "Još nije svrstan u klaster priča",
    "Nothing in the fact base addresses this claim.": "Ništa iz baze činjenica se ne odnosi na ovu tvrdnju.",
    "Nothing is published yet.": "Još ništa nije objavljeno.",
    "Nothing waits for a decision.": "Ništa ne čeka odluku.",
    "Queue": "Red",
    "Reject (r)": "Odbij (r)",
    "Save keeps your edit for the team (the generated draft stays on the card).":
        "Čuvanje zadržava vašu izmenu za tim (generisani nacrt ostaje na kartici).",
    "Select and copy by hand": "Označite i kopirajte ručno",
    "Set {variable} to have {command} POST each new alert as JSON.":
        "Postavite {variable} da bi {command} slao svako novo upozorenje kao JSON (POST).",
    "Short": "Kraći",
    "Short (at most 280 characters)": "Kraći (najviše 280 znakova)",
    "Show more": "Prikaži više",
    "Showing the latest {n}.": "Prikazano poslednjih {n}.",
    "Starting from": "Polazište:",
    "The pages then show who confirmed or rejected it and when. Response cards are offered for confirmed matches; a candidate's drafts are marked as drafts of a candidate, and a rejected candidate gets no card.":
        "Stranice tada pokazuju ko ga je i kada potvrdio ili odbio. Kartice odgovora nude se za potvrđena poklapanja; nacrti kandidata označeni su kao nacrti kandidata, a odbijeni kandidat nema karticu.",
    "The same text re-published across outlets, scripts and platforms: each cluster's first appearance, and its copies on a timeline from the first to the last.":
        "Isti tekst ponovo objavljen u različitim medijima, pismima i na platformama: prvo pojavljivanje svakog klastera i njegove kopije na vremenskoj liniji od prve do poslednje.",
    "The verdict shown beside a candidate belongs to the fact-check: “the fact-check rates its claim: False” says what the fact-checker concluded about the claim it examined, not about the sentence on this page.":
        "Ocena prikazana pored kandidata pripada proveri činjenica: „provera činjenica ocenjuje svoju tvrdnju: netačno” kaže šta je proveravač zaključio o tvrdnji koju je ispitao, a ne o rečenici na ovoj stranici.",
    "URL": "URL",
    "a day whose count a Poisson test finds improbable against the 7 days before (p < 0.001, at least 5 documents);":
        "dan čiji je broj po Poasonovom testu malo verovatan u odnosu na prethodnih 7 dana (p < 0.001, najmanje 5 dokumenata);",
    "a state or state-affiliated actor's sources carry a narrative for the first time;":
        "izvori državnog ili državi bliskog aktera prvi put prenose narativ;",
    "accounts of one coordination network carry it.": "prenose ga nalozi jedne koordinisane mreže.",
    "alerts": "upozorenja",
    "asks": "pita",
    "assigned to": "zadužen",
    "at the same time": "u isto vreme",
    "before:": "pre:",
    "builds them from the ingested documents.": "ih gradi od učitanih dokumenata.",
    "carrying": "koji nose",
    "claim text, any script": "tekst tvrdnje, bilo koje pismo",
    "claim {id}": "tvrdnja {id}",
    "click the value again to remove this filter": "kliknite vrednost ponovo da uklonite ovaj filter",
    "clusters check-worthy claims that match no catalogued narrative.":
        "grupiše tvrdnje vredne provere koje ne odgovaraju nijednom narativu iz kataloga.",
    "confirmed card": "potvrđena kartica",
    "confirmed fact-check": "potvrđena provera činjenica",
    "coordinated-amplification": "koordinisano pojačavanje",
    "default: its first claim": "podrazumevano: njegova prva tvrdnja",
    "draft of a candidate": "nacrt kandidata",
    "edited by {who} on {when}": "izmenio {who}, {when}",
    "evidence: {words}": "dokaz: {words}",
    "extracts them.": "ih izdvaja.",
    "fact": "činjenica",
    "factwatch never labels a claim true or false. For each check-worthy sentence it finds the fact-checks in the fact base that may address it. The best of them is a candidate fact-check when its probability passes {threshold}.":
        "factwatch nikad ne označava tvrdnju kao tačnu ili netačnu. Za svaku rečenicu vrednu provere pronalazi provere činjenica iz baze koje bi mogle da se na nju odnose. Najbolja od njih je moguća provera činjenica kad njena verovatnoća pređe {threshold}.",
    "finds them among the ingested posts.": "ih pronalazi među učitanim objavama.",
    "first published by": "prvi je objavio",
    "from": "od",
    "genitive|claim {id}": "tvrdnje {id}",  # after "od"
    "from {date}": "od {date}",
    "has not run since it arrived": "nije pokrenut otkad je stigao",
    "holds this document only.": "sadrži samo ovaj dokument.",
    "id": "id",
    "languages:": "jezici:",
    "loads some.": "ih učitava.",
    "loads the catalogue.": "učitava katalog.",
    "matching “{q}”": "za „{q}”",
    "new documents match a saved search that an analyst made an alert":
        "novi dokumenti odgovaraju sačuvanoj pretrazi koju je analitičar pretvorio u upozorenje",
    "no fact-check": "nema provere činjenica",
    "not an http(s) link; shown as text": "nije http(s) veza; prikazano kao tekst",
    "optional": "neobavezno",
    "p is the calibrated probability that this fact-check addresses this sentence: that the sentence makes the claim the fact-check examined, or a rewording or translation of it. It is not the probability that the sentence is false.":
        "p je kalibrisana verovatnoća da se ova provera činjenica odnosi na ovu rečenicu: da rečenica iznosi tvrdnju koju je provera ispitala, ili njenu preformulaciju ili prevod. To nije verovatnoća da je rečenica netačna.",
    "pending": "na čekanju",
    "published responses": "objavljeni odgovori",
    "re-ranker score: orders the candidates of this sentence; not p": "ocena rerangiranja: redosled kandidata ove rečenice; nije p",
    "records one.": "ga beleži.",
    "registers the profile's sources.": "registruje izvore profila.",
    "rejects": "odbacuje",
    "repeats": "ponavlja",
    "reports": "prenosi",
    "runs the alerts stage after narratives are classified.": "pokreće fazu upozorenja posle klasifikacije narativa.",
    "saved searches": "sačuvane pretrage",
    "saved-search": "sačuvana pretraga",
    "score": "ocena",
    "scripts:": "pisma:",
    "see fact-check": "vidi proveru činjenica",
    "set by {who} on {when}": "postavio {who}, {when}",
    "show every claim": "prikaži sve tvrdnje",
    "spike": "skok",
    "state-actor": "državni akter",
    "candidate-growth": "rast kandidata",
    "stored by the match stage: how the sentence relates to the fact-checked claim":
        "sačuvala faza uparivanja: odnos rečenice prema proverenoj tvrdnji",
    "story cluster {id}": "klaster priča {id}",
    "the benchmark sets": "skupovima za merenje",
    "the first appearance": "prvo pojavljivanje",
    "the first fact-check below probably addresses this claim; an analyst confirms it before it is used.":
        "prva provera činjenica ispod se verovatno odnosi na ovu tvrdnju; analitičar to potvrđuje pre upotrebe.",
    "the first fact below (an official statement, not a fact-check) probably bears on this claim: cite it as evidence once an analyst confirms it.":
        "prva činjenica ispod (zvanična izjava, ne provera činjenica) se verovatno odnosi na ovu tvrdnju: navedite je kao dokaz kada analitičar to potvrdi.",
    "the outlet's site": "sajt medija",
    "this match was stored before the match stage kept p; rerun factwatch analyze":
        "ovo poklapanje je sačuvano pre nego što je faza uparivanja čuvala p; ponovo pokrenite factwatch analyze",
    "undated; the first appearance is dated": "bez datuma; prvo pojavljivanje ima datum",
    "user name": "korisničko ime",
    "{duration} earlier": "{duration} ranije",
    "{n} in Cyrillic": "{n} na ćirilici",
    "{n} in Latin": "{n} na latinici",
    "{n} in the last 7 days": "{n} u poslednjih 7 dana",
    "{percent}% similar": "{percent}% slično",
    # values shown as words: statuses, units, kinds, actions
    "none": "nijedno",
    "day": "dan",
    "hour": "sat",
    "done": "završeno",
    "failed": "neuspelo",
    "running": "u toku",
    "created": "napravljeno",
    "edited": "izmenjeno",
    "outlets": "mediji",
    "Documents a day (UTC) by {dimension}": "Dokumenata dnevno (UTC) po dimenziji: {dimension}",
    "Documents an hour (UTC) by {dimension}": "Dokumenata po satu (UTC) po dimenziji: {dimension}",
    "Audit": "Spisak odluka",
    "API": "API",
    "Document {id}": "Dokument {id}",
    "Run {id}": "Učitavanje {id}",
    "all": "sve",
    "yes": "da",
    "no": "ne",
    "recency": "najnovije",
    "spread": "širenje",
    "match": "uparivanje",
    "status": "status",
    "draft": "nacrt",
    "post": "objava",
    "network": "mreža",
    "url": "link",
    "repost": "repost",
    "hashtag": "hešteg",
    "text": "tekst",
    "media": "slika ili video",
    "claim, rebuttal, publisher; any script": "tvrdnja, pobijanje, izdavač; bilo koje pismo",
    "Not found; the navigation bar lists the pages.": "Nije pronađeno; stranice su navedene u meniju.",
    "ingest": "učitavanje",
    "analyze": "analiza",
    "decide with {command}": "odlučite komandom {command}",
    # the audit list's actions (store/_workflow.py _AUDIT_UNION), an id or name at the end
    "confirmed fact-check {id}": "potvrđena provera činjenica {id}",
    "rejected fact-check {id}": "odbijena provera činjenica {id}",
    "confirmed fact {id}": "potvrđena činjenica {id}",
    "rejected fact {id}": "odbijena činjenica {id}",
    "created fact-check {id}": "napravljena provera činjenica {id}",
    "edited fact-check {id}": "izmenjena provera činjenica {id}",
    "created fact {id}": "napravljena činjenica {id}",
    "edited fact {id}": "izmenjena činjenica {id}",
    "confirmed {id}": "potvrđeno: {id}",
    "rejected {id}": "odbijeno: {id}",
    "confirmed as {id}": "potvrđeno kao {id}",
    "edited the short draft": "izmenjen kraći nacrt",
    "edited the long draft": "izmenjen duži nacrt",
    "reply posted at {id}": "odgovor objavljen na {id}",
    "status new": "status: nova",
    "status in_review": "status: u proveri",
    "status responded": "status: odgovoreno",
    "status new, assigned to {id}": "status: nova, zadužen {id}",
    "status in_review, assigned to {id}": "status: u proveri, zadužen {id}",
    "status responded, assigned to {id}": "status: odgovoreno, zadužen {id}",
    # script codes as the store keeps them (ISO 15924); English shows the codes
    "Cyrl": "ćirilica",
    "Latn": "latinica",
    "Zyyy": "bez slova",
    # the API reference (/docs): its frame; the operations' descriptions stay English (lang="en")
    "Every operation takes": "Svaka operacija prima",
    "a token from": "token od",
    "or the session of this login; without one it answers 401.": "ili sesiju ove prijave; bez njih odgovara sa 401.",
    "Reads need the viewer role, writes the analyst role. Errors are JSON,":
        "Za čitanje je potrebna uloga čitaoca, za upis uloga analitičara. Greške su JSON,",
    "with the HTTP status. Lists take limit and offset and say their total.":
        "sa HTTP statusom. Spiskovi primaju limit i offset i navode svoj total.",
    "The machine-readable schema is": "Mašinski čitljiva šema je",
    "Operations": "Operacije",
    "name": "naziv",
    "in": "gde",
    "type": "tip",
    "required": "obavezno",
    "meaning": "značenje",
    "Body:": "Telo:",
    "Answers:": "Odgovori:",
    # error pages: the status and the commonest messages (web/_i18n.gettext_value puts the id back)
    "bad request": "neispravan zahtev",
    "not found": "nije pronađeno",
    "too many requests": "previše zahteva",
    "server error": "greška servera",
    "No document {id}.": "Nema dokumenta {id}.",
    "No document {id}; document ids are numbers, see /documents.": "Nema dokumenta {id}; id dokumenta je broj, vidi /documents.",
    "No claim {id}; claim ids are numbers, see /claims.": "Nema tvrdnje {id}; id tvrdnje je broj, vidi /claims.",
    "No claim {id}; /claims or `factwatch claims list` lists them.":
        "Nema tvrdnje {id}; spisak je na /claims ili ga daje `factwatch claims list`.",
    "No cluster {id}; cluster ids are numbers, see /clusters.": "Nema klastera {id}; id klastera je broj, vidi /clusters.",
    "No coordination network {id}; see /coordination.": "Nema koordinisane mreže {id}; vidi /coordination.",
    "No claim {id}; /claims lists the claims `factwatch analyze` extracted.":
        "Nema tvrdnje {id}; spisak tvrdnji koje je izdvojio `factwatch analyze` je na /claims.",
    "No cluster {id}; `factwatch clusters` lists them.": "Nema klastera {id}; spisak daje `factwatch clusters`.",
    "No fact {id}; /facts lists them.": "Nema činjenice {id}; spisak je na /facts.",
    "No actor {id}; /actors lists them (a source's page is /sources/NAME).":
        "Nema aktera {id}; spisak je na /actors (stranica izvora je /sources/NAME).",
    "No saved search {id}; /saved lists them.": "Nema sačuvane pretrage {id}; spisak je na /saved.",
    # the response card's notes (respond/cards.py), shown on the claim page
    "no fact-check in the fact base addresses this claim": "nijedna provera činjenica iz baze se ne odnosi na ovu tvrdnju",
    "this text rejects the fact-checked claim (a denial or debunk); no response needed":
        "ovaj tekst odbacuje proverenu tvrdnju (poricanje ili opovrgavanje); odgovor nije potreban",
    "this text only reports the claim, attributed to someone else; respond to the source that asserts it":
        "ovaj tekst samo prenosi tvrdnju, pripisanu nekom drugom; odgovorite izvoru koji je iznosi",
    "this text asks whether the claim is true; answer with the fact-check itself, not a rebuttal":
        "ovaj tekst pita da li je tvrdnja tačna; odgovorite samom proverom činjenica, ne pobijanjem",
    "the fact-check rates the claim true; there is nothing to counter": "provera činjenica ocenjuje tvrdnju kao tačnu; nema šta da se pobija",
    # a card whose best match is a fact (official statement), not a fact-check (respond/cards.py)
    "the best match is a fact (an official statement or evidence record), not a fact-check, and nothing says this text contradicts it; no rebuttal: cite the fact as evidence":
        "najbolje poklapanje je činjenica (zvanična izjava ili dokaz), a ne provera činjenica, i ništa ne ukazuje da joj ovaj tekst protivreči; nema pobijanja: navedite činjenicu kao dokaz",
    "relevant fact / official statement": "relevantna činjenica / zvanična izjava",
    "Relevant fact / official statement": "Relevantna činjenica / zvanična izjava",
    "Fact-check citing this fact": "Provera činjenica koja navodi ovu činjenicu",
    "Evidence to cite": "Dokaz za navođenje",
    "evidence, not a fact-check": "dokaz, ne provera činjenica",
    "The best match is a fact (an official statement), not a fact-check: cite it as evidence; no rebuttal is drafted.":
        "Najbolje poklapanje je činjenica (zvanična izjava), a ne provera činjenica: navedite je kao dokaz; pobijanje se ne piše.",
    "Rank score is the re-ranker's score: it orders the candidates (below the first it is often tiny). p, the probability that a fact-check addresses the sentence, is decided for the first candidate only.":
        "Ocena rangiranja je ocena modela za rangiranje: ona određuje redosled kandidata (ispod prvog je često sićušna). p, verovatnoća da provera činjenica odgovara na rečenicu, računa se samo za prvog kandidata.",
    "draft of a CANDIDATE match: an analyst has not confirmed that this fact-check addresses the claim; confirm the match (`factwatch review confirm`) before posting":
        "nacrt za MOGUĆE poklapanje: analitičar nije potvrdio da se ova provera činjenica odnosi na tvrdnju; potvrdite poklapanje (`factwatch review confirm`) pre objavljivanja",
    # campaigns and the briefing (routers/campaigns.py; the notes are analysis/campaigns.py's)
    "Campaigns": "Kampanje",
    "Briefing": "Izveštaj",
    "Coordinated networks whose accounts coincide (the same accounts found by shared links, hashtags and copied text are one operation), with the narratives their documents carry, their sources and owning actors, and the fact-checks that address their claims. State-involved and largest first.":
        "Koordinisane mreže čiji se nalozi poklapaju (isti nalozi nađeni po deljenim linkovima, heštegovima i kopiranom tekstu čine jednu operaciju), sa narativima koje nose njihovi dokumenti, njihovim izvorima i akterima koji ih poseduju i proverama činjenica koje se odnose na njihove tvrdnje. Prvo one sa državnim akterima, pa najveće.",
    "Campaign {id}": "Kampanja {id}",
    "Campaign": "Kampanja",
    "read up to this many": "pročitano najviše ovoliko",
    "Networks": "Mreže",
    "median lag {s} s, score {score}": "medijana kašnjenja {s} s, ocena {score}",
    "No narrative found in its documents.": "U njenim dokumentima nije nađen nijedan narativ.",
    "{n} more sources in the JSON.": "Još {n} izvora u JSON-u.",
    "Fact-checks addressing its claims": "Provere činjenica koje se odnose na njene tvrdnje",
    "No fact-check addresses its claims yet.": "Nijedna provera činjenica se još ne odnosi na njene tvrdnje.",
    "No coordinated network was active in this period;": "Nijedna koordinisana mreža nije bila aktivna u ovom periodu;",
    "No coordinated network was active in this period.": "Nijedna koordinisana mreža nije bila aktivna u ovom periodu.",
    "Download Markdown": "Preuzmi Markdown",
    "Download HTML": "Preuzmi HTML",
    "Period: {since} to {until}; generated {at}.": "Period: od {since} do {until}; napravljeno {at}.",
    "everything stored": "sve sačuvano",
    "now": "sada",
    "Nothing was found: no documents were published in this period.":
        "Ništa nije nađeno: u ovom periodu nije objavljen nijedan dokument.",
    "{n} undated, not placed in any period": "{n} bez datuma, nisu svrstani ni u jedan period",
    "{n} with a candidate fact-check": "{n} sa mogućom proverom činjenica",
    "Top narratives": "Najzastupljeniji narativi",
    "Spike alerts": "Upozorenja o skoku",
    "No narrative was found in this period.": "U ovom periodu nije nađen nijedan narativ.",
    "Top claims and fact-checks": "Glavne tvrdnje i provere činjenica",
    "A fact-check's verdict is the fact-checker's on the claim it checked. 'candidate' is an automatic match with its probability p; 'confirmed' an analyst reviewed. factwatch gives no verdict itself.":
        "Ocena provere činjenica je ocena proveravača o tvrdnji koju je proverio. „kandidat” je automatsko poklapanje sa verovatnoćom p; „potvrđeno” je pregledao analitičar. factwatch sam ne daje ocenu.",
    "No claim with a candidate or confirmed fact-check in this period.":
        "U ovom periodu nema tvrdnje sa mogućom ili potvrđenom proverom činjenica.",
    "State actors pushing narratives": "Državni akteri koji guraju narative",
    "No state or state-affiliated actor carried a narrative in this period.":
        "U ovom periodu nijedan državni akter ni akter blizak državi nije preneo narativ.",
    "New candidate narratives": "Novi mogući narativi",
    "Clusters of claims first seen in the period that match no catalogued narrative; an analyst decides whether to promote them.":
        "Grupe tvrdnji prvi put viđene u periodu koje ne odgovaraju nijednom narativu iz kataloga; analitičar odlučuje da li da ih unapredi.",
    "No candidate narrative in this period.": "U ovom periodu nema mogućeg narativa.",
    "Narrative assignments are automatic candidates unless an analyst confirmed them.":
        "Dodele narativa su automatski kandidati dok ih analitičar ne potvrdi.",
    "Fact-checks marked 'candidate' are proposed matches with their probability p; 'confirmed' ones an analyst reviewed. Neither is a verdict on the claim by factwatch.":
        "Provere činjenica označene kao „kandidat” su predložena poklapanja sa verovatnoćom p; „potvrđene” je pregledao analitičar. Nijedno nije ocena tvrdnje koju daje factwatch.",
    "Coordination is repeated co-sharing within seconds; it does not by itself show intent.":
        "Koordinacija je ponovljeno zajedničko deljenje u roku od nekoliko sekundi; samo po sebi ne pokazuje nameru.",
}

# Counted messages: the English plural form -> Serbian (Latin) forms for one, few (2-4) and many.
SR_PLURALS: dict[str, tuple[str, str, str]] = {
    "the largest {n} series.": ("najvećih {n} serija.", "najveće {n} serije.", "najvećih {n} serija."),
    "{n} accounts": ("{n} nalog", "{n} naloga", "{n} naloga"),
    "{n} active narratives": ("{n} aktivan narativ", "{n} aktivna narativa", "{n} aktivnih narativa"),
    "{n} alerts.": ("{n} upozorenje.", "{n} upozorenja.", "{n} upozorenja."),
    "{n} candidates of {size}+ claims that match no catalogued narrative": (
        "{n} kandidat od {size}+ tvrdnji koje ne odgovaraju nijednom narativu iz kataloga",
        "{n} kandidata od {size}+ tvrdnji koje ne odgovaraju nijednom narativu iz kataloga",
        "{n} kandidata od {size}+ tvrdnji koje ne odgovaraju nijednom narativu iz kataloga"),
    "{n} claims": ("{n} tvrdnja", "{n} tvrdnje", "{n} tvrdnji"),
    "accusative|{n} claims": ("{n} tvrdnju", "{n} tvrdnje", "{n} tvrdnji"),  # after "Odnosi se na"
    "{n} copies followed.": ("usledila je {n} kopija.", "usledile su {n} kopije.", "usledilo je {n} kopija."),
    "{n} documents": ("{n} dokument", "{n} dokumenta", "{n} dokumenata"),
    "{n} facts and statements": ("{n} činjenica ili izjava", "{n} činjenice i izjave", "{n} činjenica i izjava"),
    "{n} fact-checks": ("{n} provera činjenica", "{n} provere činjenica", "{n} provera činjenica"),
    "{n} sources": ("{n} izvor", "{n} izvora", "{n} izvora"),
    "{n} translations": ("{n} prevod", "{n} prevoda", "{n} prevoda"),
    "{n} operations": ("{n} operacija", "{n} operacije", "{n} operacija"),
    # alert summaries (analysis/alerts.py SUMMARY_MESSAGES, rendered by web/_alert_text.py)
    "{label}: {n} documents in the day {at}, against a baseline of {baseline} a day (Poisson p = {p})": (
        "{label}: {n} dokument za dan {at}, naspram osnove od {baseline} dnevno (Poasonov p = {p})",
        "{label}: {n} dokumenta za dan {at}, naspram osnove od {baseline} dnevno (Poasonov p = {p})",
        "{label}: {n} dokumenata za dan {at}, naspram osnove od {baseline} dnevno (Poasonov p = {p})"),
    "{label}: {n} documents in the hour {at}, against a baseline of {baseline} an hour (Poisson p = {p})": (
        "{label}: {n} dokument za sat {at}, naspram osnove od {baseline} po satu (Poasonov p = {p})",
        "{label}: {n} dokumenta za sat {at}, naspram osnove od {baseline} po satu (Poasonov p = {p})",
        "{label}: {n} dokumenata za sat {at}, naspram osnove od {baseline} po satu (Poasonov p = {p})"),
    "candidate narrative {candidate} (`factwatch narratives candidates`): {n} documents in the day {at}, against a baseline of {baseline} (Poisson p = {p})": (
        "kandidat za narativ {candidate} (`factwatch narratives candidates`): {n} dokument za dan {at}, naspram osnove od {baseline} (Poasonov p = {p})",
        "kandidat za narativ {candidate} (`factwatch narratives candidates`): {n} dokumenta za dan {at}, naspram osnove od {baseline} (Poasonov p = {p})",
        "kandidat za narativ {candidate} (`factwatch narratives candidates`): {n} dokumenata za dan {at}, naspram osnove od {baseline} (Poasonov p = {p})"),
    "candidate narrative {candidate} (`factwatch narratives candidates`): {n} documents in the hour {at}, against a baseline of {baseline} (Poisson p = {p})": (
        "kandidat za narativ {candidate} (`factwatch narratives candidates`): {n} dokument za sat {at}, naspram osnove od {baseline} (Poasonov p = {p})",
        "kandidat za narativ {candidate} (`factwatch narratives candidates`): {n} dokumenta za sat {at}, naspram osnove od {baseline} (Poasonov p = {p})",
        "kandidat za narativ {candidate} (`factwatch narratives candidates`): {n} dokumenata za sat {at}, naspram osnove od {baseline} (Poasonov p = {p})"),
    "{actor} ({actor_type}) started pushing '{label}' on {at} ({n} documents so far)": (
        "{actor} ({actor_type}) počinje da širi „{label}” {at} (do sada {n} dokument)",
        "{actor} ({actor_type}) počinje da širi „{label}” {at} (do sada {n} dokumenta)",
        "{actor} ({actor_type}) počinje da širi „{label}” {at} (do sada {n} dokumenata)"),
    "{actor} ({actor_type}, {country}) started pushing '{label}' on {at} ({n} documents so far)": (
        "{actor} ({actor_type}, {country}) počinje da širi „{label}” {at} (do sada {n} dokument)",
        "{actor} ({actor_type}, {country}) počinje da širi „{label}” {at} (do sada {n} dokumenta)",
        "{actor} ({actor_type}, {country}) počinje da širi „{label}” {at} (do sada {n} dokumenata)"),
    "{n} coordinated accounts (network {networks}) carried '{label}' in {documents} documents": (
        "{n} koordinisan nalog (mreža {networks}) preneo je „{label}”; dokumenata: {documents}",
        "{n} koordinisana naloga (mreža {networks}) prenela su „{label}”; dokumenata: {documents}",
        "{n} koordinisanih naloga (mreža {networks}) prenelo je „{label}”; dokumenata: {documents}"),
    "{n} new documents match the saved search '{name}'": (
        "{n} novi dokument odgovara sačuvanoj pretrazi „{name}”",
        "{n} nova dokumenta odgovaraju sačuvanoj pretrazi „{name}”",
        "{n} novih dokumenata odgovara sačuvanoj pretrazi „{name}”"),
}

# Language names, per interface language (ISO 639 codes as the store keeps them).
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "sr": "Serbian", "hr": "Croatian", "bs": "Bosnian", "cnr": "Montenegrin", "sq": "Albanian",
        "mk": "Macedonian", "ru": "Russian", "en": "English", "bg": "Bulgarian", "uk": "Ukrainian",
        "sl": "Slovenian", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "tr": "Turkish",
        "hu": "Hungarian", "ro": "Romanian", "el": "Greek", "pl": "Polish", "cs": "Czech", "sk": "Slovak",
        "ar": "Arabic", "zh": "Chinese", "und": "undetermined",
    },
    "sr-Latn": {
        "sr": "srpski", "hr": "hrvatski", "bs": "bosanski", "cnr": "crnogorski", "sq": "albanski",
        "mk": "makedonski", "ru": "ruski", "en": "engleski", "bg": "bugarski", "uk": "ukrajinski",
        "sl": "slovenački", "de": "nemački", "fr": "francuski", "es": "španski", "it": "italijanski",
        "tr": "turski", "hu": "mađarski", "ro": "rumunski", "el": "grčki", "pl": "poljski", "cs": "češki",
        "sk": "slovački", "ar": "arapski", "zh": "kineski", "und": "neodređen",
    },
}

# Tokens that stay in Latin script in the Cyrillic interface: placeholders, names, code. Quotation
# marks are cut out too: serbian-translit leaves a text between „ and ” in Latin, taking it for a name.
_KEEP_LATIN_RE = re.compile(r"([„”“]|\{[^}]*\}|\b[a-z]{2,3}(?:, [a-z]{2,3})+…|`[^`]*`|schema\.org|docs/[\w./]+|(?<![\w/])/[a-z][\w/]*|"
                            r"\bfactwatch(?: (?:analyze|review|ingest|facts|narratives|users|tokens|sources|watch|clusters|claims|demo|serve)\b)?|"
                            r"\b(?:API|JSON|CSV|URL|UTC|ID|DISARM|ClaimReview|CooRTweet|POST|NAME|Markdown|HTML|p)\b)")


def _to_cyrillic(message: str) -> str:
    from factwatch.text.search import to_cyrillic

    parts = _KEEP_LATIN_RE.split(message)
    # split() with one group puts the kept tokens at odd positions.
    return "".join(part if i % 2 else to_cyrillic(part) for i, part in enumerate(parts))


@lru_cache(maxsize=1)
def _catalogues() -> dict[str, dict[str, str]]:
    cyrillic = {k: _to_cyrillic(v) for k, v in SR_LATN.items()}
    return {"en": {}, "sr-Latn": SR_LATN, "sr-Cyrl": cyrillic}


@lru_cache(maxsize=1)
def _plural_catalogues() -> dict[str, dict[str, tuple[str, ...]]]:
    cyrillic = {k: tuple(_to_cyrillic(f) for f in forms) for k, forms in SR_PLURALS.items()}
    return {"en": {}, "sr-Latn": SR_PLURALS, "sr-Cyrl": cyrillic}


def plural_catalogue(lang: str) -> dict[str, tuple[str, ...]]:
    return _plural_catalogues()[lang]


def serbian_plural_form(n: int) -> int:
    """0 for 1, 21, 101…; 1 for 2–4, 22–24…; 2 for the rest (5–20, 11–14, 111–114 among them)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


@lru_cache(maxsize=1)
def _language_names() -> dict[str, dict[str, str]]:
    return {**LANGUAGE_NAMES, "sr-Cyrl": {k: _to_cyrillic(v) for k, v in LANGUAGE_NAMES["sr-Latn"].items()}}


def catalogue(lang: str) -> dict[str, str]:
    return _catalogues()[lang]


def _valid(value: str | None) -> str | None:
    return value if value in LANGUAGES else None


# Accept-Language tags -> interface language. Serbian Latin for the Latin-script languages of the
# same speech area; plain "sr" (and sr-RS, sr-ME…) is Cyrillic, as CLDR takes sr without a script.
_LATIN_TAGS = ("sr-latn", "hr", "bs", "cnr", "sh")
_CYRILLIC_TAGS = ("sr-cyrl", "sr")


def browser_language(header: str | None) -> str | None:
    """The interface language an Accept-Language header asks for first (by q-value), or None."""
    ranked = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and q > 0:
            ranked.append((-q, position, tag.strip().lower()))
    for _q, _position, tag in sorted(ranked):
        if tag == "en" or tag.startswith("en-"):
            return "en"
        if any(tag == t or tag.startswith(t + "-") for t in _LATIN_TAGS):
            return "sr-Latn"
        if any(tag == t or tag.startswith(t + "-") for t in _CYRILLIC_TAGS):
            return "sr-Cyrl"
    return None


def request_language(request: Request) -> str:
    """?lang=, else the cookie, else the browser's Accept-Language, else English."""
    return (_valid(request.query_params.get("lang")) or _valid(request.cookies.get(COOKIE))
            or browser_language(request.headers.get("accept-language")) or DEFAULT)


def activate(request: Request) -> str:
    """Make ``request``'s language (and the request, for links) current for rendering; returns it."""
    lang = request_language(request)
    _current.set(lang)
    _request.set(request)
    return lang


def gettext(message: str, _context: str | None = None, **values: Any) -> str:
    """``message`` in the current interface language, formatted with ``values``.

    ``_context`` tells apart one English text that Serbian says two ways (a case after a
    preposition): the catalogue key is "context|message", and the plain message its fallback."""
    table = _catalogues()[_current.get()]
    text = table.get(f"{_context}|{message}") if _context else None
    text = text or table.get(message, message)
    return text.format(**values) if values else text


# One value in a message built in Python (a page title, an error): a number, a quoted name, a run or
# network id. Taken out, the rest is looked up with "{id}" in its place.
_VALUE_RE = re.compile(r"'[^']*'|\d{14}-[0-9a-f]+|\b[a-z]+-[0-9a-f]{8,}\b|(?<![\w.-])\d+(?![\w-])")


def gettext_value(message: str) -> str:
    """``message`` translated; one with a value ("Claim 12", "No document 7.") through its "{id}" form."""
    table = _catalogues()[_current.get()]
    if message in table or not table:
        return table.get(message, message)
    found = _VALUE_RE.search(message)
    last = message.rsplit(" ", 1)
    # The id, else the last word (a narrative id, a URL: "confirmed eu-never-accepts", "reply posted at …").
    spans = ([(found.start(), found.end())] if found else []) + ([(len(last[0]) + 1, len(message))] if len(last) == 2 else [])
    for start, end in spans:
        key = message[:start] + "{id}" + message[end:]
        if key in table:
            return table[key].replace("{id}", message[start:end])  # not format(): the value may hold braces
    return message


def ngettext(singular: str, plural: str, n: int, _context: str | None = None, **values: Any) -> str:
    """A counted message in the current interface language, formatted with ``n`` and ``values``.

    The Serbian forms are looked up under the English plural (or "context|plural"); ``n`` picks one of three."""
    table = _plural_catalogues()[_current.get()]
    forms = (table.get(f"{_context}|{plural}") if _context else None) or table.get(plural)
    if forms:
        text = forms[serbian_plural_form(n)]
    else:
        text = singular if n == 1 else plural
    return text.format(n=n, **values)


def language_name(code: str | None) -> str:
    """A language code as a name in the interface language; an unknown code as itself."""
    if not code:
        return ""
    names = _language_names()[_current.get()]
    return names.get(code) or LANGUAGE_NAMES["en"].get(code) or code


def url_with(**changes: str | None) -> str:
    """The current page's URL (path and query) with ``changes`` applied; None removes a parameter."""
    request = _request.get()
    if request is None:
        return "/"
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, v) for k, v in changes.items() if v is not None]
    return request.url.path + ("?" + urlencode(params) if params else "")


def remember_language(request: Request, response: Response) -> None:
    """A valid ``?lang=`` stays chosen: store it in a cookie (a year, this site only)."""
    lang = _valid(request.query_params.get("lang"))
    if lang and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax")


def install(env: jinja2.Environment) -> None:
    env.globals["_"] = gettext
    env.globals["_n"] = ngettext
    env.globals["_value"] = gettext_value
    env.globals["url_with"] = url_with
    env.globals["interface_languages"] = [(code, SELF_NAMES[code]) for code in LANGUAGES]
    env.globals["interface_language"] = _current.get  # called: {{ interface_language() }}
    env.filters["language_name"] = language_name
