"""Dates in an article: its publication date and the date of the event it reports.

Month names are matched by stem in Kazakh, Russian and English, so inflected forms such as
"2025 жылғы 5 желтоқсанда", "6 Декабря" or "08 Сәуір, 2019" are read; dateparser misses the
Kazakh locative forms and resolves "3 декабря т.г." to a future year, so it is not used here.
A day and month without a year get their year from the text or the publication date, and the
result says so (basis "inferred" with a reason).

Long because: the words of three languages for months, weekdays and relative days, and the rules
that weigh a date against the publication date and the dateline, are one decision read together.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.ingest.text import Sentence, unrepeated
from bot.records.models import Basis, EventDate, Precision

_MONTH_STEMS: dict[int, tuple[str, ...]] = {
    1: ("қаңтар", "январ", "янв", "january", "jan"),
    2: ("ақпан", "феврал", "фев", "february", "feb"),
    3: ("наурыз", "март", "мар", "march", "mar"),
    4: ("сәуір", "апрел", "апр", "april", "apr"),
    5: ("мамыр", "мая", "май", "мае", "may"),
    6: ("маусым", "июн", "june", "jun"),
    7: ("шілде", "июл", "july", "jul"),
    8: ("тамыз", "август", "авг", "august", "aug"),
    9: ("қыркүйек", "сентябр", "сен", "september", "sept", "sep"),
    10: ("қазан", "октябр", "окт", "october", "oct"),
    11: ("қараша", "ноябр", "ноя", "november", "nov"),
    12: ("желтоқсан", "декабр", "дек", "december", "dec"),
}
# Kazakh abbreviations ("06 қаз, 2022"), whole words only: "5 қазақстандық" is no October
_KK_ABBREVIATIONS = (
    "қаң",
    "ақп",
    "нау",
    "сәу",
    "мам",
    "мау",
    "шіл",
    "там",
    "қыр",
    "қаз",
    "қар",
    "жел",
)
_STEM_TO_MONTH = {stem: month for month, stems in _MONTH_STEMS.items() for stem in stems}
_STEM_TO_MONTH |= {short: n for n, short in enumerate(_KK_ABBREVIATIONS, start=1)}
_MONTH = "|".join(
    stem + ("(?![а-яәғқңөұүһі])" if stem in _KK_ABBREVIATIONS else "")
    for stem in sorted(_STEM_TO_MONTH, key=len, reverse=True)
)
# "5", "4–5", "12-го", "12th of"
_DAY = (
    r"(?P<day>[0-3]?\d)(?:\s*[–—-]\s*(?P<day2>[0-3]?\d))?(?:-(?:го|е|ое)|st|nd|rd|th)?"
    r"(?:\s+of)?"
)
_YEAR_BEFORE = r"(?:(?P<year1>(?:19|20)\d\d)\s*(?:жылғы|жылы|жыл|ж\.|года|г\.)?\s+)?"
_YEAR_AFTER = r"(?:,?\s+(?P<year2>(?:19|20)\d\d)(?!\d))?"
_MONTH_WORD = rf"(?P<month>{_MONTH})[\w.]*"
# "2025 жылғы 5 желтоқсанда", "5 декабря 2025 года", "08 Сәуір, 2019", "6 Декабря"
# (a page's header may glue the day to the word before: "Новости Казахстана28 марта 2024, 13:26")
_DAY_MONTH = re.compile(
    rf"(?:(?<![\w\d])|(?<=[^\W\d_])(?=\d\d?\s+\w+\s+(?:19|20)\d\d)){_YEAR_BEFORE}{_DAY}\s+"
    rf"{_MONTH_WORD}{_YEAR_AFTER}",
    re.I,
)
# "December 5, 2025", "Dec. 5"
_MONTH_DAY = re.compile(
    rf"(?<!\w)(?P<month>{_MONTH})[a-z]*\.?\s+(?P<day>[0-3]?\d)(?!\d)(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<year2>(?:19|20)\d\d))?",
    re.I,
)
# "2024 жылғы сәуірдің 12-сі", "желтоқсанның 5-інде": the Kazakh genitive month, then the day
_MONTH_GENITIVE_DAY = re.compile(
    rf"(?<![\w\d]){_YEAR_BEFORE}(?P<month>{_MONTH})\w*(?:ның|нің|дың|дің|тың|тің)\s+"
    r"(?P<day>[0-3]?\d)\s*-\s*[а-яәғқңөұүһі]+",
    re.I,
)
# "December 4-5, 2025"
_MONTH_DAYS = re.compile(
    rf"(?<!\w)(?P<month>{_MONTH})[a-z]*\.?\s+(?P<day>[0-3]?\d)\s*[–—-]\s*(?P<day2>[0-3]?\d)"
    rf"(?!\d)(?:,?\s+(?P<year2>(?:19|20)\d\d))?",
    re.I,
)
# "2026 жылғы сәуірде"; "в апреле 2026 года", "in April 2026"
_YEAR_MONTH = re.compile(rf"(?<![\w\d])(?P<year1>(?:19|20)\d\d)\s+жылғы\s+{_MONTH_WORD}", re.I)
_MONTH_YEAR = re.compile(rf"(?<![\w\d]){_MONTH_WORD}\s+(?P<year2>(?:19|20)\d\d)(?!\d)", re.I)
_ISO = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])")
_DOTTED = re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)")
_YEAR_ONLY = re.compile(
    r"(?:(?<!\d)(?P<a>(?:19|20)\d\d)\s*(?:жылы|жылғы|жылында|жылдың|году|года|год\b|г\.)"
    r"|\bin\s+(?P<b>(?:19|20)\d\d)\b)",
    re.I,
)
_THIS_YEAR = re.compile(r"т\.\s?г\.|текущего года|этого года|ағымдағы жыл|биыл|this year", re.I)
_TODAY = re.compile(r"(?<!\w)(?:бүгін|сегодня|today)(?!\w)", re.I)
# "Об этом сегодня рассказали в пресс-службе": the day of the report, not of the meeting.
_REPORTED = re.compile(
    r"рассказал\w*|сообщил\w*|сообщает|сообщается|передает|передаёт|хабарла\w*|"
    r"мәлім\s+ет\w*|брифинг\w*|\breported\b|\btold\b|\bannounced\b|\bbriefing\b",
    re.I,
)
# "накануне встретился" (the day before); not "накануне заседания" (on the eve of it)
_YESTERDAY = re.compile(
    r"(?<!\w)(?:кеше|вчера|yesterday|накануне(?=\s*[,.]|\s+\w+(?:л|ла|ли|ло|лся|лась|лись)\b))"
    r"(?!\w)",
    re.I,
)
# A lede of talks under way is of the day it is dated: "The meeting … has started".
_UNDER_WAY = re.compile(
    r"\bhas\s+(?:started|begun|opened)|\bis\s+under\s+way|начал(?:ась|ись|ся)|басталды|"
    # an arrival reported under its dateline: "НУР-СУЛТАН, 10 мар — … прибыл в Москву"
    r"прибыл\w*|\bhas\s+arrived|келді",
    re.I,
)
_WEEKDAYS = (  # Monday first, as datetime.weekday() counts
    ("monday", "понедельник", "дүйсенбі"),
    ("tuesday", "вторник", "сейсенбі"),
    ("wednesday", "среду", "сәрсенбі"),
    ("thursday", "четверг", "бейсенбі"),
    ("friday", "пятницу", "жұма"),
    ("saturday", "субботу", "сенбі"),
    ("sunday", "воскресенье", "жексенбі"),
)
# "on Tuesday", "во вторник", "сейсенбі күні" / "сейсенбіде": a Russian weekday needs its
# preposition ("среда" is also "environment"), a Kazakh one "күні" or the locative ending.
_WEEKDAY = re.compile(
    r"(?<!\w)(?:(?P<en>"
    + "|".join(en for en, _, _ in _WEEKDAYS)
    + r")|(?:в|во)\s+(?P<ru>"
    + "|".join(ru for _, ru, _ in _WEEKDAYS)
    + r")|(?P<kk>"
    + "|".join(kk for _, _, kk in _WEEKDAYS)
    + r")(?:\s+күні|де|да))(?!\w)",
    re.I,
)
_WEEKDAY_NUMBER = {name: n for n, names in enumerate(_WEEKDAYS) for name in names}
_DATELINE = re.compile(r"^\s*date\s+(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
# the store's date with no day ("date 2023-09 11 Sep. 15:00"): the year of the header's day
_DATELINE_MONTH = re.compile(r"^\s*date\s+(?P<year>\d{4})-(?P<month>\d\d)(?![\d-])")
FUTURE = re.compile(
    r"пройд[её]т|состоится|будет|будут|планиру|запланирован|намерен|предстоящ|"
    r"өтеді|өтетін|өткізіледі|өткізбек|жоспарла|алдағы|"
    r"встретится|проведет|проведёт|посетит|примет\s+участие|отправится|совершит|"
    r"кездеседі|қатысады|барады|"
    r"\bwill\b|\bis to be\b|\bscheduled\b|\bplanned\b|\bupcoming\b",
    re.I,
)
_EVENT_WORDS = re.compile(
    r"встреч|встрет|заседани|переговор|визит|разговор|совещани|конференци|"
    r"кездес|отырыс|келіссөз|сапар|сөйлес|кеңес|"
    r"\bmet\b|meeting|talks|visit|session|council|conference|call",
    re.I,
)


# "Напомним, …", "Айта кетейік, …", "Earlier, …": background, not the event reported.
BACKGROUND = re.compile(
    r"^\W*(?:напомним|ранее|также\s+ранее|айта\s+кетейік|(?:еске|естеріңізге)\s+сала\w*|"
    r"бұған\s+дейін|recall|earlier|previously|as\s+a\s+reminder)\b",
    re.I,
)


@dataclass(frozen=True)
class DateMention:
    """A date written in a sentence; any of its parts may be missing."""

    year: int | None
    month: int
    day: int | None
    end_day: int | None
    sentence: Sentence
    text: str

    @property
    def future(self) -> bool:
        """Whether the date is of something still to come: a future word in its own clause
        ("…, where they agreed the next meeting will be held in 2026" leaves "On 4 December
        the ministers met" in the past), or in the sentence when the clause is only the date."""
        text = self.sentence.text
        at = text.find(self.text)
        start = max(text.rfind(mark, 0, at) for mark in ",;:") + 1
        ends = [i for i in (text.find(mark, at + len(self.text)) for mark in ",;:") if i >= 0]
        clause = text[start : min(ends, default=len(text))]
        if len(clause.split()) - len(self.text.split()) < 3:
            clause = text
        return bool(FUTURE.search(clause))


@dataclass(frozen=True)
class DateFinding:
    """A date with the sentence it rests on (None when nothing in the text gives it)."""

    date: EventDate
    quote: str | None = None
    end_date: dt.date | None = None


UNKNOWN = DateFinding(EventDate(precision="unknown", basis="unknown"))


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def find_mentions(sentences: list[Sentence]) -> list[DateMention]:
    """Every day-month or month-year date written in the sentences, in text order."""
    mentions: list[DateMention] = []
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        patterns = (_ISO, _DOTTED, _MONTH_GENITIVE_DAY, _DAY_MONTH, _MONTH_DAYS, _MONTH_DAY)
        for pattern in (*patterns, _YEAR_MONTH, _MONTH_YEAR):
            for match in pattern.finditer(sentence.text):
                if any(a < match.end() and match.start() < b for a, b in taken):
                    continue
                groups = match.groupdict()
                raw_month = groups["month"]
                month = int(raw_month) if raw_month.isdigit() else _STEM_TO_MONTH[raw_month.lower()]
                year_text = groups.get("year") or groups.get("year1") or groups.get("year2")
                year = int(year_text) if year_text else None
                day = int(groups["day"]) if groups.get("day") else None
                end_day = int(groups["day2"]) if groups.get("day2") else None
                if day is not None and not _valid(year or 2024, month, day):
                    continue
                taken.append((match.start(), match.end()))
                text = match.group(0).strip()
                mentions.append(DateMention(year, month, day, end_day, sentence, text))
    return sorted(mentions, key=lambda m: (m.sentence.index, m.sentence.text.find(m.text)))


# "отношения были установлены в сентябре 1992 года": the history of relations dates no meeting
_HISTORY = re.compile(
    r"установлен\w*|\bestablished\b|орнатыл\w*|годовщин\w*|anniversary|жылдығ\w*", re.I
)


def years_mentioned(sentences: list[Sentence], future: bool = False) -> list[tuple[int, Sentence]]:
    """Years written as "в 2024 году", "2024 жылы", "in 2024" in sentences not about the future
    (with `future`, only in those that are)."""
    found = []
    for sentence in sentences:
        if bool(FUTURE.search(sentence.text)) != future or _HISTORY.search(sentence.text):
            continue
        for match in _YEAR_ONLY.finditer(sentence.text):
            found.append((int(match.group("a") or match.group("b")), sentence))
    return found


def _infer_year(
    mention: DateMention, sentences: list[Sentence], published: EventDate | None
) -> tuple[int, str] | None:
    """The year of a day-month date that has none, with the reason, or None."""
    pub_year = int(published.value[:4]) if published and published.value else None
    if _THIS_YEAR.search(mention.sentence.text) and pub_year:
        return pub_year, f"'{mention.text}' with 'this year' in the text; year of publication"
    # "НУР-СУЛТАН, 20 июл" beside "20.07.2022": the same day written in full elsewhere
    for other in find_mentions(sentences):
        if other.year and (other.month, other.day) == (mention.month, mention.day):
            return other.year, f"'{mention.text}'; year from '{other.text}' in the text"
    if published and published.start:
        year = published.start.year
        first, dated = dt.date(year, mention.month, 1), published.precision == "day"
        if dated and mention.future and first < published.start.replace(day=1):
            year += 1  # "пройдет 3-4 января" in a December report: next year's
        elif dated and not mention.future and first > published.start:
            year -= 1
        return year, f"day and month stated ('{mention.text}'); year from the publication date"
    limit = dt.date.today().year
    years = [(year, s) for year, s in years_mentioned(sentences) if year <= limit]
    if years:
        year, _ = max(years)
        # what the text tells as past came before the news: "approved in October 2025", then
        # "on 9 January" is January 2026
        later = [
            m
            for m in find_mentions(sentences)
            if m.year == year and m.month > mention.month and not m.future
        ]
        if later:
            return year + 1, (
                f"day and month stated ('{mention.text}'); year {year + 1}, after "
                f"'{later[0].text}' in the text"
            )
        return year, f"day and month stated ('{mention.text}'); year {year} from the text"
    # No past year anywhere: the earliest year of what the text announces ("2024 жылғы шілдеде
    # өтетін саммит") is the report's year or a later one; take it, and say so.
    ahead = [year for year, _ in years_mentioned(sentences, future=True) if year <= limit + 1]
    if ahead:
        year = min(ahead)
        return year, (
            f"day and month stated ('{mention.text}'); year {year} from an event the text announces"
        )
    return None


def resolve(
    mention: DateMention, sentences: list[Sentence], published: EventDate | None
) -> DateFinding:
    """Turn a mention into a dated finding, inferring a missing year where the text allows."""
    quote = mention.sentence.text
    basis: Basis = "stated"
    reason, year = None, mention.year
    if year is None:
        inferred = _infer_year(mention, sentences, published)
        if inferred is None:
            why = f"day and month stated ('{mention.text}') but no year"
            return DateFinding(EventDate(precision="unknown", basis="unknown", reason=why), quote)
        year, reason = inferred
        basis = "inferred"
    precision: Precision = "month" if mention.day is None else "day"
    value = f"{year:04d}-{mention.month:02d}"
    if mention.day is not None:
        value += f"-{mention.day:02d}"
    end = None
    if mention.end_day and mention.day and mention.end_day > mention.day:
        end = dt.date(year, mention.month, mention.end_day)
    date = EventDate(value=value, precision=precision, basis=basis, reason=reason)
    return DateFinding(date, quote, end)


def publication_date(
    text: str, sentences: list[Sentence], override: dt.date | None = None
) -> DateFinding:
    """The article's publication date: given, a " date YYYY-MM-DD" dateline, or a header line."""
    if override:
        return DateFinding(EventDate(value=override.isoformat(), precision="day", basis="stated"))
    dateline = _DATELINE.match(text)
    if dateline and _valid(*(int(dateline.group(k)) for k in ("year", "month", "day"))):
        value = "-".join(dateline.group(k) for k in ("year", "month", "day"))
        # No quote: the dateline is not a sentence of its own, the lede follows it on its line.
        return DateFinding(EventDate(value=value, precision="day", basis="stated"))
    month = _DATELINE_MONTH.match(text)
    stored = (
        EventDate(value=f"{month['year']}-{month['month']}", precision="month", basis="stated")
        if month
        else None
    )
    for mention in find_mentions(sentences[:4]):
        # A header line is short: "Саясат • 08 Сәуір, 2019", "6 Декабря, 02:37 373".
        if mention.day and len(mention.sentence.text) <= 40:
            return resolve(mention, sentences, stored)
        if _heads_line(mention):  # "07.11.2024 Медиаресурс «Большая Азия» 330Министр …"
            return DateFinding(resolve(mention, sentences, stored).date)
    for stamp in _short_runs(sentences[:10]):  # "Posted On / 28 / Февраль / 2023"
        for mention in find_mentions([stamp]):
            if mention.day and mention.year:
                return DateFinding(resolve(mention, [stamp], None).date)
    # a page's header under its menus ("Currency rates:", "Weather:", …, "2 May 2021, 08:10"):
    # a short line with a full date before the first sentence of the text
    for sentence in sentences[4:_HEADER_REACH]:
        if len(sentence.text) > 80:
            break
        for mention in find_mentions([sentence]):
            if mention.day and mention.year and len(sentence.text) <= 40:
                return resolve(mention, sentences, stored)
    return UNKNOWN


_HEADER_REACH = 20  # lines of a page's menus the header date may stand under


def _short_runs(sentences: list[Sentence]) -> list[Sentence]:
    """Runs of two or more consecutive lines of a word or two each, each run joined into one:
    a page's date stamp broken over lines."""
    runs: list[list[Sentence]] = [[]]
    for sentence in sentences:
        if len(sentence.text) <= 12 and (not runs[-1] or runs[-1][-1].index + 1 == sentence.index):
            runs[-1].append(sentence)
        elif runs[-1]:
            runs.append([sentence] if len(sentence.text) <= 12 else [])
    return [
        Sentence(" ".join(s.text for s in run), run[0].start, run[0].index)
        for run in runs
        if len(run) > 1
    ]


# a clock time after a date, its "г." between: "22.05.2024 23:15", "18 февраля 2026 г. 4:20"
_CLOCK = re.compile(r"\s*(?:г\.|года|ж\.|жыл)?\s*,?\s*\d\d?:\d\d(?!\d)")
# "4 декабря 2025 года министр …": a date the sentence goes on from is its own, not a stamp
_RUNS_ON = re.compile(r"\s*(?:года|г\.|жылы|жылғы)?\s*[a-zа-яёәғқңөұүһі]")


# A Kazakh date in the locative is when something happened, not a stamp: "2022 жыл 12 мамырда
# Қазақстан … Елшісі … кездесті".
_KK_LOCATIVE_DATE = re.compile(r"[а-яәғқңөұүһі](?:да|де|та|те)$", re.I)


def _heads_line(mention: DateMention) -> bool:
    """Whether a full date in the first lines is the page's stamp: it opens a line (a header
    glued to the lede) or a clock time follows it ("22.05.2024 23:15")."""
    text = mention.sentence.text
    at = text.find(mention.text)
    end = at + len(mention.text)
    opens = at == 0 and not _RUNS_ON.match(text, end) and not _KK_LOCATIVE_DATE.search(mention.text)
    return (
        mention.year is not None
        and mention.day is not None
        and mention.sentence.index < 4
        and (opens or bool(_CLOCK.match(text, end)))
    )


# A dateline: the place a report was filed and its day ("Вена. 5 декабря.", "НУР-СУЛТАН,
# 2 февраля. /ТАСС/.", "Astana, May 16, 2025 –"): one to three capitalised words before the date.
_DATELINE_PLACE = re.compile(
    r"^\W*(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]*\s+){0,2}[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]*\s*[.,]\s*"
    # and its country: "BAKU, Azerbaijan, June 8."
    r"(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]*,\s*)?$"
)


# "Напомним, 15 октября …", "Earlier, on May 3 …": a capitalised word and a comma, no place.
_NOT_DATELINE = re.compile(
    r"^(?:напомним|ранее|также|кроме того|вчера|сегодня|завтра|позже|затем|айта кетейік|"
    r"еске салайық|ертең|tomorrow|"
    r"бұған дейін|кеше|бүгін|сондай-ақ|recall|earlier|previously|later|then|also|today|"
    r"yesterday|meanwhile)$",
    re.I,
)


# A dateline glued into the heading ("…прибывшими в Казахстан08.10.2018 14:49Астана - 8 октября
# /KZinform/."): a capitalised place right after a non-letter, the date, then the agency.
_GLUED_PLACE = re.compile(r"(?<![^\W\d_])(?P<place>[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+)\s*[-–—,.]\s*$")
_AGENCY_AFTER = re.compile(r"\.?\s*[/(]")


def dateline(sentences: list[Sentence]) -> tuple[DateMention, str] | None:
    """The report's dateline in its opening lines, and the place it names, or None."""
    for mention in find_mentions(sentences[:5]):
        text = mention.sentence.text
        before = text[: text.find(mention.text)]
        glued = _GLUED_PLACE.search(before)
        after = text[text.find(mention.text) + len(mention.text) :]
        if glued and _AGENCY_AFTER.match(after) and not _NOT_DATELINE.match(glued["place"]):
            return mention, glued["place"]
        if not before.strip() and mention.sentence.index > 0:
            previous = sentences[mention.sentence.index - 1].text
            if len(previous.split()) <= 2:  # "Вена." "5 декабря."
                before = previous + " "
        place = before.strip(" ,.–—-").strip()
        if place and _DATELINE_PLACE.match(before) and not _NOT_DATELINE.match(place):
            return mention, place
    return None


def _opens(mention: DateMention) -> bool:
    """Whether the date is the first words of its sentence ("On 9 January, …")."""
    at = mention.sentence.text.find(mention.text)
    return at >= 0 and not re.sub(r"(?i)\b(?:on|in)\b", "", mention.sentence.text[:at]).strip()


def _is_future(mention: DateMention, pub: EventDate) -> bool:
    """Whether a date speaks of something still to come: a full date after the publication day
    is; one on or before it is not, whatever else the sentence says ("discussed the upcoming
    summit on July 30, 2018"); otherwise the sentence's words decide."""
    if mention.year and mention.day and pub.precision == "day" and pub.start:
        return dt.date(mention.year, mention.month, mention.day) > pub.start
    return mention.future


def _weekday_date(sentence: Sentence, pub: EventDate, future: bool) -> DateFinding | None:
    """ "On Tuesday" in a dated report: the Tuesday before the publication date (after it, for
    an announcement), or None."""
    found = _WEEKDAY.search(sentence.text)
    if not found or pub.precision != "day" or not pub.start:
        return None
    name = (found.group("en") or found.group("ru") or found.group("kk")).lower()
    wanted = _WEEKDAY_NUMBER[name]
    if future:
        day = pub.start + dt.timedelta(days=(wanted - pub.start.weekday()) % 7)
        when = "on or after"
    else:
        day = pub.start - dt.timedelta(days=(pub.start.weekday() - wanted) % 7)
        when = "on or before"
    weekday = _WEEKDAYS[wanted][0].title()
    reason = f"'{found.group(0).strip()}' in the text: the {weekday} {when} the publication date"
    date = EventDate(value=day.isoformat(), precision="day", basis="inferred", reason=reason)
    return DateFinding(date, sentence.text)


def event_date(
    sentences: list[Sentence], published: DateFinding, future: bool = False
) -> DateFinding:
    """The date of the event the article reports (announces, when `future`), or unknown.

    A date written in the lede dates the event; else "today" / "yesterday" against the
    publication date; else a dateline gives the month, and the day it was reported.
    """
    header = published.quote
    body = unrepeated([s for s in sentences if s.text != header and len(s.text) > 40])
    lede = {s.index for s in body[:2]}
    # a date opening the third sentence is the lede's when a caption or a title went before it
    # ("9 қаңтарда президент … тапсырды", "On 5 May the minister met …")
    opening = {s.index for s in body[2:3]}
    filed = dateline(sentences)
    for mention in find_mentions(sentences):
        if mention.sentence.text == header or _is_future(mention, published.date) != future:
            continue
        if filed and mention == filed[0]:
            continue  # the dateline's own date ("АСТАНА, 4 декабря. … 3 декабря встретился")
        if mention.sentence.index == 0 and _DATELINE.match(mention.sentence.text):
            if mention.sentence.text.find(mention.text) < 20:
                continue  # the " date YYYY-MM-DD" dateline itself
        if _heads_line(mention):
            continue  # the publication date as a header
        if BACKGROUND.search(mention.sentence.text):
            continue
        # what an announcement announces may come after its lede ("… өтеді», - деді ол")
        opens = mention.sentence.index in opening and _opens(mention)
        if mention.sentence.index in lede or future or opens:
            return resolve(mention, sentences, published.date)
    pub = published.date
    for sentence in body:
        weekday = _weekday_date(sentence, pub, future)
        reporting = _REPORTED.search(sentence.text) and not _EVENT_WORDS.search(sentence.text)
        if weekday is not None and (future or not FUTURE.search(sentence.text)) and not reporting:
            return weekday  # a report of something held: not "will meet on Tuesday"
        cues = [(_TODAY, 0, "today"), (_YESTERDAY, 1, "yesterday")]
        if sentence.index in lede:
            cues.append((_UNDER_WAY, 0, "under way"))
        for pattern, days, word in cues:
            found = pattern.search(sentence.text)
            reported = _REPORTED.search(sentence.text) and not _EVENT_WORDS.search(sentence.text)
            if found and (found.group(0).isupper() or reported):
                continue  # "KAZAKHSTAN TODAY" (an outlet); "сегодня сообщили" (the report's day)
            if found and pub.precision == "day" and pub.start:
                value = (pub.start - dt.timedelta(days=days)).isoformat()
                reason = f"'{found.group(0)}' ({word}) in the text, from the publication date"
                date = EventDate(value=value, precision="day", basis="inferred", reason=reason)
                return DateFinding(date, sentence.text)
    if filed and not future:
        day = resolve(filed[0], sentences, pub)
        if day.date.value and day.date.precision == "day":
            reason = (
                f"only the dateline dates it ('{filed[0].text}'); the day of the meeting is not "
                "stated, so the month"
            )
            if day.date.reason:
                reason += f"; {day.date.reason}"
            date = EventDate(
                value=day.date.value[:7],
                precision="month",
                basis="inferred",
                reason=reason,
                reported=day.date.start,
            )
            return DateFinding(date, filed[0].sentence.text)
    return UNKNOWN
