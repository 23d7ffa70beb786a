# ruff: noqa: E501  (the template and contract tables read best one row per line)
"""A deterministic synthetic sample portfolio, and benchmark-scale data sets.

``generate_sample`` writes the realistic sample in ``sample_data/``: 26 contracts
over 36 months (November 2023 to October 2026) across the six service areas and
five contracting models, with five built-in situations the product exists to
reveal (see ``SITUATIONS`` and ``sample_data/README.md``). It uses only
``random.Random(seed)``: the same seed gives byte-identical files.

``generate_scale`` writes the same CSV formats at benchmark scale (``SCALES``),
vectorised with numpy and written in blocks of contracts so memory stays bounded.

Everything here is invented. Names, phone numbers (Ofcom's 07700 900xxx drama
range), e-mail addresses (example.org) and postcodes in a few comments are
synthetic, there so that redaction has something to find.

Regenerate the sample with ``contract-monitor generate-sample --out sample_data``
or ``python -m contract_monitor.sample``.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .schema import CONTRACTING_MODELS, FEEDBACK_SOURCES, SERVICE_AREAS, TABLES_BY_NAME

# --------------------------------------------------------------------------- period

PERIOD_START = dt.date(2023, 11, 1)
PERIOD_MONTHS = 36
TODAY = dt.date(2026, 11, 25)  # October 2026's returns are the latest
SCALES = {"S": 200, "M": 5000, "L": 50000}
SEED_TABLES = ("national_outcomes", "rating_scale", "rating_rules")
GENERATED_TABLES = (
    "contracts",
    "kpi_definitions",
    "kpi_values",
    "experience_measures",
    "narrative_feedback",
    "finance",
    "relationship_pulse",
)
SEED_DIR = Path(__file__).resolve().parent.parent / "sample_data"

# The contract ids of the situations the sample is built to show.
SITUATIONS = {
    "watermelon": "C002",
    "low_cost_poor_outcomes": "C014",
    "alliance_amber_but_excellent": "C024",
    "relationship_divergence": "C008",
    "improving_after_review": "C020",
}
REVIEW_MONTH = 16  # month index (1-based) of the improving contract's formal review: February 2025

EXPERIENCE_MEASURES = (
    "Treated with dignity and respect",
    "Felt listened to",
    "Staff had enough time",
    "Would recommend the service",
    "Involved in decisions about my support",
)
# how each measure tends to sit relative to the contract's overall positive share
_MEASURE_OFFSET = {
    "Treated with dignity and respect": 0.04,
    "Felt listened to": -0.01,
    "Staff had enough time": -0.05,
    "Would recommend the service": 0.02,
    "Involved in decisions about my support": -0.02,
}


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def quarter_of(month: dt.date) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def _quarters(first: dt.date, last: dt.date) -> list[tuple[str, list[int]]]:
    """Calendar quarters that end on or before ``last``'s quarter end and have at least one month
    in [first, last]: a pulse is taken when a quarter closes, so the open quarter has none yet."""
    out: list[tuple[str, list[int]]] = []
    month = first
    while month <= last:
        q = quarter_of(month)
        q_end = add_months(dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1), 2)
        if q_end <= last:
            if not out or out[-1][0] != q:
                out.append((q, []))
            out[-1][1].append((month.year - first.year) * 12 + month.month - first.month)
        month = add_months(month, 1)
    return out


# --------------------------------------------------------------------------- text bank
#
# Comments are assembled from sentence templates per theme and sentiment. "self"
# templates speak in the first person (service users), "rel" templates speak about a
# relative (family and carers: {Rel}/{rel}, {he}/{him}/{his} with verbs in the third
# person) and "any" templates fit either. Slots such as {worker} and {visit} are
# filled from the service area's vocabulary, and {day}, {num}, {time} add detail.

THEMES = (
    "dignity",
    "listened",
    "kindness",
    "time",
    "continuity",
    "communication",
    "involvement",
    "access",
    "attitude",
    "environment",
    "outcomes",
    "family",
)

BANK: dict[tuple[str, str, str], tuple[str, ...]] = {
    # dignity and respect
    ("dignity", "pos", "any"): (
        "The {workers} always treat people with dignity and respect.",
        "Everyone is treated as a person, not a number.",
        "They knock, they ask, they explain what they are doing. Basic respect but it matters.",
        "Nobody has ever spoken down to us.",
        "They respect that it is our home and our routine.",
    ),
    ("dignity", "pos", "self"): (
        "I have never once felt embarrassed, even on the bad days.",
        "They speak to me like an adult and respect my choices.",
        "I always feel respected, whatever state I'm in when they arrive.",
        "The {worker} treats me with real dignity and never makes me feel like a burden.",
    ),
    ("dignity", "pos", "rel"): (
        "{Rel} is always treated with dignity, which means the world to us.",
        "They protect {his} privacy and talk to {him} respectfully.",
        "The {workers} never talk over {rel}, they talk to {him}.",
    ),
    ("dignity", "neg", "any"): (
        "People are talked about as if they are not in the room.",
        "There is no privacy at all, things are discussed in front of everyone.",
        "It feels like you are just a number on a list.",
    ),
    ("dignity", "neg", "self"): (
        "I was left sitting in wet clothes until the next {visit}, which was humiliating.",
        "I felt judged the minute I walked in.",
        "They don't treat me with respect, they talk to me like a child.",
        "I don't feel treated with dignity, I feel like a job to be ticked off.",
    ),
    ("dignity", "neg", "rel"): (
        "{Rel} was left in {his} nightclothes until after lunch on {day}.",
        "They talk over {rel} as if {he} isn't there.",
        "{Rel} told me {he} feels embarrassed by how rushed the personal care is.",
    ),
    # being listened to
    ("listened", "pos", "any"): (
        "They actually listen and then do something about it.",
        "When we raised a concern it was listened to and sorted within the week.",
        "You are heard here, that's the difference.",
    ),
    ("listened", "pos", "self"): (
        "My {worker} really listens to me.",
        "For the first time I feel listened to instead of being told what to do.",
        "I felt heard from the very first {visit}.",
        "They never brush me off, even when I phone on a bad day.",
    ),
    ("listened", "pos", "rel"): (
        "They listen to {rel} and to us as a family.",
        "The {worker} takes time to listen to what {rel} wants.",
        "{Rel} says {he} finally feels listened to.",
    ),
    ("listened", "neg", "any"): (
        "Nobody listens. You say the same thing over and over.",
        "We raised it {num} times and nothing changed.",
        "You tell them something and it goes in one ear and out the other.",
    ),
    ("listened", "neg", "self"): (
        "I don't feel listened to at all.",
        "I have asked for a later {visit} time {num} times and been ignored.",
        "Not listened to. I might as well talk to the wall.",
        "Whatever I say, they just do what suits them.",
    ),
    ("listened", "neg", "rel"): (
        "{Rel} is not listened to, {he} has given up asking.",
        "We told them {rel} can't manage the stairs and nobody listened.",
        "When I phone about {rel} I get fobbed off every time.",
    ),
    # kindness and compassion
    ("kindness", "pos", "any"): (
        "The {workers} are so kind, nothing is too much trouble.",
        "Genuinely caring people, you can tell they are not just doing a job.",
        "So much warmth and patience from everyone.",
        "They go above and beyond, every single time.",
    ),
    ("kindness", "pos", "self"): (
        "My {worker} is lovely and always has a laugh with me.",
        "They were so kind to me when I was at my lowest.",
        "I look forward to seeing them, they brighten my day.",
    ),
    ("kindness", "pos", "rel"): (
        "The {workers} are wonderful with {rel}, so gentle and patient.",
        "{Rel} lights up when the {worker} arrives.",
        "They treat {rel} like one of their own family.",
    ),
    ("kindness", "neg", "any"): (
        "Some of the staff are cold and couldn't care less.",
        "There is no warmth, it's all very clinical.",
    ),
    ("kindness", "neg", "self"): (
        "I was made to feel a nuisance for asking for help.",
        "One {worker} sighs every time I ask for anything.",
    ),
    ("kindness", "neg", "rel"): (
        "{Rel} gets upset because some of the {workers} are abrupt with {him}.",
        "They can be quite sharp with {rel} when {he} is slow.",
    ),
    # time: rushed vs enough time
    ("time", "pos", "any"): (
        "They never rush, there is always time for a chat.",
        "The {workers} take their time and do things properly.",
        "Never felt rushed, not once.",
    ),
    ("time", "pos", "self"): (
        "I never feel rushed and my {worker} stays the full time.",
        "They give me the time I need, even when I'm slow.",
    ),
    ("time", "pos", "rel"): (
        "They stay the full time with {rel} and don't rush {him}.",
        "{Rel} never feels hurried, the {worker} goes at {his} pace.",
    ),
    ("time", "neg", "any"): (
        "The {workers} are always in a rush.",
        "Everything is done at top speed and out the door.",
        "They are rushed off their feet, you can see it.",
        "There is never enough time for anything.",
    ),
    ("time", "neg", "self"): (
        "The {worker} is in and out before I've even sat down.",
        "I feel rushed every {visit}, there's no time to talk.",
        "They are always looking at the clock.",
    ),
    ("time", "neg", "rel"): (
        "{Rel} is rushed through everything.",
        "The {visits} are far too short for what {rel} needs.",
        "They are in and out with {rel} in minutes.",
    ),
    # continuity of the same worker
    ("continuity", "pos", "any"): (
        "It's the same small team every week so they know us well.",
        "Having the same {worker} has made all the difference.",
    ),
    ("continuity", "pos", "self"): (
        "I've had the same {worker} for {num} months now and she knows exactly how I like things.",
        "I don't have to explain myself over and over because it's always the same faces.",
    ),
    ("continuity", "pos", "rel"): (
        "{Rel} has the same {worker} most days and that consistency really helps {him}.",
        "Seeing familiar faces keeps {rel} settled.",
    ),
    ("continuity", "neg", "any"): (
        "It's a different {worker} every day.",
        "We've had {num} different {workers} this week alone.",
        "There is no continuity at all, just whoever is on the rota.",
        "New faces all the time, nobody knows us.",
    ),
    ("continuity", "neg", "self"): (
        "I never know who is coming and I have to explain everything again.",
        "I've lost count of the number of {workers} I've seen this month.",
    ),
    ("continuity", "neg", "rel"): (
        "{Rel} gets confused because it is a different face every {visit}.",
        "{Rel} had {num} different {workers} last week and it really unsettles {him}.",
    ),
    # communication
    ("communication", "pos", "any"): (
        "Communication is excellent, they always let us know about changes.",
        "If anyone is running late they phone ahead.",
        "{office} are very helpful and get back to you the same day.",
    ),
    ("communication", "pos", "self"): (
        "They always explain things in a way I understand.",
        "I get a text the day before so I know what is happening.",
    ),
    ("communication", "pos", "rel"): (
        "They keep me updated about {rel} without me having to chase.",
        "I get a call if anything changes with {rel}.",
    ),
    ("communication", "neg", "any"): (
        "Nobody phones to say they're running late.",
        "You can never get through to {office}.",
        "Changes are made without anyone telling us.",
        "Messages don't get passed on.",
    ),
    ("communication", "neg", "self"): (
        "I only found out my {visit} was cancelled when nobody turned up.",
        "I left {num} messages and not one was returned.",
    ),
    ("communication", "neg", "rel"): (
        "I have to chase {office} for any update on {rel}.",
        "Nobody told us {rel}'s {worker} had changed.",
    ),
    # involvement in decisions
    ("involvement", "pos", "any"): (
        "We were fully involved in writing the support plan.",
        "Decisions are made with us, not for us.",
    ),
    ("involvement", "pos", "self"): (
        "I decide what my goals are and they help me get there.",
        "They asked me what matters to me and built the plan around that.",
    ),
    ("involvement", "pos", "rel"): (
        "{Rel} had a real say in {his} plan and so did we.",
        "They always check with {rel} before changing anything.",
    ),
    ("involvement", "neg", "any"): (
        "Decisions are made without asking us.",
        "The plan was written without anyone sitting down with us.",
    ),
    ("involvement", "neg", "self"): (
        "Nobody has ever asked me what I want.",
        "I had no say in my plan, it was just handed to me.",
    ),
    ("involvement", "neg", "rel"): (
        "{Rel} was never asked what {he} wanted.",
        "They changed {rel}'s times without a word to us.",
    ),
    # access and waiting
    ("access", "pos", "any"): (
        "Getting help was quick and straightforward.",
        "We were seen within days of the referral.",
        "Easy to get hold of someone when you need them.",
    ),
    ("access", "pos", "self"): (
        "I was offered my first {visit} within the week.",
        "I can drop in whenever I need to and there's always someone there.",
    ),
    ("access", "pos", "rel"): (
        "{Rel} was picked up really quickly after the referral.",
        "We didn't have to wait long at all for {rel} to start.",
    ),
    ("access", "neg", "any"): (
        "The waiting list is far too long.",
        "We waited {num} months for the first {visit}.",
        "You have to be in crisis before anyone will see you.",
    ),
    ("access", "neg", "self"): (
        "I waited {num} weeks just for an assessment.",
        "I couldn't get an appointment when I really needed one.",
    ),
    ("access", "neg", "rel"): (
        "{Rel} waited {num} weeks for anything to happen.",
        "We were passed from pillar to post trying to get {rel} seen.",
    ),
    # staff attitude
    ("attitude", "pos", "any"): (
        "Friendly, professional staff who know what they are doing.",
        "The {workers} are cheerful and respectful.",
        "Brilliant team, nothing but praise.",
    ),
    ("attitude", "pos", "self"): (
        "My {worker} never judges me.",
        "The staff are down to earth and easy to talk to.",
    ),
    ("attitude", "pos", "rel"): (
        "The {workers} are professional and {rel} trusts them.",
        "{Rel} says the staff are the best part of {his} week.",
    ),
    ("attitude", "neg", "any"): (
        "Some staff are rude and dismissive.",
        "The attitude of a few of the {workers} leaves a lot to be desired.",
        "Staff on their phones instead of paying attention.",
    ),
    ("attitude", "neg", "self"): (
        "I was spoken to very rudely on {day}.",
        "One {worker} made me feel stupid for asking a question.",
    ),
    ("attitude", "neg", "rel"): (
        "A {worker} was rude to {rel} and nobody has apologised.",
        "{Rel} is wary of a couple of the staff because of how they speak to {him}.",
    ),
    # environment
    ("environment", "pos", "any"): (
        "The building is clean, bright and welcoming.",
        "Everything is tidy and well kept.",
    ),
    ("environment", "pos", "self"): ("It feels safe and calm when I come in.",),
    ("environment", "pos", "rel"): ("{Rel} says it feels homely.",),
    ("environment", "neg", "any"): (
        "The place is tired and needs a lick of paint.",
        "It is noisy and there is nowhere private to talk.",
        "The heating has been broken for weeks.",
    ),
    ("environment", "neg", "self"): ("I don't feel safe in the building at night.",),
    ("environment", "neg", "rel"): ("{Rel}'s room was not cleaned for days.",),
    # relationships with family
    ("family", "pos", "any"): (
        "They include the whole family and that really helps.",
        "They support us as carers too, not just the person.",
    ),
    ("family", "pos", "self"): (
        "They helped me get back in touch with my family.",
        "My family feel more at ease now they know I'm supported.",
    ),
    ("family", "pos", "rel"): (
        "As {rel}'s carer I finally get a break and some peace of mind.",
        "They make time to talk to me about how {rel} is getting on.",
    ),
    ("family", "neg", "any"): (
        "Families are kept in the dark.",
        "No support at all for the family.",
    ),
    ("family", "neg", "self"): ("My family have to fill the gaps when nobody turns up.",),
    ("family", "neg", "rel"): (
        "I end up doing most of {rel}'s care myself because they don't turn up.",
        "As a carer I am exhausted and nobody asks how I'm coping.",
    ),
}

# Service-specific sentences (outcomes and independence, and the time theme where the
# service has its own language: 15-minute care visits, hostel curfews, job interviews...)
AREA_BANK: dict[str, dict[tuple[str, str, str], tuple[str, ...]]] = {
    "Adult social care": {
        ("outcomes", "pos", "self"): (
            "Thanks to them I can stay in my own home, which is all I ever wanted.",
            "After the reablement I can make my own breakfast and get dressed myself again.",
            "I'm more independent now than I was a year ago.",
            "I can get out to the shops again with a bit of help.",
        ),
        ("outcomes", "pos", "rel"): (
            "{Rel} is still living at home because of this support.",
            "{Rel} is walking with a frame again and much more confident.",
            "Since the support started {rel} has not been back in hospital.",
        ),
        ("outcomes", "neg", "self"): (
            "I'm less able to do things now, they just do it for me to save time.",
            "I ended up back in hospital after a fall and nobody followed it up.",
        ),
        ("outcomes", "neg", "rel"): (
            "{Rel} has gone downhill and I don't think anyone has noticed.",
            "{Rel} was not given {his} tablets on {day}.",
        ),
        ("time", "neg", "any"): (
            "Fifteen minutes is not enough time to get someone washed, dressed and fed.",
            "The 15-minute visits are a joke, it's all rush rush rush.",
            "The carers have no travel time between calls so they are always late and always rushing.",
        ),
        ("time", "neg", "self"): (
            "My 15-minute visit is more like 8 minutes.",
            "The morning call came at {time} and was over in ten minutes.",
        ),
        ("time", "neg", "rel"): (
            "{Rel}'s tea visit is at {time}, which is ridiculous.",
            "They are meant to stay 30 minutes with {rel} but it's usually 10.",
        ),
        ("time", "pos", "any"): ("The carers always have time for a cup of tea and a blether.",),
    },
    "Homelessness and housing support": {
        ("outcomes", "pos", "self"): (
            "I've got my own flat now after {num} months in temporary accommodation.",
            "They helped me sort my benefits and my rent arrears.",
            "I've kept my tenancy for a year now, first time ever.",
            "They got me a starter pack so the flat actually felt like a home.",
        ),
        ("outcomes", "pos", "rel"): (
            "My son has a tenancy now and is doing really well.",
            "{Rel} finally has somewhere settled to live.",
        ),
        ("outcomes", "neg", "self"): (
            "I've been in a B&B for {num} months with no end in sight.",
            "I was moved {num} times in temporary accommodation and it's wrecked my routine.",
            "Nobody helped with my housing application, I'm still waiting.",
        ),
        ("outcomes", "neg", "rel"): ("{Rel} is still in the hostel with no sign of a permanent home.",),
        ("environment", "neg", "any"): (
            "The temporary flat had damp and mould everywhere.",
            "The hostel is not a safe place for someone trying to stay clean.",
        ),
    },
    "Employability": {
        ("outcomes", "pos", "self"): (
            "I started a job at the garden centre in {month} and I'm still there.",
            "They helped me with my CV and I got the first job I interviewed for.",
            "I've got my forklift licence now thanks to the course they paid for.",
            "Six months in work now and I'm off Universal Credit.",
            "My confidence has gone through the roof since I started.",
        ),
        ("outcomes", "pos", "rel"): (
            "My son has a job now and it's changed everything for him.",
            "{Rel} got a place on a college course through the programme.",
        ),
        ("outcomes", "neg", "self"): (
            "I've been on the programme {num} months and not had a single interview.",
            "It's just job search on a computer, I could do that at home.",
            "They keep sending me on the same courses and nothing comes of it.",
            "All they care about is getting you signed up, not into a job.",
        ),
        ("outcomes", "neg", "rel"): ("{Rel} has been signed up for ages and nothing has come of it.",),
        ("time", "neg", "any"): (
            "Appointments are ten minutes and then you're out the door.",
            "The adviser has so many people to see they can't remember your name.",
        ),
    },
    "Mental health": {
        ("outcomes", "pos", "self"): (
            "I'm sleeping better and I've started going out again.",
            "I've learned ways to cope when things get bad.",
            "I don't think I would still be here without them, honestly.",
            "I'm back volunteering two days a week which I never thought I'd manage.",
        ),
        ("outcomes", "pos", "rel"): (
            "{Rel} is much more like {his} old self.",
            "Since starting the sessions {rel} is getting out of the house again.",
        ),
        ("outcomes", "neg", "self"): (
            "I don't feel any better than when I started.",
            "The sessions ended just as I was starting to open up.",
        ),
        ("outcomes", "neg", "rel"): ("{Rel} was discharged far too soon and is struggling again.",),
        ("access", "neg", "any"): (
            "When you phone in crisis you get an answerphone.",
            "{num} weeks to wait for a first session when you are struggling is too long.",
        ),
    },
    "Children's services": {
        ("outcomes", "pos", "self"): (
            "My worker helped me get back into school.",
            "I've got more confidence and I've made new friends at the group.",
            "Things at home are a lot calmer now.",
        ),
        ("outcomes", "pos", "rel"): (
            "My daughter is going to school every day now.",
            "Our family is in a much better place than a year ago.",
            "The short breaks give my son something to look forward to and give us a rest.",
            "My son's behaviour at home has improved so much.",
        ),
        ("outcomes", "neg", "self"): (
            "Nothing has really changed for me.",
            "I'm still not going to school and nobody seems bothered.",
        ),
        ("outcomes", "neg", "rel"): (
            "We are no further forward than when we were referred.",
            "Our worker left and the plan just stopped.",
        ),
        ("attitude", "neg", "rel"): ("I felt judged as a parent from the first visit.",),
    },
    "Drug and alcohol recovery": {
        ("outcomes", "pos", "self"): (
            "I'm {num} months clean now and I've got my kids back at weekends.",
            "I'm off the script and working again.",
            "The recovery café saved my life, I'm not exaggerating.",
            "I've been sober since the spring and I'm a peer volunteer now.",
        ),
        ("outcomes", "pos", "rel"): (
            "{Rel} is in recovery and we have {him} back.",
            "For the first time in years {rel} is doing well.",
        ),
        ("outcomes", "neg", "self"): (
            "I relapsed after my worker left and nobody picked it up.",
            "I came out of detox with nothing in place.",
        ),
        ("outcomes", "neg", "rel"): ("{Rel} was discharged for missing one appointment.",),
        ("access", "neg", "any"): ("Waiting weeks to start a script when you are ready to stop is dangerous.",),
        ("access", "pos", "any"): ("Same-day script start, which made all the difference.",),
    },
}

MIXED: tuple[str, ...] = (
    "The {workers} are lovely but they are always in a rush.",
    "Kind staff, but it's a different face every time.",
    "When they come they're great, the problem is getting hold of anyone.",
    "The {worker} is brilliant but {office} never pass messages on.",
    "Good support once you get it, but the wait was far too long.",
    "Can't fault the {workers} themselves, it's the way it's organised that lets them down.",
    "Most of the staff are excellent, one or two not so much.",
    "Helpful and friendly but the {visits} are too short to get much done.",
    "The help itself is good but nobody asked what we actually wanted.",
    "Really nice people, shame they are so stretched.",
)

NEUTRAL: tuple[str, ...] = (
    "It's fine, does what it says.",
    "Some weeks are better than others.",
    "No complaints but nothing special either.",
    "It's early days so hard to say yet.",
    "Okay on the whole.",
    "Some good {workers}, some not so good.",
    "The {visits} happen, more or less when they should.",
    "It's alright, I just wish there was a bit more of it.",
    "Not sure yet whether it's helping.",
)

OPENERS = {
    "pos": (
        "Just want to say ",
        "Honestly, ",
        "I have to say ",
        "Can't fault them. ",
        "Thank you to everyone. ",
        "10/10. ",
        "Where do I start. ",
        "Really happy with the service. ",
        "To be honest ",
        "",
    ),
    "neg": (
        "I'm sorry to say ",
        "Not happy. ",
        "I've complained before and nothing changes. ",
        "To be honest ",
        "Really disappointed. ",
        "Where do I begin. ",
        "I hate to complain but ",
        "Sadly ",
        "",
    ),
    "neu": ("", "Hard to say really. ", "Mixed feelings. ", "So so. ", "Overall "),
}
CLOSERS = {
    "pos": (
        "Thank you.",
        "Keep up the good work!",
        "Couldn't ask for more.",
        "Long may it continue.",
        "Thanks so much.",
        "A big thank you to the whole team.",
        "Would recommend to anyone.",
        "",
    ),
    "neg": (
        "Something needs to change.",
        "Please sort this out.",
        "Not good enough.",
        "I don't know who else to tell.",
        "It's not their fault, it's the system, but it's not right.",
        "We deserve better.",
        "",
    ),
    "neu": ("We'll see how it goes.", "Fine overall.", "", "Time will tell."),
}
CONNECTORS = (" But ", " That said, ", " The only thing is ", " However ", " Mind you, ", " Although ")

STAFF_LINES = {
    "pos": (
        "I feel well supported by my manager.",
        "The new rota means I see the same people each week, which they really like.",
        "We finally have proper travel time between {visits}.",
        "Training this year has been good, especially the trauma-informed practice sessions.",
        "Team morale is the best it has been for a while.",
        "Supervision is regular now and actually useful.",
        "We have time to sit and talk with people, which is why I do this job.",
        "The new starters have settled in well and the team feels stable.",
        "Managers listen when we flag a worry about someone.",
        "Caseloads are manageable for the first time in ages.",
        "I am proud of the difference we made for {num} people this month.",
        "The team pulled together brilliantly on {day} when we were short.",
    ),
    "neg": (
        "I am given 15 minutes for {visits} that need 30.",
        "We are short-staffed and constantly covering extra shifts.",
        "I don't get paid travel time so I'm always late and rushing.",
        "Caseloads are far too high to do the job properly.",
        "Too much paperwork, not enough time with people.",
        "We lost {num} experienced {workers} this quarter and nobody has replaced them.",
        "The rota changes daily so people never get the same worker.",
        "I go home worrying about the people I didn't have time for.",
        "Agency cover doesn't know the people we support.",
        "Nobody asks front-line staff what would make it better.",
        "Sickness is high because everyone is burnt out.",
        "I had {num} people to see before lunch on {day}, it's not safe.",
    ),
}
STAFF_OPENERS = (
    "",
    "",
    "As a {worker} here: ",
    "Staff feedback: ",
    "Speaking as one of the {workers}, ",
    "Anonymous staff survey comment: ",
    "From the team: ",
)
PROVIDER_LINES = (
    "{num} new {workers} started in {month} after our recruitment drive.",
    "We have introduced a new rota system to improve continuity of worker.",
    "Staff absence was high in {month} due to illness; cover was arranged through the bank.",
    "Our service user forum met on {date}; feedback has been shared with the team.",
    "We moved to a new case management system in {month}, which may affect some figures.",
    "Two team leader posts have been filled and supervision is back on schedule.",
    "We are piloting evening drop-ins following feedback from people using the service.",
    "The phone line to {office} now has a call-back option.",
    "Vacancies are down to {num} posts; we expect to be fully staffed by the end of the quarter.",
    "We have started a monthly survey of families and carers alongside the usual questionnaire.",
    "Referrals were unusually high in {month}; we have prioritised new assessments.",
    "Three staff completed their SVQ this month.",
)
PROVIDER_OPENERS = ("Provider update: ", "Update from {provider}: ", "Provider note for {month}: ", "")
COMMISSIONER_LINES = (
    "Monitoring visit on {date}; case records sampled were in good order.",
    "Quarterly contract meeting held on {date}; actions agreed on data quality.",
    "Spot check of {num} case files on {date}: support plans up to date.",
    "KPI return for {prev_month} received late again; reminder issued.",
    "Joint visit with {provider}'s manager on {date}; positive feedback from people using the service.",
    "Complaint received via the council in {month} and passed to {provider} for response.",
    "Staff turnover at {provider} remains a risk for this contract.",
    "Budget monitoring for {prev_month} shows spend on profile.",
    "Attended {provider}'s service user forum on {date}; useful discussion about waiting times.",
    "Asked {provider} for an explanation of the {prev_month} figures; reply awaited.",
    "Finance return for {prev_month} checked against invoices; no issues.",
)
COMMISSIONER_OPENERS = ("", "Commissioner note: ", "Contract manager: ", "For the record: ")
COMMUNITY_LINES = {
    "pos": (
        "As a local GP practice we see the difference this service makes to our patients.",
        "I volunteer alongside them and they do a great job for the community.",
        "As a neighbour I can see how much the support has helped the people in our street.",
        "The community council has heard nothing but good things.",
        "I run the lunch club at the church hall and the {workers} are always welcome.",
        "From the local food bank: their referrals are always well prepared and people arrive supported.",
        "As a community nurse I work alongside the {workers} and they are excellent.",
        "The library staff say people from the service are growing in confidence.",
        "As a local employer I've taken on people through them and it has worked well.",
        "Our tenants' association has nothing but praise for them.",
    ),
    "neg": (
        "As a local pharmacist I hear a lot of complaints about missed {visits}.",
        "Neighbours are worried nobody is checking in properly.",
        "Local councillor surgery has had several complaints about this service.",
        "As a community nurse I often arrive to find the {visit} has been missed.",
        "From the food bank: people tell us they can't get hold of their {worker}.",
        "Our tenants' association keeps hearing the same complaints about this service.",
    ),
}
COMMUNITY_OPENERS = ("", "", "Community feedback: ", "Passing this on from the community: ", "Hello. ")

AREA_VOCAB: dict[str, dict[str, tuple[str, ...]]] = {
    "Adult social care": {
        "worker": ("carer", "support worker", "carer"),
        "workers": ("carers", "girls", "staff", "carers"),
        "visit": ("visit", "call"),
        "visits": ("visits", "calls"),
        "office": ("the office", "the coordinators", "the care office"),
    },
    "Homelessness and housing support": {
        "worker": ("support worker", "housing officer", "key worker"),
        "workers": ("staff", "support workers", "housing officers"),
        "visit": ("appointment", "support session", "visit"),
        "visits": ("appointments", "support sessions", "visits"),
        "office": ("the office", "reception", "the housing office"),
    },
    "Employability": {
        "worker": ("adviser", "key worker", "employment adviser"),
        "workers": ("advisers", "staff", "key workers"),
        "visit": ("appointment", "session", "meeting"),
        "visits": ("appointments", "sessions", "meetings"),
        "office": ("the office", "reception", "the hub"),
    },
    "Mental health": {
        "worker": ("support worker", "counsellor", "link worker", "peer worker"),
        "workers": ("staff", "support workers", "counsellors"),
        "visit": ("session", "appointment"),
        "visits": ("sessions", "appointments"),
        "office": ("the office", "the duty line", "reception"),
    },
    "Children's services": {
        "worker": ("family support worker", "worker", "youth worker"),
        "workers": ("workers", "staff", "family support workers"),
        "visit": ("visit", "session", "home visit"),
        "visits": ("visits", "sessions", "home visits"),
        "office": ("the office", "the duty worker", "the team"),
    },
    "Drug and alcohol recovery": {
        "worker": ("recovery worker", "key worker", "peer mentor", "nurse"),
        "workers": ("staff", "recovery workers", "peer mentors"),
        "visit": ("appointment", "session", "group"),
        "visits": ("appointments", "sessions", "groups"),
        "office": ("reception", "the hub", "the duty worker"),
    },
}
RELATIVES = (
    ("Mum", "she", "her", "her"),
    ("Dad", "he", "him", "his"),
    ("my husband", "he", "him", "his"),
    ("my wife", "she", "her", "her"),
    ("my mother", "she", "her", "her"),
    ("my father", "he", "him", "his"),
    ("my gran", "she", "her", "her"),
    ("my brother", "he", "him", "his"),
    ("my sister", "she", "her", "her"),
    ("my son", "he", "him", "his"),
    ("my daughter", "she", "her", "her"),
    ("my uncle", "he", "him", "his"),
)
CHILD_RELATIVES = (
    ("my son", "he", "him", "his"),
    ("my daughter", "she", "her", "her"),
    ("our boy", "he", "him", "his"),
    ("our wee girl", "she", "her", "her"),
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "the weekend")
NUMS = ("two", "three", "four", "five", "six", "several", "three or four")
TIMES = ("half four", "4pm", "half past six in the morning", "after eleven", "7am", "quarter to five")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TYPOS = {
    "receive": "recieve",
    "definitely": "definately",
    "a lot": "alot",
    "really": "realy",
    "separate": "seperate",
    "their": "there",
    "because": "becuase",
    "appointment": "appointmnet",
    "different": "diffrent",
    "nothing": "nothin",
    "they're": "their",
    "you're": "your",
    "would": "wud",
    "people": "ppl",
    "the": "teh",
}
PII_NAMES = ("Margaret", "Jean", "Agnes", "Bill", "Davie", "Aisha", "Morag", "Tam", "Fiona", "Iain")
PII_SURNAMES = ("Mrs Wilson", "Mr Campbell", "Mrs MacLeod", "Mr Stewart", "Mrs Robertson", "Mr Paterson")
PII_POSTCODES = ("AB12 3CD", "KY9 4ZZ", "DD11 2QX", "G84 0ZZ", "PH49 4YY", "EH99 1ZZ")
PII_EMAILS = ("j.smith", "mary.brown", "kev1971", "carer.support", "a.macdonald", "lizzie.g")


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    if text.startswith("I ") or text.startswith("I'") or text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


class CommentWriter:
    """Builds one comment at a time from the bank, using the caller's Random."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _slots(self, area: str, relative: tuple[str, str, str, str]) -> dict[str, str]:
        r = self.rng
        vocab = AREA_VOCAB[area]
        rel, he, him, his = relative
        return {
            "worker": r.choice(vocab["worker"]),
            "workers": r.choice(vocab["workers"]),
            "visit": r.choice(vocab["visit"]),
            "visits": r.choice(vocab["visits"]),
            "office": r.choice(vocab["office"]),
            "Rel": _cap(rel),
            "rel": rel,
            "he": he,
            "him": him,
            "his": his,
            "day": r.choice(DAYS),
            "num": r.choice(NUMS),
            "time": r.choice(TIMES),
            "month": r.choice(MONTH_NAMES),
        }

    def _templates(self, area: str, theme: str, sentiment: str, voice: str) -> list[str]:
        out: list[str] = []
        for v in ("any", voice):
            out += BANK.get((theme, sentiment, v), ())
            out += AREA_BANK[area].get((theme, sentiment, v), ())
        return out

    def _sentence(self, area: str, theme: str, sentiment: str, voice: str, slots: dict[str, str]) -> str:
        options = self._templates(area, theme, sentiment, voice)
        if not options:
            options = self._templates(area, "attitude", sentiment, voice)
        return _cap(_fill(self.rng.choice(options), slots))

    def comment(
        self,
        area: str,
        source: str,
        sentiment: str,
        themes: Sequence[str],
        theme_weights: Sequence[float],
        staff_mood: str = "pos",
        when: dt.date | None = None,
        provider: str = "the provider",
    ) -> str:
        """sentiment: pos, neg, neu or mixed. Returns the text (transforms applied)."""
        r = self.rng
        relatives = CHILD_RELATIVES if area == "Children's services" else RELATIVES
        slots = self._slots(area, r.choice(relatives))
        when = when or PERIOD_START
        slots["date"] = f"{when.day} {MONTH_NAMES[when.month - 1]}"
        slots["month"] = MONTH_NAMES[when.month - 1]
        slots["prev_month"] = MONTH_NAMES[(when.month - 2) % 12]
        slots["provider"] = provider
        if source == "staff":
            lines = r.sample(STAFF_LINES[staff_mood], r.choice((1, 2, 2)))
            opener = _fill(r.choice(STAFF_OPENERS), slots)
            body = " ".join(_fill(x, slots) for x in lines)
            text = opener + (_lower_first(body) if opener.endswith(", ") else body)
            return self._transform(text, sentiment)
        if source == "provider":
            opener = _fill(r.choice(PROVIDER_OPENERS), slots)
            return opener + " ".join(_fill(x, slots) for x in r.sample(PROVIDER_LINES, r.choice((1, 1, 2))))
        if source == "commissioner":
            opener = r.choice(COMMISSIONER_OPENERS)
            return opener + " ".join(_fill(x, slots) for x in r.sample(COMMISSIONER_LINES, r.choice((1, 1, 2))))
        if source == "community":
            if sentiment == "neu":
                return self._transform(
                    _fill(r.choice(NEUTRAL), slots) + " " + _fill(r.choice(COMMUNITY_LINES["pos"]), slots), "neu"
                )
            mood = "neg" if sentiment in ("neg", "mixed") else "pos"
            text = r.choice(COMMUNITY_OPENERS) + _fill(r.choice(COMMUNITY_LINES[mood]), slots)
            if r.random() < 0.8 and sentiment in ("pos", "neg"):
                text += " " + self._sentence(area, r.choices(themes, theme_weights)[0], sentiment, "any", slots)
            return self._transform(text, sentiment)

        voice = "self" if source == "service user" else "rel"
        if sentiment == "mixed":
            if r.random() < 0.5:
                body = [_fill(r.choice(MIXED), slots)]
            else:
                good = self._sentence(area, r.choices(themes, theme_weights)[0], "pos", voice, slots)
                bad = self._sentence(area, r.choices(themes, theme_weights)[0], "neg", voice, slots)
                body = [good + r.choice(CONNECTORS) + _lower_first(bad)]
            if r.random() < 0.4:
                body.append(self._sentence(area, r.choices(themes, theme_weights)[0], "neg", voice, slots))
            text = " ".join(body)
            return self._transform(text, "neg")
        if sentiment == "neu":
            body = [_fill(r.choice(NEUTRAL), slots)]
            if r.random() < 0.7:
                mood = r.choice(("pos", "neg"))
                body.append(self._sentence(area, r.choices(themes, theme_weights)[0], mood, voice, slots))
            opener = r.choice(OPENERS["neu"])
            closer = r.choice(CLOSERS["neu"])
            text = " ".join(body)
            text = opener + _lower_first(text) if opener.endswith(" ") and not opener.endswith(". ") else opener + text
            return self._transform((text + " " + closer).strip(), "neu")

        n = r.choices((1, 2, 3), (0.25, 0.5, 0.25))[0]
        chosen: list[str] = []
        for _ in range(n * 3):
            theme = r.choices(themes, theme_weights)[0]
            if theme not in chosen:
                chosen.append(theme)
            if len(chosen) == n:
                break
        sentences = [self._sentence(area, t, sentiment, voice, slots) for t in chosen]
        if voice == "rel" and r.random() < 0.35:
            intro = r.choice(
                (
                    f"{_cap(slots['rel'])} has had support from {{svc}} for {r.choice(NUMS)} months.",
                    f"I'm writing on behalf of {slots['rel']}.",
                    f"As {slots['rel']}'s main carer, here is my feedback.",
                    f"{_cap(slots['rel'])} can't write this so I am.",
                )
            ).replace("{svc}", "the service")
            sentences.insert(0, intro)
        text = " ".join(dict.fromkeys(sentences))
        opener = r.choice(OPENERS[sentiment])
        if len(sentences) > n and not opener.endswith(". "):
            opener = ""  # a relative's introduction already opens the comment
        if opener and r.random() < 0.6:
            text = opener + (_lower_first(text) if not opener.endswith(". ") else text)
        closer = r.choice(CLOSERS[sentiment])
        if closer and r.random() < 0.5:
            text = f"{text} {closer}"
        return self._transform(text, sentiment)

    def _transform(self, text: str, sentiment: str) -> str:
        r = self.rng
        if r.random() < 0.08:
            words = [w for w in TYPOS if f" {w} " in f" {text} "]
            if words:
                w = r.choice(words)
                text = f" {text} ".replace(f" {w} ", f" {TYPOS[w]} ", 1).strip()
        if r.random() < 0.05:
            text = text.replace(" and ", " & ")
        if r.random() < 0.06:
            text = text.lower()
        if r.random() < 0.10 and text.endswith("."):
            text = text[:-1]
        elif sentiment == "pos" and r.random() < 0.08 and text.endswith("."):
            text = text[:-1] + "!"
        elif sentiment == "neg" and r.random() < 0.05 and text.endswith("."):
            text = text[:-1] + "..."
        return text

    def with_personal_data(self, text: str) -> str:
        """Add synthetic personal data (a name, phone, e-mail or postcode) for redaction to find."""
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            extra = f"{r.choice(PII_NAMES)} is the best carer we've had, please pass this on."
            extra = extra if r.random() < 0.5 else f"Special thanks to {r.choice(PII_NAMES)}."
        elif kind == 1:
            extra = f"This is about my neighbour {r.choice(PII_SURNAMES)}."
        elif kind == 2:
            extra = f"Please call me on 07700 900{r.randrange(1000):03d} to discuss."
        elif kind == 3:
            extra = f"You can email me at {r.choice(PII_EMAILS)}@example.org."
        else:
            extra = f"Address is {r.randrange(2, 120)} Station Road, {r.choice(PII_POSTCODES)}."
        return f"{text} {extra}" if r.random() < 0.7 else f"{extra} {text}"


