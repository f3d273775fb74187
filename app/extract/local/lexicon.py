"""Closed word lists the local extractor's rules lean on. Lower case; multi-word entries allowed."""

from __future__ import annotations

from typing import Final

# Speaker names that are roles, not people.
ASSISTANT_SPEAKERS: Final = frozenset(
    {
        "assistant", "ai", "bot", "chatbot", "chatgpt", "gpt", "gpt-4", "gpt-4o", "gpt4", "claude",
        "gemini", "bard", "copilot", "model", "system", "llm", "openai", "anthropic", "tool",
    }
)  # fmt: skip
USER_SPEAKERS: Final = frozenset({"user", "human", "me", "you", "customer", "client", "speaker"})

# Kinship and social words → (relation label from the possessor's side, gender or "").
# "my mother X": the possessor is the child, so the label is child_of.
KIN: Final[dict[str, tuple[str, str]]] = {
    **dict.fromkeys(["sister", "sis", "half-sister", "stepsister"], ("sibling_of", "f")),
    **dict.fromkeys(["brother", "bro", "half-brother", "stepbrother"], ("sibling_of", "m")),
    **dict.fromkeys(["sibling", "twin"], ("sibling_of", "")),
    **dict.fromkeys([
        "mother", "mom", "mum", "mommy", "mama", "stepmom", "stepmother",
    ], ("child_of", "f")),
    **dict.fromkeys(["father", "dad", "daddy", "papa", "stepdad", "stepfather"], ("child_of", "m")),
    **dict.fromkeys(["parent", "parents"], ("child_of", "")),
    **dict.fromkeys(["daughter", "stepdaughter"], ("parent_of", "f")),
    **dict.fromkeys(["son", "stepson"], ("parent_of", "m")),
    **dict.fromkeys(["kid", "kids", "child", "children", "toddler"], ("parent_of", "")),
    **dict.fromkeys(["wife", "wifey"], ("spouse_of", "f")),
    **dict.fromkeys(["husband", "hubby"], ("spouse_of", "m")),
    "spouse": ("spouse_of", ""),
    **dict.fromkeys(["girlfriend", "gf"], ("partner_of", "f")),
    **dict.fromkeys(["boyfriend", "bf"], ("partner_of", "m")),
    "partner": ("partner_of", ""),
    **dict.fromkeys(["fiancée", "fiancee"], ("engaged_to", "f")),
    **dict.fromkeys(["fiancé", "fiance"], ("engaged_to", "")),
    **dict.fromkeys(
        ["aunt", "auntie", "grandma", "grandmother", "granny", "nana", "niece", "granddaughter",
         "mother-in-law", "sister-in-law", "daughter-in-law", "grandaunt", "great-aunt"],
        ("relative_of", "f"),
    ),
    **dict.fromkeys(
        ["uncle", "grandpa", "grandfather", "granddad", "grandad", "nephew", "grandson",
         "father-in-law", "brother-in-law", "son-in-law", "great-uncle"],
        ("relative_of", "m"),
    ),
    **dict.fromkeys(["cousin", "cousins", "grandparent", "grandparents", "in-laws", "relative"],
                    ("relative_of", "")),
    **dict.fromkeys(["friend", "friends", "buddy", "pal", "bestie", "bff", "best friend"],
                    ("friend_of", "")),
    **dict.fromkeys(["colleague", "colleagues", "coworker", "co-worker", "coworkers", "teammate",
                     "co-founder", "cofounder"], ("colleague_of", "")),
    **dict.fromkeys(["boss", "manager", "supervisor", "team lead", "line manager"],
                    ("reports_to", "")),
    **dict.fromkeys(["report", "direct report", "intern", "assistant"], ("manages", "")),
}  # fmt: skip

# People words that introduce a named person without a relation label in the vocabulary;
# the word becomes that person's occupation.
SERVICE_PEOPLE: Final = frozenset(
    {
        "doctor", "therapist", "dentist", "lawyer", "accountant", "teacher", "professor",
        "tutor", "coach", "trainer", "landlord", "landlady", "neighbor", "neighbour", "roommate",
        "flatmate", "advisor", "adviser", "mentor", "vet", "psychiatrist", "nutritionist",
        "physio", "physiotherapist", "pediatrician", "gp", "realtor", "contractor", "nanny",
    }
)  # fmt: skip
NON_OCCUPATION_PEOPLE: Final = frozenset(
    {"landlord", "landlady", "neighbor", "neighbour", "roommate", "flatmate", "mentor", "advisor"}
)

