"""Words the synthetic marketplace is made of: names, places, teams, sentences.

Kept apart from `synth.py` so the generator reads as the steps it takes. Names come from
several cultures, with the letters people's names really have (ü, ş, ł, ø, é, ñ, ễ); texts
are English and German, as in the live marketplace.
"""

from __future__ import annotations

# (culture, languages people of it add besides en/de, first names, surnames)
CULTURES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (culture, extra, tuple(firsts.split()), tuple(lasts.split()))
    for culture, extra, firsts, lasts in (
        (
            "german",
            (),
            "Jana Lukas Anna Jürgen Katharina Felix Leonie Moritz"
            " Sabine Stefan Claudia Tobias Greta Maximilian Hannah Ralf",
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer"
            " Koch Bauer Richter Klein Wolf Schröder Neumann Zimmermann Krüger Hartmann Lange Weiß",
        ),
        (
            "turkish",
            ("tr",),
            "Ayşe Emre Elif Mehmet Zeynep Can Şule Burak Özlem Deniz",
            "Yılmaz Demir Kaya Şahin Çelik Aydın Öztürk Arslan Doğan",
        ),
        (
            "polish",
            ("pl",),
            "Łukasz Agnieszka Piotr Katarzyna Michał Małgorzata Paweł Zofia",
            "Nowak Kowalski Wiśniewska Wójcik Kamiński Lewandowska Zieliński",
        ),
        (
            "french",
            ("fr",),
            "Zoé Pierre Marie Théo Camille Hélène Étienne Léa François",
            "Dubois Moreau Lambert Lefèvre Girard Rousseau Fontaine Mercier",
        ),
        (
            "spanish",
            ("es",),
            "Lucía Mateo Sofía Javier Carmen Álvaro Inés Sergio Núria",
            "García Fernández López Martínez Sánchez Pérez Muñoz Jiménez",
        ),
        (
            "italian",
            ("it",),
            "Elena Marco Giulia Luca Francesca Matteo Chiara Alessandro",
            "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci",
        ),
        (
            "portuguese",
            ("pt",),
            "Inês Tiago Sofia João Beatriz Gonçalo Mariana Rui",
            "Costa Almeida Martins Silva Gonçalves Pereira Rodrigues Sousa",
        ),
        (
            "indian",
            ("hi",),
            "Priya Arjun Ananya Rahul Divya Vikram Lakshmi Karthik Neha",
            "Raman Mehta Sharma Iyer Patel Reddy Nair Gupta Krishnan",
        ),
        (
            "chinese",
            ("zh",),
            "Wei Olivia Jing Hao Mei Jun Xiaoming Lin",
            "Chen Wang Li Zhang Liu Huang Zhou Wu",
        ),
        (
            "japanese",
            ("ja",),
            "Kenji Yuki Haruto Sakura Takumi Aiko Ren Emi",
            "Tanaka Suzuki Takahashi Watanabe Itō Yamamoto Nakamura Saitō",
        ),
        (
            "nigerian",
            ("yo",),
            "Samuel David Ngozi Chinedu Funmilayo Oluwaseun Adaeze Emeka",
            "Adeyemi Okafor Okonkwo Balogun Eze Adebayo Nwosu Chukwu",
        ),
        (
            "arabic",
            ("ar",),
            "Fatima Yara Omar Layla Karim Nour Hassan Samira",
            "Haddad Nasser Khalil Mansour Saleh Farouk Aziz Hamdan",
        ),
        (
            "nordic",
            ("sv", "da", "no"),
            "Greta Sven Ole Ingrid Søren Astrid Björn Freja Mikkel",
            "Lindqvist Larsen Petersen Johansson Nielsen Berg Sørensen",
        ),
        (
            "english",
            (),
            "James Olivia Tom Sarah Ben Emily Oliver Grace Liam",
            "Wilson Taylor O'Brien Grant Smith Brown Evans Walsh Murphy",
        ),
        (
            "vietnamese",
            ("vi",),
            "Lan Minh Thảo Huy Ngọc Dũng",
            "Nguyễn Trần Lê Phạm Hoàng Võ",
        ),
        (
            "greek",
            ("el",),
            "Dimitris Eleni Nikos Sofia Giorgos Katerina",
            "Papadopoulos Georgiou Nikolaidis Pappas Oikonomou",
        ),
    )
)
"""German names are the largest group, as in a company headquartered in Germany."""
CULTURE_WEIGHTS = (40, 6, 5, 5, 5, 5, 4, 7, 3, 2, 3, 3, 3, 6, 1, 2)