# --------------------------------------------------------------------------- KPI templates

# (name, kind, unit, direction, target, tolerance, national outcome, measurement, scaled, tag)
# scaled: the target is per £1m of annual value per month and the tolerance a share of it.
# tag: only for contracts whose title contains it (blank = any contract in the area).
KpiTemplate = tuple[str, str, str, str, float, float, str, str, bool, str]

KPI_BANK: dict[str, tuple[KpiTemplate, ...]] = {
    "Adult social care": (
        ("% planned visits delivered", "output", "percent", "higher", 97, 2, "NO08", "monthly", False, "Care at home"),
        (
            "% visits started within 30 minutes of the planned time",
            "output",
            "percent",
            "higher",
            90,
            4,
            "NO09",
            "monthly",
            False,
            "Care at home",
        ),
        (
            "Missed visits per 1,000 planned",
            "output",
            "number",
            "lower",
            5,
            3,
            "NO08",
            "monthly",
            False,
            "Care at home",
        ),
        ("Hours of support delivered", "output", "number", "higher", 1650, 0.06, "NO08", "cumulative", True, ""),
        ("% care plans reviewed on time", "output", "percent", "higher", 90, 5, "NO09", "monthly", False, ""),
        (
            "% people supported to remain living at home",
            "outcome",
            "percent",
            "higher",
            92,
            3,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "% people achieving their personal outcomes at review",
            "outcome",
            "percent",
            "higher",
            80,
            5,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "Unplanned hospital admissions per 100 people supported",
            "outcome",
            "number",
            "lower",
            3,
            1.5,
            "NO08",
            "monthly",
            False,
            "",
        ),
        ("% staff registered with the SSSC", "output", "percent", "higher", 95, 3, "NO07", "monthly", False, ""),
        ("Staff turnover (% annualised)", "output", "percent", "lower", 25, 5, "NO07", "monthly", False, ""),
        (
            "% people satisfied with their support (provider survey)",
            "experience",
            "percent",
            "higher",
            90,
            5,
            "NO09",
            "monthly",
            False,
            "",
        ),
        ("Complaints upheld", "experience", "number", "lower", 1, 1, "NO09", "monthly", False, ""),
    ),
    "Homelessness and housing support": (
        ("Average days in temporary accommodation", "outcome", "days", "lower", 120, 20, "NO11", "monthly", False, ""),
        (
            "% households moved into settled accommodation",
            "outcome",
            "percent",
            "higher",
            70,
            7,
            "NO11",
            "monthly",
            False,
            "",
        ),
        ("% tenancies sustained for 12 months", "outcome", "percent", "higher", 88, 4, "NO02", "monthly", False, ""),
        (
            "% households assessed within 5 working days",
            "output",
            "percent",
            "higher",
            90,
            5,
            "NO09",
            "monthly",
            False,
            "",
        ),
        ("New households supported", "output", "number", "higher", 40, 0.2, "NO11", "cumulative", True, ""),
        (
            "% people with a personal housing plan within 28 days",
            "output",
            "percent",
            "higher",
            85,
            6,
            "NO09",
            "monthly",
            False,
            "",
        ),
        ("Repeat homelessness within 12 months (%)", "outcome", "percent", "lower", 5, 2, "NO11", "monthly", False, ""),
        (
            "% people supported to maximise their income",
            "outcome",
            "percent",
            "higher",
            60,
            8,
            "NO11",
            "monthly",
            False,
            "",
        ),
        (
            "% people who feel safe in their accommodation",
            "experience",
            "percent",
            "higher",
            85,
            5,
            "NO09",
            "monthly",
            False,
            "",
        ),
        (
            "% people satisfied with the support they received",
            "experience",
            "percent",
            "higher",
            85,
            5,
            "NO09",
            "monthly",
            False,
            "",
        ),
    ),
    "Employability": (
        ("Job starts", "outcome", "number", "higher", 14, 0.25, "NO04", "cumulative", True, ""),
        (
            "People sustaining employment 6 months (%)",
            "outcome",
            "percent",
            "higher",
            55,
            8,
            "NO07",
            "monthly",
            False,
            "",
        ),
        ("New registrations", "output", "number", "higher", 40, 0.2, "NO05", "cumulative", True, ""),
        ("% participants gaining a qualification", "outcome", "percent", "higher", 40, 6, "NO05", "monthly", False, ""),
        (
            "% participants with an agreed action plan within 4 weeks",
            "output",
            "percent",
            "higher",
            90,
            5,
            "NO05",
            "monthly",
            False,
            "",
        ),
        (
            "Participants moving into education or training",
            "outcome",
            "number",
            "higher",
            6,
            0.3,
            "NO05",
            "cumulative",
            True,
            "",
        ),
        (
            "% participants reporting increased confidence",
            "outcome",
            "percent",
            "higher",
            70,
            7,
            "NO04",
            "monthly",
            False,
            "",
        ),
        (
            "Average days from registration to job start",
            "output",
            "days",
            "lower",
            120,
            20,
            "NO04",
            "monthly",
            False,
            "",
        ),
        ("Employer engagements", "output", "number", "higher", 10, 0.25, "NO04", "cumulative", True, ""),
        (
            "% participants satisfied with their adviser",
            "experience",
            "percent",
            "higher",
            85,
            5,
            "NO07",
            "monthly",
            False,
            "",
        ),
    ),
    "Mental health": (
        ("% referrals contacted within 24 hours", "output", "percent", "higher", 95, 3, "NO08", "monthly", False, ""),
        (
            "Average days from referral to first appointment",
            "output",
            "days",
            "lower",
            14,
            4,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "% people showing improved wellbeing (WEMWBS)",
            "outcome",
            "percent",
            "higher",
            65,
            7,
            "NO08",
            "monthly",
            False,
            "",
        ),
        ("Mean WEMWBS improvement at discharge", "outcome", "score", "higher", 6, 1.5, "NO08", "monthly", False, ""),
        ("% planned sessions attended", "output", "percent", "higher", 80, 5, "NO08", "monthly", False, ""),
        ("People supported", "output", "number", "higher", 60, 0.15, "NO08", "cumulative", True, ""),
        (
            "% people reporting reduced distress at 14 days",
            "outcome",
            "percent",
            "higher",
            75,
            6,
            "NO08",
            "monthly",
            False,
            "",
        ),
        ("Re-referrals within 3 months (%)", "outcome", "percent", "lower", 10, 3, "NO08", "monthly", False, ""),
        ("% people with a safety plan in place", "output", "percent", "higher", 95, 3, "NO09", "monthly", False, ""),
        (
            "% people who felt listened to (provider survey)",
            "experience",
            "percent",
            "higher",
            90,
            4,
            "NO09",
            "monthly",
            False,
            "",
        ),
    ),
    "Children's services": (
        ("Families supported", "output", "number", "higher", 35, 0.2, "NO01", "cumulative", True, ""),
        (
            "% families achieving the goals in their plan",
            "outcome",
            "percent",
            "higher",
            70,
            8,
            "NO01",
            "monthly",
            False,
            "",
        ),
        (
            "% children attending school 90% of the time or more",
            "outcome",
            "percent",
            "higher",
            80,
            6,
            "NO05",
            "monthly",
            False,
            "",
        ),
        (
            "% referrals allocated a worker within 10 working days",
            "output",
            "percent",
            "higher",
            90,
            5,
            "NO01",
            "monthly",
            False,
            "",
        ),
        ("Average days from referral to first visit", "output", "days", "lower", 10, 3, "NO01", "monthly", False, ""),
        (
            "Children becoming looked after (per 100 families supported)",
            "outcome",
            "number",
            "lower",
            2,
            1,
            "NO01",
            "monthly",
            False,
            "",
        ),
        (
            "% parents reporting improved confidence",
            "outcome",
            "percent",
            "higher",
            75,
            7,
            "NO01",
            "monthly",
            False,
            "",
        ),
        ("% young people with an up-to-date plan", "output", "percent", "higher", 95, 3, "NO01", "monthly", False, ""),
        (
            "% care leavers in education, employment or training",
            "outcome",
            "percent",
            "higher",
            65,
            7,
            "NO05",
            "monthly",
            False,
            "aftercare",
        ),
        (
            "% children and young people who feel safe",
            "experience",
            "percent",
            "higher",
            90,
            4,
            "NO01",
            "monthly",
            False,
            "",
        ),
    ),
    "Drug and alcohol recovery": (
        ("% completing treatment drug-free", "outcome", "percent", "higher", 45, 6, "NO08", "monthly", False, ""),
        (
            "% starting treatment within 3 weeks of referral",
            "output",
            "percent",
            "higher",
            90,
            4,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "% people retained in treatment at 12 weeks",
            "outcome",
            "percent",
            "higher",
            75,
            6,
            "NO08",
            "monthly",
            False,
            "",
        ),
        ("Naloxone kits supplied", "output", "number", "higher", 30, 0.2, "NO08", "cumulative", True, ""),
        (
            "% recovery plans reviewed in the last 3 months",
            "output",
            "percent",
            "higher",
            90,
            5,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "% people reporting improved quality of life",
            "outcome",
            "percent",
            "higher",
            60,
            8,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "People taking part in peer support or mutual aid",
            "output",
            "number",
            "higher",
            80,
            0.15,
            "NO02",
            "cumulative",
            True,
            "",
        ),
        ("% people in stable accommodation", "outcome", "percent", "higher", 80, 5, "NO11", "monthly", False, ""),
        (
            "Drug-related hospital admissions (people supported)",
            "outcome",
            "number",
            "lower",
            2,
            1.5,
            "NO08",
            "monthly",
            False,
            "",
        ),
        (
            "% people who would recommend the service",
            "experience",
            "percent",
            "higher",
            90,
            4,
            "NO09",
            "monthly",
            False,
            "",
        ),
    ),
}