# Heads of occupation noun phrases ("a senior software engineer" → engineer).
OCCUPATIONS: Final = frozenset(
    {
        "physio", "tech", "brewer", "carrier", "postwoman",
        "accountant", "actor", "actress", "administrator", "analyst", "anesthesiologist",
        "animator", "announcer", "archaeologist", "architect", "artist", "assistant", "astronaut",
        "astronomer", "athlete", "attorney", "auditor", "author", "baker", "banker", "barber",
        "barista", "bartender", "biologist", "blogger", "bookkeeper", "builder", "butcher",
        "carpenter", "cashier", "ceo", "cfo", "chef", "chemist", "chiropractor", "cleaner",
        "clerk", "coach", "composer", "consultant", "contractor", "cook", "coordinator",
        "copywriter", "counselor", "counsellor", "courier", "cto", "coo", "curator", "dancer",
        "designer", "detective", "developer", "dietitian", "director", "doctor", "driver",
        "economist", "editor", "educator", "electrician", "engineer", "entrepreneur",
        "executive", "farmer", "firefighter", "filmmaker", "founder", "freelancer",
        "gardener", "geologist", "graduate", "hairdresser", "historian", "illustrator",
        "instructor", "intern", "investor", "janitor", "journalist", "judge", "lawyer",
        "lecturer", "librarian", "lifeguard", "linguist", "machinist", "manager", "marketer",
        "mathematician", "mechanic", "midwife", "musician", "nanny", "neurologist",
        "neuroscientist", "nurse", "nutritionist", "officer", "optometrist", "painter",
        "paralegal", "paramedic", "pastor", "pediatrician", "pharmacist", "photographer",
        "physician", "physicist", "physiotherapist", "pilot", "plumber", "poet", "policeman",
        "politician", "postdoc", "priest", "principal", "producer", "professor", "programmer",
        "psychiatrist", "psychologist", "publisher", "radiologist", "receptionist",
        "recruiter", "reporter", "researcher", "salesman", "saleswoman", "scientist",
        "secretary", "singer", "soldier", "statistician", "student", "surgeon", "surveyor",
        "tailor", "teacher", "technician", "therapist", "translator", "tutor", "veterinarian",
        "vet", "waiter", "waitress", "welder", "writer", "youtuber", "streamer", "sysadmin",
        "strategist", "specialist", "representative", "rep", "lead", "head", "vp",
        "president", "chairman", "partner", "owner", "cofounder", "co-founder", "trainer",
        "caregiver", "carer", "realtor", "agent", "broker", "dentist",
        "hygienist", "sonographer", "phlebotomist", "clinician", "resident", "fellow",
        "pm", "swe", "sde", "devops", "undergrad", "undergraduate", "phd", "candidate",
        "conservator", "radiographer", "gp", "guide", "associate", "treasurer", "councillor",
        "councilor", "mayor", "senator", "minister", "diplomat", "ambassador", "captain",
        "sergeant", "lieutenant", "colonel", "general", "commander", "nun", "monk", "rabbi",
        "imam", "vicar", "chaplain", "shopkeeper", "florist", "jeweler", "jeweller",
        "tattooist", "dj", "comedian", "magician", "model", "stylist", "beautician",
        "cosmetologist", "housekeeper", "babysitter", "childminder", "doula", "optician",
        "audiologist", "dermatologist", "cardiologist", "oncologist", "psychotherapist",
        "osteopath", "podiatrist", "paediatrician", "obstetrician", "orthodontist",
        "epidemiologist", "ecologist", "zoologist", "botanist", "geographer", "cartographer",
        "archivist", "sculptor", "potter", "weaver", "locksmith",
        "roofer", "bricklayer", "mason", "glazier", "decorator", "upholsterer", "fisherman",
        "miner", "forester", "ranger", "warden", "guard", "bouncer", "concierge", "porter",
        "steward", "stewardess", "attendant", "conductor", "dispatcher", "trucker", "cabbie",
        "postman", "mailman", "tester", "estimator",
        "underwriter", "actuary", "controller", "bursar", "registrar",
        "lobbyist", "activist", "organizer", "organiser", "volunteer", "campaigner", "pr",
        "copyeditor", "proofreader", "interpreter", "narrator", "voiceover", "presenter",
        "broadcaster", "anchor", "columnist", "critic", "screenwriter", "playwright",
        "novelist", "lyricist", "songwriter", "guitarist", "pianist", "drummer", "violinist",
        "cellist", "vocalist", "choreographer", "ballerina", "gymnast", "footballer", "cyclist",
        "swimmer", "boxer", "wrestler", "jockey", "referee", "umpire", "scout", "headhunter",
        "barrister", "solicitor", "notary", "magistrate", "prosecutor", "ux", "technologist",
        "facilitator", "moderator", "planner", "buyer",
        "merchandiser", "seller", "vendor", "supplier", "landscaper", "handyman",
        "operator", "fitter", "nursery", "headteacher", "headmaster", "headmistress", "mentor",
    }
)  # fmt: skip
# Heads that read as titles of a role at an employer ("the CEO of Acme").
ROLE_TITLES: Final = frozenset(
    {
        "ceo", "cfo", "cto", "coo", "cmo", "cio", "vp", "president", "vice president", "director",
        "head", "chair", "chairman", "chairwoman", "founder", "co-founder", "cofounder", "owner",
        "manager", "lead", "principal", "partner", "dean", "editor", "editor-in-chief",
        "associate", "treasurer", "secretary", "chairperson", "commander", "chief", "officer",
        "commissioner", "councillor", "councilor", "governor", "trustee",
    }
)  # fmt: skip

