"""The citizen page's fixed sentences in Danish and English, and hours and dates in either language.

Facts (numbers, hours, addresses, names) come from the data; only the sentences around them live here.
`{name}` placeholders are filled by the template with escaped values or links it built itself.
"""
from __future__ import annotations

import re
from functools import cache

import pyphen

from ..common import cache as artefacts
from ..model.contacts import Hours, days_text

LANGUAGES = ("da", "en")

# The neutral site the quick-exit button replaces the page with: a weather forecast nobody wonders about.
EXIT_URL = "https://www.dr.dk/vejret"

TOPICS: dict[str, dict[str, str]] = {
    "da": {"extremism": "radikalisering og ekstremisme", "social_control": "negativ social kontrol",
           "honour": "æresrelaterede konflikter"},
    "en": {"extremism": "radicalisation and extremism", "social_control": "negative social control",
           "honour": "honour-related conflicts"},
}

STRINGS: dict[str, dict[str, str]] = {
    "da": {
        "title": "Bekymret for {topics}?",
        "description": "Her kan du få hjælp, hvis du er bekymret for {topics}: 112, 114, nationale "
                       "rådgivningslinjer og kommunens egen indgang.",
        "lead": "Er du bekymret for en anden – eller for dig selv – så kan du få råd og hjælp.",
        "exit": "Forlad siden hurtigt",
        "exit_label": "Hurtig udgang",
        "exit_note": "Knappen »Forlad siden hurtigt« og Esc-tasten skifter straks til DR's vejrudsigt. "
                     "Vil du ikke have, at andre kan se, at du har været her, så brug et privat vindue, "
                     "eller slet din browserhistorik.",
        "other_language": "English",
        "emergency_lead": "Akut fare for liv eller helbred?",
        "call": "Ring",
        "police_title": "Mistanke om en forbrydelse?",
        "police_body": "Har du en begrundet mistanke om, at en ulovlig handling er sket eller er på vej, men "
                       "er ingen i akut fare, så ring til politiet.",
        "helps_with": "Hjælper med {topics}.",
        "elsewhere_title": "Kommunens andre planer",
        "elsewhere": "Om {topic}: se {link}.",
        "elsewhere_link": "kommunens plan for emnet",
        "local_lead": "Kommunens indgang for bekymringer",
        "entry_lead": "Kommunens fælles indgang for bekymringer om {topics}",
        "open": "Åben {hours}.",
        "anonymous": "Du kan være anonym.",
        "web": "Læs mere på {link}.",
        "write": "Skriv til {link}.",
        "after_title": "Hvad sker der, når du henvender dig?",
        "after_tell": "Du fortæller, hvad du har set eller hørt, og hvorfor du er bekymret. Du behøver ikke "
                      "være sikker – en bekymring er nok.",
        "after_advice": "Du får råd om, hvad du selv kan gøre, og om hvem der kan hjælpe videre.",
        "after_onward": "Er der brug for mere, sørger {contact} for, at bekymringen kommer videre til dem i "
                        "kommunen eller hos politiet, der kan hjælpe.",
        "after_anonymous": "Ved de rådgivningslinjer, der er markeret »Du kan være anonym«, behøver du ikke sige, "
                           "hvem du er.",
        "youth_title": "Er du ung?",
        "youth_extremism": "Er du ved at blive trukket ind i et ekstremistisk miljø, eller vil du gerne ud? "
                           "Du kan få hjælp uden at blive dømt. Ring til {helpline}, eller kontakt {contact}.",
        "youth_social_control": "Bestemmer andre over dig – fx hvem du må være sammen med, hvad du må have "
                                "på, eller hvad du skal uddanne dig til? Du har ret til at bestemme over dit "
                                "eget liv. Ring til {helpline}, eller kontakt {contact}.",
        "youth_honour": "Er du bange for at blive sendt ud af landet eller gift mod din vilje? Ring til "
                        "{helpline}, eller kontakt {contact} – og ring {emergency}, hvis du er i fare.",
        "parents_title": "Er du forælder, pårørende eller ven?",
        "parents_body": "Bekymrer du dig for dit barn, et familiemedlem eller en ven, så bliv ved med at tale "
                        "med personen, og vis, at du er der – også når I er uenige. Du kan få råd om, hvad du "
                        "kan gøre, hos en af rådgivningslinjerne eller hos {contact}.",
        "pros_title": "Er du fagperson?",
        "pros_body": "Arbejder du fx i en skole, et dagtilbud eller en klub, så tal med din leder, og "
                     "kontakt {contact}.",
        "pros_duty": "En bekymring til {contact} erstatter ikke din underretningspligt: Har du grund til at "
                     "antage, at et barn eller en ung under 18 år har brug for særlig støtte, skal du også "
                     "underrette kommunen.",
        "pros_law": "Læs reglen: {link}.",
        "signs_title": "Tegn, du kan være opmærksom på",
        "signs_caveat": "Tegnene er ikke en tjekliste. Ét tegn alene siger sjældent noget, og mange har helt "
                        "andre forklaringer. Se på helheden, og på om noget har ændret sig over tid. Er du i "
                        "tvivl, så spørg en af rådgivningslinjerne eller {contact} til råds.",
        "updated": "Sidst opdateret {date}.",
        "accessibility": "Tilgængelighedserklæring",
        "plan": "{read} eller {pdf} ({size}, {pages} sider).",
        "plan_read": "Læs kommunens beredskab",
        "plan_pdf": "hent det som PDF",
        "hours_always": "døgnet rundt",
        "embed_more": "Læs mere om, hvor du kan få hjælp",
        "embed_emergency": "Akut fare for liv eller helbred",
        "embed_police": "Mistanke om en forbrydelse",
        "draft_title": "Udkast – ikke udgivet",
        "draft_examples": "Kommunens egne navne og numre kan være eksempler; de nationale numre er rigtige.",
        "draft_unadopted": "Beredskabet er endnu ikke vedtaget af kommunalbestyrelsen.",
        "shortcuts": "Hvem er du?",
        "shortcut_parents": "Jeg er forælder eller pårørende",
        "shortcut_youth": "Jeg er ung",
        "shortcut_pros": "Jeg er fagperson",
        "after_hours_title": "Uden for kontortid?",
        "after_hours_body": "{when} kan du ringe til {text}.",
        "after_hours_topic": "Om {topics}:",
        "calls": "Numre til dig",
        "underretning": "Underret kommunen: {link}.",
        "underretning_link": "kommunens blanket til underretninger",
    },
    "en": {
        "title": "Worried about {topics}?",
        "description": "Where to get help if you are worried about {topics}: 112, 114, national helplines "
                       "and the municipality's own contact point.",
        "lead": "If you are worried about someone else – or about yourself – you can get advice and help.",
        "exit": "Leave this page quickly",
        "exit_label": "Quick exit",
        "exit_note": "The “Leave this page quickly” button and the Esc key switch at once to DR's weather "
                     "forecast. If you do not want others to see that you have been here, use a private "
                     "window or delete your browser history.",
        "other_language": "Dansk",
        "emergency_lead": "Immediate danger to life or health?",
        "call": "Call",
        "police_title": "Suspect a crime?",
        "police_body": "If you have good reason to suspect that a crime has been committed or is about to be, "
                       "but no one is in immediate danger, call the police.",
        "helps_with": "Helps with {topics}.",
        "elsewhere_title": "The municipality's other plans",
        "elsewhere": "On {topic}: see {link}.",
        "elsewhere_link": "the municipality's plan on the topic (in Danish)",
        "local_lead": "The municipality's contact point for concerns",
        "entry_lead": "The municipality's contact point for concerns about {topics}",
        "open": "Open {hours}.",
        "anonymous": "You can stay anonymous.",
        "web": "Read more at {link}.",
        "write": "Write to {link}.",
        "after_title": "What happens when you get in touch?",
        "after_tell": "You describe what you have seen or heard and why you are worried. You do not have to "
                      "be sure – being worried is enough.",
        "after_advice": "You get advice on what you can do yourself and on who can help further.",
        "after_onward": "If more is needed, {contact} makes sure your concern reaches the people in the "
                        "municipality or the police who can help.",
        "after_anonymous": "At the helplines marked “You can stay anonymous”, you do not have to say who you "
                           "are.",
        "youth_title": "Are you young?",
        "youth_extremism": "Are you being drawn into an extremist environment, or do you want to get out? You "
                           "can get help without being judged. Call {helpline}, or contact {contact}.",
        "youth_social_control": "Do others decide for you – for example who you may see, what you may wear "
                                "or what you must study? You have the right to decide over your own life. Call "
                                "{helpline}, or contact {contact}.",
        "youth_honour": "Are you afraid of being sent abroad or married against your will? Call {helpline}, or "
                        "contact {contact} – and call {emergency} if you are in danger.",
        "parents_title": "Are you a parent, relative or friend?",
        "parents_body": "If you are worried about your child, a family member or a friend, keep talking to "
                        "them and show that you are there – also when you disagree. You can get advice on "
                        "what to do from one of the helplines or from {contact}.",
        "pros_title": "Are you a professional?",
        "pros_body": "If you work in a school, a day-care centre or a youth club, for example, talk to your "
                     "manager and contact {contact}.",
        "pros_duty": "A concern raised with {contact} does not replace your duty to notify: if you have reason "
                     "to believe that a child or young person under 18 needs special support, you must also "
                     "notify the municipality.",
        "pros_law": "Read the rule (in Danish): {link}.",
        "signs_title": "Signs to be aware of",
        "signs_caveat": "The signs are not a checklist. One sign on its own rarely means much, and many have "
                        "quite different explanations. Look at the whole picture and at whether something has "
                        "changed over time. If in doubt, ask one of the helplines or {contact} for advice. The signs "
                        "are given in Danish, as written in the plan.",
        "updated": "Last updated {date}.",
        "accessibility": "Accessibility statement (in Danish)",
        "plan": "{read} or {pdf} ({size}, {pages} pages).",
        "plan_read": "Read the municipality's preparedness plan (in Danish)",
        "plan_pdf": "download it as a PDF",
        "hours_always": "24 hours a day, every day",
        "embed_more": "Read more about where to get help",
        "embed_emergency": "Immediate danger to life or health",
        "embed_police": "Suspected crime",
        "draft_title": "Draft – not published",
        "draft_examples": "The municipality's own names and numbers may be examples; the national numbers are "
                          "real.",
        "draft_unadopted": "The municipal council has not yet adopted the preparedness plan.",
        "shortcuts": "Who are you?",
        "shortcut_parents": "I am a parent or relative",
        "shortcut_youth": "I am young",
        "shortcut_pros": "I am a professional",
        "after_hours_title": "Outside office hours?",
        "after_hours_body": "{when}, you can call {text}.",
        "after_hours_topic": "On {topics}:",
        "calls": "Numbers for you",
        "underretning": "Notify the municipality: {link}.",
        "underretning_link": "the municipality's notification form (in Danish)",
    },
}