# area -> (typical unit cost £, cost per outcome £, outcome description, seasonality in tolerances by month)
AREA_ECONOMICS = {
    "Adult social care": (26.0, 2400.0),
    "Homelessness and housing support": (95.0, 4200.0),
    "Employability": (260.0, 3600.0),
    "Mental health": (75.0, 1600.0),
    "Children's services": (110.0, 3100.0),
    "Drug and alcohol recovery": (90.0, 2600.0),
}
_SEASON = {  # month number -> shift in tolerances (winter pressure, summer holidays)
    "Adult social care": {12: -0.35, 1: -0.45, 2: -0.25},
    "Homelessness and housing support": {12: -0.2, 1: -0.3},
    "Employability": {7: -0.35, 8: -0.3, 12: -0.3},
    "Mental health": {1: -0.25, 2: -0.2},
    "Children's services": {7: -0.3, 8: -0.3},
    "Drug and alcohol recovery": {12: -0.3, 1: -0.2},
}

# --------------------------------------------------------------------------- the portfolio

# id, title, provider, area, model, annual £, start, end, manager, authority, unit, profile, kpi count
CONTRACT_SPECS: tuple[tuple, ...] = (
    (
        "C001",
        "Care at home – North locality",
        "Hearthside Care Ltd",
        "Adult social care",
        "fee-for-service",
        2_850_000,
        "2021-04-01",
        "2027-03-31",
        "Fiona Lennox",
        "Glenburn Council",
        "hour of care",
        "good",
        9,
    ),
    (
        "C002",
        "Care at home – South locality",
        "Allanvale Homecare Ltd",
        "Adult social care",
        "fee-for-service",
        3_400_000,
        "2022-04-01",
        "2027-03-31",
        "Fiona Lennox",
        "Glenburn Council",
        "hour of care",
        "watermelon",
        7,
    ),
    (
        "C003",
        "Care at home and reablement – Lochside",
        "Kelvinbank Care Partnership CIC",
        "Adult social care",
        "outcomes-based",
        1_650_000,
        "2023-04-01",
        "2028-03-31",
        "Alasdair Ross",
        "Lochside Council",
        "hour of care",
        "steady",
        8,
    ),
    (
        "C004",
        "Care at home – Rural East",
        "Braeside Community Care",
        "Adult social care",
        "public social partnership",
        1_200_000,
        "2022-10-01",
        "2027-09-30",
        "Alasdair Ross",
        "Lochside Council",
        "hour of care",
        "dip",
        8,
    ),
    (
        "C005",
        "Day opportunities for older people",
        "Kinship Day Services SCIO",
        "Adult social care",
        "grant",
        380_000,
        "2023-04-01",
        "2027-03-31",
        "Priya Nair",
        "Glenburn Council",
        "day of support",
        "good",
        6,
    ),
    (
        "C006",
        "Supported living – learning disability",
        "Hollybank Supported Living",
        "Adult social care",
        "outcomes-based",
        4_600_000,
        "2020-07-01",
        "2027-06-30",
        "Priya Nair",
        "Carrick Vale Council",
        "hour of support",
        "mixed",
        9,
    ),
    (
        "C007",
        "Housing First – Glenburn",
        "Threshold Housing Trust",
        "Homelessness and housing support",
        "outcomes-based",
        1_450_000,
        "2022-04-01",
        "2027-03-31",
        "Callum Drummond",
        "Glenburn Council",
        "week of support",
        "good",
        8,
    ),
    (
        "C008",
        "Temporary accommodation support",
        "Harbourside Housing Association",
        "Homelessness and housing support",
        "fee-for-service",
        2_300_000,
        "2021-10-01",
        "2026-12-31",
        "Callum Drummond",
        "Lochside Council",
        "night of accommodation",
        "divergence",
        9,
    ),
    (
        "C009",
        "Homelessness prevention and tenancy sustainment",
        "Hearth & Home Advice Scotland",
        "Homelessness and housing support",
        "public social partnership",
        780_000,
        "2023-01-01",
        "2027-12-31",
        "Morven Gillespie",
        "Carrick Vale Council",
        "case supported",
        "steady",
        8,
    ),
    (
        "C010",
        "Young persons' supported accommodation",
        "Stepping Stones Youth Housing",
        "Homelessness and housing support",
        "grant",
        640_000,
        "2022-07-01",
        "2027-06-30",
        "Morven Gillespie",
        "Glenburn Council",
        "week of support",
        "mixed",
        7,
    ),
    (
        "C011",
        "No One Left Behind – keyworker employability",
        "Pathways to Work SCIO",
        "Employability",
        "outcomes-based",
        1_900_000,
        "2023-04-01",
        "2027-03-31",
        "Euan McKechnie",
        "Glenburn Council",
        "participant month",
        "good",
        9,
    ),
    (
        "C012",
        "Parental employability support",
        "Family Futures Scotland",
        "Employability",
        "grant",
        420_000,
        "2022-10-01",
        "2026-03-31",
        "Euan McKechnie",
        "Lochside Council",
        "participant month",
        "steady",
        7,
    ),
    (
        "C013",
        "Supported employment for disabled people",
        "Able Works Social Enterprise",
        "Employability",
        "public social partnership",
        860_000,
        "2022-04-01",
        "2027-03-31",
        "Heather Baird",
        "Carrick Vale Council",
        "participant month",
        "steady",
        8,
    ),
    (
        "C014",
        "Employability hub – high volume",
        "Brightstep Employment Services Ltd",
        "Employability",
        "fee-for-service",
        2_100_000,
        "2023-04-01",
        "2027-03-31",
        "Heather Baird",
        "Glenburn Council",
        "participant month",
        "low_cost",
        8,
    ),
    (
        "C015",
        "Youth employability and modern apprenticeships",
        "Next Chapter Training",
        "Employability",
        "outcomes-based",
        560_000,
        "2024-04-01",
        "2027-03-31",
        "Euan McKechnie",
        "Lochside Council",
        "participant month",
        "mixed",
        8,
    ),
    (
        "C016",
        "Community mental health support alliance",
        "Lochside Wellbeing Alliance",
        "Mental health",
        "alliance",
        2_600_000,
        "2022-04-01",
        "2028-03-31",
        "Ruth Ogilvie",
        "Lochside Council",
        "hour of support",
        "good",
        9,
    ),
    (
        "C017",
        "Distress Brief Intervention",
        "Calmwaters Mental Health",
        "Mental health",
        "public social partnership",
        950_000,
        "2023-04-01",
        "2027-03-31",
        "Ruth Ogilvie",
        "Glenburn Council",
        "person supported",
        "steady",
        8,
    ),
    (
        "C018",
        "Peer support and wellbeing hubs",
        "Open Door Peer Support SCIO",
        "Mental health",
        "grant",
        310_000,
        "2022-04-01",
        "2027-03-31",
        "Priya Nair",
        "Carrick Vale Council",
        "session",
        "mixed",
        6,
    ),
    (
        "C019",
        "Perinatal mental health support",
        "Bloom Perinatal Wellbeing",
        "Mental health",
        "fee-for-service",
        420_000,
        "2025-04-01",
        "2028-03-31",
        "Ruth Ogilvie",
        "Glenburn Council",
        "session",
        "steady",
        7,
    ),
    (
        "C020",
        "Family support – early intervention",
        "Brighter Beginnings Family Support",
        "Children's services",
        "outcomes-based",
        1_350_000,
        "2023-04-01",
        "2028-03-31",
        "Gordon Whyte",
        "Glenburn Council",
        "family week of support",
        "improving",
        9,
    ),
    (
        "C021",
        "Short breaks for disabled children",
        "Wee Adventures Short Breaks",
        "Children's services",
        "fee-for-service",
        720_000,
        "2022-04-01",
        "2027-03-31",
        "Gordon Whyte",
        "Lochside Council",
        "hour of short break",
        "good",
        7,
    ),
    (
        "C022",
        "Young carers support service",
        "Carrick Young Carers Project",
        "Children's services",
        "grant",
        180_000,
        "2022-04-01",
        "2027-03-31",
        "Morven Gillespie",
        "Carrick Vale Council",
        "young carer supported",
        "good",
        6,
    ),
    (
        "C023",
        "Throughcare and aftercare",
        "New Horizons Throughcare",
        "Children's services",
        "public social partnership",
        890_000,
        "2022-10-01",
        "2027-09-30",
        "Gordon Whyte",
        "Glenburn Council",
        "week of support",
        "mixed",
        8,
    ),
    (
        "C024",
        "Glenburn Recovery Alliance",
        "Glenburn Recovery Alliance (lead partner: Cairn Recovery Trust)",
        "Drug and alcohol recovery",
        "alliance",
        5_800_000,
        "2022-04-01",
        "2029-03-31",
        "Alasdair Ross",
        "Glenburn Council",
        "person in treatment month",
        "alliance",
        10,
    ),
    (
        "C025",
        "Residential rehabilitation placements",
        "Ardmhor House Rehabilitation",
        "Drug and alcohol recovery",
        "fee-for-service",
        1_100_000,
        "2023-04-01",
        "2027-03-31",
        "Heather Baird",
        "Lochside Council",
        "bed night",
        "steady",
        7,
    ),
    (
        "C026",
        "Recovery community and peer support",
        "Lighthouse Recovery Community",
        "Drug and alcohol recovery",
        "grant",
        240_000,
        "2024-10-01",
        "2027-09-30",
        "Heather Baird",
        "Carrick Vale Council",
        "recovery café attendance",
        "good",
        6,
    ),
)
# contract-specific unit cost factor (x the area's typical unit cost); C014 is the cheapest per unit
_UNIT_COST_FACTOR = {"C014": 0.52, "C005": 1.6, "C006": 1.05, "C008": 0.55, "C025": 2.2, "C021": 0.8}
# contract-specific cost-per-outcome factor before performance (x the area's typical cost per outcome)
_CPO_FACTOR = {"C014": 2.0, "C024": 0.72, "C020": 0.9}

