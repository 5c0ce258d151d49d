#!/usr/bin/env python3
"""Build newsdesk's demo corpus from the ECB+ news articles.

    python3 tools/make-demo-corpus.py /work/shared/data/ecbplus/docs.jsonl > demo/ecbplus-demo.jsonl

Input: ECB+ documents as JSON Lines (doc, topic, subtopic, source, url, ntokens, title, text).
Output: newsdesk import JSON Lines (id, title, summary, body, section, author, tags, published_at,
language, source_url), one article per line, sorted by published_at. Standard library only; the output
is byte-identical for the same input (no clock, no unseeded randomness, no dict-order surprises).

What it does to each article:
  * detokenises the text and title (the ECB+ half of the corpus is tokenised: "90 - day",
    "Lohan ’ s", "6. 1", "U. S.", "`` quote ''", "8: 00 am"; quotes are paired and made curly),
    see detok();
  * drops datelines, "Posted/Updated" stamps and a little page furniture glued into the text;
  * headline: the source title; or, where that is only a dateline, the real headline that follows
    it in the text (table HEADLINES, strings copied from the article); or, where the source title is
    just the first sentence (the older ECB half), that sentence, made to fit ~110 chars by dropping
    asides and an opening adverbial or by cutting at a clause boundary, never mid-word and without
    "…" (headline_options() scores the candidates; a chatty lede gives way to the next sentence).
    ALL-CAPS headlines are re-cased from the article's own spelling. Duplicate headlines (one
    story, several outlets) keep the first; later copies get a headline from their own lede;
  * summary = first sentence or two (<= 240 chars) that is not the headline;
  * body = the rest, 2-4 sentences per Markdown paragraph (a sentence splitter that knows "Mr.",
    "U.S.", "Dec."), Markdown specials escaped; the headline is not repeated when it was the whole
    first sentence;
  * section from the topic table (TOPICS), tags = topic tags + the names the article mentions
    most, author from the URL host (HOSTS), published_at spread over 30 days before ANCHOR with
    one story's articles within a day or two of each other, 06-23 UTC.
Run with --stats (before the input file) for section counts and sample records on stderr.
"""

import collections
import datetime
import hashlib
import json
import random
import re
import sys
from urllib.parse import urlparse

ANCHOR = datetime.datetime(2026, 11, 28, 18, 0, 0, tzinfo=datetime.timezone.utc)
WINDOW_DAYS = 30
TITLE_MAX = 110          # headlines made from a lede
TITLE_SOFT_MAX = 120     # a whole sentence or a real source headline may run a little longer
SUMMARY_MAX = 240

# --------------------------------------------------------------------------- topics
# topic -> (section path, topic tags). Each topic has two stories (subtopics a and b): two real-world
# events of the same kind, years apart. The comment says what the stories are.
TOPICS = {
    # Tara Reid (a) and Lindsay Lohan (b) check into rehab
    1: ("Entertainment/Celebrity", ["Rehab", "Celebrities"]),
    # a: Atlanta courthouse killer Brian Nichols sentenced to life; b: Texas inmate Arcade Comeaux escapes
    3: ("Crime", ["Prisons", "Courts"]),
    # a: Philadelphia 76ers fire coach Maurice Cheeks; b: 76ers fire Jim O'Brien and hire Cheeks (2005)
    5: ("Sport/Basketball", ["NBA", "Philadelphia 76ers"]),
    # Wladimir Klitschko keeps his heavyweight titles: vs Hasim Rahman (a), vs Tony Thompson (b, 2012)
    7: ("Sport/Boxing", ["Heavyweight boxing", "Wladimir Klitschko"]),
    # a: Bush administration loosens Endangered Species Act rules; b: Obama administration restores them (2009)
    9: ("Environment", ["Endangered Species Act", "Wildlife"]),
    # Turkmenistan parliamentary elections: the vote (a), the first two-party election announced (b, 2013)
    11: ("World", ["Elections", "Turkmenistan"]),
    # a: arson at Sarah Palin's Wasilla Bible Church; b: historic Mat Maid dairy building burns in Palmer (2012)
    13: ("US", ["Fires", "Alaska"]),
    # a: riots in Greece after police shoot a teenager; b: Brooklyn riot after NYPD shoot Kimani Gray (2013)
    19: ("World", ["Riots", "Police shootings"]),
    # drunk hit-and-run deaths: outside a Bloomington Sam's Club (a), in Queens (b, 2013)
    21: ("Crime", ["Hit-and-run", "Drunk driving"]),
    # climbers die on Mount Cook, New Zealand: Australian Mark Vinar (a), a Briton and an Australian (b, 2013)
    23: ("World", ["Mountaineering", "New Zealand"]),
    # New Orleans Saints put a running back on injured reserve: Reggie Bush (a), Pierre Thomas (b, 2011)
    25: ("Sport/NFL", ["NFL", "New Orleans Saints"]),
    # Microsoft rushes out emergency patches for Internet Explorer flaws (a; b 2013)
    27: ("Science & Technology", ["Cybersecurity", "Microsoft"]),
    # Indianapolis Colts clinch a playoff berth: vs Jacksonville Jaguars (a), vs Kansas City Chiefs (b, 2012)
    29: ("Sport/NFL", ["NFL", "Indianapolis Colts"]),
    # college career scoring records: Tyler Hansbrough, North Carolina (a); Doug McDermott, Creighton (b, 2013)
    31: ("Sport/Basketball", ["College basketball", "NCAA"]),
    # trials over bystanders killed by stray bullets: Kathina Thomas, Albany (a); Zurana Horton, Brooklyn (b)
    33: ("Crime", ["Gun violence", "Trials"]),
    # San Diego Chargers players arrested on suspicion of DUI: Vincent Jackson (a), Jamal Williams (b, 2009)
    35: ("Sport/NFL", ["NFL", "San Diego Chargers"]),
    # magnitude 6.1 earthquakes in Indonesia: West Papua (a), Aceh (b, 2013)
    37: ("World", ["Earthquakes", "Indonesia"]),
    # a new Doctor Who is cast: Matt Smith (a), Peter Capaldi (b, 2013)
    39: ("Entertainment/TV", ["Doctor Who", "BBC"]),
    # a: Israeli strike on a UN school sheltering refugees in Gaza; b: Sudan bombs Yida refugee camp, South Sudan (2011)
    41: ("World", ["Refugees", "Air strikes"]),
    # AMD acquisitions: graphics chipmaker ATI (a), microserver maker SeaMicro (b, 2012)
    43: ("Business", ["Mergers and acquisitions", "AMD"]),
    # men convicted of killing their pregnant partners: Scott Peterson (a), Christopher Simpson, Oklahoma (b, 2013)
    45: ("Crime", ["Murder trials", "Domestic violence"]),
}
# Stories that sit better elsewhere than the rest of their topic.
SUBTOPIC_SECTION = {
    "19b": "US",    # the Brooklyn riot (19a is Greece)
}

