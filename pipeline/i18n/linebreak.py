"""Where GNU gettext breaks a long PO string: UAX #14 line breaking as libunistring 1.0 does it (the library
behind msgcat and msgmerge on Debian 12), so that GNU tools leave a catalog we wrote byte for byte as it is.

Why by hand: no maintained Python library reproduces libunistring. ICU and unicode-segmentation-rs follow
newer UAX #14 revisions, and translate-toolkit's `gettext_wrap` breaks differently from msgcat in most long
strings; calling libunistring itself would make a catalog's bytes depend on the machine's version of it.
This is libunistring's algorithm (u8-possible-linebreaks.c, u8-width-linebreaks.c) and its pair table
(lbrktables.c, the (IS, AL) deviation included); the classes are those of LineBreak.txt for every
character a patient handout holds (Latin, Greek, Cyrillic, Arabic, Hebrew, punctuation, symbols), and a
class from the general category for the rest.
"""
from __future__ import annotations

import unicodedata

_PAIR_CLASSES = ("WJ GL B2 BA BB HY CL CP1 CP2 EX IN NS OP1 OP2 QU IS NU PO PR SY AL H2 H3 ID1 ID2 JL JV JT HL RI "
                 "ZWJ EB EM").split()
# Row: the class before the opportunity (the last non-space); column: the class after it.  D: a break is
# possible; I: possible only with spaces in between; P: prohibited.
_PAIR_ROWS = """\
PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII
PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD
PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII
PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"""
_PAIRS = {(before, after): rule for before, row in zip(_PAIR_CLASSES, _PAIR_ROWS.splitlines())
          for after, rule in zip(_PAIR_CLASSES, row)}