WATERMELON_KPIS = (
    "% planned visits delivered",
    "% visits started within 30 minutes of the planned time",
    "Missed visits per 1,000 planned",
    "Hours of support delivered",
    "% care plans reviewed on time",
    "% people supported to remain living at home",
    "% staff registered with the SSSC",
)


def _rel_pair(rng: random.Random, low: float, high: float) -> tuple[float, float]:
    """Commissioner and provider relationship levels: providers tend to be a little warmer."""
    commissioner = rng.uniform(low, high)
    return commissioner, commissioner + rng.uniform(0.0, 0.3)


def _profile(name: str, rng: random.Random) -> dict:
    """Base levels for a contract: KPI level in tolerances, experience share, comment mood, relationship."""
    base = {
        "good": dict(
            z=rng.uniform(0.8, 1.3),
            sd=0.5,
            p=rng.uniform(0.885, 0.935),
            neg=0.025,
            neu=0.10,
            rel=_rel_pair(rng, 4.0, 4.4),
        ),
        "steady": dict(
            z=rng.uniform(0.4, 0.8),
            sd=0.55,
            p=rng.uniform(0.855, 0.9),
            neg=0.04,
            neu=0.12,
            rel=_rel_pair(rng, 3.8, 4.2),
        ),
        "mixed": dict(
            z=rng.uniform(-0.15, 0.35),
            sd=0.6,
            p=rng.uniform(0.8, 0.86),
            neg=0.06,
            neu=0.16,
            rel=_rel_pair(rng, 3.4, 3.9),
        ),
        "dip": dict(
            z=rng.uniform(0.7, 1.1), sd=0.5, p=rng.uniform(0.87, 0.92), neg=0.035, neu=0.1, rel=_rel_pair(rng, 3.9, 4.2)
        ),
        "watermelon": dict(z=1.6, sd=0.35, p=0.62, neg=0.72, neu=0.18, rel=(3.9, 4.1)),
        "alliance": dict(z=-0.5, sd=0.22, p=0.935, neg=0.01, neu=0.06, rel=(4.5, 4.6)),
        "low_cost": dict(z=-1.75, sd=0.45, p=0.79, neg=0.18, neu=0.2, rel=(3.5, 3.9)),
        "improving": dict(z=-2.1, sd=0.45, p=0.62, neg=0.45, neu=0.2, rel=(2.9, 3.4)),
        "divergence": dict(
            z=rng.uniform(0.3, 0.6), sd=0.55, p=rng.uniform(0.84, 0.88), neg=0.05, neu=0.13, rel=(3.7, 3.9)
        ),
    }[name]
    base["name"] = name
    base["dip_start"] = rng.randrange(8, 26)
    return base


