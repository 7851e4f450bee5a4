"""Marker words that tell Serbian, Croatian, Bosnian and Montenegrin (and Albanian) apart.

Patterns match whole lower-cased Latin words (Cyrillic is transliterated first). Each
category carries weights per language in ``WEIGHTS``; ``lang.py`` adds them up.
The lists are the well-known standard-language differences (jat reflex, Croatian vs
Serbian vocabulary, Bosnian h-forms, Montenegrin ś/ź), starting from the pairs in the
factwatch language issue (mleko/mlijeko, tjedan/nedelja, ...) and extended while reading
errors on the dev half of tests/data/lang_labelled.jsonl (never the test half).
"""

from __future__ import annotations

import re

# Ekavian / ijekavian reflexes of jat, as (ekavian, ijekavian) stems matched at word start.
# Only stems where the ekavian form is not also an unrelated common word.
_JAT_PAIRS = [
    (r"mlek\w*", r"mlijek\w*"), (r"reka|reke|reku|rekom|rekama", r"rijeka|rijeke|rijeku|rijekom|rijekama"), (r"vrem[ea]\w*", r"vrijem[ea]\w*"),
    (r"dec[aeiu]", r"djec[aeiu]"), (r"dete(?:ta|tu|tom)?", r"dijete|djeteta|djetetu|djetetom"),
    (r"lep[aeiou]\w*", r"lijep[aeiou]\w*"), (r"bel[aeiou]\w*", r"bijel[aeiou]\w*"),
    (r"pesm\w*", r"pjesm\w*"), (r"pesni\w*", r"pjesni\w*"),
    (r"(?:pot|za|pod|pro)?predsedni\w*", r"(?:pot|za|pod|pro)?predsjedni\w*"),
    (r"sednic\w*", r"sjednic\w*"), (r"sedišt\w*", r"sjedišt\w*"), (r"susedn?\w*", r"susjedn?\w*"),
    (r"sever\w*", r"sjever\w*"), (r"uspeh\w*|uspešn\w*|uspe[lo]\w*", r"uspjeh\w*|uspješn\w*|uspje[lo]\w*|uspio"),
    (r"primer\w*", r"primjer\w*"), (r"promen\w*", r"promjen\w*"), (r"izmen\w*", r"izmjen\w*"),
    (r"zamenik\w*", r"zamjenik\w*"), (r"primen\w*", r"primjen\w*"), (r"procen\w*", r"procjen\w*"),
    (r"ocen\w*", r"ocjen\w*"), (r"cen[aeiu]|cenama|cenom", r"cijen[aeiu]|cijenama|cijenom"),
    (r"posle", r"poslije"), (r"pre", r"prije"), (r"gde", r"gdje"), (r"ovde", r"ovdje"),
    (r"negde", r"negdje"), (r"svugde", r"svugdje"), (r"dve", r"dvije"), (r"dvema", r"dvjema"),
    (r"čovek\w*|čoveč\w*", r"čovjek\w*|čovječ\w*"), (r"vek[aeu]?|veko\w+", r"vijek[aeu]?|vjekov\w*"),
    (r"nedelj\w*", r"nedjelj\w*"), (r"ponedeljak|ponedeljk\w*", r"ponedjeljak|ponedjeljk\w*"),
    (r"sreda|sredu|srede|sredom", r"srijeda|srijedu|srijede|srijedom"), (r"svetsk\w*", r"svjetsk\w*"), (r"svet|svetu", r"svijet[au]?"),
    (r"mest[aeou]\w*", r"mjest[aeou]\w*"), (r"mesec\w*|meseč\w*", r"mjesec\w*|mjeseč\w*"),
    (r"vesti|vest", r"vijesti|vijest"), (r"izvešt\w*", r"izvješt\w*"), (r"obavešt\w*", r"obavješt\w*"),
    (r"savet\w*", r"savjet\w*"), (r"bezbedn\w*", r"bezbjedn\w*"), (r"zahtev\w*", r"zahtjev\w*"),
    (r"reč|reči|rečima", r"riječ|riječi|riječima"), (r"rešen\w*|rešava\w*|reši\w*", r"rješen\w*|rješava\w*|riješi\w*|riješen\w*"),
    (r"pobed\w*", r"pobjed\w*"), (r"verovat\w*|veruj\w*|verova\w*", r"vjerovat\w*|vjeruj\w*|vjerova\w*|vjerojat\w*"),
    (r"poveren\w*|proveri\w*|proveren\w*|provera\w*", r"povjeren\w*|provjeri\w*|provjeren\w*|provjera\w*"),
    (r"delo|dela|delu|delom|delovanj\w*|delatn\w*|delimičn\w*", r"djelo|djela|djelu|djelom|djelovanj\w*|djelatn\w*|djelimičn\w*|djelomičn\w*"),
    (r"deo", r"dio"), (r"celu|celi|celo|ceo|celokupn\w*", r"cijelu|cijeli|cijelo|cio|cjelokupn\w*"),
    (r"lek|leka|lekov\w*|lekar\w*|lečenj\w*", r"lijek|lijeka|ljekov\w*|liječenj\w*|liječnik\w*"),
    (r"leto|letos|letnj\w*", r"ljeto|ljetos|ljetn\w*"), (r"sneg\w*", r"snijeg\w*"), (r"zvezd\w*", r"zvijezd\w*"),
    (r"devojk\w*|devojčic\w*", r"djevojk\w*|djevojčic\w*"), (r"dečak\w*|dečj\w*|dečij\w*", r"dječak\w*|dječj\w*|dječij\w*"),
    (r"seća\w*", r"sjeća\w*"), (r"uveren\w*", r"uvjeren\w*"), (r"napred", r"naprijed"),
    (r"oseća\w*|oseti\w*", r"osjeća\w*|osjeti\w*"), (r"svedo[kč]\w*", r"svjedo[kč]\w*"),
    (r"nemač\w*|nemc\w*", r"njemač\w*|nijemc\w*|nijemac"), (r"mer[aeiu]|merama|merom", r"mjer[aeiu]|mjerama|mjerom"),
    (r"predlog\w*|predlož\w*", r"prijedlog\w*|prijedlož\w*"), (r"primedb\w*", r"primjedb\w*"),
    (r"vredn\w*|vredi\w*", r"vrijedn\w*|vrijedi\w*"), (r"zamer\w*", r"zamjer\w*"), (r"podel\w*", r"podjel\w*"),
    (r"odeljenj\w*", r"odjeljenj\w*|odjel\w*"), (r"smer\w*", r"smjer\w*"),
    (r"menja\w*", r"mijenja\w*"), (r"tel[ao]|telu|telom", r"tijel[ao]|tijelu|tijelom"),
    (r"(?!video\b)(?:vid|žel|razum|ht|vol|živ|let|sed|trp|mrz|um|zažel|doživ|preživ|sm)e(?:o|l[aeio]|ti|vši)",
     r"(?:vid|htj|zaželj|razumj|voljel|živj|letj|sjed|trpj|mrz|umj|doživj|preživj|smj)\w*(?:jel[aeio]|jeti)|vidio|želio|htio|volio|živio|letio|sjedio|umio|smio|doživio|preživio|razumio"),
]

