"""Cross-language concept agreement for the decision (issue 6: rewordings in another language).

A rewording in Serbian of an English-only fact-check shares no word with it, so word, name and
predicate agreement are all zero and the decision rests on e5's cosine, where rewordings and
near-topic sentences overlap. This table maps the region's words for the things disinformation
claims are about (actors, places, and above all *what is said to happen*: attack, occupy,
collapse, promise, expand, train mercenaries...) to one concept id, on the Latin key, so
"Мигрантска криза ће срушити ЕУ" and "The EU will collapse under the refugees" agree on
{EU, COLLAPSE, REFUGEE} while "EU prices rose" agrees on {EU} only.

Stems are Latin-key prefixes (``latin_key`` output: Cyrillic transliterated, diacritics folded;
Russian ц is ``cz``, Bulgarian ``ts``, Macedonian and Serbian ``c``). A stem of four letters or
more matches any word it begins; a shorter one (or one written ``=word``) matches the word
exactly. Written from the domain's general vocabulary, not from benchmark sentences.
"""

from __future__ import annotations

import re
from functools import lru_cache

# concept: stems in en, BCMS (sr/hr/bs/cnr), mk, ru, bg, sq
_TABLE: dict[str, str] = {
    # -- actors and places ---------------------------------------------------------------------
    "NATO": "nato alliance =alijans alijans alijanse alijansu alyans alians aleanc sevoatlant severoatlant"
            " severnoatlant northatlantic atlantic atlants",
    "USA": "=usa sjedinjen soedinenn shtetet =ssha =sasht =shba america amerik amerika americk amerikan amerikanc washington"
           " vasington vashington uashington pentagon",
    "EU": "=eu =es =ue evropska europska european europe evrope evropa evropsk evrop europ evrosoyuz"
          " brussels brisel bryussel bruksel brisel",
    "RUSSIA": "russia russian rusij rusk rusi =rus rossi rossij russk rusia rusise rusija moscow moskv moskov"
              " moskau kremlin kreml putin",
    "UKRAINE": "ukrain ukrajin ukraina ukrajn ukraine kyiv kiev kijev kiyev kiev kijiv zelensk zelenski",
    "SERBIA": "serbia serbian serbs =serb srbij srbi srpsk srpsk serbiya serbsk serbi srbin belgrade beograd belgrad",
    "KOSOVO": "kosov kosova kosove pristina pristin prishtin",
    "BOSNIA": "bosni =bih bosn sarajev republika srpsk",
    "MONTENEGRO": "montenegr =crna crnogor chernogor podgoric",
    "MACEDONIA": "macedon makedon maqedon skopje skopj",
    "ALBANIA": "albania alban albanij shqip tiran",
    "CROATIA": "croatia croat hrvatsk hrvat horvat kroaci zagreb",
    "BELARUS": "belarus bjelorus belorus byelorus bjellorus minsk lukashen",
    "GERMANY": "german njemack nemack germani nemeck gjerman berlin merkel",
    "KFOR": "kfor kafor",
    "EUFOR": "eufor althea altea alteja alteya",
    "UN": "=un =oun =oon ujedinjen obedinenn",
    "HAGUE": "hague =hag hagu haag haski hashk haag tribunal icty",
    "SOROS": "soros",
    "WEST": "western =west zapad zapadn zapadni perendim",
    # -- military and security -----------------------------------------------------------------
    "ATTACK": "attack assault napad napadn napadne napadnu nasrn sulm sulmo udar udaru udari strike atak shturm",
    "WAR": "=war wars warfare rat =rata ratu ratni vojn vojna vojne =vojny vojni vojnu lufte luft vojnata",
    "SOLDIER": "soldier troop troops military army vojnik vojnic vojsk vojska voysk vojsk vojskata ushtar ushtri"
               " ushtri trupe =trupa trupa armij armija armiya militar soldat voenn",
    "BASE": "=base =bases =baza baze =bazi =bazu bazat bazo bazy bondsteel bondstil =bazom =bazama",
    "EXERCISE": "exercise drill drills ucheni uchenij vjezb vezb vezbi vjezbi stervit manevr maneuv",
    "WEAPON": "weapon arms oruzj oruzh oruz armatim armet",
    "NUCLEAR": "nuclear nuklear yadern jadern atomsk atomn atomic berthamor",
    "MERCENARY": "mercenar placenic platenic naemnik najemnik najamnik mercenar placenik platenik",
    "TRAIN": "train trained training obucav obucava obuchen obuchaj obuka obuke trajn stervit obucha obucit obucen trenir trenin",
    "OCCUPY": "occup okupir okupacij okupaci okkupir okkupacz okupim pushtim",
    "INVADE": "invad invasion invazij invazi vtorzh nashestv pushtim",
    "BOMB": "bomb bombard bombardovan bombardim",
    "NAZI": "nazi nacist naczist fasist fashist fascis fasizm",
    "TERROR": "terror terorist terroris terorizm terrorism terroriz",
    "GENOCIDE": "genocid genocide genoczid",
    "COUP": "=coup puc =puca pucu putch putsch perevorot prevrat grusht",
    "REVOLUTION": "revolution revolucij revolyucz revolucion maidan majdan",
    "PROTEST": "protest protesti protestu demonstra mitinge mitinga",
    "SEPARATIST": "separat separatist donbas donbass donetsk donjeck doneck luhansk lugansk",
    # -- politics ------------------------------------------------------------------------------
    "ELECTION": "election izbor vybor izbori izborn zgjedhj zgjedh",
    "MEMBERSHIP": "membership member clanstv clanic clenstv chlenstv anetar anetaresim join joining ulazak ulazi"
                  " ulaska pristup vstuplen vlez vlegu",
    "EXPAND": "expand expansion enlarg grow eastward prosir prosiren rasshir razshir prosirva zgjer sirenj sirit",
    "PROMISE": "promis obecan obecal obeca obeshha obeshch vetuv premtim premto garanc guarant obeshta premt",
    "SANCTION": "sanction sankcij sankci sankcz sankcion",
    "INDEPENDENCE": "independen nezavisn nezavisim nezavisnost pavaresi",
    "RECOGNIZE": "recogni priznan priznaj priznav priznanie priznanj njoh",
    "SECRET": "=secret secretl tajn fsheht covert quietly sekretn",
    "CONTROL": "control kontrol upravlj dirig kontroll",
    "GOVERNMENT": "government =vlada =vlade =vladi =vladu vladin pravitelstv qeveri regime rezim rezhim",
    "COURT": "court charge charges indictment sud =suda optuzb optuzn obvinen obvinenij akuz",
    # -- society and economy -------------------------------------------------------------------
    "REFUGEE": "refugee migrant migrac izbeglic izbjeglic begunc bezhenc bezhenczy bezanc bezhants refugjat emigrant begal",
    "COLLAPSE": "collaps srusi srush raspad raspast rushit ruhnu ruhne raspadn propad propast kolaps shemb"
                " disintegr razval krah",
    "VACCINE": "vaccin vakcin vakczin vaksin",
    "VIRUS": "virus pandem epidem covid koron ebola",
    "LAB": "laborator labs biolab biolaborator",
    "CHILD": "child children djec djeca detej deti femij =deca =dece =decu =deci =decom",
    "CHURCH": "church crkv cerkov cerkv kish orthodox pravoslav",
    "LGBT": "lgbt =gay gej gay homoseks gejevi gomoseks",
    "PRICE": "price czen cena cene cijen =cmim cmim poskup",
    "GAS": "=gas =gasa =plin =gaz =gaza =gazi pipeline gasovod gazoprovod naft =oil",
    "VISA": "visa =viza vize =vizi vizn etias",
    "PASSPORT": "passport pasos pasosh pasport pashaport",
    "BORDER": "border granic granicz kufi",
    "MEDIA": "media medij medii press stampa stamp =press tisak",
    "LIE": "=lie lies laz lazn lozh lazh genjeshtr fake fejk",
    "KILL": "kill ubi ubij ubistv ubiv vras murder massacre pokolj masakr reznj ubit ubil",
    "DESTROY": "destroy unist unisht razrus rusen razorv shkatrr",
    "WITHDRAW": "withdraw leav povla povuc povuci napust odlaz odlazi otid ukhod uhod ukhodit tërhiq terhiq largoh vyvod povlek",
    "POISON": "poison otrov otrav helm",
    "CHEMICAL": "chemical hemijsk kemijsk khimich himichesk kimik",
    "ENERGY": "energ struj elektr",
    "TERRITORY": "territor teritorij",
    "HUMANRIGHTS": "rights =ljudska =ljudskih",
}