# LineBreak.txt (Unicode 14) where the general category does not tell the class; ambiguous (AI) characters
# are resolved to AL as libunistring does for UTF-8.
_CLASSES = {
    **dict.fromkeys("\t|\u00ad\u058a\u0f0b\u1680\u2010\u2012\u2013\u2027\u2056\u2058\u2059\u205a\u205b"
                    "\u205d\u205e\u205f\u2cfa\u2cfb\u2cfc\u2cff\u2e0e\u2e0f\u2e10\u2e11\u2e12\u2e13\u2e14\u2e15"
                    "\u2e17\u2e19\u2e2a\u2e2b\u2e2c\u2e2d\u2e30\u2e31\u2e33\u2e34\u2e3c\u2e3d\u2e3e\u2e40\u2e41"
                    "\u2e43\u2e44\u2e45\u2e46\u2e47\u2e48\u2e49\u2e4a\u2e4c\u2e4e\u2e4f\u2e5d\u3000", "BA"),
    **dict.fromkeys("\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a", "BA"),
    **dict.fromkeys("\u00a0\u034f\u035c\u035d\u035e\u035f\u0360\u0361\u0362\u0f08\u0f0c\u0f12\u180e\u2007"
                    "\u2011\u202f", "GL"),
    **dict.fromkeys("\u2060\ufeff", "WJ"),
    "\u200b": "ZW", "\u200d": "ZWJ", " ": "SP",
    **dict.fromkeys("\n\u000b\u000c\r\u0085\u2028\u2029", "BK"),
    "\u2014": "B2", "\u2e3a": "B2", "\u2e3b": "B2",
    **dict.fromkeys("\u00b4\u02c8\u02cc\u02df\u0f01\u0f02\u0f03\u0f04\u0f06\u0f07\u0f09\u0f0a\u0fd0\u0fd1"
                    "\u0fd3\u1806\u1ffd\ua874\ua875", "BB"),
    "-": "HY",
    **dict.fromkeys("!?\u05c6\u061b\u061d\u061e\u061f\u06d4\u07f9\u0f0d\u0f0e\u0f0f\u0f10\u0f11"
                    "\u0f14\u1802\u1803\u1808\u1809\u1944\u1945\u2762\u2763\u2cf9\u2cfe\u2e2e\ua60e\ua876"
                    "\ua877\ufe15\ufe16\ufe56\ufe57\uff01\uff1f", "EX"),
    **dict.fromkeys("\u2024\u2025\u2026\u22ef\ufe19", "IN"),
    **dict.fromkeys("\u17d6\u203c\u203d\u2047\u2048\u2049\u3005\u301c\u303b\u303c\u309b\u309c\u309d\u309e"
                    "\u30a0\u30fb\u30fd\u30fe\ua015\ufe54\ufe55\uff1a\uff1b\uff65\uff9e\uff9f", "NS"),
    **dict.fromkeys("\"'\u00ab\u00bb\u2018\u2019\u201b\u201c\u201d\u201f\u2039\u203a\u275b\u275c\u275d"
                    "\u275e\u275f\u2760\u2e00\u2e01\u2e02\u2e03\u2e04\u2e05\u2e06\u2e07\u2e08\u2e09\u2e0a"
                    "\u2e0b\u2e0c\u2e0d\u2e1c\u2e1d\u2e20\u2e21", "QU"),
    **dict.fromkeys(",.:;\u037e\u0589\u060c\u060d\u07f8\u2044\ufe10\ufe13\ufe14", "IS"),
    **dict.fromkeys("%\u00a2\u00b0\u0609\u060a\u060b\u066a\u09f2\u09f3\u09f9\u0d79\u2030\u2031\u2032\u2033"
                    "\u2034\u2035\u2036\u2037\u20a7\u20b6\u20bb\u20be\u2103\u2109\ua838\ufdfc\ufe6a\uff05"
                    "\uffe0", "PO"),
    **dict.fromkeys("$+\\\u00a3\u00a4\u00a5\u00b1\u058f\u07fe\u07ff\u09fb\u0af1\u0bf9\u0e3f\u17db\u2116"
                    "\u2212\u2213\ufe69\uff04\uffe1\uffe5\uffe6", "PR"),
    "/": "SY",
    **dict.fromkeys("\u066b\u066c", "NU"),
    **dict.fromkeys("\u00a1\u2e42", "OP"),
    **dict.fromkeys("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\u2015\u2061\u2062\u2063\u2064"
                    "\u25fd\u25fe", "AL"),
    **dict.fromkeys("\u0964\u0965", "BA"),
    **dict.fromkeys("\u0f3a\u0f3c\u169b\u201a\u201e\u2045\u207d\u208d\u2329\u2768\u276a\u276c\u276e\u2770"
                    "\u2772\u2774\u27c5\u27e6\u27e8\u27ea\u27ec\u27ee\u2983\u2985\u2987\u2989\u298b\u298d"
                    "\u298f\u2991\u2993\u2995\u2997\u29d8\u29da\u29fc\u2e18\u2e22\u2e24\u2e26\u2e28\u2e55"
                    "\u2e57\u2e59\u2e5b\u00bf", "OP"),
    **dict.fromkeys(")]", "CP"),
    **dict.fromkeys("\u0f3b\u0f3d\u169c\u2046\u207e\u208e\u232a\u2769\u276b\u276d\u276f\u2771\u2773\u2775"
                    "\u27c6\u27e7\u27e9\u27eb\u27ed\u27ef\u2984\u2986\u2988\u298a\u298c\u298e\u2990\u2992"
                    "\u2994\u2996\u2998\u29d9\u29db\u29fd\u2e23\u2e25\u2e27\u2e29\u2e56\u2e58\u2e5a\u2e5c"
                    "}\u3001\u3002\ufe11\ufe12\uff0c\uff0e\uff61\uff64", "CL"),
}
# SA (Thai, Lao, Myanmar, Khmer, Tai scripts), marks included
_COMPLEX_CONTEXT = (("\u0e00", "\u0eff"), ("\u1000", "\u109f"), ("\u1780", "\u17ff"), ("\u1950", "\u19df"),
                    ("\u1a20", "\u1aaf"), ("\ua9e0", "\ua9ff"), ("\uaa60", "\uaadf"))