# --------------------------------------------------------------------------- per-article fixes
# Articles whose ECB+ title is only a dateline ("May 2, 2013, 1: 12 PM"): the real headline follows
# the dateline, glued to the first sentence without punctuation. These are those headlines, copied
# verbatim (tokenised as in the source) from each article's text; the script checks they are there.
HEADLINES = {
    "1_2ecbplus": "Lawyer: Lindsay Lohan checks into rehab facility",
    "13_12ecbplus": "Farewell to another piece of Mat Maid",
    "19_2ecbplus": "Riots Erupt Following Death of Brooklyn Teen Killed By Police",
    "23_4ecbplus": "Australian, English climbers fall to their deaths in New Zealand mountains",
    "23_5ecbplus": "Briton dies in New Zealand's Aoraki Mount Cook National Park",
    "25_3ecbplus": "Saints place RB Pierre Thomas on injured reserve",
    "25_6ecbplus": "Saints RB Pierre Thomas placed on injured reserve",
    "25_8ecbplus": "New Orleans Saints place Pierre Thomas on injured reserve list",
    "27_10ecbplus": "Microsoft Launches Emergency Patch for Internet Explorer",
    "27_1ecbplus": "Microsoft releases fix for'zero - day' IE browser bug",
    "3_11ecbplus": "FALLOUT CONTINUES AFTER BRAZEN ESCAPE",
    "3_9ecbplus": "Texas escapee now on U. S. Marshal's most wanted list",
    "31_1ecbplus": "McDermott becomes CU ’ s all - time scoring leader",
    "37_13ecbplus": "Strong earthquake hits Indonesia's Aceh province",
    "37_6ecbplus": "Indonesia Aceh rescue operation after deadly earthquake",
    "37_7ecbplus": "Powerful earthquake injures dozens in Indonesia's Aceh province",
    "39_1ecbplus": "Doctor Who: Peter Capaldi revealed as 12th Doctor",
    "41_3ecbplus": "Sudan'bombs refugees' in South Sudan's Unity state",
    "43_11ecbplus": "AMD to Acquire Server Start - Up",
    "43_9ecbplus": "AMD Completes SeaMicro Acquisition Headed to $9",
    "45_1ecbplus": "LeFlore Jury: Simpson Guilty Of Killing Pregnant Girlfriend",
    "13_14ecbplus": "Palin appointee under federal indictment.",
    "7_7ecbplus": "Wladimir Klitschko stops Tony Thompson in 6 with efficient execution",
    "9_2ecbplus": "Obama overturns Bush endangered species rule",
    "9_3ecbplus": "Biologists Call on Obama Administration to Overturn Bush Rules that Cut Science Out of Endangered Species Legislation",
    "9_4ecbplus": "Interior, Commerce Departments Overturn Rule That Cut Science Out of Endangered Species Act",
}
# Headline text to use instead of a HEADLINES entry (the entry is still cut from the body).
HEADLINE_AS = {
    "43_9ecbplus": "AMD Completes SeaMicro Acquisition",   # "... Headed to $9" is a stock-price kicker
}
# Glued page furniture (sub-headlines, scoreboard kickers, credits) to cut from the start of a body.
DROP_LEADING = {
    "31_5ecbplus": "Arch Madness: Creighton 65, Drake 5",  # truncated scoreboard kicker; the lede becomes the headline
    "9_3ecbplus": "Interior and Commerce Secretaries Must Act by May 9",
    "9_4ecbplus": "Statement by Francesca Grifo",
}

# --------------------------------------------------------------------------- authors
HOSTS = {
    "nydailynews.com": "New York Daily News", "bbc.co.uk": "BBC News", "huffingtonpost.com": "HuffPost",
    "espn.go.com": "ESPN", "espn.co.uk": "ESPN", "examiner.com": "Examiner.com", "foxnews.com": "Fox News",
    "trend.az": "Trend News Agency", "dailymail.co.uk": "Daily Mail", "theguardian.com": "The Guardian",
    "pcworld.com": "PCWorld", "ap.org": "Associated Press", "utsandiego.com": "U-T San Diego",
    "nypost.com": "New York Post", "eonline.com": "E! Online", "alaskapublic.org": "Alaska Public Media",
    "gothamist.com": "Gothamist", "nytimes.com": "The New York Times", "stuff.co.nz": "Stuff",
    "nbcsports.com": "NBC Sports", "yahoo.com": "Yahoo", "stampedeblue.com": "Stampede Blue",
    "news12.com": "News 12", "usatoday.com": "USA Today", "news.com.au": "news.com.au",
    "ucsusa.org": "Union of Concerned Scientists", "latimes.com": "Los Angeles Times",
    "people.com": "People", "usmagazine.com": "Us Weekly", "accesshollywood.com": "Access Hollywood",
    "cbsnews.com": "CBS News", "etonline.com": "ET Online", "today.com": "Today", "ktla.com": "KTLA",
    "inquirer.net": "Philippine Daily Inquirer", "adn.com": "Anchorage Daily News",
    "alaskadispatch.com": "Alaska Dispatch", "frontiersman.com": "Frontiersman", "ktuu.com": "KTUU",
    "ktva.com": "KTVA", "alaskajournal.com": "Alaska Journal of Commerce", "businessinsider.com": "Business Insider",
    "rt.com": "RT", "pix11.com": "PIX11", "timesunion.com": "Times Union", "ny1.com": "NY1",
    "abclocal.go.com": "ABC7", "cbslocal.com": "CBS New York", "dnainfo.com": "DNAinfo",
    "nbcnewyork.com": "NBC New York", "sky.com": "Sky News", "telegraph.co.uk": "The Telegraph",
    "globalnews.ca": "Global News", "theaustralian.com.au": "The Australian", "odt.co.nz": "Otago Daily Times",
    "msn.co.nz": "MSN New Zealand", "ajc.com": "The Atlanta Journal-Constitution", "wwltv.com": "WWL-TV",
    "seattletimes.com": "The Seattle Times", "washingtonpost.com": "The Washington Post",
    "aolnews.com": "AOL News", "softpedia.com": "Softpedia", "indiatimes.com": "The Times of India",
    "bit-tech.net": "bit-tech", "computerworld.com": "Computerworld", "crn.com": "CRN",
    "hindustantimes.com": "Hindustan Times", "krebsonsecurity.com": "Krebs on Security",
    "mnn.com": "Mother Nature Network", "neowin.net": "Neowin", "colts.com": "Colts.com",
    "fox4kc.com": "FOX4 Kansas City", "cnn.com": "CNN", "abcnews.go.com": "ABC News",
    "justice.gov": "U.S. Department of Justice", "chron.com": "Houston Chronicle", "omaha.com": "Omaha World-Herald",
    "sbnation.com": "SB Nation", "newser.com": "Newser", "brooklyneagle.com": "Brooklyn Eagle",
    "tucsoncitizen.com": "Tucson Citizen", "tsn.ca": "TSN", "nbcsandiego.com": "NBC San Diego",
    "ahram.org.eg": "Ahram Online", "ibtimes.com": "International Business Times", "thehindu.com": "The Hindu",
    "sunstar.com.ph": "SunStar", "presstv.com": "Press TV", "independent.co.uk": "The Independent",
    "ndtv.com": "NDTV", "indianexpress.com": "The Indian Express", "globalpost.com": "GlobalPost",
    "straitstimes.com": "The Straits Times", "digitalspy.co.uk": "Digital Spy", "mirror.co.uk": "Daily Mirror",
    "metro.co.uk": "Metro", "zap2it.com": "Zap2it", "trust.org": "Thomson Reuters Foundation",
    "unhcr.org": "UNHCR", "reuters.com": "Reuters", "rnw.nl": "Radio Netherlands Worldwide",
    "christianpost.com": "The Christian Post", "extremetech.com": "ExtremeTech", "wsj.com": "The Wall Street Journal",
    "datacenterknowledge.com": "Data Center Knowledge", "arstechnica.com": "Ars Technica", "cnet.com": "CNET",
    "theregister.co.uk": "The Register", "amd.com": "AMD", "wired.com": "Wired", "venturebeat.com": "VentureBeat",
    "pcmag.com": "PCMag", "zdnet.com": "ZDNet", "forbes.com": "Forbes", "newsok.com": "The Oklahoman",
    "philly.com": "Philly.com", "cbc.ca": "CBC", "ens-newswire.com": "Environment News Service",
    "digitaljournal.com": "Digital Journal", "commondreams.org": "Common Dreams", "mongabay.com": "Mongabay",
    "endangered.org": "Endangered Species Coalition", "cnn.com": "CNN", "sportsillustrated.cnn.com": "Sports Illustrated",
    "contactmusic.com": "Contactmusic.com", "thehollywoodgossip.com": "The Hollywood Gossip", "starpulse.com": "Starpulse",
    "x17online.com": "X17 Online", "dlisted.com": "Dlisted", "timesca.com": "The Times of Central Asia",
    "centralasiaonline.com": "Central Asia Online", "insidehoops.com": "InsideHoops", "badlefthook.com": "Bad Left Hook",
    "eastsideboxing.com": "East Side Boxing", "kctv5.com": "KCTV5", "thv11.com": "THV11", "4029tv.com": "4029 News",
    "swtimes.com": "Times Record", "kxii.com": "KXII", "news9.com": "News 9", "cbs8.com": "CBS 8",
    "entertainmentwise.com": "Entertainmentwise", "sott.net": "Sott.net", "essence.com": "Essence",
    "timesledger.com": "TimesLedger", "heralddemocrat.com": "Herald Democrat", "starherald.com": "Star-Herald",
    "gocreighton.com": "GoCreighton.com", "mvc-sports.com": "Missouri Valley Conference", "yardbarker.com": "Yardbarker",
    "newsone.com": "NewsOne", "zimbio.com": "Zimbio", "wibw.com": "WIBW", "nowpublic.com": "NowPublic",
    "onenewspage.com": "One News Page", "nonviolentpeaceforce.org": "Nonviolent Peaceforce",
    "enoughproject.org": "Enough Project", "vancouverdesi.com": "VancouverDesi", "pba-online.net": "PBA Online",
    "sportsnola.com": "SportsNOLA", "firsttracksonline.com": "First Tracks!! Online", "sportzassassin2.blogspot.nl": "Sportz Assassin",
    # small sites and blogs whose host name reads badly when title-cased
    "ontheredcarpet.com": "On the Red Carpet", "the-palmerpost.blogspot.nl": "The Palmer Post",
    "theimmoralminority.blogspot.nl": "The Immoral Minority", "malialitman.wordpress.com": "Malia Litman",
    "beforeitsnews.com": "Before It's News", "injurylawofnewyork.com": "Injury Law of New York",
    "theforumnewsgroup.com": "The Forum Newsgroup", "nyaccidentcase.com": "NY Accident Case",
    "newslookup.com": "NewsLookup", "hillnholler.net": "Hill 'N' Holler", "druzifer.livejournal.com": "Druzifer",
    "whiteandbluereview.com": "White and Blue Review", "duianswer.com": "DUI Answer",
    "eatdrinkandsleepfootball.com": "Eat Drink and Sleep Football", "swoknews.com": "SWOK News",
    "metronewsday.com": "Metro Newsday", "scallywagandvagabond.com": "Scallywag and Vagabond",
    "newsuk24.com": "News UK 24", "rsspump.com": "RSS Pump", "nba-live.com": "NBA Live",
    "nbasource.blogspot.nl": "NBA Source", "marquette.edu": "Marquette University Law School",
}
SUBDOMAINS = {"www", "articles", "sports", "news", "blogs", "blog", "m", "en", "uk", "content", "voices",
              "query", "global", "english", "sites", "usatoday30", "cached", "newsinfo", "entertainment",
              "music", "herocomplex", "forums", "newyork", "brooklyn", "law", "online"}