# Places as people write them: one city in several spellings, and ways of saying "anywhere".
LOCATIONS = (
    "Berlin",
    "München",
    "Munich",
    "Muenchen",
    "Hamburg",
    "Frankfurt am Main",
    "Frankfurt",
    "Köln",
    "Cologne",
    "Stuttgart",
    "Düsseldorf",
    "Leipzig",
    "Nürnberg",
    "Wien",
    "Vienna",
    "Zürich",
    "Zurich",
    "Basel",
    "Amsterdam",
    "Paris",
    "Lisboa",
    "Madrid",
    "Milano",
    "Warszawa",
    "Kraków",
    "Istanbul",
    "Bangalore",
    "Bengaluru",
    "Singapore",
    "London",
    "Remote",
    "Home-Office",
    "anywhere",
)
LOCATION_WEIGHTS = (
    14,
    10,
    3,
    1,
    8,
    6,
    3,
    5,
    2,
    5,
    3,
    3,
    2,
    4,
    1,
    3,
    1,
    1,
    2,
    2,
    2,
    2,
    1,
    2,
    1,
    1,
    2,
    1,
    1,
    2,
    5,
    2,
    1,
)

TEAMS = (
    "Data Engineering",
    "Controlling",
    "Personalabteilung",
    "People & Culture",
    "Platform Engineering",
    "Customer Support",
    "Kundenservice",
    "Legal",
    "Recht & Compliance",
    "Marketing",
    "Vertrieb",
    "Sales",
    "Finance",
    "Einkauf",
    "Procurement",
    "IT Security",
    "UX Research",
    "Design System",
    "Embedded Systems",
    "Produktion",
    "Logistik",
    "Research & Development",
    "Qualitätsmanagement",
    "Communications",
    "Data Science",
    "Mobile Apps",
    "Facility Management",
    "Strategy",
)

# Skills people write that no taxonomy lists: they stay their own skill.
UNLISTED_SKILLS = (
    "Origami",
    "Sourdough baking",
    "Sauerteig backen",
    "Beekeeping",
    "Imkerei",
    "Calligraphy",
    "Juggling",
    "Bouldering",
    "Ukulele",
    "Knitting",
    "Stricken",
    "Stand-up comedy",
    "Kite surfing",
    "Tabletop game design",
    "Birdwatching",
    "Vogelbeobachtung",
    "Pottery",
    "Töpfern",
    "Salsa dancing",
    "Improv theatre",
    "Bonsai",
    "Falconry",
    "Mechanical keyboards",
    "Lockpicking (sport)",
)

# Ways people pad a skill name; the matcher strips most of them.
PADDINGS = (
    "{} basics",
    "Grundlagen {}",
    "Grundlagen der {}",
    "Introduction to {}",
    "Einführung in {}",
    "{} for beginners",
    "{} für Anfänger",
    "{} deep dive",
    "{} (hands-on)",
    "{} Grundkenntnisse",
    "{} refresher",
    "Advanced {}",
)

OFFER_NOTES = (
    "Ten years of {skill} in production, happy to share the shortcuts.",
    "I teach {skill} in our internal academy twice a year.",
    "Mostly {skill} for reporting; I can show real examples from our team.",
    "Ich nutze {skill} täglich und erkläre gern die Grundlagen.",
    "Seit Jahren mache ich {skill}; am liebsten zeige ich es an echten Aufgaben.",
    "Certified, but I learned most of {skill} by doing it.",
    "Gern auch auf Deutsch, wenn dir das leichter fällt.",
)

GOALS = (
    "Use {skill} in my next project without asking for help every day.",
    "Understand enough {skill} to review my colleagues' work.",
    "Give a short talk about {skill} at the all-hands.",
    "Build one small tool with {skill} that my team actually uses.",
    "Pass the internal {skill} certification before the summer.",
    "{skill} so weit lernen, dass ich unsere Berichte selbst anpassen kann.",
    "Mit {skill} ein echtes Problem aus meinem Alltag lösen.",
    "Die wichtigsten Begriffe von {skill} verstehen und anwenden.",
    "Im nächsten Quartal ein kleines {skill}-Projekt selbst leiten.",
)