_CATEGORY_CLASSES = {"Nd": "NU", "Mn": "CM", "Mc": "CM", "Me": "CM", "Cf": "CM", "Cc": "CM", "Ps": "OP",
                     "Pe": "CL", "Pi": "QU", "Pf": "QU", "Pd": "BA", "Sc": "PR", "Zs": "BA", "Zl": "BK",
                     "Zp": "BK"}


def line_class(char: str) -> str:
    """The UAX #14 class libunistring gives `char` (OP, CP and ID split by East Asian width as it does)."""
    wide = unicodedata.east_asian_width(char) in ("W", "F", "H")
    cls = _CLASSES.get(char)
    if cls is None and unicodedata.category(char) != "Nd" and any(low <= char <= high
                                                                  for low, high in _COMPLEX_CONTEXT):
        cls = "AL"  # SA: libunistring has no dictionary for these scripts
    if cls is None:
        category = unicodedata.category(char)
        if unicodedata.east_asian_width(char) in ("W", "F") and category[0] in "LSNP" and category != "Nd":
            cls = "ID"
        elif category[0] == "L" and ("\u05d0" <= char <= "\u05f2" or "\ufb1d" <= char <= "\ufb4f"):
            cls = "HL"
        else:
            cls = _CATEGORY_CLASSES.get(category, "AL")
    if cls == "ID":
        return "ID1"  # ID2 (emoji, for the EM rule) is not among what we print
    if cls in ("OP", "CP"):
        return cls + ("2" if wide else "1")
    return cls


def possible_breaks(chars: list[str]) -> list[bool]:
    """Whether a line may break before chars[i] (u8_possible_linebreaks; a mandatory break counts too)."""
    out = [False] * len(chars)
    prev_class = last_class = "BK"  # the previous character's, the last non-space character's
    seen_space = False
    for i, char in enumerate(chars):
        cls = line_class(char)
        if cls == "BK":
            out[i] = True
            prev_class = last_class = "BK"
            seen_space = False
            continue
        if cls == "SP":
            seen_space = True
        elif cls == "ZW":
            last_class, seen_space = "ZW", False
        elif cls in ("CM", "ZWJ"):
            if last_class == "BK":  # LB10: CM at a line start behaves as AL
                last_class, seen_space = "AL", False
            elif last_class == "ZW" or seen_space:  # LB8, LB18
                out[i] = True
                last_class, seen_space = "AL", False
        else:
            if last_class == "ZW":  # LB8
                out[i] = True
            elif last_class != "BK" and prev_class != "ZWJ" and prev_class != "HL_BA":  # LB8a, LB21a
                if last_class == cls == "RI":
                    out[i] = seen_space  # pairs of regional indicators are not in what we print
                else:
                    rule = _PAIRS[last_class, cls]
                    out[i] = rule == "D" or (rule == "I" and seen_space)
            last_class, seen_space = cls, False
        prev_class = "HL_BA" if prev_class == "HL" and cls in ("HY", "BA") else cls
    return out


def char_width(char: str) -> int:
    """Columns `char` takes, as libunistring's uc_width counts them for a UTF-8 locale."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc") or char == "\u200b":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width_breaks(chars: list[str], no_break: list[bool], width: int, start_col: int) -> list[bool]:
    """Where to break (before chars[i]) to keep lines within `width` columns, never where `no_break` says
    (escape sequences, format directives): libunistring's ulc_width_linebreaks, greedy, as gettext calls it."""
    possible = possible_breaks(chars)
    result = [False] * len(chars)
    last_column, piece_width, last = start_col, 0, None
    for i, char in enumerate(chars):
        can = possible[i] and not no_break[i]
        if can and last is not None and last_column + piece_width > width:
            result[last] = True
            last_column = 0
        if can:
            last = i
            last_column += piece_width
            piece_width = 0
        piece_width += char_width(char)
    if last is not None and last_column + piece_width > width:
        result[last] = True
    return result
