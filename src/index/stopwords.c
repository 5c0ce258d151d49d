/*
 * Stop words: the function words (articles, pronouns, prepositions,
 * conjunctions, auxiliaries) that carry no topic, per language.
 *
 * The lists are written for this project. Every entry is already in the
 * analyser's normal form (NFKC, case-folded: German "dass", not "daß";
 * apostrophes removed: English "dont"), which test_analyze.c checks, so a
 * folded word is looked up as it is. They are deliberately short: a word is
 * only here when it is frequent and carries nothing, and news homographs
 * stay out (English "us" is the U.S. after acronym folding; Spanish
 * "estados" and Italian "stati" are states as in "Estados Unidos").
 */
#include <pthread.h>
#include <string.h>

#include "core/mem.h"
#include "index/analyze_int.h"

static const char *const stop_en[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "down", "during", "each",
    "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "may", "me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "now",
    "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out",
    "over", "own", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "upon", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yet", "you",
    "your", "yours", "yourself", "yourselves",
    /* Contractions as the analyser leaves them (apostrophe dropped). Not
     * "well", "shell", "ill", "cant", "wont": those are words as well. */
    "arent", "couldnt", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "im", "isnt", "ive",
    "mustnt", "shouldnt", "theyd", "theyll", "theyre", "theyve", "wasnt", "weve", "werent",
    "wouldnt", "youd", "youll", "youre", "youve", NULL};

static const char *const stop_fr[] = {
    "à",      "ai",       "aie",    "aient",   "aies",     "ait",     "as",     "au",      "aura",
    "aurai",  "auraient", "aurais", "aurait",  "auras",    "aurez",   "auriez", "aurions", "aurons",
    "auront", "aussi",    "aux",    "avaient", "avais",    "avait",   "avec",   "avez",    "aviez",
    "avions", "avons",    "ayant",  "ayez",    "ayons",    "c",       "ça",     "car",     "ce",
    "ceci",   "cela",     "celle",  "celles",  "celui",    "ces",     "cet",    "cette",   "ceux",
    "comme",  "d",        "dans",   "de",      "des",      "donc",    "dont",   "du",      "elle",
    "elles",  "en",       "es",     "est",     "et",       "étaient", "étais",  "était",   "étant",
    "étiez",  "étions",   "être",   "eu",      "eue",      "eues",    "eurent", "eus",     "eut",
    "eux",    "fut",      "furent", "il",      "ils",      "j",       "je",     "l",       "la",
    "le",     "les",      "leur",   "leurs",   "lui",      "m",       "ma",     "mais",    "me",
    "même",   "mes",      "moi",    "mon",     "n",        "ne",      "ni",     "nos",     "notre",
    "nous",   "on",       "ont",    "ou",      "où",       "par",     "pas",    "pour",    "qu",
    "quand",  "que",      "quel",   "quelle",  "quelles",  "quels",   "qui",    "s",       "sa",
    "sans",   "se",       "sera",   "serai",   "seraient", "serais",  "serait", "seras",   "serez",
    "seriez", "serions",  "serons", "seront",  "ses",      "si",      "soi",    "soient",  "sois",
    "soit",   "sommes",   "son",    "sont",    "soyez",    "soyons",  "suis",   "sur",     "t",
    "ta",     "te",       "tes",    "toi",     "ton",      "tu",      "un",     "une",     "vos",
    "votre",  "vous",     "y",      NULL};