TLDS = ["co.uk", "co.nz", "com.au", "com.ph", "org.eg", "com", "org", "net", "ca", "nl", "az", "edu", "gov", "info", "uk"]


def author_for(url):
    if not url:
        return "Staff"
    host = urlparse(url).netloc.lower().split(":")[0]
    parts = host.split(".")
    for i in range(len(parts) - 1):          # longest suffix first: "sportsillustrated.cnn.com" before "cnn.com"
        if ".".join(parts[i:]) in HOSTS:
            return HOSTS[".".join(parts[i:])]
    for platform in ("blogspot.", "wordpress.", "livejournal.", "rsspump."):
        if platform in host:                  # a blog: its name is the subdomain
            name = parts[0]
            return " ".join(w.capitalize() for w in re.split(r"[-_]", name) if w)
    while len(parts) > 2 and parts[0] in SUBDOMAINS:
        parts = parts[1:]
    base = ".".join(parts)
    for tld in TLDS:
        if base.endswith("." + tld):
            base = base[: -len(tld) - 1]
            break
    name = base.split(".")[-1]
    return " ".join(w.capitalize() for w in re.split(r"[-_]", name) if w)


# --------------------------------------------------------------------------- detokenising
FUNCTION_WORDS = {
    "the", "a", "an", "who", "whom", "which", "that", "and", "but", "or", "nor", "it's", "don't", "not",
    "as", "like", "where", "when", "while", "at", "so", "this", "these", "those", "was", "were", "is", "are",
    "including", "although", "though", "even", "both", "many", "some", "making", "breaking", "i", "we",
    "he", "she", "they", "it", "you", "his", "her", "their", "its", "our", "my", "doing", "getting", "known",
    "especially", "because", "if", "than", "then", "just", "only", "perhaps", "maybe", "also", "now",
    "for", "with", "without", "from", "by", "to", "of", "on", "in", "into",
}
SENTENCE_STARTERS = {"The", "A", "An", "He", "She", "It", "They", "We", "I", "This", "That", "These",
                     "Those", "In", "On", "At", "After", "When", "While", "But", "And", "Shortly", "There",
                     "His", "Her", "Their", "Its", "Police", "Officials", "Authorities", "According"}
MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
WEEKDAYS = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
DATE_RE = (r"(?:" + WEEKDAYS + r",?\s+)?(?:" +
           MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?" + r"|" +
           r"\d{1,2}(?:st|nd|rd|th)?\s+" + MONTHS + r",?\s+\d{4}" + r"|" +
           r"\d{1,2}/\d{1,2}/\d{2,4}" + r"|" + r"\d{4}\.\d\d\.\d\d" + r"|" + r"\d\d\.\d\d\.\d{4}" + r"|" +
           r"\d{4}-\d\d-\d\d" + r")")
TIME_RE = (r"(?:\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?|[ap]\b)?|\d{1,2}\.\d\d\s*[ap]m\b)"
           r"(?:\s*(?:ET|EST|EDT|GMT|PT|PST|PDT|CT|CST|CDT|UTC|IST|BST|AEST|NZST)\b)*"
           r"(?:\s*\((?:GMT|UTC)[+-]\d\d:\d\d\)|\s*\(\d{1,2}:\d\d\s*[A-Z]{2,4}\))?")
PREFIX_RE = (r"(?:(?:First|Originally|Last)\s+)?(?:Posted|Published|Updated|Edited|Released|Last updated|"
             r"Article posted|Posted on|Published on|Updated on)\b(?:\s+time)?(?:\s+(?:on|at))?\s*:?")
SEP_RE = r"(?:\s*(?:,|\||@|/|-|–|—|\bat\b)\s*|\s+)"
STAMP_RE = re.compile(
    r"(?i)(?:" + PREFIX_RE + r"\s*)?(?:" +
    r"(?:" + DATE_RE + r")(?:" + SEP_RE + r"(?:" + TIME_RE + r"))?" + r"|" +
    r"(?:" + TIME_RE + r")(?:" + SEP_RE + r"(?:" + DATE_RE + r"))?" + r")")
HAS_TIME = re.compile(TIME_RE, re.I)
HAS_PREFIX = re.compile(r"(?i)^\s*" + PREFIX_RE)


def fix_double_quotes(s):
    """Pair `` '' " “ ” and glue them to the words they quote; output curly quotes."""
    out = []
    inside = False
    pos = 0
    for m in re.finditer(r"``|''|\"|“|”", s):
        q = m.group(0)
        before = s[m.start() - 1] if m.start() > 0 else " "
        after = s[m.end()] if m.end() < len(s) else " "
        b_space = before.isspace() or before in "([{—–-"
        a_space = after.isspace() or after in ".,;:!?)]}"
        if b_space and not a_space:
            kind = "open"
        elif a_space and not b_space:
            kind = "close"
        else:                     # spaces on both sides (tokenised) or none: go by pairing
            kind = "close" if inside else "open"
        inside = kind == "open"
        out.append(s[pos:m.start()])
        out.append("\x01" if kind == "open" else "\x02")
        pos = m.end()
    out.append(s[pos:])
    s = "".join(out)
    s = re.sub(r"\x01\s+", "\x01", s)
    s = re.sub(r"\s+\x02", "\x02", s)
    s = re.sub("(\\w)\x01", "\\1 \x01", s)
    s = re.sub("\x02(\\w)", "\x02 \\1", s)
    return s.replace("\x01", "“").replace("\x02", "”")


NAME_APOSTROPHE = {"O", "D", "L", "Ka"}


def fix_single_quotes(s):
    # spaced typographic apostrophes: "Lohan ’ s", "isn ’ t", "Bluejays ’ Valley"
    s = re.sub(r"(\w) ’ (s|t|re|ve|ll|d|m)\b", r"\1’\2", s)
    s = re.sub(r"(\w)s ’ ", r"\1s’ ", s)
    s = re.sub(r"‘ (?=\w)", "‘", s)
    s = re.sub(r"(?<=[\w.,!?]) ’(?=\s|$|[.,;:!?”])", "’", s)
    # ` quoted ' (ECB) -> ‘quoted’
    s = re.sub(r"`(\w[^`'’]{0,80}?)'", r"‘\1’", s)
    s = s.replace("`", "‘")
    # an opening quote glued to the previous word: "on'Doctor Who'", "Marshals'15 Most Wanted'"

    def glue(m):
        left, right = m.group(1), m.group(2)
        if right.lower() in ("s", "t", "re", "ve", "ll", "d", "m") or left in NAME_APOSTROPHE:
            return m.group(0)
        return left + " '" + right
    s = re.sub(r"\b([A-Za-z0-9]+)'([A-Za-z0-9]+)", glue, s)
    return s


def fix_hyphens_all(s, tokenised):
    s = re.sub(r"\s+-\s+-\s+", " — ", s)
    out = []
    # process left to right so chained decisions see the remaining " - "
    while True:
        m = re.search(r"(\S+) - (\S+)", s)
        if not m:
            break
        rep = _decide_hyphen(s, m, tokenised)
        out.append(s[:m.start()] + rep[0])
        s = rep[1] + s[m.end():]
    out.append(s)
    return "".join(out)