ABOUT_SENTENCES = (
    "I joined the company {years} years ago and have worked in three teams since.",
    "I learn best with **real examples** from our own work.",
    "Happy to meet in person at the {place} site or on a video call.",
    "My calendar is full on Mondays; Wednesdays and Fridays work well.",
    "I'd like a partner who is *patient* and enjoys explaining things.",
    "Ich arbeite seit {years} Jahren hier und lerne am liebsten an echten Aufgaben.",
    "Am besten klappt es bei mir mit einem **festen Termin** pro Woche.",
    "Gern treffen wir uns am Standort {place} oder per Video.",
    "Ich suche jemanden, der *Geduld* hat und gern Fragen stellt.",
    "Outside work I run, cook and read far too many books.",
    "Nach Feierabend fahre ich Rad und koche gern.",
    "See my notes on the wiki: <https://wiki.example.com/people/{login}>.",
)

ABOUT_LISTS = (
    ("What I can show you:", ("shortcuts", "good habits", "the mistakes I made", "our tools")),
    ("Was ich mitbringe:", ("Geduld", "Beispiele aus der Praxis", "Humor", "Kaffee")),
)

TITLE_PATTERNS = (
    "{a} meets {b}",
    "{a} trifft {b}",
    "{a} and {b}",
    "{a} für {b}",
    "Learning {a}, teaching {b}",
)

CIRCLE_TITLES = {
    "wol-circle": ("WOL circle: {theme}", "Working Out Loud – {theme}", "WOL-Circle {theme}"),
    "lernos-circle": ("lernOS circle: {theme}", "lernOS-Sprint: {theme}", "lernOS {theme}"),
}

PACKAGE_TITLES = (
    "{skill} from scratch",
    "{skill} with real data",
    "{skill} in practice",
    "{skill}: the first steps",
    "{skill} – Grundlagen",
    "{skill} am eigenen Beispiel",
    "Review: {skill} in our project",
)

MILESTONES = (
    "First session done, tools set up",
    "Explain {skill} to the team in five minutes",
    "First small result with {skill}",
    "Feedback round with the partners",
    "Ergebnis im Team vorgestellt",
    "Erstes eigenes {skill}-Beispiel fertig",
    "Retrospective and next steps",
)

JOURNAL_TEXTS = (
    "First session: we set up the tools and picked a real task from {author_team}.",
    "We worked through the first package. Slower than planned, but **it clicked**.",
    "Erste Session: Werkzeuge eingerichtet, ein echtes Beispiel ausgesucht.",
    "Heute haben wir das zweite Lernpaket abgeschlossen. *Endlich* verstehe ich es.",
    "Missed a week because of the release; we moved the milestone by two weeks.",
    "Explained {skill} to a colleague today – teaching it is the best test.",
    "Wir haben die Rollen getauscht: diesmal habe ich erklärt, und es hat funktioniert.",
)

REFLECTIONS = (
    "I learn faster when I write down one question before each session.",
    "Explaining my own job made me see how much jargon I use.",
    "Kleine Schritte jede Woche bringen mehr als ein großer Workshop.",
    "Ich habe gemerkt, dass ich beim Zuhören besser lerne als beim Lesen.",
    "A fixed slot in the calendar is what keeps this going.",
)

STORY_OPENINGS = (
    "When {a} posted the ad, the goal was simple: *{goal}*",
    "Als {a} die Anzeige aufgegeben hat, stand ein Ziel im Vordergrund: *{goal}*",
)
STORY_MIDDLES = (
    "Over **{weeks} weeks** the partners met {sessions} times, mostly on Wednesday mornings.",
    "In **{weeks} Wochen** haben sich die Partner {sessions}-mal getroffen.",
    "Both say the secret was simple: real tasks from their own work and a fixed weekly slot.",
    "Beide sagen: Das Geheimnis waren echte Aufgaben und ein fester Termin jede Woche.",
)
STORY_ENDINGS = (
    "We celebrated with cake in the kitchen. Congratulations! 🎉",
    "Gefeiert wurde mit Kuchen in der Teeküche. Herzlichen Glückwunsch! 🎉",
    "The next circle starts in spring – who is in?",
)
LESSONS = (
    "Work on your own real data from the first session.",
    'A fixed weekly slot beats flexible "whenever we can".',
    "Translate every new term into something the other already knows.",
    "Ein fester Termin ist wichtiger als die perfekte Methode.",
    "Ask the line manager for the time budget before you start.",
    "Celebrate the small milestones too.",
)