def _month_state(prof: dict, m: int) -> dict:
    """Expected levels for month index m (0-based) of the period."""
    name = prof["name"]
    z, sd, p, neg, neu = prof["z"], prof["sd"], prof["p"], prof["neg"], prof["neu"]
    clip_low = None
    if name == "dip" and prof["dip_start"] <= m < prof["dip_start"] + 3:
        z, p, neg = z - 2.0, p - 0.08, 0.3
    elif name == "watermelon":
        if m < 18:  # it was merely mediocre before it got worse
            p, neg, neu = 0.7, 0.45, 0.2
        if m >= PERIOD_MONTHS - 12:
            clip_low = 0.1
    elif name == "improving":
        review = REVIEW_MONTH - 1
        good_from = PERIOD_MONTHS - 8
        if review <= m < good_from:
            f = (m - review + 1) / (good_from - review)
            z = -2.1 + f * 3.2
            p = 0.62 + f * 0.29
            neg = 0.45 * (1 - f) + 0.03 * f
            neu = 0.2 * (1 - f) + 0.1 * f
            sd = 0.4
        elif m >= good_from:
            z, sd, p, neg, neu, clip_low = 1.1, 0.3, 0.94, 0.0, 0.08, 0.05
    elif name == "alliance":
        clip_low = None
    return dict(z=z, sd=sd, p=p, neg=neg, neu=neu, clip_low=clip_low)