static const char *const stop_de[] = {
    "aber",    "alle",    "allem",   "allen",   "aller",   "alles",    "als",     "also",
    "am",      "an",      "andere",  "anderem", "anderen", "anderer",  "anderes", "auch",
    "auf",     "aus",     "bei",     "bin",     "bis",     "bist",     "da",      "damit",
    "dann",    "das",     "dass",    "dein",    "deine",   "deinem",   "deinen",  "deiner",
    "dem",     "den",     "denn",    "der",     "derer",   "des",      "dessen",  "dich",
    "die",     "dies",    "diese",   "diesem",  "diesen",  "dieser",   "dieses",  "dir",
    "doch",    "dort",    "du",      "durch",   "ein",     "eine",     "einem",   "einen",
    "einer",   "eines",   "er",      "es",      "etwas",   "euch",     "euer",    "eure",
    "für",     "gegen",   "gewesen", "hab",     "habe",    "haben",    "hat",     "hatte",
    "hatten",  "hier",    "hin",     "ich",     "ihm",     "ihn",      "ihnen",   "ihr",
    "ihre",    "ihrem",   "ihren",   "ihrer",   "ihres",   "im",       "in",      "indem",
    "ins",     "ist",     "jede",    "jedem",   "jeden",   "jeder",    "jedes",   "jene",
    "jenem",   "jenen",   "jener",   "jenes",   "kann",    "kein",     "keine",   "keinem",
    "keinen",  "keiner",  "man",     "mein",    "meine",   "meinem",   "meinen",  "meiner",
    "mich",    "mir",     "mit",     "muss",    "nach",    "nicht",    "nichts",  "noch",
    "nun",     "nur",     "ob",      "oder",    "ohne",    "sehr",     "sein",    "seine",
    "seinem",  "seinen",  "seiner",  "seines",  "sich",    "sie",      "sind",    "so",
    "solche",  "soll",    "sollte",  "sondern", "sonst",   "über",     "um",      "und",
    "uns",     "unser",   "unsere",  "unserem", "unseren", "unserer",  "unter",   "vom",
    "von",     "vor",     "war",     "waren",   "warst",   "was",      "weil",    "welche",
    "welchem", "welchen", "welcher", "welches", "wenn",    "werde",    "werden",  "wie",
    "wieder",  "wir",     "wird",    "wirst",   "wo",      "wurde",    "wurden",  "würde",
    "würden",  "zu",      "zum",     "zur",     "zwar",    "zwischen", NULL};

static const char *const stop_es[] = {
    "a",        "al",       "algo",     "algunas", "algunos",  "ante",    "antes",    "como",
    "con",      "contra",   "cual",     "cuando",  "de",       "del",     "desde",    "donde",
    "durante",  "e",        "el",       "él",      "ella",     "ellas",   "ello",     "ellos",
    "en",       "entre",    "era",      "erais",   "eran",     "eras",    "eres",     "es",
    "esa",      "esas",     "ese",      "eso",     "esos",     "esta",    "está",     "estaba",
    "estaban",  "estamos",  "están",    "estar",   "estas",    "este",    "esto",     "estos",
    "estoy",    "fue",      "fueron",   "fui",     "fuimos",   "ha",      "había",    "habían",
    "han",      "has",      "hasta",    "hay",     "haya",     "he",      "hemos",    "la",
    "las",      "le",       "les",      "lo",      "los",      "más",     "me",       "mi",
    "mí",       "mis",      "mucho",    "muchos",  "muy",      "nada",    "ni",       "no",
    "nos",      "nosotras", "nosotros", "nuestra", "nuestras", "nuestro", "nuestros", "o",
    "os",       "otra",     "otras",    "otro",    "otros",    "para",    "pero",     "poco",
    "por",      "porque",   "que",      "qué",     "quien",    "quienes", "se",       "sea",
    "sean",     "ser",      "será",     "si",      "sí",       "siendo",  "sin",      "sobre",
    "sois",     "somos",    "son",      "soy",     "su",       "sus",     "suya",     "suyas",
    "suyo",     "suyos",    "también",  "tanto",   "te",       "tenemos", "tener",    "tengo",
    "ti",       "tiene",    "tienen",   "todo",    "todos",    "tu",      "tú",       "tus",
    "tuya",     "tuyo",     "u",        "un",      "una",      "uno",     "unos",     "vosotras",
    "vosotros", "vuestra",  "vuestro",  "y",       "ya",       "yo",      NULL};

static const char *const stop_it[] = {
    "a",      "ad",     "agli",   "ai",     "al",     "alla",   "alle",   "allo",   "anche",
    "avere",  "aveva",  "c",      "che",    "chi",    "ci",     "come",   "con",    "contro",
    "cui",    "da",     "dagli",  "dai",    "dal",    "dalla",  "dalle",  "dallo",  "degli",
    "dei",    "del",    "della",  "delle",  "dello",  "di",     "dove",   "e",      "è",
    "ed",     "era",    "erano",  "essere", "fra",    "gli",    "ha",     "hanno",  "ho",
    "i",      "il",     "in",     "io",     "l",      "la",     "le",     "lei",    "li",
    "lo",     "loro",   "lui",    "ma",     "mi",     "mia",    "mie",    "miei",   "mio",
    "ne",     "negli",  "nei",    "nel",    "nella",  "nelle",  "nello",  "noi",    "non",
    "nostra", "nostre", "nostri", "nostro", "o",      "per",    "perché", "più",    "quale",
    "quali",  "quando", "quella", "quelle", "quelli", "quello", "questa", "queste", "questi",
    "questo", "se",     "sei",    "si",     "sia",    "siamo",  "sono",   "su",     "sua",
    "sue",    "sugli",  "sui",    "sul",    "sulla",  "sulle",  "sullo",  "suo",    "suoi",
    "ti",     "tra",    "tu",     "tua",    "tue",    "tuo",    "tuoi",   "tutti",  "tutto",
    "un",     "una",    "uno",    "vi",     "voi",    NULL};

