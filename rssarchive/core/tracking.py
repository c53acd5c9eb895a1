"""The query parameters and path pieces that never identify an article, read by
core/urls.py's URL keys (and re-exported there). A name added here changes keys: the
state's keys are rewritten by a schema step (store/schema.py, _to_9, _to_11, _to_12, _to_13)."""

from __future__ import annotations

from urllib.parse import unquote

# Query parameters that only say how the reader arrived (campaign, click and share
# trackers, and the session ids of servers that put them in links). They never select
# content, so two URLs differing only in them are the same article. Only names that no
# site uses for anything else: a generic name such as "ref", "from", "share" or "sid"
# can be a real parameter on some site, and merging two different articles is worse
# than keeping a duplicate. A name added here changes keys: the state's keys are
# rewritten by a schema step (store/schema.py, _to_9, _to_11, _to_12, _to_13).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "spm",
        "__twitter_impression",
        # Schema 9's additions: HubSpot, TikTok, LinkedIn, Twitter, MSN, Yahoo, Adobe
        # and Marketo campaign ids, and Java's and PHP's session ids.
        "_hsenc",
        "_hsmi",
        "ttclid",
        "li_fat_id",
        "ref_src",
        "ocid",
        "ncid",
        "cmpid",
        "s_cid",
        "mkt_tok",
        "jsessionid",
        "phpsessid",
        # Web analytics that tag each feed's links with its own value (look16 F12):
        # AT Internet (xtor, the BBC's at_*), Matomo (pk_*, mtm_*), Webtrends, Yahoo's
        # consent redirect, the New York Times' share ids.
        "xtor",
        "at_medium",
        "at_campaign",
        "at_source",
        "at_link",
        "at_link_id",
        "at_link_type",
        "at_link_origin",
        "at_ptr_name",
        "at_format",
        "at_bbc_team",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "pk_campaign",
        "pk_kwd",
        "pk_source",
        "pk_medium",
        "pk_content",
        "pk_cid",
        "wt.mc_id",
        "wt_mc_id",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "smid",
        "smtyp",
        # Schema 11's additions (look16c F3b): the Guardian's campaign code on every
        # shared and syndicated link (CMP=share_btn_link, CMP=Share_iOSApp_Other) and
        # the New York Times' email/RSS campaign (emc=rss).
        "cmp",
        "emc",
        # Schema 12's addition: the New York Times' partner=rss beside its emc=rss (a
        # page that names no canonical URL was two posts, one per feed). A generic name,
        # but it names who sent the reader, never an article: two articles whose links
        # differ in it alone (the path and every other parameter the same) are not met.
        "partner",
        # Schema 13's additions (look16f): DW's per-feed campaign id (maca=en-rss-…)
        # and comScore's link tags, each feed of a site tagging its links with its own.
        "maca",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
    }
)
TRACKING_PREFIXES = ("utm_", "mtm_")
# Generic names that are a tracker only with a value of the shape one site gives them:
# Medium's source=rss----<publication>---4 and source=rss-<author>------2 (schema 13),
# one per feed. Another value of source= may select content (a data set, a language),
# so it stays.
TRACKING_VALUES = {"source": ("rss-",)}
# A path segment that is only a session: ASP.NET's cookieless session, forms ticket and
# anonymous id (/(S(lit3py55t21z5v55vlm25s55))/news/1.aspx, /(X(1)S(…))/), minted per
# visit (schema 13); and Java's ;jsessionid= path parameter (schema 9).
PATH_SESSIONS = r"/\((?:[A-Z]\([^()/]*\))+\)(?=/|$)|;jsessionid=[^/;?#]*"
# A directory's index document, which every common server answers at the directory
# itself (/posts/foo/index.html is /posts/foo/) (schema 13).
INDEX_DOCUMENTS = ("/index.html", "/index.htm", "/index.php")


def is_tracking(piece: str) -> bool:
    """Whether a query's ``name=value`` piece (as written) only says how the reader
    arrived."""
    name, _, value = piece.partition("=")
    key = unquote(name).strip().lower()
    if key in TRACKING_VALUES:
        return unquote(value).strip().lower().startswith(TRACKING_VALUES[key])
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)