def _decide_hyphen(s, m, tokenised):
    """Return (text to emit, text to push back) for one 'left - right' match."""
    left, right = m.group(1), m.group(2)
    rw = re.sub(r"^[\"“‘'(]+|[^\w’']+$", "", right)
    nxt = s[m.end():m.end() + 3]
    chained = nxt == " - "
    dash = False
    if not tokenised:
        dash = not (re.search(r"\d$", left) and re.match(r"[a-z0-9]", right))
    elif re.search(r"[,;:!?)\]”]$", left):
        dash = True
    elif left.endswith(".") and right[:1].isupper():
        dash = True
    elif rw.lower() in FUNCTION_WORDS and not chained and not (left.isupper() and rw.isupper()):
        dash = True
    elif re.fullmatch(r"\d{4}", left) and right[:1].isupper():
        dash = True
    elif re.fullmatch(r"[A-Z]{3,}", left) and re.match(r"[A-Z][a-z]", right):
        dash = True
    elif rw in SENTENCE_STARTERS and not chained:
        dash = True
    if tokenised and rw.lower() in ("and", "or", "to") and re.match(r" \S+ - ", s[m.end():]):
        return left + "- ", right                 # "32- and 64-bit"
    if dash:
        return left + " – ", right
    return left + "-", right


ABBREV_SPACE = re.compile(r"\b(Gov|Sen|Rep|Dec|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Mr|Mrs|Ms|Dr|St|Lt|Gen)\.(?=[A-Z0-9])")