static const char *const stop_pt[] = {
    "a",      "à",     "ao",     "aos",    "aquela", "aquelas", "aquele", "aqueles", "aquilo",
    "as",     "às",    "até",    "com",    "como",   "da",      "das",    "de",      "dela",
    "delas",  "dele",  "deles",  "depois", "do",     "dos",     "e",      "é",       "ela",
    "elas",   "ele",   "eles",   "em",     "entre",  "era",     "eram",   "essa",    "essas",
    "esse",   "esses", "esta",   "está",   "estão",  "estas",   "estava", "este",    "estes",
    "eu",     "foi",   "foram",  "fosse",  "há",     "isso",    "isto",   "já",      "lhe",
    "lhes",   "mais",  "mas",    "me",     "mesmo",  "meu",     "meus",   "minha",   "minhas",
    "muito",  "na",    "não",    "nas",    "nem",    "no",      "nos",    "nós",     "nossa",
    "nossas", "nosso", "nossos", "num",    "numa",   "o",       "os",     "ou",      "para",
    "pela",   "pelas", "pelo",   "pelos",  "por",    "qual",    "quando", "que",     "quem",
    "são",    "se",    "seja",   "sem",    "ser",    "seu",     "seus",   "só",      "sobre",
    "sua",    "suas",  "também", "te",     "tem",    "têm",     "teu",    "teus",    "tu",
    "tua",    "tuas",  "um",     "uma",    "você",   "vocês",   "vos",    NULL};

static const char *const stop_nl[] = {
    "aan",   "al",    "alles", "als",   "altijd", "andere",  "ben",    "bij",    "daar",   "dan",
    "dat",   "de",    "der",   "deze",  "die",    "dit",     "doch",   "doen",   "door",   "dus",
    "een",   "eens",  "en",    "er",    "geen",   "geweest", "haar",   "had",    "heb",    "hebben",
    "heeft", "hem",   "het",   "hier",  "hij",    "hoe",     "hun",    "iemand", "iets",   "ik",
    "in",    "is",    "ja",    "je",    "kan",    "kon",     "kunnen", "maar",   "me",     "meer",
    "men",   "met",   "mij",   "mijn",  "moet",   "na",      "naar",   "niet",   "niets",  "nog",
    "nu",    "of",    "om",    "omdat", "onder",  "ons",     "ook",    "op",     "over",   "reeds",
    "te",    "tegen", "toch",  "toen",  "tot",    "u",       "uit",    "uw",     "van",    "veel",
    "voor",  "want",  "waren", "was",   "wat",    "werd",    "wezen",  "wie",    "wil",    "worden",
    "wordt", "zal",   "ze",    "zelf",  "zich",   "zij",     "zijn",   "zo",     "zonder", "zou",
    NULL};

static const struct {
	const char *code;
	const char *const *words;
} lists[] = {
    {"de", stop_de}, {"en", stop_en}, {"es", stop_es}, {"fr", stop_fr},
    {"it", stop_it}, {"nl", stop_nl}, {"pt", stop_pt},
};

static struct nd__stopset sets[ND_COUNT(lists)];
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

/* The sets borrow their keys from the static lists, so building them
 * allocates only the tables, which live as long as the program. */
static void sets_init(void)
{
	for (size_t i = 0; i < ND_COUNT(lists); i++) {
		struct nd__stopset *s = &sets[i];

		s->map = (struct nd_map)ND_MAP_INIT;
		for (const char *const *w = lists[i].words; *w; w++) {
			size_t len = strlen(*w);

			nd_map_put(&s->map, *w, len, (void *)*w);
			if (len > s->max_len)
				s->max_len = len;
		}
	}
}

const struct nd__stopset *nd__stopwords(const char *code)
{
	pthread_once(&sets_once, sets_init);
	for (size_t i = 0; i < ND_COUNT(lists); i++)
		if (!strcmp(lists[i].code, code))
			return &sets[i];
	return NULL;
}

const char *const *nd__stopwords_list(const char *code)
{
	for (size_t i = 0; i < ND_COUNT(lists); i++)
		if (!strcmp(lists[i].code, code))
			return lists[i].words;
	return NULL;
}
