"""Deterministic generator of fictitious youth justice inspection reports for benchmarks.

Why: the five real reports are far too few to measure ingest throughput, index size or search
latency at the scale a team will reach (hundreds of reports), and they cannot tell us whether a
retriever found *the right* report. This generator writes reports in the same plain-text layout
as the extracted HMIP reports (ratings table, domains 1-4, key-question tables printed as
percentages or as counts), with ratings that obey the published rating rules (standard = band of
its lowest key question; score = sum of the 12 core standards; overall band from the score), and
plants a few uniquely named facts in known sections so that benchmark questions have known
answers (expected source file and section).

Every sentence here is our own template wording; nothing is copied from the real reports.

    python bench/make_corpus.py --n 500 --seed 7 --out build/synthetic

writes ``<out>/reports/<slug>-<year>.txt``, ``<out>/truth.jsonl`` (one line per report:
service, framework, ratings, key-question figures, planted facts) and ``<out>/questions.jsonl``
(one line per planted fact: question, answer, expected source and section).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

RATINGS = ("Inadequate", "Requires improvement", "Good", "Outstanding")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen",
)

# --------------------------------------------------------------------------------------------
# Rating rules (same as docs/domain.md; kept local so the generator has no project imports)
# --------------------------------------------------------------------------------------------


def band(percent: float) -> str:
    """Key-question band: <50 Inadequate, 50-64 RI, 65-79 Good, 80+ Outstanding."""
    if percent < 50:
        return "Inadequate"
    if percent < 65:
        return "Requires improvement"
    if percent < 80:
        return "Good"
    return "Outstanding"


def overall_band(score: int) -> str:
    if score <= 6:
        return "Inadequate"
    if score <= 18:
        return "Requires improvement"
    if score <= 30:
        return "Good"
    return "Outstanding"


# --------------------------------------------------------------------------------------------
# Vocabulary (invented)
# --------------------------------------------------------------------------------------------

PLACE_HEAD = (
    "Ash", "Bram", "Cold", "Dun", "Elm", "Fern", "Gold", "Hart", "Ivy", "Kes", "Lang", "Mar",
    "Nor", "Oak", "Pen", "Quar", "Ros", "Sal", "Thorn", "Ulls", "Ver", "Wes", "Yar", "Brack",
    "Cran", "Dray", "Fal", "Glen", "Hol", "Kil", "Lyn", "Mill", "Ned", "Orm", "Pol", "Red",
    "Stan", "Tor", "Wald", "Whit",
)
PLACE_TAIL = (
    "bridge", "ford", "wick", "ham", "ley", "by", "stow", "mere", "dale", "field", "worth",
    "combe", "minster", "hurst", "ton", "borough", "thorpe", "well", "stead", "moor", "holme",
    "cliffe", "gate", "haven", "mouth",
)
SERVICE_KIND = (
    ("Youth Offending Team", "YOT"),
    ("Youth Offending Service", "YOS"),
    ("Youth Justice Service", "YJS"),
)
PERSON_FIRST = (
    "Alys", "Bernard", "Cerys", "Dominic", "Esme", "Farid", "Gwen", "Hamish", "Imogen", "Jonah",
    "Kavita", "Lorcan", "Maren", "Nathaniel", "Olwen", "Perrin", "Rhona", "Silas", "Tamsin",
    "Ulric", "Verity", "Wilf", "Yusra", "Zeb",
)
PERSON_LAST = (
    "Ambrose", "Blackwood", "Carrow", "Dunmore", "Ellison", "Fairweather", "Garside", "Hollins",
    "Inchley", "Jessop", "Kettering", "Lowther", "Mallory", "Nesbitt", "Orchard", "Pelling",
    "Quayle", "Rudd", "Stainton", "Tolland", "Upcott", "Varley", "Wethers", "Yeoman",
)
# Unique-name pools for planted facts (product of two lists, drawn without repetition).
PROG_A = (
    "Amber", "Beacon", "Bracken", "Cobalt", "Copper", "Driftwood", "Ember", "Fieldfare",
    "Foxglove", "Granite", "Harbour", "Heather", "Juniper", "Kestrel", "Lantern", "Larkspur",
    "Meadow", "Northstar", "Orchard", "Pebble", "Quarry", "Rowan", "Saffron", "Sandpiper",
    "Slate", "Sorrel", "Tidewater", "Thistle", "Umber", "Willow", "Wren", "Yarrow",
    "Alder", "Bluebell", "Cinder", "Damson", "Elder", "Flint", "Gorse", "Hazel",
)
PROG_B = (
    "Pathway", "Bridge", "Compass", "Steps", "Horizon", "Anchor", "Circle", "Crossing",
    "Lighthouse", "Ladder", "Harbour", "Trail", "Route", "Keystone", "Waypoint", "Foundations",
    "Springboard", "Threshold", "Journey", "Signpost", "Turning Point", "Open Door",
    "Second Chance", "Fresh Start", "Roots", "Lifeline", "Landing", "Launchpad", "Current",
)
CHARITY_A = (
    "Brightwater", "Calder", "Dovecote", "Evenlode", "Fairhaven", "Greystone", "Hollybank",
    "Ironbridge", "Kingsmead", "Lowfield", "Moorcroft", "Netherby", "Oldcastle", "Parkside",
    "Queensway", "Riverside", "Stonecroft", "Tanyard", "Underhill", "Westgate", "Yewtree",
    "Ashgrove", "Birchwood", "Chalkpit", "Deepdale", "Elmstead", "Foxhill", "Glebe",
    "Highcross", "Kilnworth", "Longmead", "Marshgate", "Nettlebed", "Oxley", "Pinfold",
)
CHARITY_B = (
    "Futures", "Minds", "Youth Trust", "Family Project", "Wellbeing Collective", "Young People's Trust",
    "Outreach", "Partnership", "Voices", "Foundation", "Youth Counselling", "Therapy Network",
    "Community Health", "Listening Service", "Talking Space", "Mentoring Trust",
    "Support Network", "Care Collective", "Kids Charity", "Family Hub",
)
VENUE_A = (
    "Foundry", "Granary", "Boathouse", "Tannery", "Old Library", "Signal Box", "Maltings",
    "Chapel", "Coach House", "Mill", "Engine Shed", "Pumphouse", "Corn Exchange", "Drill Hall",
    "Ropewalk", "Forge", "Brewhouse", "Old Dairy", "Wharf", "Tollhouse", "Lodge", "Glasshouse",
)
VENUE_B = ("Hub", "Centre", "Base", "Studio", "Rooms", "Space", "House", "Place", "Yard")
VENUE_STREET = (
    "Canal Street", "Kingfisher Lane", "Mercer Row", "Tanners Walk", "Bell Street", "Chantry Lane", "Weavers Yard",
    "Market Hill", "Brook Street", "Castle Wynd", "Quay Road", "Sheep Street", "Priory Lane", "Station Approach",
    "Ferry Lane", "Chapel Walk", "Abbey Road", "Friar Gate", "Cooper Street", "Hatters Lane", "Foundry Lane",
    "Orchard Row", "Kiln Street", "Salt Lane", "Bridge End",
)
VENUE_BUILDING = (
    "former warehouse", "old school building", "converted chapel", "former bank", "disused fire station",
    "Victorian townhouse", "former shop unit", "community hall", "converted barn", "former library",
)
TOOL_A = (
    "Anchor", "Balance", "Clear", "Direct", "Engage", "Forward", "Ground", "Hold", "Insight",
    "Jigsaw", "Keel", "Level", "Mirror", "Notice", "Orbit", "Pivot", "Reset", "Shift", "Steady",
    "Tether", "Unlock", "Vantage", "Weave", "Zenith", "Kite", "Lodestar", "Prism", "Relay",
)
TOOL_MID = (
    "Minds", "Choices", "Futures", "Steps", "Voices", "Lives", "Paths", "Decisions", "Habits", "Moves",
    "Stories", "Limits", "Routes", "Connections", "Signals", "Thoughts", "Reactions", "Chances", "Ground", "Starts",
)
TOOL_B = ("toolkit", "programme", "workbook", "model", "framework", "package", "approach", "curriculum")
TOOL_TOPIC = (
    "knife carrying", "anger and conflict", "online harm and sharing of images", "peer pressure and exploitation",
    "substance use", "consequential thinking", "healthy relationships", "victim awareness",
    "emotional regulation", "racially aggravated offending", "motoring offences", "harmful sexual behaviour",
)
PROTOCOL_A = (
    "Homeward", "Keyring", "Doorstep", "Crossroads", "Daybreak", "Gatepost", "Milestone", "Bridgehead",
    "Lodestone", "Wayfarer", "Returner", "Harbourside", "Welcome Mat", "First Night", "Landfall",
)
PROTOCOL_MID = ("Release", "Return", "Arrival", "Homecoming", "Transition", "Gateway", "Resettle", "Open Road",
                "Next Step", "Way Home", "Threshold", "Day One", "Safe Landing", "Through the Gate", "New Leaf")
PROTOCOL_B = ("protocol", "agreement", "charter", "plan", "pledge", "compact")
ACTIVITY = (
    "sailing and outdoor learning", "boxing and fitness sessions", "music production workshops",
    "bike maintenance training", "cookery and life-skills sessions", "allotment and gardening work",
    "first-aid and lifesaving courses", "climbing and bouldering sessions", "film-making projects",
    "construction taster days", "animal care placements", "football coaching qualifications",
)
PARTNER_AGENCY = ("health", "the police", "probation", "education", "children's social care", "the local housing team")
CHAIR_ROLE = (
    "director of children's services", "assistant chief constable", "deputy chief executive of the council",
    "an independent chair", "the director of public health", "a head teacher seconded from the schools forum",
)
FUNDER = ("the police and crime commissioner", "the Youth Endowment Fund", "the violence reduction unit",
          "a local community foundation", "the integrated care board", "a national lottery grant")


def _pick(rng: random.Random, seq):
    return seq[rng.randrange(len(seq))]


def _num(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


class UniqueNames:
    """Draws names from the product of two word lists, never repeating across the corpus."""

    def __init__(self, rng: random.Random, a: tuple[str, ...], b: tuple[str, ...], fmt: str) -> None:
        self.pool = [fmt.format(a=x, b=y) for x in a for y in b if x != y]
        rng.shuffle(self.pool)
        self.next = 0

    def take(self) -> str:
        name = self.pool[self.next % len(self.pool)]
        lap = self.next // len(self.pool)
        self.next += 1
        return name if lap == 0 else f"{name} {lap + 1}"


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass
class KQ:
    question: str
    percent: int
    yes: int | None = None
    relevant: int | None = None


@dataclass
class Fact:
    id: str
    section: str
    question: str
    answer: str
    sentence: str


@dataclass
class Truth:
    source: str
    service: str
    service_full: str
    published: str  # YYYY-MM
    year: int
    framework: str  # "2018" | "2021"
    layout: str  # "percent" | "counts"
    overall: str
    score: int
    max_score: int
    standards: dict[str, str]
    standard_titles: dict[str, str]
    resettlement: str | None
    key_questions: dict[str, list[KQ]]
    facts: list[Fact] = field(default_factory=list)


STANDARD_TITLES_2018 = {
    "1.1": "Governance and leadership", "1.2": "Staff", "1.3": "Partnerships and services",
    "1.4": "Information and facilities", "2.1": "Assessment", "2.2": "Planning",
    "2.3": "Implementation and delivery", "2.4": "Reviewing", "3.1": "Assessment", "3.2": "Planning",
    "3.3": "Implementation and delivery", "3.4": "Joint working",
}
STANDARD_TITLES_2021 = dict(STANDARD_TITLES_2018, **{"3.4": "Out-of-court disposal policy and provision"})

DESCRIPTORS = {
    "1.1": "The way the service is governed and led makes possible a high-quality, personalised and responsive service for every child.",
    "1.2": "Staff are supported and enabled to deliver a high-quality, personalised and responsive service for every child.",
    "1.3": "A comprehensive range of high-quality services is in place, enabling personalised and responsive provision for every child.",
    "1.4": "Timely and relevant information is available and appropriate facilities are in place to support a high-quality, personalised and responsive approach for every child.",
    "assessment": "Assessment is well-informed, analytical and personalised, and actively involves the child and their parents or carers.",
    "planning": "Planning is well-informed, holistic and personalised, and actively involves the child and their parents or carers.",
    "delivery": "Services that are high in quality, well focused, personalised and coordinated are delivered, and they engage and help the child.",
    "reviewing": "Reviewing of progress is well-informed, analytical and personalised, and actively involves the child and their parents or carers.",
    "joint": "Joint work with the police supports high-quality, personalised and coordinated services for the child.",
    "oocd": "A high-quality, evidence-based out-of-court disposal service is in place; it promotes diversion and supports lasting desistance.",
    "4.1": "A high-quality, evidence-based resettlement service is in place for children leaving custody.",
}
KIND_OF = {"2.1": "assessment", "2.2": "planning", "2.3": "delivery", "2.4": "reviewing",
           "3.1": "assessment", "3.2": "planning", "3.3": "delivery"}
KQ_TEXT = {
    "assessment": ("Does assessment analyse well enough how to support the child's desistance?",
                   "Does assessment analyse well enough how to keep the child safe?",
                   "Does assessment analyse well enough how to keep other people safe?"),
    "planning": ("Does planning focus well enough on supporting the child's desistance?",
                 "Does planning focus well enough on keeping the child safe?",
                 "Does planning focus well enough on keeping other people safe?"),
    "delivery": ("Does the delivery of services effectively support the child's desistance?",
                 "Does the delivery of services effectively support the safety of the child?",
                 "Does the delivery of services effectively support the safety of other people?"),
    "reviewing": ("Does reviewing focus well enough on supporting the child's desistance?",
                  "Does reviewing focus well enough on keeping the child safe?",
                  "Does reviewing focus well enough on keeping other people safe?"),
    "joint": ("Are the YOT's recommendations well-informed, analytical and personalised to the child, supporting joint decision-making?",
              "Does the YOT work effectively with the police in implementing the out-of-court disposal?"),
}
STD_WORD = {"assessment": "assessment", "planning": "planning", "delivery": "implementation and delivery",
            "reviewing": "reviewing", "joint": "joint working"}

# --------------------------------------------------------------------------------------------
# Sentence pools: {svc} short service name, {abbr} YOT/YOS/YJS; other slots filled per call.
# --------------------------------------------------------------------------------------------

POOLS: dict[str, tuple[str, ...]] = {
    "gov_s": (
        "The management board meets {freq} and is chaired by {chair}; statutory partners have attended at a senior level throughout the last year.",
        "The youth justice plan is brief and sets out {k} priorities that practitioners were able to describe without prompting.",
        "Each board member sponsors an area of practice and spends time with the team {freq2} to observe work with children.",
        "Leaders secured extra money from {funder} to extend work with children at risk of exploitation.",
        "The board receives a {freq} performance report covering reoffending, first-time entrants, education and custody.",
        "New board members complete an induction that includes shadowing a case manager and sitting in on a referral order panel.",
        "The board has challenged partner agencies when their data showed children from the {abbr} cohort being treated differently.",
        "The head of service is respected by partners and has a clear view of where the service needs to improve.",
        "There is a shared commitment across the partnership to treat children as children first and offenders second.",
    ),
    "gov_a": (
        "The board does not routinely break down its data by ethnicity, gender or care status, so it cannot see who is over-represented.",
        "Attendance from {agency} at board meetings has been patchy, and some decisions have been deferred more than once.",
        "Board members could not explain how the views of children shape the priorities in the youth justice plan.",
        "The risk register is not reviewed often enough, and the board was slow to respond to rising staff absence.",
        "Several actions from the last inspection remain open, with no date for completion.",
        "The board relies heavily on the head of service for information and rarely asks partners to account for their own contribution.",
    ),
    "staff_s": (
        "Caseloads average {cl} children per full-time case manager, and practitioners told us their workload is manageable.",
        "Supervision happens every {weeks} weeks, is recorded, and includes time for reflective discussion of cases.",
        "Management oversight was effective in {mo} of the {mon} inspected cases where it was needed.",
        "The training plan for the year included trauma-informed practice, contextual safeguarding and speech and language awareness.",
        "Seconded staff from partner agencies are fully part of the team and take part in team meetings and case discussions.",
        "Staff turnover was {turn} per cent last year, below the council average, and sickness absence is low.",
        "Volunteers who sit on referral order panels receive induction, observation and refresher training every year.",
        "Practitioners are skilled at building relationships with children who have been let down by other services.",
    ),
    "staff_a": (
        "Staffing has been stretched by vacancies and long-term absence, and {vac} posts were unfilled at the time of fieldwork.",
        "Newly appointed case managers do not receive a consistent induction; what they are offered depends on which manager they join.",
        "Staff told us that recognition of good work by senior leaders is rare.",
        "Not all managers have been trained to countersign assessments of risk of harm.",
        "The staff group does not reflect the diversity of the children it works with.",
    ),
    "part_s": (
        "The service has an up-to-date analysis of its cohort, showing high levels of school exclusion and unmet communication needs.",
        "A speech and language therapist works with the team {days} days a week and screens every child on a court order.",
        "An education, training and employment worker links with schools and colleges; the share of children in full-time education rose from {e1} to {e2} per cent over the year.",
        "Children's social care and the {abbr} have a joint protocol to reduce the criminalisation of children living in care homes.",
        "A monthly exploitation meeting brings the police, social care and the {abbr} together to map risky places and peer groups.",
        "Children can take part in {activity}, which helps them build routine and confidence.",
        "Victims are contacted promptly and offered restorative options, including face-to-face meetings where appropriate.",
    ),
    "part_a": (
        "Children referred to mental health services waited an average of {wait} weeks for a first appointment.",
        "Substance misuse provision is available only one day a week, which does not meet the level of need.",
        "There is no dedicated provision for girls, who make up a growing share of the caseload.",
        "Access to suitable accommodation for older children remains a gap, particularly at short notice.",
        "Links with the local college are informal, and few children move on to training after their order ends.",
    ),
    "info_s": (
        "Policies and practice guidance are current and easy to find, and staff were consulted when they were rewritten.",
        "Children helped to redecorate the interview rooms, and the building has a quiet space for children with sensory needs.",
        "Case managers meet children in libraries, youth clubs and family hubs when travelling to the office is difficult.",
        "Quality assurance audits take place every quarter and findings are discussed at team meetings.",
        "Performance information is produced every month and managers use it to plan work.",
    ),
    "info_a": (
        "The move to a new case management system has been delayed, and staff are recording in two places.",
        "Laptops cannot connect to the network in several outlying villages, which limits recording after home visits.",
        "There is little analysis of why some children fail to complete their orders.",
        "Audit activity was paused for several months and has only recently restarted.",
        "The main office is shared with adult services, and children can meet adults under supervision in the waiting area.",
    ),
    "desist": (
        "Work to support desistance was sufficient in {yes} of the {rel} cases.",
        "In {yes} of the {rel} cases, the work on desistance met our expectations.",
        "Desistance was addressed well in {yes} of the {rel} cases we inspected.",
    ),
    "desist_good": (
        "Case managers understood the child's story, including family history, education and what the child hoped for.",
        "Practitioners used the child's own words and set small, realistic steps.",
        "Strengths and protective factors such as sport, family support and part-time work were built into the work.",
        "The child and a parent or carer had been involved in almost every case.",
    ),
    "desist_weak": (
        "In weaker cases, the work did not take account of the child's learning needs or experience of discrimination.",
        "Some records listed problems without explaining how they linked to the offending.",
        "Victims' wishes were not always considered, so restorative opportunities were missed.",
    ),
    "safe": (
        "Work to keep the child safe was sufficient in {yes} of the {rel} relevant cases.",
        "The safety and wellbeing of the child was addressed well in {yes} of the {rel} relevant cases.",
        "In {yes} of the {rel} relevant cases, work on the child's safety met our expectations.",
    ),
    "safe_good": (
        "Practitioners drew on information from social care, schools and health before reaching a view.",
        "Concerns about exploitation, going missing and self-harm were identified and shared promptly.",
        "The {abbr} plan lined up with child protection and child in need plans where these existed.",
    ),
    "safe_weak": (
        "Where work fell short, concerns were recorded but not analysed, and there was no plan for what to do if they escalated.",
        "Contingency arrangements were missing or too general to be useful.",
        "Information held by other agencies was not always sought.",
    ),
    "others": (
        "Work to keep other people safe was sufficient in {yes} of the {rel} relevant cases.",
        "In {yes} of the {rel} relevant cases, the risk of harm to others was managed well.",
        "Risk of harm to others was addressed well in {yes} of the {rel} relevant cases.",
    ),
    "others_good": (
        "The better cases used police intelligence and victim statements, not just the child's own account.",
        "Actual and potential victims were identified and their safety was considered.",
        "Managers reviewed the classification of risk of harm and agreed it with the case manager.",
    ),
    "others_weak": (
        "Some plans were written by the {abbr} alone, even though other agencies held information about the people at risk.",
        "Reviews were not always completed after significant events such as a new arrest or a change of address.",
        "Contingency planning for risk of harm to others was vague in several cases.",
    ),
    "joint_rec": (
        "The {abbr}'s recommendations to the joint decision-making panel were well founded in {yes} of the {rel} cases.",
        "In {yes} of the {rel} cases, the {abbr} gave the panel a clear, personalised recommendation.",
    ),
    "joint_rec_good": (
        "Reports to the panel explained the child's understanding of the offence and how they felt about it.",
        "Information reached the panel in good time, and the reasons for decisions were written down.",
        "Practitioners made sure that children and parents understood what accepting the disposal would mean.",
    ),
    "joint_rec_weak": (
        "Some recommendations were sent to the panel late, so the police decided without them.",
        "The child's level of understanding was not always recorded before a caution was accepted.",
        "Proposed conditions were not always proportionate to the offence.",
    ),
    "joint_police": (
        "Work with the police to carry out the disposal was effective in {yes} of the {rel} youth conditional caution cases.",
        "In {yes} of the {rel} relevant youth conditional cautions, the {abbr} and the police worked well together on delivery.",
    ),
    "joint_police_good": (
        "The police were told about progress and completion promptly.",
        "Compliance was monitored closely and missed appointments were followed up the same week.",
    ),
    "joint_police_weak": (
        "The police were not always told when a child stopped engaging.",
        "Breaches of conditions were not followed up consistently.",
    ),
    "oocd_s": (
        "The out-of-court disposal policy was agreed with the police and sets out a graduated range of outcomes and the criteria for each.",
        "The joint decision-making panel meets {freq} and decisions are usually made within {wd} working days of a referral.",
        "Social care, early help and education representatives attend the panel, and disagreements are escalated to named managers.",
        "Children receiving an out-of-court disposal can use every service open to children on court orders.",
        "Panel decisions are audited jointly with the police every quarter.",
        "Children and parents are asked for feedback at the end of every disposal.",
    ),
    "oocd_a": (
        "The policy does not say how the panel will check for disproportionate outcomes.",
        "There is little analysis of reoffending after an out-of-court disposal, so the impact of the work is unclear.",
        "Some referrals waited several weeks before reaching the panel.",
        "Community resolutions issued by the police without a referral to the {abbr} are not reviewed.",
    ),
    "res_s": (
        "A resettlement policy sets out what should happen from the first day in custody.",
        "Accommodation is agreed well before release in most cases.",
        "The education worker visits the secure estate and arranges a placement before release.",
        "Case managers visit children in custody regularly and keep parents informed.",
    ),
    "res_a": (
        "Only some case managers have had resettlement training.",
        "The service does not yet collect children's views about their experience of resettlement.",
        "Planning for release sometimes started too late to secure suitable accommodation.",
    ),
    "background": (
        "{svc_full} sits within the {division} of the council and is led by a head of service, {head}.",
        "About {kids} children aged 10 to 17 live in the area, which combines {geo}.",
        "First-time entrants to the youth justice system fell from {fte1} to {fte2} over the two years before the inspection.",
        "At the time of the inspection the {abbr} supervised {court_now} children on court orders and {oocd_now} children on out-of-court disposals.",
        "Children from minority ethnic backgrounds make up {eth1} per cent of the local child population but {eth2} per cent of the caseload.",
        "The binary reoffending rate for the area was {reoff} per cent in the latest published period.",
    ),
}
DIVISION = ("early help and targeted services division", "children's services directorate",
            "communities and prevention directorate", "family support service", "people directorate")
GEO = ("a market town and a rural hinterland", "two large towns and a string of coastal villages",
       "a city centre and surrounding estates", "former mining villages and a new town",
       "a port town and farming communities", "a university city and commuter suburbs")


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, seed: int, compact: bool = False) -> None:
        self.seed = seed
        self.compact = compact  # fewer bullets and sentences: ~30% fewer chunks for long benchmarks
        self.rng = random.Random(seed)
        r = self.rng
        places = [h + t for h in PLACE_HEAD for t in PLACE_TAIL if not (h.endswith(t[0]) and t[0] == "h")]
        r.shuffle(places)
        self.places = places
        self.programmes = UniqueNames(r, PROG_A, PROG_B, "{a} {b}")
        self.charities = UniqueNames(r, CHARITY_A, CHARITY_B, "{a} {b}")
        self.venues = UniqueNames(r, VENUE_STREET, VENUE_A, "{a} {b}")
        self.tools = UniqueNames(r, TOOL_A, TOOL_MID, "{a} {b}")
        self.protocols = UniqueNames(r, PROTOCOL_A, PROTOCOL_MID, "{a} {b}")

    # ---- figures ---------------------------------------------------------------------------

    def _kq_counts(self, n_cases: int, quality: float, n_q: int) -> list[tuple[int, int]]:
        r = self.rng
        out = []
        for i in range(n_q):
            rel = n_cases if i == 0 else max(1, n_cases - r.randint(0, max(1, n_cases // 3)))
            p = min(1.0, max(0.2, r.gauss(quality, 0.09)))
            yes = sum(1 for _ in range(rel) if r.random() < p)
            out.append((yes, rel))
        return out

    def _case_standard(self, kind: str, n_cases: int, quality: float, layout: str) -> tuple[str, list[KQ]]:
        """KQ figures and the standard rating they imply (band of the lowest KQ)."""
        texts = KQ_TEXT[kind]
        while True:
            counts = self._kq_counts(n_cases, quality, len(texts))
            if kind == "joint":  # the police question applies to youth conditional cautions only
                rel = self.rng.randint(1, max(1, n_cases // 3))
                counts[1] = (min(counts[1][0], rel, rel - (self.rng.random() < 0.2)), rel)
            kqs = []
            ok = True
            for q, (yes, rel) in zip(texts, counts):
                exact = 100.0 * yes / rel
                pct = int(exact + 0.5)
                if band(exact) != band(pct):  # keep printed and exact figures in the same band
                    ok = False
                kqs.append(KQ(q, pct, yes, rel))
            if ok:
                return band(min(k.percent for k in kqs)), kqs

    def _qualitative(self, quality: float) -> str:
        x = self.rng.gauss(quality, 0.15)
        return band(100 * x)

    # ---- text helpers ------------------------------------------------------------------------

    def _fill(self, template: str, ctx: dict) -> str:
        r = self.rng
        extra = {
            "freq": _pick(r, ("every month", "every six weeks", "every two months", "quarterly")),
            "freq2": _pick(r, ("twice a year", "every quarter", "at least once a year")),
            "chair": _pick(r, CHAIR_ROLE), "k": _pick(r, ("three", "four", "five")),
            "funder": _pick(r, FUNDER), "agency": _pick(r, PARTNER_AGENCY),
            "cl": r.randint(5, 14), "weeks": r.choice((3, 4, 6)),
            "turn": r.randint(4, 12), "vac": _num(r.randint(2, 6)), "days": _pick(r, ("two", "three", "four")),
            "e1": r.randint(40, 60), "e2": r.randint(61, 85), "activity": _pick(r, ACTIVITY),
            "wait": r.randint(8, 30), "wd": r.randint(5, 15),
        }
        mon = r.randint(6, 20)
        extra.update(mo=r.randint(max(1, mon - 5), mon), mon=mon)
        extra.update(ctx)
        return template.format(**extra)

    def _bullets(self, pool: str, k: int, ctx: dict) -> list[str]:
        items = self.rng.sample(POOLS[pool], min(k, len(POOLS[pool])))
        return ["- " + self._fill(t, ctx) for t in items]

    # ---- one report --------------------------------------------------------------------------

    def report(self, index: int) -> tuple[str, Truth]:
        r = self.rng
        place = self.places[index % len(self.places)]
        if index >= len(self.places):
            place = f"{place} {index // len(self.places) + 1}"
        year = r.randint(2018, 2024)
        month = r.randint(1, 12)
        if year == 2018 and month < 7:
            month = r.randint(7, 12)
        framework = "2018" if (year, month) < (2021, 7) else "2021"
        kind_full, abbr = SERVICE_KIND[r.randrange(3) if framework == "2021" else r.randrange(2)]
        if framework == "2021" and r.random() < 0.6:
            kind_full, abbr = SERVICE_KIND[2]
        svc_full = f"{place} {kind_full}"
        svc = f"{place} {abbr}"
        layout = "counts" if framework == "2018" and r.random() < 0.5 else "percent"
        quality = min(0.97, max(0.35, r.gauss(0.78, 0.12)))
        titles = STANDARD_TITLES_2018 if framework == "2018" else STANDARD_TITLES_2021
        n_court = r.randint(6, 20)
        n_oocd = r.randint(4, 14)

        standards: dict[str, str] = {}
        kqs: dict[str, list[KQ]] = {}
        for sid in ("1.1", "1.2", "1.3", "1.4"):
            standards[sid] = self._qualitative(quality - 0.04)
        for sid in ("2.1", "2.2", "2.3", "2.4"):
            standards[sid], kqs[sid] = self._case_standard(KIND_OF[sid], n_court, quality, layout)
        for sid in ("3.1", "3.2", "3.3"):
            standards[sid], kqs[sid] = self._case_standard(KIND_OF[sid], n_oocd, quality + 0.05, layout)
        if framework == "2018":
            standards["3.4"], kqs["3.4"] = self._case_standard("joint", n_oocd, quality + 0.05, layout)
        else:
            standards["3.4"] = self._qualitative(quality + 0.05)
        score = sum(RATINGS.index(standards[s]) for s in standards)
        overall = overall_band(score)
        resettlement = None
        if framework == "2021" and r.random() < 0.6:
            resettlement = self._qualitative(quality)
            if resettlement == "Inadequate" and overall == "Outstanding":
                resettlement = "Requires improvement"

        head = f"{_pick(r, PERSON_FIRST)} {_pick(r, PERSON_LAST)}"
        inspector = f"{_pick(r, PERSON_FIRST)} {_pick(r, PERSON_LAST)}"
        ctx = {"svc": svc, "abbr": abbr, "svc_full": svc_full, "head": head}
        source = f"{place.lower().replace(' ', '-')}-{year}.txt"
        truth = Truth(
            source=source, service=place, service_full=svc_full, published=f"{year:04d}-{month:02d}", year=year,
            framework=framework, layout=layout, overall=overall, score=score, max_score=36,
            standards=standards, standard_titles=dict(titles), resettlement=resettlement, key_questions=kqs,
        )
        facts = self._facts(truth, ctx)
        truth.facts = facts
        text = self._render(truth, ctx, inspector, month, year, n_court, n_oocd, quality)
        return text, truth

    def _facts(self, t: Truth, ctx: dict) -> list[Fact]:
        r = self.rng
        svc, abbr = ctx["svc"], ctx["abbr"]
        prog, charity = self.programmes.take(), self.charities.take()
        venue = f"{self.venues.take()} {_pick(r, VENUE_B)}"
        tool = f"{self.tools.take()} {_pick(r, TOOL_B)}"
        topic, act = _pick(r, TOOL_TOPIC), _pick(r, ACTIVITY)
        facts = [
            Fact("programme", "3.4", f"Which service runs the {prog} diversion scheme, and what does it offer children?",
                 t.service,
                 f"Children diverted by the panel can join the {prog} scheme, run by the {abbr} with local volunteers, which offers {act} alongside the agreed intervention."),
            Fact("charity", "1.3", f"Which youth justice service commissions {charity} for emotional wellbeing support?",
                 t.service,
                 f"Emotional wellbeing support is commissioned from {charity}, a local charity whose counsellors see {abbr} children within {r.randint(5, 15)} working days of referral."),
            Fact("venue", "1.4", f"Where does the {venue} host work with children, and what kind of building is it?",
                 t.service,
                 f"Most appointments take place at the {venue}, a {_pick(r, VENUE_BUILDING)} that the {abbr} shares with the youth service and that children helped to furnish."),
            Fact("tool", "2.3", f"Which service uses the {tool} with children on court orders to address {topic}?",
                 t.service,
                 f"For children whose offending involved {topic}, case managers deliver the {tool}, which the {abbr} wrote with its psychologist and reviews every year."),
        ]
        if t.resettlement:
            proto = f"{self.protocols.take()} {_pick(r, PROTOCOL_B)}"
            facts.append(Fact("protocol", "4.1", f"Which youth justice service agreed the {proto} for children leaving custody?",
                              t.service,
                              f"Under the {proto}, agreed with the housing department, no child should leave custody without an address confirmed at least {r.randint(10, 30)} days before release."))
        return facts

    # ---- rendering ---------------------------------------------------------------------------

    def _render(self, t: Truth, ctx: dict, inspector: str, month: int, year: int,
                n_court: int, n_oocd: int, quality: float) -> str:
        r = self.rng
        abbr, svc, svc_full = ctx["abbr"], ctx["svc"], ctx["svc_full"]
        place = t.service
        fm = (month - 3) % 12 + 1
        fy = year if month > 2 else year - 1
        facts = {f.section: f for f in t.facts}
        L: list[str] = []
        add = L.append

        def para(*sentences: str) -> None:
            add(" ".join(s for s in sentences if s))
            add("")

        two_line_title = t.framework == "2018" and r.random() < 0.5
        add("HM Inspectorate of Probation")
        add("")
        if two_line_title:
            add("An inspection of youth offending services in")
            add(f"{place} {abbr}")
        else:
            add(f"An inspection of youth offending services in {place}")
        add("")
        add(f"HM Inspectorate of Probation, {MONTHS[month - 1]} {year}")
        add("")
        add(f"FICTITIOUS SYNTHETIC REPORT generated by bench/make_corpus.py. {place} and every person named here are invented.")
        add("")
        add("Contents")
        add("")
        page = 3
        toc = ["Foreword", "Ratings", "Recommendations", "Background", "Domain one: Organisational delivery"]
        toc += [f"{s}. {t.standard_titles[s]}" for s in ("1.1", "1.2", "1.3", "1.4")]
        toc += ["Domain two: Court disposals"] + [f"{s}. {t.standard_titles[s]}" for s in ("2.1", "2.2", "2.3", "2.4")]
        toc += ["Domain three: Out-of-court disposals"] + [f"{s}. {t.standard_titles[s]}" for s in ("3.1", "3.2", "3.3", "3.4")]
        if t.resettlement:
            toc += ["Domain four: Resettlement", "4.1. Resettlement policy and provision"]
        toc += ["Annex 1: Methodology"]
        for entry in toc:
            add(f"{entry}\t{page}")
            page += r.randint(0, 2)
        add("")
        add("Acknowledgements")
        add("")
        para(f"This inspection was led by HM Inspector {inspector}, supported by a team of inspectors and colleagues. "
             f"We thank the children, families, staff and partners in {place} who gave us their time.")

        # Foreword
        add("Foreword" if t.framework == "2021" else "Introduction")
        add("")
        para(f"This report describes what we found when we inspected {svc_full} ({abbr}) in {MONTHS[fm - 1]} {fy}. "
             "We looked at how the service is led and organised, at work with children sentenced by the courts, and at work with children "
             "who received out-of-court disposals.")
        res_line = f" Resettlement policy and provision, rated separately, is '{t.resettlement}'." if t.resettlement else ""
        para(f"Overall, {svc} is rated as '{t.overall}'.{res_line}")
        best = max(t.standards, key=lambda s: (RATINGS.index(t.standards[s]), s))
        worst = min(t.standards, key=lambda s: (RATINGS.index(t.standards[s]), s))
        para(f"The strongest area was {t.standard_titles[best].lower()} (standard {best}), which we rated '{t.standards[best]}'. "
             f"The service now needs to focus on {t.standard_titles[worst].lower()} (standard {worst}), rated '{t.standards[worst]}'.",
             _pick(r, ("Staff were committed and knew their children well.",
                       "Partners spoke positively about the leadership of the service.",
                       "The pandemic disrupted some services, and recovery is still under way.",
                       "Children told us that their workers listened to them.")))
        add(f"{_pick(r, PERSON_FIRST)} {_pick(r, PERSON_LAST)}")
        add("HM Chief Inspector of Probation (fictitious)")
        add("")

        # Ratings table
        add("Ratings")
        add("")
        if t.framework == "2018":
            add(f"{svc_full}\t\tScore\t{t.score}/36")
            add(f"Overall rating\t\t{t.overall}\t")
            for dom, name, sids in (("1", "Organisational delivery", ("1.1", "1.2", "1.3", "1.4")),
                                    ("2", "Court disposals", ("2.1", "2.2", "2.3", "2.4")),
                                    ("3", "Out-of-court disposals", ("3.1", "3.2", "3.3", "3.4"))):
                add(f"{dom}. {name}\t\t\t")
                for s in sids:
                    add(f"{s}\t{t.standard_titles[s]}\t{t.standards[s]}\t")
            add("")
        else:
            add(svc_full)
            add(f"Fieldwork started {MONTHS[fm - 1]} {fy}")
            add("")
            add(f"Score {t.score}/36")
            add("")
            add("Overall rating")
            add("")
            add(t.overall)
            add("")
            for dom, name, sids in (("1", "Organisational delivery", ("1.1", "1.2", "1.3", "1.4")),
                                    ("2", "Court disposals", ("2.1", "2.2", "2.3", "2.4")),
                                    ("3", "Out-of-court disposals", ("3.1", "3.2", "3.3", "3.4"))):
                add(f"{dom}. {name}")
                add("")
                for s in sids:
                    add(f"{s}\t{t.standard_titles[s]}\t{t.standards[s]}")
                add("")
            if t.resettlement:
                add("4. Resettlement")
                add("")
                add(f"4.1\tResettlement policy and provision\t{t.resettlement}")
                add("")
                add(f"The rating for resettlement does not count towards the overall {abbr} score.")
                add("")

        # Recommendations
        add("Recommendations")
        add("")
        recs = [
            f"make sure that every plan sets out what will happen if risks to the child's safety increase",
            f"analyse data on disproportionality and report progress to the board each quarter",
            f"agree with health partners a maximum waiting time for emotional wellbeing support",
            f"complete the review of the out-of-court disposal policy with the police",
            f"give newly appointed staff a structured first-year programme",
            f"make sure that children's views are used to shape services",
            f"improve the timeliness of reviews after significant events",
        ]
        chosen = r.sample(recs, r.randint(3, 6))
        para(f"We make {_num(len(chosen))} recommendations. If acted on, they should improve the quality of youth justice work in {place}.")
        add(f"The {place} {abbr} management board should:")
        add("")
        for i, rec in enumerate(chosen, 1):
            add(f"{i}. {rec}{'.' if i == len(chosen) else ''}")
        add("")

        # Background
        add("Background")
        add("")
        bctx = dict(ctx, division=_pick(r, DIVISION), geo=_pick(r, GEO), kids=f"{r.randint(8, 45)},{r.randint(100, 999)}",
                    fte1=r.randint(60, 180), fte2=r.randint(25, 59), court_now=r.randint(12, 80),
                    oocd_now=r.randint(10, 70), eth1=r.randint(2, 30), eth2=r.randint(5, 45),
                    reoff=f"{r.randint(22, 45)}.{r.randint(0, 9)}")
        para(f"We carried out fieldwork in {place} over one week in {MONTHS[fm - 1]} {fy}. We inspected {n_court} court disposals and "
             f"{n_oocd} out-of-court disposals, and held {r.randint(8, 22)} meetings with staff, managers, board members and partners.")
        para(*[self._fill(s, bctx) for s in r.sample(POOLS["background"], 2 if self.compact else 4)])

        # Domain one
        add("Domain one: Organisational delivery")
        add("")
        para("To judge organisational delivery we read the evidence the service sent us in advance, heard a presentation from the "
             "head of service and held meetings with staff, managers, board members and partner agencies.")
        for sid, pools in (("1.1", ("gov_s", "gov_a")), ("1.2", ("staff_s", "staff_a")),
                           ("1.3", ("part_s", "part_a")), ("1.4", ("info_s", "info_a"))):
            self._render_qual(L, sid, t, DESCRIPTORS[sid], pools, ctx, facts.get(sid))

        # Domain two
        add("Domain two: Court disposals")
        add("")
        para(f"We looked in detail at {n_court} court disposals supervised by the {abbr} and interviewed the case manager in most of them.")
        for sid in ("2.1", "2.2", "2.3", "2.4"):
            self._render_case(L, sid, t, ctx, n_court, facts.get(sid))

        # Domain three
        add("Domain three: Out-of-court disposals")
        add("")
        ycc, yc = r.randint(0, 2), r.randint(0, 3)
        cr = max(0, n_oocd - ycc - yc)
        para(f"We inspected {n_oocd} out-of-court disposals: {_num(ycc)} youth conditional cautions, {_num(yc)} youth cautions "
             f"and {_num(cr)} community resolutions.")
        for sid in ("3.1", "3.2", "3.3"):
            self._render_case(L, sid, t, ctx, n_oocd, facts.get(sid))
        if t.framework == "2018":
            self._render_case(L, "3.4", t, ctx, n_oocd, facts.get("3.4"), kind="joint")
        else:
            self._render_qual(L, "3.4", t, DESCRIPTORS["oocd"], ("oocd_s", "oocd_a"), ctx, facts.get("3.4"),
                              intro="We also looked at the policy and provision for out-of-court disposals, using documents, meetings and interviews.")
        if t.resettlement:
            add("Domain four: Resettlement")
            add("")
            self._render_qual(L, "4.1", t, DESCRIPTORS["4.1"], ("res_s", "res_a"), ctx, facts.get("4.1"),
                              title="Resettlement policy and provision", rating=t.resettlement,
                              intro="We looked at the policy and provision for resettlement and at the custodial cases in our sample.")

        # Annex
        add("Annex 1: Methodology")
        add("")
        para("Domain one ratings are proposed by the lead inspector as a single judgement based on all the evidence. For the "
             "case-based standards, each standard's rating is the band of its lowest-scoring key question.")
        add("Lowest banding (key question level)\tRating (standard)")
        add("Minority: less than 50%\tInadequate")
        add("Too few: 50-64%\tRequires improvement")
        add("Reasonable majority: 65-79%\tGood")
        add("Large majority: 80% or more\tOutstanding")
        add("")
        para("Each of the 12 core standards is scored from 0 to 3 and the scores are added to give the overall rating on a 0-36 scale.")
        add("Score\tRating (overall)")
        add("0-6\tInadequate")
        add("7-18\tRequires improvement")
        add("19-30\tGood")
        add("31-36\tOutstanding")
        add("")
        return "\n".join(L).rstrip() + "\n"

    def _render_qual(self, L: list[str], sid: str, t: Truth, descriptor: str, pools: tuple[str, str], ctx: dict,
                     fact: Fact | None, *, title: str | None = None, rating: str | None = None, intro: str | None = None) -> None:
        r = self.rng
        rating = rating or t.standards[sid]
        quality = RATINGS.index(rating)
        L += [f"{sid}. {title or t.standard_titles[sid]}", "", descriptor, "", rating, ""]
        if intro:
            L += [intro, ""]
        n_s = max(1, quality + r.randint(1, 3))
        n_a = max(1, 4 - quality + r.randint(-1, 1))
        if self.compact:
            n_s, n_a = max(1, n_s // 2), max(1, n_a // 2)
        strengths = self._bullets(pools[0], n_s, ctx)
        if fact:
            strengths.insert(r.randint(0, len(strengths)), "- " + fact.sentence)
        L += ["Strengths:", ""] + strengths + [""]
        L += ["Areas for improvement:", ""] + self._bullets(pools[1], n_a, ctx) + [""]

    def _render_case(self, L: list[str], sid: str, t: Truth, ctx: dict, n_cases: int, fact: Fact | None,
                     kind: str | None = None) -> None:
        r = self.rng
        kind = kind or KIND_OF[sid]
        desc_key = kind
        L += [f"{sid}. {t.standard_titles[sid]}", "", DESCRIPTORS[desc_key], "", t.standards[sid], ""]
        L += [f"Our rating for {STD_WORD[kind]} is based on the following key questions:", ""]
        kqs = t.key_questions[sid]
        if t.layout == "counts":
            L.append(f"Of the {n_cases} cases inspected\tRelevant cases\tNumber 'Yes'")
            L += [f"{k.question}\t{k.relevant}\t{k.yes}" for k in kqs]
        else:
            L.append("\t% 'Yes'")
            L += [f"{k.question}\t{k.percent}%" for k in kqs]
        L.append("")
        names = ("desist", "safe", "others") if kind != "joint" else ("joint_rec", "joint_police")
        for k, name in zip(kqs, names):
            rel, yes = k.relevant, k.yes
            lead = self._fill(_pick(r, POOLS[name]), dict(ctx, yes=_num(yes), rel=_num(rel)))
            tone = POOLS[name + ("_good" if k.percent >= 65 else "_weak")]
            extra = [self._fill(s, ctx) for s in r.sample(tone, min(1 if self.compact else 2, len(tone)))]
            L += [" ".join([lead] + extra), ""]
        if fact:
            L += [fact.sentence, ""]


def _jsonable(obj):
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _jsonable(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    return obj


def generate(n: int, seed: int, out: Path, compact: bool = False) -> list[Truth]:
    """Write ``n`` reports plus truth.jsonl and questions.jsonl under ``out``; return the truths."""
    gen = Generator(seed, compact)
    reports_dir = out / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    for old in reports_dir.glob("*.txt"):  # a smaller or differently seeded run must not leave stale files
        old.unlink()
    truths: list[Truth] = []
    with (out / "truth.jsonl").open("w", encoding="utf-8") as tf, (out / "questions.jsonl").open("w", encoding="utf-8") as qf:
        for i in range(n):
            text, truth = gen.report(i)
            (reports_dir / truth.source).write_text(text, encoding="utf-8")
            tf.write(json.dumps(_jsonable(truth)) + "\n")
            for f in truth.facts:
                qf.write(json.dumps({"question": f.question, "answer": f.answer, "source": truth.source,
                                     "section": f.section, "fact": f.id}) + "\n")
            truths.append(truth)
    return truths


def load_truth(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]


def load_questions(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("build/synthetic"))
    ap.add_argument("--compact", action="store_true", help="shorter reports (fewer bullets and sentences)")
    args = ap.parse_args(argv)
    truths = generate(args.n, args.seed, args.out, args.compact)
    size = sum(p.stat().st_size for p in (args.out / "reports").glob("*.txt"))
    print(f"wrote {len(truths)} reports ({size / 1e6:.1f} MB) to {args.out / 'reports'}; "
          f"{sum(len(t.facts) for t in truths)} questions in {args.out / 'questions.jsonl'}")


if __name__ == "__main__":
    main()
