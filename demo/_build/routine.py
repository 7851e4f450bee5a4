# Routine wire items (weather, exchange rates, roads) written for the demo corpus: several phrasings
# per language, filled with seeded values, like the short service items real portals publish daily.
import random

CITIES = {
 "sr": ["Београд", "Нови Сад", "Ниш", "Крагујевац", "Ужице", "Зрењанин"],
 "sr-Latn": ["Beograd", "Novi Sad", "Niš", "Kragujevac", "Čačak", "Subotica"],
 "bs": ["Sarajevo", "Tuzla", "Mostar", "Zenica", "Bihać", "Banja Luka"],
 "mk": ["Скопје", "Битола", "Охрид", "Штип", "Тетово", "Куманово"],
 "sq": ["Tiranë", "Prishtinë", "Shkodër", "Vlorë", "Prizren", "Korçë"],
 "ru": ["Белград", "Баня-Лука", "Подгорица", "Нови-Сад", "Ниш", "Скопье"],
}
SKY = {
 "sr": ["претежно сунчано", "облачно са кишом", "променљиво облачно", "магловито ујутру, затим сунчано", "ветровито уз пљускове"],
 "sr-Latn": ["pretežno sunčano", "oblačno sa kišom", "promenljivo oblačno", "maglovito ujutru, zatim sunčano", "vetrovito uz pljuskove"],
 "bs": ["pretežno sunčano", "oblačno s kišom", "promjenljivo oblačno", "magla ujutro, zatim sunčano", "vjetrovito uz pljuskove"],
 "mk": ["претежно сончево", "облачно со дожд", "променливо облачно", "магла наутро, потоа сончево", "ветровито со пороен дожд"],
 "sq": ["kryesisht me diell", "vranët me shi", "vranësira të ndryshueshme", "mjegull në mëngjes, më pas me diell", "erë me rrebeshe"],
 "ru": ["преимущественно солнечно", "облачно, дождь", "переменная облачность", "утром туман, затем солнечно", "ветрено, ливни"],
}

def weather(lang, rng, month, day):
    cities = rng.sample(CITIES[lang], 3)
    sky = rng.choice(SKY[lang])
    base = 18 - (month - 10) * 8 - day // 6 + rng.randint(-3, 3)
    lo, hi = base - rng.randint(6, 10), base
    sky2 = rng.choice(SKY[lang])
    f = rng.randint(0, 2)
    if lang == "sr":
        titles = [f"Време сутра: {sky}, до {hi} степени", f"Прогноза: {sky}, у {cities[0]}у до {hi}°C" if False else f"Прогноза за викенд: {sky}", f"Јутро хладно, до {lo}°C, дању до {hi}"]
        bodies = [f"У Србији сутра {sky}. Јутарња температура од {lo} до {lo+4}, највиша дневна од {hi-3} до {hi} степени. У градовима {cities[0]}, {cities[1]} и {cities[2]} без већих промена.",
                  f"РХМЗ најављује да ће за викенд бити {sky}, а у недељу {sky2}. Највиша температура до {hi} степени.",
                  f"Јутро ће бити хладно, местимично са мразем у котлинама, температура од {lo} степени. Током дана {sky}, највиша температура до {hi}."]
    elif lang == "sr-Latn":
        titles = [f"Vreme sutra: {sky}, do {hi} stepeni", f"Prognoza za vikend: {sky}", f"Hladno jutro, dnevna do {hi}°C"]
        bodies = [f"Sutra u Srbiji {sky}. Jutarnja temperatura od {lo} do {lo+3}, najviša dnevna do {hi} stepeni. U {cities[0]}u i okolini duvaće slab vetar.",
                  f"Za vikend se očekuje {sky}, a u nedelju {sky2}. U {cities[1]}u i {cities[2]}u temperatura do {hi} stepeni.",
                  f"Jutro hladno, od {lo} stepeni. Tokom dana {sky}, najviša temperatura do {hi}."]
    elif lang == "bs":
        titles = [f"Vrijeme sutra: {sky}, do {hi} stepeni", f"Prognoza za vikend u BiH: {sky}", f"Hladno jutro, magla u kotlinama"]
        bodies = [f"U Bosni i Hercegovini sutra {sky}. Jutarnja temperatura od {lo} do {lo+4}, dnevna do {hi} stepeni, a u Hercegovini toplije.",
                  f"Federalni hidrometeorološki zavod najavljuje za vikend {sky}, u nedjelju {sky2}. Najviša temperatura do {hi} stepeni.",
                  f"Jutro hladno, ponegdje magla u kotlinama rijeka. Tokom dana {sky}, temperatura do {hi} stepeni."]
    elif lang == "mk":
        titles = [f"Времето утре: {sky}, до {hi} степени", f"Прогноза за викендот: {sky}", f"Студено утро, дневна до {hi}°C"]
        bodies = [f"Утре во државата {sky}. Утринската температура од {lo} до {lo+3}, дневната до {hi} степени.",
                  f"За викендот се очекува {sky}, а во неделата {sky2}. Во {cities[0]} и {cities[1]} до {hi} степени.",
                  f"Утрото ќе биде студено, од {lo} степени. Преку денот {sky}, максимална температура до {hi}."]
    elif lang == "sq":
        titles = [f"Moti nesër: {sky}, deri në {hi} gradë", f"Parashikimi për fundjavën: {sky}", f"Mëngjes i ftohtë, ditën deri në {hi}°C"]
        bodies = [f"Nesër moti do të jetë {sky}. Temperaturat në mëngjes nga {lo} deri në {lo+3} gradë, ditën deri në {hi} gradë.",
                  f"Për fundjavën parashikohet mot {sky}, të dielën {sky2}. Në {cities[0]} dhe {cities[1]} deri në {hi} gradë.",
                  f"Mëngjesi do të jetë i ftohtë, me {lo} gradë. Gjatë ditës {sky}, temperatura maksimale {hi} gradë."]
    else:
        titles = [f"Погода на Балканах: {sky}", f"Погода в Белграде на выходные: {sky}", f"Холодное утро на Балканах"]
        bodies = [f"Завтра в Сербии {sky}. Утром от {lo} до {lo+3}, днём до {hi} градусов.",
                  f"На выходных в {cities[0]}е {sky}, в воскресенье {sky2}. Максимальная температура до {hi} градусов.",
                  f"Утро будет холодным, от {lo} градусов. Днём {sky}, до {hi}."]
    return titles[f], bodies[f]