EKAVIAN = "|".join(e for e, _ in _JAT_PAIRS)
IJEKAVIAN = "|".join(i for _, i in _JAT_PAIRS)

# Croatian standard words (Serbian/Bosnian/Montenegrin use another word).
CROATIAN = r"""tjed[na]\w*|kruh\w*|tisuć\w*|glazb\w*|zrakoplov\w*|siječ\w*|veljač\w*|ožuj\w*|travanj|travnj\w*|svib\w*
|lipanj|lipnj\w*|srpanj|srpnj\w*|kolovoz\w*|rujan|rujn\w*|listopad\w*|studen(?:i|og|om)|prosin\w*|tko|sveučilišt\w*
|obitelj\w*|vlak\w*|kazališt\w*|povijest\w*|povijesn\w*|izvješć\w*|znanost\w*|znanstven\w*|tvrtk\w*|poduzeć\w*
|europ\w*|tijekom|sukladno|glede|temeljem|nazočn\w*|milijun\w*|nogomet\w*|momčad\w*|izbornik\w*|veleposlan\w*
|gospodarstv\w*|gospodarsk\w*|proračun\w*|kolodvor\w*|zračn\w*|točk\w*|točn\w*|suradnj\w*|surađ\w*
|sudjelova\w*|ubojstv\w*|događa\w*|glasnogovorni\w*|uvjet\w*|vojarn\w*|plać[aeu]|izvanredn\w*|osobit\w*
|mirovin\w*|umirovljen\w*|tajnik\w*|zapovjed\w*|ravnatelj\w*|priopćenj\w*|priopći\w*|dužnosni\w*|zastupni\w*
|je li|jesu li|obrana|obrane|obrani|obranu|bojnik\w*|satnik\w*|putovnic\w*|osobn\w*|odvjetni\w*|odvjetništv\w*
|uhit\w*|vrhovn\w* sud\w*|promet\w*|dionic\w*|tjedn\w*|kava|kave|tvornic\w*|tržnic\w*|knjižnic\w*|svećeni\w*
|kršćan\w*|kći|kćeri|sportaš\w*|ubojic\w*|švicarsk\w*|nizozemsk\w*|španjolsk\w*|glazbeni\w*|prosvjed\w*
|sustav\w*|stupnj\w*|stupanj|kućanstv\w*|tisućama"""