def _theme_weights(profile: str, sentiment: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    weights = dict.fromkeys(THEMES, 1.0)
    weights["outcomes"] = 1.6
    weights["kindness"] = 1.4 if sentiment == "pos" else 0.6
    weights["environment"] = 0.5
    if profile == "watermelon" and sentiment == "neg":
        weights.update(time=6.0, continuity=5.0, listened=4.0, dignity=1.5, outcomes=0.4, environment=0.1)
    if profile == "alliance" and sentiment == "pos":
        weights.update(kindness=2.5, listened=2.0, outcomes=2.5, family=1.5)
    if profile == "low_cost":
        weights.update(outcomes=3.0, time=2.0, continuity=1.5)
    return tuple(weights), tuple(weights.values())


def _fmt(value: float, unit: str) -> str:
    if unit == "number":
        return str(int(round(value)))
    return f"{value:.1f}"


def _kpi_value(template: KpiTemplate, target: float, tol: float, z: float) -> float:
    _name, _kind, unit, direction, *_ = template
    value = target + (z * tol if direction == "higher" else -z * tol)
    if unit == "percent":
        value = min(100.0, value)
    value = max(0.0, value)
    value = float(round(value)) if unit == "number" else round(value, 1)
    return value


def _write_csv(path: Path, table: str, rows: list[list]) -> int:
    header = list(TABLES_BY_NAME[table].column_names)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return len(rows)


def _copy_seeds(out_dir: Path) -> None:
    for name in SEED_TABLES:
        source = SEED_DIR / f"{name}.csv"
        target = out_dir / f"{name}.csv"
        if source.resolve() != target.resolve():
            shutil.copyfile(source, target)


def _pulse_scores(rng: random.Random, mean: float) -> list[int]:
    """Four 1-5 scores whose mean is ``mean`` rounded to the nearest quarter point."""
    total = max(4, min(20, round(mean * 4)))
    scores = [total // 4] * 4
    for i in rng.sample(range(4), total % 4):
        scores[i] += 1
    if rng.random() < 0.5:  # spread a little, keeping the total
        a, b = rng.sample(range(4), 2)
        if scores[a] < 5 and scores[b] > 1:
            scores[a] += 1
            scores[b] -= 1
    return scores


PULSE_COMMENTS = {
    ("commissioner", "high"): (
        "Open, honest conversations; problems come to us early.",
        "Genuine partnership working this quarter.",
        "Provider has been flexible and solution-focused.",
        "Strong shared purpose across the alliance.",
        "Good quarter. Data arrives on time and is discussed openly.",
    ),
    ("commissioner", "mid"): (
        "Relationship is fine but meetings are mostly about numbers.",
        "Some delays getting information.",
        "Workable relationship; more openness about risks would help.",
        "Steady quarter, nothing major.",
    ),
    ("commissioner", "low"): (
        "Concerns raised about data quality have not been addressed.",
        "Information only shared when we ask for it.",
        "We are not confident we are hearing about problems early.",
        "Escalation needed; trust is low on our side.",
        "Repeated late returns and defensive responses to questions.",
    ),
    ("provider", "high"): (
        "Commissioner is supportive and understands the pressures we face.",
        "Really collaborative quarter.",
        "We feel trusted to get on with the work.",
        "Flexible about how we deliver, which helps people.",
        "Good working relationship with the contract manager.",
    ),
    ("provider", "mid"): (
        "Generally positive, though the monitoring burden is high.",
        "OK quarter; would welcome more flexibility on budgets.",
        "Communication could be quicker on decisions.",
        "Fine overall.",
    ),
    ("provider", "low"): (
        "Feels like a tick-box relationship.",
        "We don't feel our pressures are understood.",
        "Little flexibility on the specification.",
        "Decisions made without consulting us.",
    ),
}


def _sub_date(rng: random.Random, month: dt.date, late: bool) -> dt.date:
    end = month_end(month)
    days = rng.randint(29, 55) if late else rng.randint(5, 20)
    return min(end + dt.timedelta(days=days), TODAY - dt.timedelta(days=1))


def generate_sample(out_dir: Path, seed: int = 42) -> dict[str, int]:
    """Write the seven CSV files of the sample portfolio into ``out_dir``; return rows per table.

    Also copies the three seed tables there when ``out_dir`` is not ``sample_data`` itself,
    so that the folder can be built on its own. Deterministic: only ``random.Random(seed)``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    writer = CommentWriter(rng)
    months = [add_months(PERIOD_START, i) for i in range(PERIOD_MONTHS)]
    last_month = months[-1]

    contracts, kpi_defs, kpi_values, experience, feedback, finance, pulse = [], [], [], [], [], [], []
    situation_ids = set(SITUATIONS.values())
    correction_candidates: list[tuple[int, str]] = []  # index into kpi_values, unit

    for spec in CONTRACT_SPECS:
        (cid, title, provider, area, model, value, start, end, manager, authority, unit_name, profile_name, n_kpis) = (
            spec
        )
        start_d, end_d = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        contracts.append([cid, title, provider, area, model, f"{value:.0f}", start, end, manager, authority, unit_name])
        prof = _profile(profile_name, rng)
        active = [
            i
            for i, m in enumerate(months)
            if dt.date(start_d.year, start_d.month, 1) <= m <= dt.date(end_d.year, end_d.month, 1)
        ]
        size = value / 1_000_000

        # --- KPI definitions
        bank = [t for t in KPI_BANK[area] if not t[9] or t[9].lower() in title.lower()]
        if profile_name == "watermelon":
            chosen = [t for t in bank if t[0] in WATERMELON_KPIS]
        else:
            must = [t for t in bank if t[1] == "outcome"][:1] + [t for t in bank if t[1] == "output"][:1]
            exp = [t for t in bank if t[1] == "experience"][:1]
            rest = [t for t in bank if t not in must and t not in exp]
            rng.shuffle(rest)
            chosen = must + exp + rest
            chosen = chosen[:n_kpis]
            chosen.sort(key=lambda t: KPI_BANK[area].index(t))
        defs = []
        counters = {"output": 0, "outcome": 0, "experience": 0}
        for t in chosen:
            name, kind, unit, direction, target, tol, outcome_id, measurement, scaled, _tag = t
            counters[kind] += 1
            code = {"output": "OUT", "outcome": "OC", "experience": "EXP"}[kind] + str(counters[kind])
            if scaled:
                target = max(3.0, round(target * size))
                tol = max(1.0, round(target * tol))
            defs.append((code, t, float(target), float(tol)))
            kpi_defs.append(
                [cid, code, name, kind, unit, direction, f"{target:g}", f"{tol:g}", outcome_id, measurement]
            )
        bias = {code: rng.gauss(0, 0.15 if cid in situation_ids else 0.4) for code, *_ in defs}

        # --- which months have no return (clustered: a whole month's return is missing)
        missing: set[int] = set()
        n_missing = rng.choices((0, 1, 2, 3), (0.4, 0.35, 0.2, 0.05))[0]
        protected_from = {
            "watermelon": PERIOD_MONTHS - 13,
            "improving": 0,
            "alliance": PERIOD_MONTHS - 13,
            "low_cost": PERIOD_MONTHS - 13,
            "divergence": PERIOD_MONTHS,
        }.get(profile_name, PERIOD_MONTHS)
        candidates = [i for i in active[1:-1] if i < protected_from]
        for i in rng.sample(candidates, min(n_missing, len(candidates))):
            missing.add(i)
        if cid == "C018":  # October's return has not arrived yet
            missing.add(PERIOD_MONTHS - 1)

        # --- measures this contract surveys
        if profile_name == "watermelon":
            measures = [
                "Treated with dignity and respect",
                "Felt listened to",
                "Staff had enough time",
                "Would recommend the service",
            ]
        else:
            measures = sorted(rng.sample(EXPERIENCE_MEASURES, rng.choice((3, 4, 4))), key=EXPERIENCE_MEASURES.index)
        respondents_base = max(8, min(55, int(6 + 9 * size + rng.uniform(0, 6))))

        unit_cost = AREA_ECONOMICS[area][0] * _UNIT_COST_FACTOR.get(cid, rng.uniform(0.85, 1.3))
        cpo_base = AREA_ECONOMICS[area][1] * _CPO_FACTOR.get(cid, rng.uniform(0.85, 1.12))
        pay_per_outcome = 0.25 * AREA_ECONOMICS[area][1]

        for i in active:
            month = months[i]
            st = _month_state(prof, i)
            season = _SEASON[area].get(month.month, 0.0)
            is_missing = i in missing
            late = rng.random() < 0.07 and i < PERIOD_MONTHS - 1
            submitted = _sub_date(rng, month, late)
            # a mild trend: most contracts drift a little over three years
            trend = (i - 18) / 18 * 0.15
            month_z = st["z"] + season + trend + rng.gauss(0, 0.15)
            month_p = min(0.99, max(0.3, st["p"] + rng.gauss(0, 0.02)))

            # --- KPI values
            partial_gap = None
            if not is_missing and rng.random() < 0.012 and cid not in situation_ids:
                partial_gap = rng.choice(defs)[0]
            for code, t, target, tol in defs:
                kind = t[1]
                if is_missing or code == partial_gap:
                    kpi_values.append([cid, code, month.isoformat(), None, None, None])
                    continue
                if kind == "experience":
                    z = (month_p - 0.86) / 0.05 + rng.gauss(0, 0.3)
                else:
                    z = month_z + bias[code] + rng.gauss(0, st["sd"])
                    if st["clip_low"] is not None:
                        z = max(z, st["clip_low"])
                    if profile_name == "alliance":
                        z = min(max(z, -0.97), 0.35)
                v = _kpi_value(t, target, tol, z)
                note = None
                if rng.random() < 0.015:
                    note = rng.choice(
                        (
                            "Two staff off sick this month.",
                            "Figure affected by system migration.",
                            "Includes backlog from previous month.",
                            "Provisional: awaiting validation.",
                            "Lower referrals over the holiday period.",
                        )
                    )
                kpi_values.append([cid, code, month.isoformat(), _fmt(v, t[2]), submitted.isoformat(), note])
                if cid not in situation_ids and month < last_month:
                    correction_candidates.append((len(kpi_values) - 1, t[2]))

            # --- experience survey
            no_survey = is_missing or rng.random() < 0.025
            for measure in measures:
                if no_survey:
                    experience.append([cid, month.isoformat(), measure, None, None])
                    continue
                n = max(3, int(round(respondents_base * rng.uniform(0.7, 1.3))))
                off = _MEASURE_OFFSET[measure]
                if profile_name == "watermelon" and measure == "Staff had enough time":
                    off = -0.22
                elif profile_name == "watermelon" and measure == "Felt listened to":
                    off = -0.1
                p = min(0.995, max(0.05, month_p + off))
                pos = sum(1 for _ in range(n) if rng.random() < p)
                experience.append([cid, month.isoformat(), measure, n, pos])

            # --- finance
            if is_missing and rng.random() < 0.5:
                pass  # no row at all
            elif is_missing:
                finance.append([cid, month.isoformat(), None, None, None, None, None])
            else:
                spend = value / 12 * rng.uniform(0.94, 1.06) * (1.04 if month.month in (12, 1, 2) else 1.0)
                units = spend / (unit_cost * rng.uniform(0.97, 1.03))
                perf = 1 + 0.15 * max(-2.0, min(2.0, st["z"] + season))
                expected = spend / (cpo_base / perf)
                outcomes = max(0, int(round(expected * rng.uniform(0.85, 1.15))))
                if model == "outcomes-based":
                    planned_n = spend / AREA_ECONOMICS[area][1]
                    planned = f"{planned_n * pay_per_outcome:.2f}"
                    paid = f"{min(outcomes, planned_n * 1.2) * pay_per_outcome:.2f}"
                else:
                    planned = paid = None
                finance.append([cid, month.isoformat(), f"{spend:.2f}", f"{units:.1f}", outcomes, planned, paid])

            # --- comments
            n_rated = rng.choice((5, 6, 6, 7)) if profile_name == "watermelon" else rng.choice((5, 5, 5, 6, 6))
            n_unrated = rng.choice((0, 0, 1, 1, 1, 2))
            planned_comments = [("rated", None)] * n_rated + [("unrated", None)] * n_unrated
            # in the latest month, other contracts get at most one negative rated comment, so that
            # October's portfolio view shows the designed situations rather than one-month blips
            cap_negative = 1 if (i == PERIOD_MONTHS - 1 and cid not in situation_ids) else None
            negatives = 0
            for kind_c, _ in planned_comments:
                day = rng.randint(1, month_end(month).day)
                received = dt.date(month.year, month.month, day)
                if received >= TODAY:
                    received = TODAY - dt.timedelta(days=1)
                if kind_c == "rated":
                    source = rng.choices(
                        ("service user", "family/carer", "community"),
                        (0.35, 0.55, 0.1) if area == "Children's services" else (0.55, 0.34, 0.11),
                    )[0]
                    u = rng.random()
                    if u < st["neg"]:
                        sentiment = "mixed" if rng.random() < 0.2 else "neg"
                    elif u < st["neg"] + st["neu"]:
                        sentiment = "neu"
                    else:
                        sentiment = "pos"
                    if sentiment == "mixed" and source == "community":
                        sentiment = "neg"
                    if sentiment in ("neg", "mixed"):
                        if cap_negative is not None and negatives >= cap_negative:
                            sentiment = "neu"
                        negatives += 1
                    rating = {
                        "pos": rng.choice((1, 1, 1, 2, 2)),
                        "neu": 3,
                        "neg": rng.choice((4, 4, 5, 5, 5)),
                        "mixed": 4,
                    }[sentiment]
                else:
                    source = rng.choices(
                        ("staff", "provider", "commissioner", "service user", "family/carer"),
                        (0.3, 0.22, 0.16, 0.18, 0.14),
                    )[0]
                    u = rng.random()
                    sentiment = "neg" if u < st["neg"] else ("neu" if u < st["neg"] + st["neu"] else "pos")
                    rating = None
                themes, weights = _theme_weights(profile_name, "neg" if sentiment in ("neg", "mixed") else "pos")
                staff_mood = (
                    "neg"
                    if (
                        profile_name in ("watermelon", "low_cost") or (profile_name == "improving" and i < REVIEW_MONTH)
                    )
                    else ("neg" if rng.random() < 0.25 else "pos")
                )
                short = provider.split(" (")[0]
                text = writer.comment(area, source, sentiment, themes, weights, staff_mood, received, short)
                if source in ("service user", "family/carer", "community") and rng.random() < 0.035:
                    text = writer.with_personal_data(text)
                feedback.append([None, cid, received.isoformat(), source, text, rating])

            if profile_name == "improving" and i == REVIEW_MONTH - 1:
                feedback.append(
                    [
                        None,
                        cid,
                        dt.date(month.year, month.month, 11).isoformat(),
                        "commissioner",
                        "Formal contract review held with Brighter Beginnings on 11 February 2025 after twelve "
                        "months of Inadequate and Requires improvement ratings. Improvement plan agreed: "
                        "recruit four family support workers, cap caseloads at 12 families, weekly data "
                        "checks and a monthly improvement meeting with the commissioner.",
                        None,
                    ]
                )
            if profile_name == "improving" and i in (REVIEW_MONTH + 2, REVIEW_MONTH + 8, PERIOD_MONTHS - 3):
                text = {
                    REVIEW_MONTH + 2: "Provider update on the improvement plan: three of four new family support "
                    "workers in post; caseloads now averaging 14 families.",
                    REVIEW_MONTH + 8: "Six-month check on the improvement plan after the contract review: all "
                    "actions complete, KPIs moving in the right direction and families' "
                    "feedback much improved.",
                    PERIOD_MONTHS - 3: "Improvement plan formally closed. Performance has been Good for several "
                    "months; back to standard quarterly monitoring.",
                }[i]
                source = "provider" if i == REVIEW_MONTH + 2 else "commissioner"
                feedback.append([None, cid, dt.date(month.year, month.month, 14).isoformat(), source, text, None])

        # --- relationship pulse, per calendar quarter, both sides
        first_active = months[active[0]]
        last_active = months[active[-1]]
        quarters = _quarters(first_active, last_active)
        for qi, (quarter, _month_idx) in enumerate(quarters):
            com, prov = prof["rel"]
            recent = qi >= len(quarters) - 5
            if profile_name == "divergence":
                if recent:
                    com, prov = rng.uniform(2.3, 2.8), rng.uniform(4.25, 4.6)
                else:
                    drift = qi / max(1, len(quarters) - 5)
                    com, prov = 3.8 - 0.6 * drift, 3.9 + 0.3 * drift
            elif profile_name == "improving":
                f = min(1.0, max(0.0, (qi - 5) / 5))
                com, prov = 2.9 + f * 1.3, 3.4 + f * 0.8
            sides = []
            for side, mean in (("commissioner", com), ("provider", prov)):
                jitter = 0.0 if profile_name in ("alliance", "divergence") else rng.gauss(0, 0.12)
                scores = _pulse_scores(rng, mean + jitter)
                avg = sum(scores) / 4
                level = "high" if avg >= 4 else ("mid" if avg >= 3 else "low")
                comment = rng.choice(PULSE_COMMENTS[(side, level)]) if rng.random() < 0.75 else None
                sides.append([cid, quarter, side, *scores, comment])
            if profile_name in ("good", "steady", "mixed") and rng.random() < 0.04:
                sides = sides[:1]  # the provider did not return the pulse this quarter
            pulse.extend(sides)

    # --- late corrections (~30): a second, later row with a corrected value
    picks = rng.sample(correction_candidates, 30)
    picks.sort()
    corrections = []
    for index, unit in picks:
        cid, code, month_s, value_s, submitted_s, _note = kpi_values[index]
        old = float(value_s)
        delta = rng.choice((-1, 1)) * (rng.uniform(0.5, 3.0) if unit != "number" else max(1.0, round(old * 0.05)))
        new = max(0.0, old + delta)
        if unit == "percent":
            new = min(100.0, new)
        new_s = _fmt(new, unit)
        if new_s == value_s:
            new_s = _fmt(new + 1, unit)
        later = min(
            dt.date.fromisoformat(submitted_s) + dt.timedelta(days=rng.randint(7, 45)), TODAY - dt.timedelta(days=1)
        )
        if later.isoformat() == submitted_s:
            continue
        note = rng.choice(
            (
                "Corrected: duplicate referrals removed",
                "Corrected: late paperwork from one team now included",
                "Corrected: data entry error",
                "Corrected: cases double-counted across two localities",
                "Corrected: figure re-run after system upgrade",
                "Corrected: excludes people who declined the service",
            )
        )
        corrections.append((index, [cid, code, month_s, new_s, later.isoformat(), note]))
    for offset, (index, row) in enumerate(corrections):
        kpi_values.insert(index + 1 + offset, row)

    # --- consent and approval; ids
    feedback.sort(key=lambda r: (r[2], r[1]))
    consent_n_approved = set(rng.sample(range(len(feedback)), 10))
    rows_fb = []
    for n, row in enumerate(feedback, start=1):
        consent = rng.random() < 0.7
        approved = consent and rng.random() < 0.5
        if n - 1 in consent_n_approved:
            consent, approved = False, True
        row[0] = f"F{n:06d}"
        rows_fb.append(row + ["y" if consent else "n", "y" if approved else "n"])

    counts = {
        "contracts": _write_csv(out_dir / "contracts.csv", "contracts", contracts),
        "kpi_definitions": _write_csv(out_dir / "kpi_definitions.csv", "kpi_definitions", kpi_defs),
        "kpi_values": _write_csv(out_dir / "kpi_values.csv", "kpi_values", kpi_values),
        "experience_measures": _write_csv(out_dir / "experience_measures.csv", "experience_measures", experience),
        "narrative_feedback": _write_csv(out_dir / "narrative_feedback.csv", "narrative_feedback", rows_fb),
        "finance": _write_csv(out_dir / "finance.csv", "finance", finance),
        "relationship_pulse": _write_csv(out_dir / "relationship_pulse.csv", "relationship_pulse", pulse),
    }
    _copy_seeds(out_dir)
    return counts


# --------------------------------------------------------------------------- benchmark scales


def _scale_slots() -> dict[str, str]:
    return {
        "worker": "worker",
        "workers": "staff",
        "visit": "appointment",
        "visits": "appointments",
        "office": "the office",
        "Rel": "Mum",
        "rel": "Mum",
        "he": "she",
        "him": "her",
        "his": "her",
        "day": "Tuesday",
        "num": "three",
        "time": "4pm",
        "month": "March",
        "prev_month": "February",
        "date": "3 March",
        "provider": "the provider",
    }


def _scale_phrases() -> dict[str, list[str]]:
    """The comment bank rendered once with plain vocabulary, as sentence lists per sentiment."""
    slots = _scale_slots()
    out: dict[str, list[str]] = {"pos": [], "neg": [], "neu": []}
    banks = [BANK, *AREA_BANK.values()]
    for bank in banks:
        for (_theme, sentiment, _voice), templates in bank.items():
            out[sentiment] += [_cap(_fill(t, slots)) for t in templates]
    out["neu"] += [_fill(t, slots) for t in NEUTRAL] + [_fill(t, slots) for t in MIXED]
    for key in out:
        out[key] = [x.replace('"', "'") for x in dict.fromkeys(out[key])]
    return out


def generate_scale(
    out_dir: Path,
    n_contracts: int,
    months: int = 36,
    kpis_per_contract: int = 8,
    responses_per_month: int = 20,
    comments_per_month: int = 10,
    seed: int = 42,
    block_size: int = 250,
) -> dict[str, int]:
    """Write benchmark-scale CSVs (same formats as the sample) plus the three seed tables.

    Every contract is active in every month of the period (the ``months`` months ending
    October 2026). Rows: contracts n; kpi_definitions n*k; kpi_values n*months*k plus one
    correction for every 50th contract; experience_measures n*months*4; narrative_feedback
    n*months*comments_per_month; finance n*months; relationship_pulse n*quarters*2.
    Vectorised with numpy and written per block of ``block_size`` contracts.
    """
    import numpy as np

    add = np.strings.add
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _copy_seeds(out_dir)
    rng = np.random.default_rng(seed)
    n, M, K = int(n_contracts), int(months), int(kpis_per_contract)
    last = add_months(PERIOD_START, PERIOD_MONTHS - 1)
    first = add_months(last, -(M - 1))
    month_list = [add_months(first, i) for i in range(M)]
    month_s = np.array([m.isoformat() for m in month_list])
    quarters = _quarters(first, last)
    Q = len(quarters)
    quarter_s = np.array([q for q, _ in quarters])
    # submission dates: month end + 0..59 days, capped at yesterday
    sub_table = np.array(
        [
            [min(month_end(m) + dt.timedelta(days=d), TODAY - dt.timedelta(days=1)).isoformat() for d in range(60)]
            for m in month_list
        ]
    )
    day_table = np.array([[dt.date(m.year, m.month, d + 1).isoformat() for d in range(28)] for m in month_list])
    width_c = max(3, len(str(n)))
    total_comments = n * M * comments_per_month
    width_f = max(6, len(str(total_comments)))

    phrases = _scale_phrases()
    sentiments = ("pos", "neu", "neg")
    sent_arr = np.array(phrases["pos"] + phrases["neu"] + phrases["neg"])
    sent_start = np.array([0, len(phrases["pos"]), len(phrases["pos"]) + len(phrases["neu"])])
    sent_len = np.array([len(phrases[s]) for s in sentiments])
    open_lists = [[o for o in OPENERS[s] if o.endswith(". ") or o == ""] for s in sentiments]
    open_arr = np.array(sum(open_lists, []))
    open_start = np.cumsum([0] + [len(x) for x in open_lists])[:3]
    open_len = np.array([len(x) for x in open_lists])
    close_lists = [[" " + c if c else "" for c in CLOSERS[s]] for s in sentiments]
    close_arr = np.array(sum(close_lists, []))
    close_start = np.cumsum([0] + [len(x) for x in close_lists])[:3]
    close_len = np.array([len(x) for x in close_lists])
    pii = np.array(
        [f" Please call me on 07700 900{i:03d}." for i in range(0, 1000, 37)]
        + [f" You can email me at {e}@example.org." for e in PII_EMAILS]
        + [f" Special thanks to {nm}." for nm in PII_NAMES]
        + [f" Address is 12 Station Road, {pc}." for pc in PII_POSTCODES]
    )
    plain = _scale_slots()
    prof_arr = np.array(
        [
            _fill(t, plain).replace('"', "'")
            for t in STAFF_LINES["pos"] + STAFF_LINES["neg"] + PROVIDER_LINES + COMMISSIONER_LINES
        ]
    )
    sources = np.array(FEEDBACK_SOURCES)
    source_p = np.array([0.5, 0.3, 0.06, 0.04, 0.03, 0.07])
    measures = np.array(EXPERIENCE_MEASURES[:4])
    pulse_comments = np.array(
        [
            "",
            "Good working relationship.",
            "Open and honest conversations.",
            "Monitoring burden is high.",
            "Information is slow to arrive.",
            "Flexible and solution-focused.",
            "Decisions made without consulting us.",
        ]
    )

    def fixed(values: np.ndarray, decimals: int) -> np.ndarray:
        scaled = np.rint(np.maximum(values, 0) * 10**decimals).astype(np.int64)
        if decimals == 0:
            return scaled.astype(str)
        whole = (scaled // 10**decimals).astype(str)
        frac = np.strings.zfill((scaled % 10**decimals).astype(str), decimals)
        return add(add(whole, "."), frac)

    def join(*parts) -> np.ndarray:
        row = parts[0]
        for part in parts[1:]:
            row = add(add(row, ","), part)
        return row

    files = {name: (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") for name in GENERATED_TABLES}
    counts = dict.fromkeys(GENERATED_TABLES, 0)

    def emit(name: str, rows: np.ndarray | list[str]) -> None:
        lines = rows.ravel().tolist() if isinstance(rows, np.ndarray) else rows
        if lines:
            files[name].write("\n".join(lines) + "\n")
            counts[name] += len(lines)

    areas = list(SERVICE_AREAS)
    locality = ("North", "South", "East", "West", "Central", "Rural", "Coastal", "City")
    prov_a = ("Bright", "Harbour", "Glen", "River", "Thistle", "Kin", "Heather", "Bridge", "Lantern", "Oak")
    prov_b = ("side Care", "view Support", "field Trust", "bank Services", "way Partnership", "gate Community")
    prov_c = (" Ltd", " CIC", " SCIO", "", " Association")
    area_titles = {
        "Adult social care": "Care at home",
        "Homelessness and housing support": "Housing support",
        "Employability": "Employability service",
        "Mental health": "Community mental health support",
        "Children's services": "Family support",
        "Drug and alcohol recovery": "Recovery service",
    }
    area_units = {
        "Adult social care": "hour of care",
        "Homelessness and housing support": "week of support",
        "Employability": "participant month",
        "Mental health": "session",
        "Children's services": "family week of support",
        "Drug and alcohol recovery": "person in treatment month",
    }
    try:
        for name in GENERATED_TABLES:
            files[name].write(",".join(TABLES_BY_NAME[name].column_names) + "\n")
        fid = 0
        for b0 in range(0, n, block_size):
            B = min(block_size, n - b0)
            gidx = np.arange(b0, b0 + B)
            ids = np.strings.zfill((gidx + 1).astype(str), width_c)
            ids = add("C", ids)
            area_i = rng.integers(0, len(areas), B)
            model_i = rng.integers(0, len(CONTRACTING_MODELS), B)
            value = np.round(rng.uniform(150_000, 6_000_000, B), -3)
            quality = rng.normal(0.45, 0.6, B)
            loc_i = rng.integers(0, len(locality), B)
            pa, pb, pc = (rng.integers(0, len(x), B) for x in (prov_a, prov_b, prov_c))
            ids_l = ids.tolist()

            # contracts
            lines = []
            for j in range(B):
                area = areas[area_i[j]]
                provider = prov_a[pa[j]] + prov_b[pb[j]] + prov_c[pc[j]]
                title = f"{area_titles[area]} – {locality[loc_i[j]]} {int(gidx[j]) % 97 + 1}"
                lines.append(
                    ",".join(
                        (
                            ids_l[j],
                            title,
                            provider,
                            _csv_cell(area),
                            CONTRACTING_MODELS[model_i[j]],
                            f"{value[j]:.0f}",
                            "2022-04-01",
                            "2028-03-31",
                            "Contract Manager " + str(int(gidx[j]) % 40 + 1),
                            "Council " + str(int(gidx[j]) % 32 + 1),
                            area_units[area],
                        )
                    )
                )
            emit("contracts", lines)

            # KPI definitions: the area's templates in order, cycled when k exceeds the bank
            target = np.empty((B, K))
            tol = np.empty((B, K))
            sign = np.empty((B, K))
            is_pct = np.zeros((B, K), dtype=bool)
            is_num = np.zeros((B, K), dtype=bool)
            codes = np.array([f"K{k + 1:02d}" for k in range(K)])
            lines = []
            size = value / 1_000_000
            for j in range(B):
                bank = KPI_BANK[areas[area_i[j]]]
                for k in range(K):
                    t = bank[k % len(bank)]
                    name, kind, unit, direction, tg, tl, oid, meas, scaled, _tag = t
                    if scaled:
                        tg = max(3.0, round(tg * size[j]))
                        tl = max(1.0, round(tg * tl))
                    target[j, k], tol[j, k] = tg, tl
                    sign[j, k] = 1.0 if direction == "higher" else -1.0
                    is_pct[j, k] = unit == "percent"
                    is_num[j, k] = unit == "number"
                    suffix = f" ({k // len(bank) + 1})" if k >= len(bank) else ""
                    lines.append(
                        ",".join(
                            (
                                ids_l[j],
                                codes[k],
                                _csv_cell(name + suffix),
                                kind,
                                unit,
                                direction,
                                f"{tg:g}",
                                f"{tl:g}",
                                oid,
                                meas,
                            )
                        )
                    )
            emit("kpi_definitions", lines)

            # KPI values (B, K, M)
            z = quality[:, None, None] + rng.normal(0, 0.4, (B, K, 1)) + rng.normal(0, 0.5, (B, K, M))
            val = target[:, :, None] + sign[:, :, None] * z * tol[:, :, None]
            val = np.where(is_pct[:, :, None], np.minimum(val, 100.0), val)
            val = np.where(is_num[:, :, None], np.rint(val), val)
            val_s = fixed(val, 1)
            val_s = np.where(is_num[:, :, None], fixed(val, 0), val_s)
            missing = rng.random((B, M)) < 0.02
            late = (rng.random((B, M)) < 0.06) & (np.arange(M) < M - 1)
            offset = np.where(late, rng.integers(29, 56, (B, M)), rng.integers(5, 21, (B, M)))
            fixes = [j for j in range(B) if int(gidx[j]) % 50 == 0]  # these get one correction each
            m_fix = max(0, M - 2)
            for j in fixes:  # the original is on time and present, so the correction is strictly later
                missing[j, m_fix], offset[j, m_fix] = False, 10
            sub = sub_table[np.arange(M)[None, :], offset]
            sub = np.where(missing, "", sub)
            val_s = np.where(missing[:, None, :], "", val_s)
            prefix = add(add(ids[:, None], ","), codes[None, :])
            rows = join(prefix[:, :, None], month_s[None, None, :], val_s, sub[:, None, :], "")
            emit("kpi_values", rows)
            lines = []
            for j in fixes:
                old = float(val[j, 0, m_fix])
                new = _fmt(
                    max(0.0, min(100.0, old + 1)) if is_pct[j, 0] else old + 1, "number" if is_num[j, 0] else "percent"
                )
                later = sub_table[m_fix, min(59, int(offset[j, m_fix]) + 10)]
                lines.append(
                    ",".join((ids_l[j], codes[0], month_s[m_fix], new, later, "Corrected: duplicate referrals removed"))
                )
            emit("kpi_values", lines)

            # experience measures (B, M, 4)
            p = np.clip(0.86 + 0.06 * quality[:, None, None] + rng.normal(0, 0.03, (B, 1, 1)), 0.3, 0.99)
            resp = rng.poisson(responses_per_month, (B, M, len(measures)))
            pos = rng.binomial(resp, np.broadcast_to(p, resp.shape))
            no_survey = (rng.random((B, M)) < 0.02) | missing
            resp_s = np.where(no_survey[:, :, None], "", resp.astype(str))
            pos_s = np.where(no_survey[:, :, None], "", pos.astype(str))
            rows = join(ids[:, None, None], month_s[None, :, None], measures[None, None, :], resp_s, pos_s)
            emit("experience_measures", rows)

            # finance (B, M)
            econ = np.array([AREA_ECONOMICS[a] for a in areas])[area_i]
            spend = value[:, None] / 12 * rng.uniform(0.94, 1.06, (B, M))
            units = spend / (econ[:, 0:1] * rng.uniform(0.8, 1.3, (B, 1)))
            outcomes = rng.poisson(spend / (econ[:, 1:2] * np.clip(1 - 0.12 * quality, 0.5, 1.5)[:, None]))
            outcome_based = (model_i == CONTRACTING_MODELS.index("outcomes-based"))[:, None]
            pay = 0.25 * econ[:, 1:2]
            planned = spend / econ[:, 1:2] * pay
            paid = np.minimum(outcomes, spend / econ[:, 1:2] * 1.2) * pay
            blank = missing
            cells = [
                np.where(blank, "", fixed(spend, 2)),
                np.where(blank, "", fixed(units, 1)),
                np.where(blank, "", outcomes.astype(str)),
                np.where(blank | ~outcome_based, "", fixed(planned, 2)),
                np.where(blank | ~outcome_based, "", fixed(paid, 2)),
            ]
            rows = join(ids[:, None], month_s[None, :], *cells)
            emit("finance", rows)

            # relationship pulse (B, Q, 2 sides)
            if Q:
                side = np.array(["commissioner", "provider"])
                mean = np.clip(3.9 + 0.3 * quality, 1.5, 4.8)[:, None, None] + rng.normal(0, 0.3, (B, Q, 2))
                scores = np.clip(np.rint(mean[..., None] + rng.normal(0, 0.6, (B, Q, 2, 4))), 1, 5).astype(int)
                s = scores.astype(str)
                comment = pulse_comments[rng.integers(0, len(pulse_comments), (B, Q, 2))]
                rows = join(
                    ids[:, None, None],
                    quarter_s[None, :, None],
                    side[None, None, :],
                    s[..., 0],
                    s[..., 1],
                    s[..., 2],
                    s[..., 3],
                    comment,
                )
                emit("relationship_pulse", rows)

            # narrative feedback (B * M * comments_per_month)
            C = B * M * comments_per_month
            if C:
                c_idx = np.repeat(np.arange(B), M * comments_per_month)
                m_idx = np.tile(np.repeat(np.arange(M), comments_per_month), B)
                fb_ids = add("F", np.strings.zfill(np.arange(fid + 1, fid + C + 1).astype(str), width_f))
                fid += C
                date = day_table[m_idx, rng.integers(0, 28, C)]
                src_i = rng.choice(len(sources), C, p=source_p)
                neg_p = np.clip(0.08 - 0.05 * quality, 0.01, 0.6)[c_idx]
                u = rng.random(C)
                sent = np.where(u < neg_p, 2, np.where(u < neg_p + 0.12, 1, 0))
                s1 = sent_arr[sent_start[sent] + (rng.random(C) * sent_len[sent]).astype(int)]
                s2 = sent_arr[sent_start[sent] + (rng.random(C) * sent_len[sent]).astype(int)]
                two = rng.random(C) < 0.6
                op = open_arr[open_start[sent] + (rng.random(C) * open_len[sent]).astype(int)]
                cl = close_arr[close_start[sent] + (rng.random(C) * close_len[sent]).astype(int)]
                text = add(add(op, s1), np.where(two, add(" ", s2), ""))
                text = add(text, cl)
                professional = (src_i >= 2) & (src_i <= 4)
                text = np.where(professional, prof_arr[rng.integers(0, len(prof_arr), C)], text)
                has_pii = rng.random(C) < 0.03
                text = np.where(has_pii, add(text, pii[rng.integers(0, len(pii), C)]), text)
                text = add(add('"', text), '"')
                rating = np.where(sent == 0, rng.integers(1, 3, C), np.where(sent == 1, 3, rng.integers(4, 6, C)))
                unrated = (src_i >= 2) & (src_i <= 4) | (rng.random(C) < 0.05)
                rating_s = np.where(unrated, "", rating.astype(str))
                consent = rng.random(C) < 0.7
                approved = (consent & (rng.random(C) < 0.5)) | (rng.random(C) < 0.002)
                rows = join(
                    fb_ids,
                    ids[c_idx],
                    date,
                    sources[src_i],
                    text,
                    rating_s,
                    np.where(consent, "y", "n"),
                    np.where(approved, "y", "n"),
                )
                emit("narrative_feedback", rows)
    finally:
        for handle in files.values():
            handle.close()
    return counts


def _csv_cell(text: str) -> str:
    """One CSV cell: quoted when it holds a comma, quote or newline."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else SEED_DIR
    counts = generate_sample(out)
    for table, rows in counts.items():
        print(f"{table}: {rows:,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