def detok(s, tokenised):
    s = s.replace("\t", " ").replace("\u00a0", " ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\b[A-Z]{2,5} [+-]\d+\. ?\d+%\s*", "", s)          # WSJ ticker kickers "AMD +0. 26%"
    s = re.sub(r"\s+--\s+|\s+-\s+-\s+|(?<=\w)--(?=\w)", " — ", s)
    s = re.sub(r"\s+_\s+", " — ", s)
    if tokenised:
        s = re.sub(r"(\d{4})\. (\d\d)\. (\d\d)\b", r"\1.\2.\3", s)   # 2012. 08. 08
        s = re.sub(r"(?<![\d.])(\d{1,3})\. (?=\d)", r"\1.", s)       # 6. 1, $5. 3, 08. 07. 2012
        s = re.sub(r"(?<![\d.])(\d{1,3})\. (?=\d)", r"\1.", s)
        s = re.sub(r"(\d), (\d{3})(?!\d)", r"\1,\2", s)               # 230, 000
    s = re.sub(r"(?<=\d): (?=\d\d(?!\d))", ":", s)                      # 8: 00 am, 05: 08: 35
    s = re.sub(r"(\d) / (?=\d)", r"\1/", s)                            # 27 / 09 / 2013
    s = re.sub(r"(\d) / (?=\d)", r"\1/", s)
    prev = None
    while prev != s:                                                   # U. S. -> U.S., p. m. -> p.m.
        prev = s
        s = re.sub(r"\b([A-Za-z])\. ([A-Za-z])\.(?!\w)", r"\1.\2.", s)
        s = re.sub(r"\b((?:[A-Za-z]\.){2,})\s([A-Za-z])\.(?!\w)", r"\1\2.", s)
    s = ABBREV_SPACE.sub(r"\1. ", s)                                    # Gov.Sarah -> Gov. Sarah
    s = re.sub(r"\ba\.(\d\d)\b", r"a .\1", s)                          # a.45 -caliber
    s = re.sub(r"(\w)\. (\d\d)( - |-| )caliber", r"\1 .\2-caliber", s)    # a loaded. 38 - caliber
    s = re.sub(r"(\w)- (\w)(?!\w*\s+(?:and|or|to)\b)", r"\1-\2", s) if tokenised else \
        re.sub(r"\b(drink|drunk)- (driving)\b", r"\1-\2", s)
    s = fix_hyphens_all(s, tokenised)
    s = fix_double_quotes(s)
    s = fix_single_quotes(s)
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    s = re.sub(r"\s+([,;])(?=\s)", r"\1", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s


# --------------------------------------------------------------------------- datelines
def strip_stamps(s, at_start):
    """Remove "Posted 2: 27 PM, May 3, 2013"-style stamps. At the start of a text a bare date goes too;
    elsewhere only stamps with a time or a Posted/Updated prefix (so "on May 2, 2013, police said" stays)."""
    out = s
    if at_start:
        out = re.sub(r"^(?:Reuters|AP|AFP|Bloomberg)\s+(?=" + MONTHS + r"|\d)", "", out)
        while True:
            t = out.lstrip(" |-–—,:")
            t = re.sub(r"^(?:on|at)\s+(?=\S)", "", t, flags=re.I) if STAMP_RE.match(re.sub(r"^(?:on|at)\s+", "", t, flags=re.I) or "") else t
            m = STAMP_RE.match(t)
            if not m or not m.group(0).strip() or (m.end() < len(t) and t[m.end()].isalnum()):
                out = t
                break
            out = t[m.end():]
    def mid(m):
        g = m.group(0)
        if HAS_PREFIX.match(g) or (HAS_TIME.search(g) and re.search(r"\d{4}|" + MONTHS, g, re.I) and
                                   re.search(r"\d{1,2}:\d\d", g)):
            # keep running-text times like "at 3:33 a.m." when no date is attached
            return " "
        return g
    out = re.sub(r"(?:(?<=\s)|^)(?:" + STAMP_RE.pattern[4:] + r")(?=\s|$)", mid, out, flags=re.I)
    out = re.sub(r"\s+", " ", out).strip()
    return out


def is_dateline(s):
    rest = STAMP_RE.sub(" ", s)
    rest = re.sub(r"(?i)\b(last updated|updated|posted|published|at|on|gmt|et)\b", " ", rest)
    words = re.findall(r"[A-Za-z]{2,}", rest)
    return len(words) <= 1


# --------------------------------------------------------------------------- sentences
ABBREVS = {"mr", "mrs", "ms", "dr", "gov", "sen", "rep", "st", "jr", "sr", "lt", "gen", "col", "sgt", "capt",
           "prof", "inc", "corp", "co", "ltd", "vs", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
           "sep", "sept", "oct", "nov", "dec", "ave", "blvd", "rd", "mt", "ft", "calif", "ga", "okla", "ark",
           "fla", "mass", "ill", "mich", "minn", "tenn", "wash", "ore", "pa", "va", "conn", "colo", "ariz",
           "nev", "ky", "md", "wis", "ind", "kan", "neb", "del", "det", "insp", "supt", "rev", "hon", "pres",
           "dept", "approx", "u.s", "u.k", "a.m", "p.m", "e.g", "i.e", "n.y", "n.c", "l.a", "d.c", "k.c", "sgts",
           "messrs", "gens", "cpl", "pvt", "adm", "cmdr", "maj", "brig", "assn", "bros", "univ", "vol", "fig"}
TITLE_ABBREVS = {"mr", "mrs", "ms", "dr", "gov", "sen", "rep", "st", "gen", "lt", "col", "sgt", "capt", "prof",
                 "rev", "no", "mt", "ft", "insp", "supt", "det", "cpl", "pvt", "adm", "cmdr", "maj", "brig", "messrs"}
SPLIT_RE = re.compile(r"([.!?]+|…)([”’\"')\]]*)\s+(?=[“‘\"'(\[]*[A-Z0-9])")


def sentences(text):
    out = []
    start = 0
    for m in SPLIT_RE.finditer(text):
        end = m.end()
        before = text[start:m.start()]
        tok = before.split()[-1] if before.split() else ""
        tok = re.sub(r"^[\"“‘'(\[]+", "", tok)
        nxt = text[end:].split()[0] if text[end:].split() else ""
        nxt_word = re.sub(r"^[“‘\"'(\[]+", "", nxt)
        if m.group(1) == "." and not m.group(2):
            low = tok.lower()
            if low in TITLE_ABBREVS:
                continue
            if low in ABBREVS or re.fullmatch(r"[A-Z]", tok) or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", tok):
                if nxt_word not in SENTENCE_STARTERS:
                    continue
        out.append(text[start:end].strip())
        start = end
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


# --------------------------------------------------------------------------- titles
TRAILING_WEAK = {"a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "by", "from", "as", "because",
                 "that", "which", "who", "whom", "whose", "while", "when", "where", "its", "his", "their", "is",
                 "was", "are", "were", "has", "have", "had", "be", "than", "into", "after", "before", "at",
                 "these", "those", "one", "some", "nor", "if", "whether", "without", "then", "now"}
# words a headline may be cut before (the tail they start is an adverbial or a coordinated clause);
# not "who/which/that": cutting a defining relative clause leaves "sentenced the man"
CLAUSE_WORDS = {"after", "when", "while", "as", "because", "but", "and", "with", "in", "following", "despite",
                "amid", "before", "on", "for", "where", "since", "until", "during", "without", "at",
                "over", "according", "ending", "leaving", "saying", "citing", "killing", "bringing", "from"}
# a lede starting with one of these opens with an adverbial phrase ("Early Friday morning, ...")
INTRO_START = {"after", "early", "late", "on", "in", "with", "just", "now", "yesterday", "today", "last",
               "following", "despite", "amid", "since", "before", "when", "while", "as", "although", "though",
               "less", "more", "hours", "days", "minutes", "seconds", "providentially", "somehow", "meanwhile",
               "still", "also", "however", "later", "earlier", "at", "during", "within", "over", "under",
               "talking", "speaking", "nearly", "almost", "once", "for", "by", "from", "upon", "without",
               "seventeen", "twenty", "thirty", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve", "well", "oh", "so"}
MAIN_CLAUSE_START = re.compile(r"^[“‘\"']?(?:the|a|an|his|her|their|its|my|our|he|she|they|it|we|i|police|"
                               r"officials|authorities|one|some|many|most|all|both|several|[A-Z0-9][\w’'.-]*)\b")
PRONOUN_START = re.compile(r"^(?:He|She|They|It|We|I|You|This|That|These|Those|His|Her|Their|Its)\b")
ABBR_END = re.compile(r"(?:\b(?:Gov|Sen|Rep|Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Prof|Jr|Sr|Mt|Ft|No|vs)\.|"
                      r"\b[A-Z]\.|\b(?:[A-Za-z]\.){2,})$")


def drop_intro(s):
    """'Early Friday morning, around 1:30 a.m., the actress checked in' -> 'The actress checked in'."""
    first = re.sub(r"[^\w]", "", s.split(" ")[0]).lower()
    if first not in INTRO_START:
        return s
    parts = re.split(r",(?!\d)[”’\"']?\s+", s)
    for i in range(1, len(parts)):
        seg = parts[i]
        if MAIN_CLAUSE_START.match(seg) and not re.match(r"(?i)^(?:around|about|at|on|in|after|before|"
                                                            r"during|just|nearly|only|some|with|when|while|"
                                                            r"as|and|or|but)\b", seg):
            rest = s[s.index(seg, len(parts[0])):] if seg in s else ", ".join(parts[i:])
            if len(rest) >= 30:
                return rest[:1].upper() + rest[1:]
            break
    return s


def balanced(s):
    return (s.count("(") == s.count(")") and s.count("“") == s.count("”") and s.count("[") == s.count("]")
            and s.count('"') % 2 == 0)


def cut_points(s):
    """(prefix, quality) for every place a headline may end, longest first. quality 2 = a cut that keeps
    a grammatical main clause by the heuristics below, 1 = any word boundary."""
    words = s.split(" ")
    for i in range(len(words) - 1, 2, -1):
        prefix = " ".join(words[:i])
        prev, nxt = words[i - 1], words[i]
        comma_cut = prev[-1:] in ",;:" or nxt in ("—", "–")
        word_cut = re.sub(r"[^\w]", "", nxt).lower() in CLAUSE_WORDS or (
            nxt in ("by", "after", "before") and i + 1 < len(words) and words[i + 1].endswith("ing"))
        cut = trim_weak_end(prefix.rstrip(" ,;:—–-"))
        good = (comma_cut or word_cut) and len(cut) >= 40 and balanced(cut) and not ABBR_END.search(cut)
        if good:
            commas = len(re.findall(r"(?<!\d),(?!\d)(?!\s+\S+(?:\s+\S+)?\s+(?:and|or)\s)", cut))
            closing = comma_cut and re.sub(r"[^\w]", "", nxt).lower() in (
                "and", "but", "or", "while", "said", "says", "according", "police", "officials")
            if commas % 2 and not closing:            # an unclosed appositive: "Mark Vinar, an Australian"
                good = False                          # (but "..., Sarah Palin, and she" closes one)
        if good and comma_cut and prev[-1:] == ",":
            last = re.sub(r"[^\w]", "", prev)
            if last.isupper() or last.isdigit() or (last[:1].isupper() and nxt[:1].isupper()):
                good = False                          # a list: "his IBF, IBO and WBO", "Mannheim, Germany"
        if good and re.sub(r"[^\w]", "", s.split(" ")[0]).lower() in INTRO_START and "," not in cut:
            good = False                              # still inside the opening adverbial
        if not good and len(cut) >= 40 and balanced(cut) and not ABBR_END.search(cut) and \
                re.sub(r"[^\w]", "", nxt).lower() in ("who", "which", "that", "whose"):
            yield cut, 1.5                            # "... fix a software flaw" before "that allows ..."
            continue
        yield cut, 2 if good else 1


def shorten(s, limit, ellipsis=False):
    """Cut s to <= limit chars at a clause boundary (never mid-word). Returns (text, was_cut)."""
    s = s.strip()
    if len(s) <= limit:
        return s, False
    if not ellipsis:
        t = drop_intro(s)
        if len(t) <= limit:
            return t.rstrip("."), True
        s = t
    best = {}
    for cut, q in cut_points(s):
        if len(cut) <= limit and q not in best:
            best[q] = cut
    cut = best.get(2) or best.get(1.5) or best.get(1) or s[:limit].rsplit(" ", 1)[0]
    if ellipsis:
        cut = cut.rstrip(" ,;:") + "…"
    return cut, True


def trim_weak_end(s, weak=TRAILING_WEAK):
    words = s.split(" ")
    while len(words) > 3 and re.fullmatch(r"[a-z]+[,;:]?", words[-1]) and words[-1].rstrip(",;:") in weak:
        words.pop()
    return " ".join(words).rstrip(" ,;:—–-")


WORD_RE = r"[A-Za-z0-9][A-Za-z0-9’'.]*[A-Za-z0-9]|[A-Za-z]"
GLOBAL_FORMS = collections.defaultdict(collections.Counter)   # filled by main(): spelling across the corpus


def word_forms(text):
    """lower-cased word -> Counter of its spellings, not counting sentence-initial capitals and
    all-caps runs (headline shouting), except short acronyms."""
    forms = collections.defaultdict(collections.Counter)
    for sent in sentences(text):
        ws = re.findall(WORD_RE, sent)
        shouting = sum(1 for w in ws if w.isupper() and len(w) > 1) > len(ws) / 2
        for i, w in enumerate(ws):
            if w.isupper() and len(w) > 1 and (shouting or not re.fullmatch(r"[A-Z]{2,5}s?", w)):
                continue
            forms[w.lower()][w] += 0 if i == 0 else 1
    return forms


def recase_caps(title, text, force=False):
    """ALL-CAPS headline -> sentence case, using how the article (else the corpus) spells each word."""
    letters = [c for c in title if c.isalpha()]
    if not force and (not letters or sum(c.isupper() for c in letters) / len(letters) < 0.8 or
                      len(title.split()) < 2):
        return title
    forms = word_forms(text)

    def one(m):
        w = m.group(0)
        for f in (forms.get(w.lower()), GLOBAL_FORMS.get(w.lower())):
            if f and sum(f.values()) > 0:
                return f.most_common(1)[0][0]
        if forms.get(w.lower()):
            return w.lower()
        if len(w) <= 3 and w.isalpha():
            return w          # unknown short word: probably an acronym (DUI, NFL)
        return w.lower()
    out = re.sub(WORD_RE, one, title)
    return out[:1].upper() + out[1:]


def fix_lowercase_names(title, text):
    """'Alaska Gov. sarah palin's' -> 'Sarah Palin's' when the article always capitalises them."""
    forms = word_forms(text)

    def one(m):
        w = m.group(0)
        base = re.sub(r"[’']s$", "", w)
        for f, need in ((forms.get(base.lower()), 2), (GLOBAL_FORMS.get(base.lower()), 10)):
            if w.islower() and f and f[base.capitalize()] >= need and f[base.capitalize()] >= 10 * f[base.lower()]:
                return base.capitalize() + w[len(base):]
        return w
    return re.sub(r"(?<=\s)[a-z][a-z’']+", one, title)


LEDE_DATELINE = re.compile(r"^[A-Z][A-Za-z.' ]{1,25}(?:, [A-Z][A-Za-z. ]{1,20})?(?: \([^)]{1,30}\))? [–—] (?=[A-Z])")


def recase_leading_caps(title, text):
    """'AN AUSTRALIAN climber ...' (a newspaper lede style) -> 'An Australian climber ...'."""
    words = title.split(" ")
    n = 0
    while n < len(words) and re.fullmatch(r"[A-Z0-9][A-Z0-9’'.-]*[A-Z]|[A-Z]", re.sub(r"[^\w’'.-]", "", words[n]) or "x"):
        n += 1
    if n == 0 or n == len(words):
        return title
    if n == 1:
        w = re.sub(r"[^\w]", "", words[0])
        f = GLOBAL_FORMS.get(w.lower())
        if len(w) <= 1 or not f or sum(f.values()) == 0 or f.most_common(1)[0][0] == w:
            return title      # an acronym (NBA, UN) or unknown
    head = recase_caps(" ".join(words[:n]), text, force=True)
    return head + " " + " ".join(words[n:])


SOURCE_TITLE_WEAK = {"a", "an", "the", "and", "or", "but", "of", "because", "that", "which", "who"}


def clean_title(t, stamps=True):
    """Headline hygiene: no dateline, no final full stop, no dangling 'because' (truncated sources)."""
    if stamps:
        t = re.sub(r"(?i)\s*" + MONTHS + r"\s*\d{1,2},\s*\d{4}\s*$", "", t)   # "...DA SAYSSEPTEMBER 19, 2013"
        t = strip_stamps(t, at_start=True)
    t = t.strip(" |-–—:,")
    last = t.split(" ")[-1].rstrip(".").lower() if t else ""
    if t.endswith(".") and not t.endswith("..") and not ABBR_END.search(t) and last not in ABBREVS:
        t = t[:-1]
    t = trim_weak_end(t, SOURCE_TITLE_WEAK)
    return t[:1].upper() + t[1:]


def norm(s):
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def weak_lede(s):
    """A chatty sentence ("It's about time, right?", "But after ...") makes a poor headline."""
    words = re.findall(r"[A-Za-z][\w’'.-]*", s)
    caps = [w for w in words[1:] if w[0].isupper() and w not in ("I", "I'm", "I’m", "I've")]
    return len(words) < 4 or not caps or words[0] in ("But", "And", "So", "Still", "However", "Or", "Yet")


def strip_parens(s):
    return re.sub(r"\s*(?:\([^()]{1,60}\)|\[[^\[\]]{1,60}\])", "", s)


def strip_asides(s):
    """Drop parentheses, ages and non-defining clauses: 'Mark Vinar, an Australian climber from Perth,
    has been presumed dead' -> 'Mark Vinar has been presumed dead'."""
    s = strip_parens(s)
    s = re.sub(r", \d{1,3},(?= (?:who|whose|which)\b)", ",", s)                   # "Smith, 26, who"
    s = re.sub(r", \d{1,3},(?= )", "", s)                                         # "Nichols, 37, was"
    s = re.sub(r", (?:who|whose|which)\b[^,;:“”\"]{3,90}?,(?= [a-z])", "", s)
    s = re.sub(r"(\b[A-Z][\w’'.-]*), (?:an?|the|now|once|also)\b[^,;:“”\"]{3,60}?,(?= [a-z])", r"\1", s)
    s = re.sub(r", (?:who|whose|which)\b[^,;:“”\"]{3,200}$", "", s)                # trailing ", which ..."
    return s


def headline_options(sent, text):
    """(score, headline) ways to make a headline of one sentence; higher is better:
    3 whole sentence, 2.5 sentence without asides / opening adverbial, 2.4 whole but a little long,
    2 cut at a clause boundary, 1 cut anywhere; -0.8 when it opens with a pronoun ("He said ...")."""
    t = clean_title(sent, stamps=False)
    t = LEDE_DATELINE.sub("", t)
    t = recase_leading_caps(t, text)
    t = t[:1].upper() + t[1:]
    pen = 0.8 if PRONOUN_START.match(t) else 0.0
    if len(t) <= TITLE_MAX:
        yield 3.0 - pen, t
        return
    if len(t) <= TITLE_SOFT_MAX:
        yield 2.4 - pen, t
    forms = []
    a = strip_asides(t)
    for x in (a, drop_intro(a), drop_intro(t)):
        x = clean_title(x, stamps=False)
        if x != t and x not in forms:
            forms.append(x)
    for x in forms:
        if len(x) <= TITLE_MAX:
            yield 2.5 - (0.8 if PRONOUN_START.match(x) else 0), x
    seen_q1 = False
    for x in forms[:1] + [t] + forms[1:]:
        for cut, q in cut_points(x):
            if len(cut) > TITLE_MAX or (q == 1 and seen_q1):
                continue
            seen_q1 = seen_q1 or q == 1
            yield q - (0.8 if PRONOUN_START.match(cut) else 0), cut


def best_headline(sents, text, skip=()):
    """Best headline from the first sentences: (headline, index of the sentence, whole sentence used)."""
    best = None
    for i, sent in enumerate(sents[:3]):
        if weak_lede(sent) and i + 1 < len(sents):
            continue
        for score, h in headline_options(sent, text):
            if norm(h) in skip or len(h) < 20:
                continue
            score -= 1.2 * i                           # the lede is worth more than later sentences
            if best is None or score > best[0]:
                best = (score, h, i, norm(h) == norm(clean_title(sent, stamps=False)))
    if best is None:
        return None
    return best[1], best[2], best[3]


# --------------------------------------------------------------------------- tags
# Words that never make a tag on their own, and job titles stripped from the front of a name.
TAG_STOP = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
            "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
            "AP", "Associated Press", "Reuters", "AFP", "BBC News", "ET", "EST", "GMT", "PM", "AM", "NY", "US",
            "U.S.", "UK", "TV", "Jr", "Sr", "Inc", "Co", "Corp", "OK", "THE", "AND", "IN", "OF", "IR", "KO",
            "KOs", "DA", "DWI", "DUI", "TD", "RB", "WR", "NT", "MP", "MPs", "RTM", "CEO", "Getty Images",
            "Twitter", "Facebook", "Copyright", "Associated", "Press", "Staff", "Week", "Government", "I'm",
            "I’m", "I've", "I’ve", "I'll", "Christmas", "God", "Mom", "Dad", "Mr", "Mrs", "Ms", "Dr"}
TITLE_WORDS = {"Mr", "Mrs", "Ms", "Dr", "Gov", "Governor", "Sen", "Senator", "Rep", "President", "Vice",
               "Coach", "Sgt", "Officer", "Detective", "Det", "Chief", "Judge", "Secretary", "Inspector", "Insp",
               "Former", "Assistant", "General", "Manager", "Mayor", "Commissioner", "Councilman", "Captain",
               "Capt", "Lt", "Sheriff", "Deputy", "Prosecutor", "Attorney", "District", "Superior", "Court",
               "Interior", "Commerce", "Head", "Executive", "Spokesman", "Spokeswoman", "Agent", "Trooper",
               "American", "British", "Australian", "Greek", "Israeli", "Palestinian", "Sudanese", "Senior",
               "Prime", "Minister", "Foreign", "Rev", "Pastor", "Father", "Professor", "Prof", "Defensive",
               "Tackle", "Receiver", "Quarterback", "Guard", "Forward", "Center", "Senate", "House", "State",
               "Federal", "Police", "Fire", "CHP", "Interim", "Acting", "Director", "Chairman", "CEO", "Junior",
               "Freshman", "Sophomore", "Coaches", "Heavyweight", "Champion", "Actor", "Actress", "Star",
               "Singer", "Reporter", "Councilwoman", "Assemblyman", "Congressman", "Congresswoman", "Spokesperson",
               "CTO", "CFO", "COO", "Editor", "Managing", "Clerk", "Commander", "Englishman", "Englishwoman",
               "Councilman", "QB", "WR", "NT", "RB", "TE", "LB", "CB", "DE", "DT", "Prosecuting", "President-elect",
               "All-American", "Linebacker", "RBs", "Analyst", "Founder", "Owner", "Lawyer", "Publicist", "Chairwoman",
               "Safety", "Public", "Area", "Twenty-year-old", "Investigator", "Ranger", "Patrol", "Highway"}
TRAILING_TITLES = {"Director", "Coach", "Chief", "Officer", "Manager", "Secretary", "President", "QB", "WR", "NT",
                   "RB", "TE", "RBs", "Analyst", "Spokesman", "Spokeswoman", "Commissioner", "Mayor"}
STREET_WORDS = {"St", "Street", "Ave", "Avenue", "Road", "Rd", "Boulevard", "Blvd", "Highway", "Route", "Drive",
                "Lane", "Parkway", "Pkwy", "Way"}
CONNECTORS = {"of", "de", "van", "von", "al", "bin", "&"}
LOWER_WORDS = set()   # filled by main(): every word seen in lower case somewhere in the corpus


ORG_WORDS = {"University", "Department", "Bank", "Republic", "Party", "Commission", "Ministry", "Church",
             "Council", "Board", "College", "School", "Institute", "Office", "Association", "Society", "Union",
             "Court", "House", "Museum", "Centre", "Center", "Kingdom", "Bureau", "Agency", "Service", "Federation",
             "Organization", "Organisation", "Secretary", "Fires", "Referenda"}
MEDIA_END = re.compile(r"\b(?:News|Times|Post|Journal|Herald|Tribune|Constitution|Advocate|Picayune|Gazette|"
                       r"Daily|Examiner|Chronicle|Inquirer|Telegraph|Guardian|Independent)$")
FUNCTION_CAPS = {"The", "A", "An", "In", "On", "At", "When", "While", "But", "And", "Or", "Over", "After", "Before",
                 "If", "As", "For", "With", "From", "By", "To", "Of", "Is", "Was", "This", "That", "It", "He",
                 "She", "They", "We", "His", "Her", "Their", "Its", "Our", "So", "Yet", "Then", "Now", "Even",
                 "BST", "GMT", "EST", "ET", "Updated", "Posted", "Published", "Fired", "Hire", "Named"}


def title_case_line(sent):
    ws = re.findall(r"[A-Za-z][\w’'-]*", sent)
    return len(ws) >= 4 and sum(1 for w in ws if w[:1].isupper()) > 0.6 * len(ws)


def candidate_names(sents):
    """Capitalised runs ("Tara Reid", "Betty Ford Center", "New Orleans Saints") with their counts,
    ignoring Title Case lines (headlines glued into the text say "Colts Beat Chiefs")."""
    counts = collections.Counter()
    for sent in sents:
        if title_case_line(sent):
            continue
        toks = re.findall(r"[A-Za-z0-9][\w&.’'-]*|[^\w\s]", sent)
        i = 0
        while i < len(toks):
            if not toks[i][:1].isupper():
                i += 1
                continue
            run = [toks[i]]
            j = i
            while j + 1 < len(toks):
                nt = toks[j + 1]
                if re.search(r"(?:[’']s?)$", run[-1]) and nt not in ("Club", "Purse"):
                    break                 # "Reid's rep", "Germany's Gene Pukall" end a name; "Sam's Club" does not
                if nt[:1].isupper() and not re.search(r"[a-z]\.$", run[-1]):
                    run.append(nt)
                    j += 1
                elif nt in CONNECTORS and j + 2 < len(toks) and toks[j + 2][:1].isupper():
                    run.append(nt)
                    j += 1
                else:
                    break
            start = i
            i = j + 1
            run[-1] = re.sub(r"(?:[’']s|[’'])$", "", run[-1]).rstrip(".")
            if "of" in run:               # "University of Athens" yes, "Anthony LaSalle of Bloomington" no
                k = run.index("of")
                if run[k - 1] not in ORG_WORDS:
                    run = run[:k]
            at_start = start == 0 or toks[start - 1] in ("“", '"', ":", "—", "–", "(", "‘")
            if at_start and len(run) > 1 and run[0].lower() in LOWER_WORDS:
                run = run[1:]             # "Instead Hugh Jackman", "Meanwhile Mozilla" (a surname left
                                          # alone folds back into the full name, see collect_names)
            while run and (run[0] in FUNCTION_CAPS or run[0] in SENTENCE_STARTERS or
                           re.search(r"-[a-z]+$", run[0]) or run[0].rstrip(".") in TITLE_WORDS or
                           run[0] in CONNECTORS or (start == 0 and len(run) == 1)):
                run = run[1:]             # "When Israel", "Calif.-based SeaMicro", "Former Kutztown"
            titled = [k for k, t in enumerate(run) if t.rstrip(".") in TITLE_WORDS]
            if titled and titled[-1] < len(run) - 1:
                run = run[titled[-1] + 1:]    # "Fulton County District Attorney Paul Howard" -> "Paul Howard"
            while run and (run[-1] in CONNECTORS or run[-1] in TAG_STOP or run[-1] in ("Inc", "Corp", "Co", "Ltd")
                           or run[-1].rstrip(".") in TRAILING_TITLES or re.fullmatch(MONTHS, run[-1])
                           or (len(run) > 1 and re.fullmatch(r"[A-Z]{2,4}s?|[A-Z][a-z]+-[A-Z][a-z]+", run[-1])
                               and not run[-2].isupper())):
                run = run[:-1]            # "Manokwari Jan", "Intel CPUs", "Chiefs QB", "SeaMicro Low-Power"
            if not run or run[-1] in STREET_WORDS:
                continue
            name = " ".join(run)
            if name in TAG_STOP or run[0] in TAG_STOP or len(name) < 3 or MEDIA_END.search(name):
                continue
            if len(run) == 1:
                w = run[0]
                if w.isupper() and not re.fullmatch(r"[A-Z]{2,5}", w):
                    continue              # shouting, not an acronym
                if w.lower() in LOWER_WORDS or w.rstrip(".") in TITLE_WORDS:
                    continue              # an ordinary word that happened to be capitalised
            elif all(t.lower() in LOWER_WORDS or t in CONNECTORS for t in run):
                continue                  # "Perennial Party Girl", "Eastern Conference standings"
            counts[name] += 1
    return counts


def collect_names(items):
    """Per article: name -> count (surnames folded into the full name used in the same article).
    Returns ({doc: Counter}, Counter of document frequency)."""
    per_doc = {}
    df = collections.Counter()
    for it in items:
        c = candidate_names(it["body_sents"] + [it["title"]])
        multi = [n for n in c if " " in n]
        folded = collections.Counter()
        for n, k in c.items():
            if " " not in n:            # "Reid" -> "Tara Reid", "Kimani" -> "Kimani Gray"
                longer = sorted((m for m in multi if n in (m.split(" ")[-1], m.split(" ")[0])),
                                key=lambda m: (-c[m], m))
                if longer:
                    folded[longer[0]] += k
                    continue
            folded[n] += k
        per_doc[it["doc"]] = folded
        df.update(folded.keys())
    return per_doc, df


def make_tags(counts, df, topic_tags):
    """Topic tags first, then the article's most mentioned names (a multi-word name twice or more, a
    single word three times or more and in at least two articles of the corpus), 2-5 tags in all."""
    def weight(n):
        return counts[n] * (1.5 if " " in n else 1.0) * (1.3 if df[n] > 1 else 1.0)
    names = sorted(counts, key=lambda n: (-weight(n), n))
    tags = list(topic_tags)
    low = [t.lower() for t in tags]
    for n in names:
        if len(tags) >= 5:
            break
        k = counts[n]
        if (" " in n and k < 2) or (" " not in n and (k < 3 or df[n] < 2)):
            continue
        nl = n.lower()
        if any(nl in t or t in nl for t in low):
            continue
        tags.append(n)
        low.append(nl)
    if len(tags) < 3:                  # a short article: take its best-mentioned name even if said once
        for n in names:
            nl = n.lower()
            if " " in n and not any(nl in t or t in nl for t in low):
                tags.append(n)
                break
    return tags


# --------------------------------------------------------------------------- markdown
def md_escape(s):
    s = s.replace("\\", "\\\\")
    s = re.sub(r"([*_`<>\[\]])", r"\\\1", s)
    return s


def md_paragraph(p):
    p = md_escape(p)
    p = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", p)     # "2013. " at a line start is not a list
    p = re.sub(r"^([#+=|~-])", r"\\\1", p)
    return p


def paragraphs(sents):
    paras, cur, size = [], [], 0
    for s in sents:
        starts_quote = s[:1] in "“\"‘"
        if cur and (len(cur) >= 4 or (len(cur) >= 3 and size > 250) or (len(cur) >= 2 and size > 420) or
                    (len(cur) >= 2 and starts_quote) or size > 700):
            paras.append(cur)
            cur, size = [], 0
        cur.append(s)
        size += len(s)
    if cur:
        if len(cur) == 1 and paras and len(paras[-1]) < 4 and size < 200:
            paras[-1].extend(cur)
        else:
            paras.append(cur)
    return [" ".join(p) for p in paras]


# --------------------------------------------------------------------------- dates
def h(*parts):
    return int.from_bytes(hashlib.sha256("\x00".join(parts).encode()).digest()[:8], "big")


def schedule(docs):
    """published_at per doc: stories spread evenly over the window (order by hash), each story's
    articles within ~0-2 days of its first report, hours 06-23 UTC, never after ANCHOR."""
    stories = sorted({d["subtopic"] for d in docs}, key=lambda s: h("story", s))
    start = (ANCHOR - datetime.timedelta(days=WINDOW_DAYS)).replace(hour=0, minute=0, second=0)
    last_day = WINDOW_DAYS - 2          # a story begun on the last days still has room for follow-ups
    story_day = {s: round(i * last_day / max(1, len(stories) - 1)) for i, s in enumerate(stories)}
    out = {}
    for d in docs:
        rnd = random.Random(h("doc", d["doc"]))
        day0 = story_day[d["subtopic"]] + 1
        r = rnd.random()
        offset = 0 if r < 0.55 else 1 if r < 0.88 else 2     # most coverage lands the day of the event
        day = day0 + offset
        hour = rnd.randint(6, 23)
        minute = rnd.randint(0, 59)
        t = start + datetime.timedelta(days=day, hours=hour, minutes=minute, seconds=rnd.randint(0, 59))
        if t > ANCHOR:
            t = t.replace(hour=rnd.randint(6, ANCHOR.hour - 1))
        if t > ANCHOR:
            t = ANCHOR - datetime.timedelta(minutes=rnd.randint(5, 600))
        out[d["doc"]] = t
    return out


# --------------------------------------------------------------------------- per article
FURNITURE = re.compile(r"(?i)\S+ ?@ ?\S+\.(?:com|org|net)\b|can be reached at|\bfollow (?:us|him|her|politics|"
                       r"\w+) on (?:twitter|facebook|the)|click here|all rights reserved|^related:|^copyright")


def build(d):
    tokenised = d["source"] == "ecbplus"
    doc = d["doc"]
    text = detok(d["text"], tokenised)
    title = detok(d["title"], tokenised)
    if not text.startswith(title):
        raise SystemExit("%s: the text does not start with the title" % doc)
    rest = strip_stamps(text[len(title):].strip(), at_start=True)

    mode = None                    # where the headline comes from: source | table | lede
    if doc in HEADLINES:
        hl = detok(HEADLINES[doc], tokenised)
        if not rest.startswith(hl):
            raise SystemExit("HEADLINES[%s] not at the start of the body: %r" % (doc, rest[:120]))
        rest = strip_stamps(rest[len(hl):].strip(), at_start=True)
        title = HEADLINE_AS.get(doc, hl)
        mode = "table"
    if doc in DROP_LEADING:
        junk = detok(DROP_LEADING[doc], tokenised)
        if not rest.startswith(junk):
            raise SystemExit("DROP_LEADING[%s] not at the start of the body: %r" % (doc, rest[:120]))
        rest = rest[len(junk):].strip()
        mode = "lede"
    if mode is None:
        if not clean_title(title) or is_dateline(title):
            mode = "lede"
        elif norm(sentences(text)[0]) == norm(title):   # the ECB title *is* the first sentence
            mode = "lede"
            rest = title + " " + rest
        else:
            mode = "source"
    body_sents = [x for x in sentences(rest) if not FURNITURE.search(x)]
    if not body_sents:                  # the whole text was the headline (a one-line transactions item)
        body_sents = sentences(text)

    if mode == "lede":
        got = best_headline(body_sents, text)
        if got is None:
            raise SystemExit("%s: no headline" % doc)
        title, i, whole = got
        if i == 0 and whole and len(body_sents) > 1:
            body_sents = body_sents[1:]        # the headline is the whole first sentence: not twice
    else:
        parts = sentences(title)
        if len(title) > TITLE_SOFT_MAX and len(parts) > 1 and re.search(r"[a-z]{2}\.$", parts[0]):
            # "... against the Jacksonville Jaguars. He completed his first 17 passes"
            title = parts[0]
        title = clean_title(title)
        if len(title) > TITLE_SOFT_MAX:
            title, _ = shorten(title, TITLE_MAX)
        title = recase_caps(title, rest or text)
        title = recase_leading_caps(title, rest or text)
    title = fix_lowercase_names(title, text)
    return {"doc": doc, "d": d, "title": title, "title_from": mode, "body_sents": body_sents, "text": text}


def make_summary(title, sents):
    """First sentence or two (<= SUMMARY_MAX) that is not the headline."""
    cand = [x for x in sents if norm(x) != norm(title) and norm(clean_title(x)) != norm(title)]
    if not cand:
        return title
    first = cand[0]
    if len(first) > SUMMARY_MAX:
        return shorten(first, SUMMARY_MAX - 1, ellipsis=True)[0]
    out = first
    if len(cand) > 1 and len(out) < 120 and len(out) + 1 + len(cand[1]) <= SUMMARY_MAX:
        out += " " + cand[1]
    return out


def unique_titles(items):
    """Duplicate headlines (one story, several outlets) are realistic, but they collide in slugs, search
    results and Related lists. The first article (by doc id) keeps the headline; each later copy gets a
    headline made from its own lede (or the next sentences, or another clause cut of the lede)."""
    taken = {norm(it["title"]) for it in items}
    seen = set()
    for it in sorted(items, key=lambda x: natural_key(x["doc"])):
        key = norm(it["title"])
        if key not in seen:
            seen.add(key)
            continue
        cands = []
        for i in range(min(4, len(it["body_sents"]))):
            got = best_headline(it["body_sents"][i:], it["text"], skip=taken)
            if got:
                cands.append(got[0])
        for cand in cands:
            if norm(cand) not in taken and len(cand) >= 25:
                it["title"] = cand
                it["title_from"] = "dedup"
                break
        else:
            raise SystemExit("cannot make a unique title for " + it["doc"])
        taken.add(norm(it["title"]))
        seen.add(norm(it["title"]))


def natural_key(s):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s)]