def rates(lang, rng):
    eur = round(117.1 + rng.uniform(-0.08, 0.08), 4)
    usd = round(100.5 + rng.uniform(-1.5, 1.5), 4)
    bam_usd = round(1.66 + rng.uniform(-0.03, 0.03), 4)
    mkd = round(61.5 + rng.uniform(-0.05, 0.05), 4)
    all_eur = round(97.5 + rng.uniform(-1, 1), 2)
    f = rng.randint(0, 1)
    if lang == "sr":
        return ([f"Курс динара: евро {eur}", f"НБС: евро данас {eur} динара"][f],
                [f"Народна банка Србије утврдила је средњи курс евра од {eur} динара. Долар вреди {usd} динара.",
                 f"Динар је према евру стабилан, средњи курс данас износи {eur}. У мењачницама се евро продаје до {round(eur+0.6,2)} динара."][f])
    if lang == "sr-Latn":
        return ([f"Srednji kurs evra {eur} dinara", f"Kurs: dinar stabilan, evro {eur}"][f],
                [f"NBS je za danas utvrdila srednji kurs evra od {eur} dinara, a dolara {usd} dinara.",
                 f"Dinar je i danas stabilan prema evru, srednji kurs je {eur}. Dolar {usd} dinara."][f])
    if lang == "bs":
        return ([f"Kurs KM: dolar {bam_usd}", f"Centralna banka: kurs eura nepromijenjen"][f],
                [f"Konvertibilna marka vezana je za euro po fiksnom kursu 1,95583. Dolar danas vrijedi {bam_usd} KM.",
                 f"Centralna banka BiH podsjeća da je kurs eura fiksan, 1,95583 KM, dok je dolar danas {bam_usd} KM."][f])
    if lang == "mk":
        return ([f"Курс: еврото {mkd} денари", f"НБРМ: денарот стабилен"][f],
                [f"Народната банка го утврди средниот курс на еврото на {mkd} денари.",
                 f"Денарот останува стабилен во однос на еврото, среден курс {mkd} денари."][f])
    if lang == "sq":
        return ([f"Kursi i këmbimit: euro {all_eur} lekë", f"Banka e Shqipërisë: euro në {all_eur} lekë"][f],
                [f"Banka e Shqipërisë njoftoi kursin zyrtar të euros në {all_eur} lekë.",
                 f"Lekë i fortë edhe sot: një euro këmbehet me {all_eur} lekë në bankat tregtare."][f])
    return ([f"Курс динара: евро {eur}", f"Сербский динар стабилен"][f],
            [f"Национальный банк Сербии установил средний курс евро на уровне {eur} динара.",
             f"Динар остаётся стабильным, средний курс евро сегодня {eur}."][f])