# Who and where: shared by a claim and its near-topic neighbours alike. The rest say what
# happens, which is where a rewording and a same-topic sentence differ.
ACTORS = frozenset(("NATO", "USA", "EU", "RUSSIA", "UKRAINE", "SERBIA", "KOSOVO", "BOSNIA", "MONTENEGRO",
                    "MACEDONIA", "ALBANIA", "CROATIA", "BELARUS", "GERMANY", "KFOR", "EUFOR", "UN", "HAGUE",
                    "SOROS", "WEST"))
_WORD = re.compile(r"[a-z0-9]+")


def _compile() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    prefix: list[tuple[str, str]] = []
    for concept, stems in _TABLE.items():
        for s in stems.split():
            if s.startswith("="):
                exact[s[1:]] = concept
            elif len(s) < 4:
                exact[s] = concept
            else:
                prefix.append((s, concept))
    prefix.sort(key=lambda x: -len(x[0]))
    return exact, prefix


_EXACT, _PREFIX = _compile()
_FIRST: dict[str, list[tuple[str, str]]] = {}
for _s, _c in _PREFIX:
    _FIRST.setdefault(_s[:2], []).append((_s, _c))


@lru_cache(maxsize=65536)
def _word_concept(word: str) -> str | None:
    if word in _EXACT:
        return _EXACT[word]
    for s, c in _FIRST.get(word[:2], ()):
        if word.startswith(s):
            return c
    return None