def print_stats(records, err):
    """--stats: section counts, title lengths and three sample records, on stderr."""
    err.write("%d articles, %d bytes\n" % (len(records), sum(
        len(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()) + 1 for r in records)))
    for sec, n in sorted(collections.Counter(r["section"] for r in records).items(), key=lambda x: (-x[1], x[0])):
        err.write("  %-26s %4d\n" % (sec, n))
    lens = sorted(len(r["title"]) for r in records)
    err.write("title length: median %d, max %d; %s .. %s\n" % (
        lens[len(lens) // 2], lens[-1], records[0]["published_at"], records[-1]["published_at"]))
    for r in (records[0], records[len(records) // 2], records[-1]):
        short = dict(r)
        short["body"] = r["body"][:300] + ("…" if len(r["body"]) > 300 else "")
        err.write(json.dumps(short, ensure_ascii=False, indent=1) + "\n")


def main():
    args = [a for a in sys.argv[1:] if a != "--stats"]
    if len(args) != 1:
        sys.stderr.write("usage: make-demo-corpus.py [--stats] ecbplus/docs.jsonl > demo/ecbplus-demo.jsonl\n")
        return 2
    with open(args[0], encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    for d in docs:
        clean = detok(d["text"], d["source"] == "ecbplus")
        for w, c in word_forms(clean).items():
            GLOBAL_FORMS[w].update(c)
        for sent in sentences(clean):
            LOWER_WORDS.update(w for w in re.findall(r"[A-Za-z][\w’'-]*", sent)[1:] if w.islower())
    items = [build(d) for d in docs]
    unique_titles(items)
    when = schedule(docs)
    names, df = collect_names(items)
    records = []
    for it in items:
        d = it["d"]
        section, topic_tags = TOPICS[int(d["topic"])]
        section = SUBTOPIC_SECTION.get(d["subtopic"], section)
        body = "\n\n".join(md_paragraph(p) for p in paragraphs(it["body_sents"]))
        rec = collections.OrderedDict()
        rec["id"] = "ecbplus-" + d["doc"]
        rec["title"] = it["title"]
        rec["summary"] = recase_leading_caps(make_summary(it["title"], it["body_sents"]), it["text"])
        rec["body"] = body
        rec["section"] = section
        rec["author"] = author_for(d.get("url", ""))
        rec["tags"] = make_tags(names[d["doc"]], df, topic_tags)
        rec["published_at"] = when[d["doc"]].strftime("%Y-%m-%dT%H:%M:%SZ")
        rec["language"] = "en"
        if d.get("url"):
            rec["source_url"] = d["url"]
        records.append(rec)
    records.sort(key=lambda r: (r["published_at"], r["id"]))
    out = sys.stdout.buffer            # UTF-8 and "\n" whatever the locale and platform
    for r in records:
        out.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    out.flush()
    if "--stats" in sys.argv[1:]:
        print_stats(records, sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
