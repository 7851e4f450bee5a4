"""Planted groups of paraphrased claims in several languages (tests/test_discovery*.py)."""

GROUPS = {
    "water": [
        ("en", "The government is secretly selling the country's drinking water to foreign companies."),
        ("en", "Our government secretly sold the nation's drinking water to foreign corporations."),
        ("sr", "Влада тајно продаје воду за пиће страним компанијама."),
        ("sr", "Vlada tajno prodaje našu pijaću vodu stranim kompanijama."),
        ("ru", "Правительство тайно продаёт питьевую воду страны иностранным компаниям."),
        ("mk", "Владата тајно ја продава водата за пиење на странски компании."),
    ],
    "vaccines": [
        ("en", "The new vaccines contain microchips to track citizens."),
        ("en", "New vaccines have microchips inside them that track the citizens."),
        ("sr", "Нове вакцине садрже микрочипове за праћење грађана."),
        ("sr", "Nove vakcine sadrže mikročipove za praćenje građana."),
        ("ru", "Новые вакцины содержат микрочипы для слежки за гражданами."),
        ("sq", "Vaksinat e reja përmbajnë mikroçipa për të gjurmuar qytetarët."),
    ],
    "lithium": [
        ("en", "The lithium mine will poison all the rivers in western Serbia."),
        ("en", "Lithium mining is going to poison every river in western Serbia."),
        ("sr", "Рудник литијума ће отровати све реке у западној Србији."),
        ("sr", "Rudnik litijuma će zatrovati sve reke u zapadnoj Srbiji."),
        ("ru", "Литиевый рудник отравит все реки на западе Сербии."),
    ],
}

UNRELATED = [
    ("en", "Red Star beat Partizan 3:1 in the derby in front of a full stadium."),
    ("sr", "Sutra se očekuje sunčano vreme sa temperaturama do 25 stepeni."),
    ("en", "The museum opens a new exhibition of medieval icons on Friday."),
    ("ru", "Цены на хлеб выросли на десять процентов за месяц."),
    ("sq", "Kryeministri inauguroi një shkollë të re në Durrës."),
    ("en", "Inflation in the eurozone fell to two percent in October."),
]
