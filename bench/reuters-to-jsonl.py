#!/usr/bin/env python3
"""Convert Reuters-21578 (JSON Lines) into newsdesk import JSON Lines, for the import benchmark.

    python3 bench/reuters-to-jsonl.py [/work/shared/data/reuters21578] > /tmp/reuters.jsonl

Reads every reuters_docs.*.jsonl in the directory (fields newid, lewissplit, date, topics, places,
title, body) and writes one article per line, in newid order:

  id            "reuters-<newid>"
  title         the wire headline (ALL CAPS, as sent); if empty, the first words of the body
  body          the story as Markdown: the wire's wrapped lines joined, one paragraph per indented
                line, the "Reuter" sign-off dropped, Markdown specials escaped; a headline-only
                item (no body, 1,798 of them) gets its headline as body
  section       from the first topic ("Business/Earnings", "Markets/Grain", ...), else the first
                place ("World/Japan"), else "Wire"
  tags          topics as the dataset spells them ("money-fx"), then places as names ("West Germany")
  published_at  the wire time as RFC 3339, taken as UTC (the dataset gives no zone), no fraction
  language      "en"

Stories with neither headline nor body (737 of 21,578) are skipped; the counts go to stderr.
Standard library only; the output is the same for the same input.
"""

import glob
import html
import json
import os
import re
import sys

DATA = "/work/shared/data/reuters21578"

# The most common topics get a two-level section, the rest "Markets/<Topic>".
SECTIONS = {
    "earn": "Business/Earnings", "acq": "Business/Mergers", "money-fx": "Markets/Currencies",
    "dlr": "Markets/Currencies", "yen": "Markets/Currencies", "crude": "Markets/Energy",
    "nat-gas": "Markets/Energy", "gas": "Markets/Energy", "fuel": "Markets/Energy",
    "heat": "Markets/Energy", "pet-chem": "Markets/Energy", "grain": "Markets/Grain",
    "wheat": "Markets/Grain", "corn": "Markets/Grain", "barley": "Markets/Grain", "rice": "Markets/Grain",
    "sorghum": "Markets/Grain", "oat": "Markets/Grain", "rye": "Markets/Grain", "oilseed": "Markets/Oilseeds",
    "soybean": "Markets/Oilseeds", "veg-oil": "Markets/Oilseeds", "interest": "Economy/Interest Rates",
    "money-supply": "Economy/Money Supply", "trade": "Economy/Trade", "gnp": "Economy/Growth",
    "cpi": "Economy/Prices", "wpi": "Economy/Prices", "jobs": "Economy/Jobs", "bop": "Economy/Trade",
    "reserves": "Economy/Reserves", "ipi": "Economy/Industry", "retail": "Economy/Retail",
    "housing": "Economy/Housing", "ship": "Business/Shipping", "gold": "Markets/Metals",
    "silver": "Markets/Metals", "copper": "Markets/Metals", "iron-steel": "Markets/Metals",
    "alum": "Markets/Metals", "zinc": "Markets/Metals", "tin": "Markets/Metals", "nickel": "Markets/Metals",
    "lead": "Markets/Metals", "platinum": "Markets/Metals", "sugar": "Markets/Softs", "coffee": "Markets/Softs",
    "cocoa": "Markets/Softs", "cotton": "Markets/Softs", "rubber": "Markets/Softs",
    "livestock": "Markets/Livestock", "carcass": "Markets/Livestock", "hog": "Markets/Livestock",
}
PLACES = {"usa": "USA", "uk": "UK", "ussr": "USSR", "uae": "UAE"}
MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
DATE_RE = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})\s+(?:(\d\d):(\d\d):(\d\d)(?!\d))?")


def place_name(p):
    return PLACES.get(p) or " ".join(w.capitalize() for w in p.split("-"))


def section_for(topics, places):
    if topics:
        t = topics[0]
        return SECTIONS.get(t) or "Markets/" + " ".join(w.capitalize() for w in t.split("-"))
    if places:
        return "World/" + place_name(places[0])
    return "Wire"


def rfc3339(date):
    m = DATE_RE.search(date)
    if not m:
        return None
    d, mon, y, hh, mm, ss = m.groups()
    if mon not in MONTHS:
        return None
    if hh is None or int(hh) > 23 or int(mm) > 59 or int(ss) > 59:
        hh, mm, ss = "00", "00", "00"          # one story says "605:12:19.12": keep its day
    return "%s-%02d-%02dT%s:%s:%sZ" % (y, MONTHS[mon], int(d), hh, mm, ss)


def clean(s):
    s = html.unescape(s)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", s.replace("\t", " "))


def md_escape(p):
    p = p.replace("\\", "\\\\")
    p = re.sub(r"([*_`<>\[\]])", r"\\\1", p)
    p = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", p)    # "1987. " would start a list
    p = re.sub(r"^([#+=|~-])", r"\\\1", p)
    return p


def body_markdown(body):
    body = clean(body)
    body = re.sub(r"\s*\b(?:Reuter|REUTER)\s*$", "", body.rstrip())   # the sign-off
    paras = re.split(r"\n[ \t]+", body)                            # an indented line starts a paragraph
    out = []
    for p in paras:
        p = re.sub(r"\s*\n\s*", " ", p).strip()
        p = re.sub(r" {2,}", " ", p)
        if p:
            out.append(md_escape(p))
    return "\n\n".join(out)


def first_words(text, n=12):
    words = re.sub(r"\s+", " ", clean(text)).strip().split(" ")
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DATA
    files = sorted(glob.glob(os.path.join(src, "reuters_docs.*.jsonl")))
    if not files:
        sys.stderr.write("no reuters_docs.*.jsonl in %s\n" % src)
        return 1
    docs = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            docs.extend(json.loads(line) for line in fh if line.strip())
    docs.sort(key=lambda d: int(d["newid"]))
    out = sys.stdout.buffer
    n = skipped = no_title = no_body = no_date = 0
    for d in docs:
        title = re.sub(r"\s+", " ", clean(d.get("title") or "")).strip()
        body = body_markdown(d.get("body") or "")
        if not title and not body:
            skipped += 1
            continue
        if not title:
            title = first_words(d["body"])
            no_title += 1
        if not body:
            body = md_escape(title)
            no_body += 1
        topics, places = d.get("topics") or [], d.get("places") or []
        rec = {"id": "reuters-%d" % int(d["newid"]), "title": title, "body": body,
               "section": section_for(topics, places), "tags": topics + [place_name(p) for p in places]}
        when = rfc3339(d.get("date") or "")
        if when:
            rec["published_at"] = when
        else:
            no_date += 1
        rec["language"] = "en"
        out.write((json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
        n += 1
    out.flush()
    sys.stderr.write("reuters-to-jsonl: %d articles written; skipped %d with neither title nor body; "
                     "%d titles from the body, %d bodies from the title, %d without a date\n"
                     % (n, skipped, no_title, no_body, no_date))
    return 0


if __name__ == "__main__":
    sys.exit(main())