@lru_cache(maxsize=8192)
def concepts(key: str) -> frozenset[str]:
    """The concept ids named in a Latin key ("" -> empty)."""
    out = set()
    for w in _WORD.findall(key):
        c = _word_concept(w)
        if c:
            out.add(c)
    return frozenset(out)


def agreement(query: frozenset[str], passages: list[frozenset[str]]) -> tuple[float, float]:
    """(recall, extra): over the record's passages (claim, headline, translations), the best
    share of a passage's concepts found in the query, and the share of the query's concepts
    missing from that passage. No concept on either side gives (0, 0): no evidence either way."""
    best: tuple[float, float] | None = None
    if not query:
        return (0.0, 0.0)
    for p in passages:
        if not p:
            continue
        rec = len(p & query) / len(p)
        extra = len(query - p) / len(query)
        if best is None or (rec, -extra) > (best[0], -best[1]):
            best = (rec, extra)
    return best or (0.0, 0.0)


def jaccard(query: frozenset[str], passages: list[frozenset[str]]) -> float:
    """The best |P & Q| / |P | Q| over the record's passages: agreement both ways in one number.
    ``agreement`` scores recall and extra apart, so a passage naming two of the sentence's four
    concepts can outscore one naming all four plus one more; the union penalises both kinds of
    mismatch at once. No concept in the query gives 0 (no evidence either way)."""
    if not query:
        return 0.0
    return max((len(p & query) / len(p | query) for p in passages), default=0.0)


def split_agreement(query: frozenset[str], passages: list[frozenset[str]]) -> tuple[float, float, float, float]:
    """``agreement`` on what happens (concepts outside ``ACTORS``) and on who and where."""
    pred = agreement(query - ACTORS, [p - ACTORS for p in passages])
    act = agreement(query & ACTORS, [p & ACTORS for p in passages])
    return pred[0], pred[1], act[0], act[1]