DIETS: Final = frozenset(
    {
        "vegetarian", "vegan", "pescatarian", "pescetarian", "keto", "paleo", "gluten-free",
        "gluten free", "dairy-free", "dairy free", "lactose intolerant", "lactose-intolerant",
        "kosher", "halal", "plant-based", "plant based", "flexitarian", "carnivore",
        "low-carb", "low carb", "celiac", "coeliac", "raw vegan", "whole30",
    }
)  # fmt: skip

STATUSES: Final = frozenset(
    {
        "engaged", "pregnant", "retired", "married", "divorced", "separated", "single",
        "widowed", "unemployed", "self-employed", "expecting", "on maternity leave",
        "on paternity leave", "on parental leave", "on sick leave", "newly married",
        "semi-retired", "laid off", "between jobs", "a widow", "a widower", "freelancing",
        "job hunting", "job-hunting", "on sabbatical",
    }
)  # fmt: skip
STATUS_EVENTS: Final = frozenset(
    {"engaged", "married", "divorced", "pregnant", "retired", "laid off", "fired", "promoted",
     "separated", "hired"}
)  # fmt: skip

LANGUAGES: Final = frozenset(
    {
        "english", "spanish", "portuguese", "french", "german", "italian", "dutch", "russian",
        "chinese", "mandarin", "cantonese", "japanese", "korean", "arabic", "hindi", "bengali",
        "urdu", "turkish", "polish", "greek", "swedish", "norwegian", "danish", "finnish",
        "czech", "hungarian", "romanian", "ukrainian", "hebrew", "persian", "farsi", "thai",
        "vietnamese", "indonesian", "malay", "tagalog", "swahili", "catalan", "basque",
        "galician", "irish", "welsh", "latin", "esperanto", "sign language", "asl", "bsl",
    }
)  # fmt: skip

PETS: Final = frozenset(
    {
        "dog", "cat", "puppy", "kitten", "hamster", "rabbit", "bunny", "parrot", "bird",
        "fish", "goldfish", "turtle", "tortoise", "snake", "lizard", "gecko", "horse", "pony",
        "guinea pig", "ferret", "chinchilla", "hedgehog", "labrador", "retriever", "poodle",
        "beagle", "corgi", "terrier", "husky", "dachshund", "bulldog", "spaniel", "shepherd",
        "collie", "pug", "chihuahua", "tabby", "budgie", "cockatiel", "axolotl", "greyhound",
        "whippet", "basset", "hound", "mutt", "kitty", "schnauzer", "rottweiler", "doberman",
        "pitbull", "labradoodle", "goldendoodle", "cockapoo", "sheepdog", "dalmatian",
    }
)  # fmt: skip