# Strings that only appear when the municipality covers their topic: none of them may show otherwise.
TOPIC_KEYS = {"extremism": ("youth_extremism",), "social_control": ("youth_social_control",),
              "honour": ("youth_honour",)}

DAY_NAMES_EN = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
                "sat": "Saturday", "sun": "Sunday"}


def topics_text(topics: tuple[str, ...], lang: str, both: bool = False) -> str:
    """Topics as one phrase: "a", "a eller b", "a, b eller c" ("og"/"and" with `both`)."""
    names = [TOPICS[lang][t] for t in topics]
    joiner = {("da", False): " eller ", ("da", True): " og ", ("en", False): " or ", ("en", True): " and "}[lang, both]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]


def hours_text(hours: tuple[Hours, ...], lang: str) -> str:
    """Opening hours in the page's language, from the structured hours (never from Danish text)."""
    if any(h.always for h in hours):
        return STRINGS[lang]["hours_always"]
    if lang == "da":
        return "; ".join(h.text for h in hours)
    return "; ".join(f"{days_text(h.days, DAY_NAMES_EN, 'every day')} {h.opens}–{h.closes}" for h in hours)


# Words at least this long get soft hyphens: at 200 % text on a 360 px phone a heading line holds about 11 letters.
LONG_WORD = 8
_WORD = re.compile(r"[^\W\d_]{%d,}" % LONG_WORD)
# The page's text between tags, outside <head>, <script>, <style> and e-mail links (our own templates: tags are well formed).
# An e-mail address is kept as written: a soft hyphen in it would be copied with it.
_TAG = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<head>.*?</head>|<a href=\"mailto:.*?</a>|<[^>]*>)", re.S)