# Croatian and Bosnian, not Serbian/Montenegrin (opći/općina/saopćenje vs opšti/opština).
CROATIAN_BOSNIAN = r"""općin\w*|opće|općeg|općem|općoj|općih|opći|općenito|također|uopće|vanjsk\w*|sigurnost\w*
|stoljeć\w*|jučer|zrak|zraka|zraku|posto|\w+izira\w*"""

# "bit će", "održat će": Croatian writes the infinitive (minus -i) before the clitic;
# Serbian fuses it ("biće", "održaće"). Matched on the raw text, see lang.py.
CROATIAN_FUTURE = r"\b\w+t (?:ću|ćeš|će|ćemo|ćete)\b"
SERBIAN_FUTURE = r"\b(?:bi|ima|mora|treba|održa|poče|nastavi|dobi|posta|ostvari|uradi|reši|odluči|doći|ići|reći|moći)(?:ću|ćeš|će|ćemo|ćete)\b"

# Shared by Serbian, Bosnian and Montenegrin; not Croatian.
NON_CROATIAN = r"""da li|šta|ko|koga|kome|tokom|evrop\w*|milion\w*|hiljad\w*|fudbal\w*|saradnj\w*|sarađ\w*|ambasad\w*
|učestvova\w*|učešć\w*|uslov\w*|tačk\w*|tačn\w*|univerzitet\w*|porodic\w*|pozorišt\w*|vaspitanj\w*|portparol\w*|hemij\w*
|kancelarij\w*|preduzeć\w*|vazduh\w*|vazdušn\w*|penzij\w*|avion\w*|hleb|voz|vozom|vozovi\w*
|(?:treba|mora|može|moraju|mogu|želi|žele|hoće|neće|počeo|počela|namerava|namjerava|planira) da|fudbaler\w*|selektor\w*
|sekretar\w*|komandant\w*|odbran\w*|pasoš\w*|advokat\w*|ubistv\w*|dešava\w*|zvaničn\w*|lična|lični|ličnu|vanredn\w*|plat[aeu]
|nedeljn\w*|bezbjedn\w*|uhaps\w*|hapš\w*
|sportist\w*|bibliotek\w*|muzik\w*|muzičk\w*|fabrik\w*|pijac\w*|ambasador\w*|saobraćaj\w*|nauk\w*|naučn\w*
|ubic\w*|sveštenik\w*|hrišćan\w*|ćerk\w*|švajcarsk\w*|holandij\w*|španij\w*|vašington\w*|njujork\w*|tramp\w*
|bajden\w*|makron\w*|brisel\w*|tviter\w*|fejsbuk\w*|jutjub\w*|protest\w*|evro|evra|evrima
|stepen\w*|sistem\w*|januar\w*|februar\w*|mart|marta|martu|april\w*|jun|juna|junu|jul|jula|julu
|septemb\w*|oktob\w*|novemb\w*|decemb\w*|avgust\w*|odsto|\w+izova\w*|puteva|putevi\w*
|sa (?![szšžć])(?!mnom)\w+"""

# Serbian and Montenegrin (Bosnian and Croatian say opći/općina/saopćenje/historija).
SERBIAN_MONTENEGRIN = r"""opštin\w*|opšt[aeiu]\w*|saopšt\w*|uopšte|istorij\w*|istorijsk\w*|spoljn\w*|takođe|obezbe\w*
|sprovod\w*|sprove\w*|juče"""

BOSNIAN = r"""historij\w*|historijsk\w*|lahk\w*|sahat\w*|kahv\w*|mahal\w*|hljeb\w*|saopćenj\w*|saopći\w*|mahsuz
|merhamet\w*|nahij\w*|hudovic\w*|hudožnik\w*|sedmic\w*|čaršij\w*"""
# Bosnian and Montenegrin ijekavian forms of Serbian words (Croatian liječnik).
BOSNIAN_MONTENEGRIN = r"""ljekar\w*|ljekov\w*|ljekarn\w*"""
BOSNIA_CONTEXT = r"""bošnja\w*|bosansk\w*|bosn\w*|džamij\w*|bajram\w*|dženaz\w*|kanton\w*|bh|fbih|bih|federacij\w*
|izetbegović\w*|sarajev\w*|tuzl\w*|zenic\w*|mostar\w*|bihać\w*|sda|vijeć\w* ministara|predsjedništv\w*
|baščaršij\w*|srebrenic\w*|travni\w*|bugojn\w*|goražd\w*|kaknj\w*|vlašić\w*|bjelašnic\w*|trebević\w*
|hercegovin\w*|neretv\w*|kanton\w*|federaln\w*|brčk\w*|doboj\w*|cazin\w*|jablanic\w*|konjic\w*"""

