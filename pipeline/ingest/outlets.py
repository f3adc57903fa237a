"""Major outlets by web domain: the publisher's name as readers know it.

A url's registered domain (or any parent domain of its host) found here names the outlet; an
unknown domain falls back to the site's own name (``og:site_name``, feed title, title suffix) or a
name derived from the domain.  Maintained by hand: add a line when a new outlet matters.
"""

from __future__ import annotations

from urllib.parse import urlsplit

OUTLET_DOMAINS: dict[str, str] = {
    "abc.net.au": "ABC News",
    "abcnews.go.com": "ABC News",
    "aa.com.tr": "Anadolu Agency",
    "afp.com": "AFP",
    "aljazeera.com": "Al Jazeera",
    "aljazeera.net": "Al Jazeera",
    "ansa.it": "ANSA",
    "apnews.com": "The Associated Press",
    "ap.org": "The Associated Press",
    "axios.com": "Axios",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "bloomberg.com": "Bloomberg",
    "breitbart.com": "Breitbart",
    "buzzfeed.com": "BuzzFeed",
    "buzzfeednews.com": "BuzzFeed News",
    "cbc.ca": "CBC News",
    "cbsnews.com": "CBS News",
    "cbssports.com": "CBS Sports",
    "cnbc.com": "CNBC",
    "cnn.com": "CNN",
    "dailymail.co.uk": "Daily Mail",
    "dw.com": "Deutsche Welle",
    "economist.com": "The Economist",
    "elpais.com": "El País",
    "espn.com": "ESPN",
    "euobserver.com": "EUobserver",
    "euronews.com": "Euronews",
    "folha.uol.com.br": "Folha de S.Paulo",
    "foreignpolicy.com": "Foreign Policy",
    "foxnews.com": "Fox News",
    "france24.com": "France 24",
    "ft.com": "Financial Times",
    "haaretz.com": "Haaretz",
    "heraldsun.com.au": "Herald Sun",
    "hindustantimes.com": "Hindustan Times",
    "independent.co.uk": "The Independent",
    "koreaherald.com": "The Korea Herald",
    "latimes.com": "Los Angeles Times",
    "lefigaro.fr": "Le Figaro",
    "lemonde.fr": "Le Monde",
    "nbcnews.com": "NBC News",
    "npr.org": "NPR",
    "nytimes.com": "The New York Times",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "reuters.com": "Reuters",
    "rferl.org": "Radio Free Europe/Radio Liberty",
    "rt.com": "RT",
    "scmp.com": "South China Morning Post",
    "skynews.com": "Sky News",
    "spiegel.de": "Der Spiegel",
    "talkingpointsmemo.com": "Talking Points Memo",
    "tass.com": "TASS",
    "telegraph.co.uk": "The Telegraph",
    "telesurenglish.net": "teleSUR",
    "theatlantic.com": "The Atlantic",
    "theguardian.com": "The Guardian",
    "guardian.co.uk": "The Guardian",
    "thehill.com": "The Hill",
    "timesofisrael.com": "The Times of Israel",
    "timesofindia.indiatimes.com": "The Times of India",
    "uol.com.br": "UOL",
    "usatoday.com": "USA Today",
    "voanews.com": "Voice of America",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "xinhuanet.com": "Xinhua",
    "yna.co.kr": "Yonhap",
    "en.yna.co.kr": "Yonhap",
}

#: Agency credits as datelines print them -> the agency's name.
AGENCY_CREDITS: dict[str, str] = {
    "ap": "The Associated Press",
    "afp": "AFP",
    "reuters": "Reuters",
    "reuter": "Reuters",
    "ansa": "ANSA",
    "efe": "EFE",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "ani": "ANI",
    "pti": "PTI",
    "upi": "UPI",
    "cnn": "CNN",
    "tass": "TASS",
    "yonhap": "Yonhap",
    "kyodo": "Kyodo News",
    "anadolu": "Anadolu Agency",
    "bloomberg": "Bloomberg",
    "cp": "The Canadian Press",
    "pa": "Press Association",
    "sputnik": "Sputnik",
    "irna": "IRNA",
}


def host_of(url: str | None) -> str | None:
    """The url's host without ``www.``, lower-cased; None for a url without one."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.").lower()


def outlet_for_url(url: str | None) -> str | None:
    """The table's outlet for the url's host or its nearest listed parent domain."""
    host = host_of(url)
    if not host:
        return None
    labels = host.split(".")
    for start in range(len(labels) - 1):
        name = OUTLET_DOMAINS.get(".".join(labels[start:]))
        if name:
            return name
    return None


def domain_label(url: str | None) -> str | None:
    """The registrable name of an unknown host: ``euobserver`` for ``www.euobserver.com``."""
    host = host_of(url)
    if not host:
        return None
    labels = [label for label in host.split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in {"co", "com", "org", "net", "gov", "ac"}:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def agency_name(credit: str | None) -> str | None:
    """A dateline credit ("Reuters", "AP") as the agency's name; an unknown credit as printed."""
    if not credit:
        return None
    return AGENCY_CREDITS.get(credit.strip().lower(), credit.strip())