@cache
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang={"da": "da_DK", "en": "en_GB"}[lang], left=3, right=3)


def load_dictionaries() -> None:
    """Read both of Pyphen's dictionaries now, for the processes forked after this (`build --all`)."""
    for lang in ("da", "en"):
        _dictionary(lang)


def soft_hyphens(html: str, lang: str) -> str:
    """`html` with soft hyphens (U+00AD) at syllables of long words in its text, so a narrow screen with large text
    can wrap them with a hyphen instead of breaking them anywhere or scrolling sideways.

    From the cache of rendered artefacts when the same page was hyphenated before by the same Pyphen and this code:
    reading Pyphen's two dictionaries takes longer than the rest of the citizen page."""
    done, _ = artefacts.cached("citizen-hyphens", lambda: {"html": html.encode("utf-8"), "lang": lang,
                                                           "pyphen": artefacts.packages("pyphen"),
                                                           "code": artefacts.source(__name__)}, lambda: (_hyphenated(html, lang).encode("utf-8"), {}))
    try:
        return done.decode("utf-8")
    except UnicodeDecodeError:  # an entry the cache kept intact but this code would never have written
        return _hyphenated(html, lang)


def _hyphenated(html: str, lang: str) -> str:
    dictionary = _dictionary(lang)

    def hyphenate(word: str) -> str:
        # Only some of the syllables: a piece of at least 5 letters (3 at the end) between hyphens is short enough, and fewer
        # hyphens keep the page light.
        cuts, last = [], 0
        for position in dictionary.positions(word):
            if position - last >= 5 and len(word) - position >= 3:
                cuts.append(position)
                last = position
        pieces = [word[i:j] for i, j in zip([0, *cuts], [*cuts, len(word)])]
        return "\u00ad".join(pieces)

    parts = _TAG.split(html)
    return "".join(part if i % 2 else _WORD.sub(lambda m: hyphenate(m[0]), part) for i, part in enumerate(parts))