MONTENEGRIN = r"""đe|ođe|ovđe|onđe|niđe|svuđe|đegod|śutra|sjutra|sjutradan|đevojk\w*|đeca|đec\w*|\w*ś\w*|\w*ź\w*
|iđe\w*|pośl\w*|đed\w*|nijes\w*|nijesam|nijesi|nijesmo|nijeste|nijesu|đetet\w*"""
MONTENEGRO_CONTEXT = r"""crnogorsk\w*|crna gora|crne gore|crnoj gori|crnu goru|podgoric\w*|cetinj\w*|nikšić\w*|budv\w*
|đukanović\w*|milatović\w*|spajić\w*|mandić\w*|dps|herceg nov\w*|pljevlj\w*|ulcinj\w*|berane|beran\w*
|kotor\w*|tivt\w*|tivat|kolašin\w*|lovćen\w*|rožaj\w*|bijel\w* polj\w*|danilovgrad\w*|sutjesk\w*"""

CROATIA_CONTEXT = r"""zagreb\w*|hrvatsk\w*|hdz\w*|plenković\w*|milanović\w*|osijek\w*|sdp|sabor\w*|splitu|splita
|dalmacij\w*|dalmatin\w*|zadr[au]|zadar|šibenik\w*|dubrovni\w*|slavonij\w*|slavonsk\w*|istr[aeiu]|karlovc\w*
|pul[aeiu]|varaždin\w*|hajduk\w*|dinam[aou]"""
SERBIA_CONTEXT = r"""srbij\w*|srb[aiu]|srbin\w*|beograd\w*|vučić\w*|sns|novi sad|novom sadu|srpsk\w*|republik\w* srpsk\w*|dodik\w*|banj[a ]?luk\w*"""

ALBANIAN = r"""është|dhe|për|të|në|një|nga|që|janë|kjo|ky|këtë|edhe|por|më|kanë|ishte|qeveria|qeverisë|kosovës|shqipëri\w*
|shqiptar\w*|tha|sot|ka|si|pas|deri|mbi|kundër|prishtin\w*|tiran\w*"""


def _alt(block: str) -> str:
    return "|".join(p.strip() for p in block.replace("\n", "|").split("|") if p.strip())


# One pass over the text: the group that matched names the category.
_CATEGORIES = {
    "ek": EKAVIAN,
    "ij": IJEKAVIAN,
    "cnr": _alt(MONTENEGRIN),
    "hr": _alt(CROATIAN),
    "hrbs": _alt(CROATIAN_BOSNIAN),
    "nonhr": _alt(NON_CROATIAN),
    "srcnr": _alt(SERBIAN_MONTENEGRIN),
    "bs": _alt(BOSNIAN),
    "bscnr": _alt(BOSNIAN_MONTENEGRIN),
    "ctx_bs": _alt(BOSNIA_CONTEXT),
    "ctx_cnr": _alt(MONTENEGRO_CONTEXT),
    "ctx_hr": _alt(CROATIA_CONTEXT),
    "ctx_sr": _alt(SERBIA_CONTEXT),
}

MARKER_RE = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{pattern})\b)" for name, pattern in _CATEGORIES.items())
)
CROATIAN_FUTURE_RE = re.compile(CROATIAN_FUTURE)
SERBIAN_FUTURE_RE = re.compile(SERBIAN_FUTURE)
ALBANIAN_RE = re.compile(rf"\b(?:{_alt(ALBANIAN)})\b")

# Weight each match adds to each language's score (see lang._decide_bcms).
WEIGHTS: dict[str, dict[str, float]] = {
    "ek": {"sr": 1.5},
    "ij": {"hr": 1.0, "bs": 1.0, "cnr": 1.0, "sr": 0.3},
    "hr": {"hr": 1.2},
    "hrbs": {"hr": 0.6, "bs": 0.6},
    "hr_future": {"hr": 1.5},
    "sr_future": {"sr": 0.8, "bs": 0.6, "cnr": 0.8},
    "nonhr": {"sr": 0.7, "bs": 0.7, "cnr": 0.7},
    "srcnr": {"sr": 0.8, "cnr": 0.8},
    "bs": {"bs": 0.9},
    "bscnr": {"bs": 0.5, "cnr": 0.5},
    "cnr": {"cnr": 1.6},
    "ctx_bs": {"bs": 0.5},
    "ctx_cnr": {"cnr": 0.6},
    "ctx_hr": {"hr": 0.3},
    "ctx_sr": {"sr": 0.4},
}