# Words that end a name when they follow a kinship word ("my sister Ana works…").
NOT_NAMES: Final = frozenset(
    {
        "i", "i'm", "im", "and", "but", "or", "so", "the", "a", "an", "my", "is", "was",
        "he", "she", "they", "we", "you", "it", "this", "that", "who", "which", "when",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "today", "tomorrow", "yesterday", "mr", "mrs", "ms",
        "dr", "also", "just", "still", "actually", "please", "thanks", "thank", "hi", "hello",
        "hey", "ok", "okay", "yes", "no", "not", "oh", "well", "lol", "omg", "btw", "anyway",
    }
)  # fmt: skip

# Interjections, greetings and chat words: never a name, never part of one ("Yep Maya" is Maya;
# "Nah", "Lemme", "Bummer", "Fri" are no one).
CHAT_WORDS: Final = frozenset(
    {
        "yep", "yeah", "yea", "ya", "yup", "yes", "yo", "woah", "whoa", "wow", "omg", "lol",
        "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", "heh", "hey", "heya", "hi", "hiya",
        "hello", "howdy", "oh", "ohh", "ooh", "ah", "ahh", "aah", "aw", "aww", "awww", "ugh",
        "nah", "nope", "ok", "okay", "okie", "k", "kk", "hmm", "hm", "mm", "mmm", "um", "uh",
        "wanna", "gonna", "gotta", "lemme", "gimme", "dunno", "kinda", "sorta", "outta",
        "bummer", "dude", "bro", "babe", "congrats", "congratulations", "thanks", "thx", "ty",
        "sure", "cool", "nice", "awesome", "damn", "dang", "geez", "jeez", "gosh", "yikes",
        "oops", "whoops", "welp", "alright", "aight", "cheers", "bye", "night", "morning",
        "evening", "afternoon", "sweet", "great", "lovely", "amazing", "btw", "tbh", "idk",
        "imo", "imho", "fyi", "ikr", "smh", "np", "brb", "ttyl", "xoxo", "xx", "yay", "hooray",
        "oof", "meh", "omw", "sorry", "exactly", "totally", "definitely", "honestly",
        "seriously", "literally", "fri", "mon", "tue", "tues", "wed", "thu", "thur", "thurs",
        "sat", "tmrw", "tonight", "anyway", "anyways", "same", "true", "right", "good",
        "hahah", "lolol", "yess", "yesss", "nooo", "noo", "ohhh", "wooo", "woo", "yass",
        "hun", "hon", "mate", "buddy", "pal", "girlie", "fam", "bestie", "ew", "eww", "psst",
        "shh", "duh", "huh", "eh", "phew", "whew", "ha", "hah", "ahaha", "lmk", "wbu", "hbu",
        "tho", "rn", "ngl", "fr", "omfg", "pls", "plz", "cuz", "coz", "bc", "gah", "argh",
    }
)  # fmt: skip

# Words before a name that are not part of it ("Dr Aisha Khan", "Avó Lurdes", "Councillor…").
FEMALE_TITLES: Final = frozenset(
    {"mrs", "ms", "miss", "dame", "lady", "aunt", "auntie", "tia", "avó", "avo", "grandma",
     "granny", "nana", "oma", "nonna", "abuela", "tante", "madame", "mme"}
)  # fmt: skip
MALE_TITLES: Final = frozenset(
    {"mr", "sir", "lord", "uncle", "tio", "avô", "grandpa", "opa", "nonno", "abuelo", "onkel",
     "fr", "monsieur"}
)  # fmt: skip
TITLES: Final = FEMALE_TITLES | MALE_TITLES | frozenset(
    {"dr", "mx", "prof", "professor", "rev", "capt", "captain", "sgt", "officer", "coach",
     "councillor", "councilor", "senator", "judge", "detective", "nurse", "doctor", "president"}
)  # fmt: skip
