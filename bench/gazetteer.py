"""Extra places and organizations for synthetic data, and a stand-in topic taxonomy.

The generator prefers the real gazetteers in seeds/; these complete them so large data sets have
enough countries, cities and organizations, and keep the generator usable before seeds/topics.yaml
exists.
"""

from __future__ import annotations

from bot.records.models import Aliases, Localized, Organization, PlaceEntry, Topic

# country id|kk|ru|en|capital id|kk|ru|en|IANA zone ("-" when the country spans several)
COUNTRIES = """
kazakhstan|Қазақстан|Казахстан|Kazakhstan|astana|Астана|Астана|Astana|Asia/Almaty
austria|Австрия|Австрия|Austria|vienna|Вена|Вена|Vienna|Europe/Vienna
uzbekistan|Өзбекстан|Узбекистан|Uzbekistan|tashkent|Ташкент|Ташкент|Tashkent|Asia/Tashkent
kyrgyzstan|Қырғызстан|Кыргызстан|Kyrgyzstan|bishkek|Бішкек|Бишкек|Bishkek|Asia/Bishkek
tajikistan|Тәжікстан|Таджикистан|Tajikistan|dushanbe|Душанбе|Душанбе|Dushanbe|Asia/Dushanbe
turkmenistan|Түрікменстан|Туркменистан|Turkmenistan|ashgabat|Ашхабад|Ашхабад|Ashgabat|Asia/Ashgabat
russia|Ресей|Россия|Russia|moscow|Мәскеу|Москва|Moscow|-
china|Қытай|Китай|China|beijing|Бейжің|Пекин|Beijing|Asia/Shanghai
turkey|Түркия|Турция|Turkey|ankara|Анкара|Анкара|Ankara|Europe/Istanbul
germany|Германия|Германия|Germany|berlin|Берлин|Берлин|Berlin|Europe/Berlin
france|Франция|Франция|France|paris|Париж|Париж|Paris|Europe/Paris
finland|Финляндия|Финляндия|Finland|helsinki|Хельсинки|Хельсинки|Helsinki|Europe/Helsinki
switzerland|Швейцария|Швейцария|Switzerland|geneva|Женева|Женева|Geneva|Europe/Zurich
united-states|АҚШ|США|United States|washington|Вашингтон|Вашингтон|Washington|-
united-kingdom|Ұлыбритания|Великобритания|United Kingdom|london|Лондон|Лондон|London|Europe/London
belgium|Бельгия|Бельгия|Belgium|brussels|Брюссель|Брюссель|Brussels|Europe/Brussels
italy|Италия|Италия|Italy|rome|Рим|Рим|Rome|Europe/Rome
poland|Польша|Польша|Poland|warsaw|Варшава|Варшава|Warsaw|Europe/Warsaw
slovakia|Словакия|Словакия|Slovakia|bratislava|Братислава|Братислава|Bratislava|Europe/Bratislava
malta|Мальта|Мальта|Malta|valletta|Валлетта|Валлетта|Valletta|Europe/Malta
japan|Жапония|Япония|Japan|tokyo|Токио|Токио|Tokyo|Asia/Tokyo
india|Үндістан|Индия|India|new-delhi|Нью-Дели|Нью-Дели|New Delhi|Asia/Kolkata
saudi-arabia|Сауд Арабиясы|Саудовская Аравия|Saudi Arabia|riyadh|Эр-Рияд|Эр-Рияд|Riyadh|Asia/Riyadh
azerbaijan|Әзірбайжан|Азербайджан|Azerbaijan|baku|Баку|Баку|Baku|Asia/Baku
mongolia|Моңғолия|Монголия|Mongolia|ulaanbaatar|Ұланбатыр|Улан-Батор|Ulaanbaatar|-
sweden|Швеция|Швеция|Sweden|stockholm|Стокгольм|Стокгольм|Stockholm|Europe/Stockholm
"""
# id|kk abbr|ru abbr|en abbr|English name
ORGANIZATIONS = """
osce|ЕҚЫҰ|ОБСЕ|OSCE|Organization for Security and Co-operation in Europe
un|БҰҰ|ООН|UN|United Nations
unrcca|БҰҰ ОААДӨО|РЦПДЦА ООН|UNRCCA|UN Regional Centre for Preventive Diplomacy for Central Asia
cis|ТМД|СНГ|CIS|Commonwealth of Independent States
sco|ШЫҰ|ШОС|SCO|Shanghai Cooperation Organisation
cica|АӨСШК|СВМДА|CICA|Conference on Interaction and Confidence-Building Measures in Asia
eu|ЕО|ЕС|EU|European Union
oic|ИЫҰ|ОИС|OIC|Organisation of Islamic Cooperation
ots|ТМҰ|ОТГ|OTS|Organization of Turkic States
eaeu|ЕАЭО|ЕАЭС|EAEU|Eurasian Economic Union
"""
# id|kk|ru|en
TOPICS = """
security|қауіпсіздік|безопасность|security
climate|климат|климат|climate
water|су ресурстары|водные ресурсы|water resources
trade|сауда|торговля|trade
transport|көлік|транспорт|transport and connectivity
energy|энергетика|энергетика|energy
human-rights|адам құқықтары|права человека|human rights
afghanistan|Ауғанстан|Афганистан|Afghanistan
preventive-diplomacy|алдын алу дипломатиясы|превентивная дипломатия|preventive diplomacy
arms-control|қаруды бақылау|контроль над вооружениями|arms control
"""


def _rows(table: str) -> list[list[str]]:
    return [line.split("|") for line in table.strip().splitlines()]


def extra_countries_and_cities() -> list[PlaceEntry]:
    """Countries with their capitals, each with names in kk/ru/en."""
    places = []
    for row in _rows(COUNTRIES):
        country_id, kk, ru, en, city_id, city_kk, city_ru, city_en, zone_or_dash = row
        zone = None if zone_or_dash == "-" else zone_or_dash
        name = Localized(kk=kk, ru=ru, en=en)
        places.append(PlaceEntry(id=country_id, kind="country", name=name, timezone=zone))
        places.append(
            PlaceEntry(
                id=city_id,
                kind="city",
                name=Localized(kk=city_kk, ru=city_ru, en=city_en),
                aliases=Aliases(kk=[f"{city_kk}да"], ru=[f"{city_ru}е"]),
                country=country_id,
                timezone=zone,
            )
        )
    return places


def extra_organizations() -> list[Organization]:
    """International organizations with abbreviations in kk/ru/en."""
    return [
        Organization(
            id=org_id,
            name=Localized(kk=kk, ru=ru, en=full),
            abbr=Localized(kk=kk, ru=ru, en=en),
        )
        for org_id, kk, ru, en, full in _rows(ORGANIZATIONS)
    ]


def fallback_topics() -> dict[str, Topic]:
    """A small taxonomy used only when seeds/topics.yaml does not exist yet."""
    return {
        topic_id: Topic(id=topic_id, name=Localized(kk=kk, ru=ru, en=en))
        for topic_id, kk, ru, en in _rows(TOPICS)
    }
