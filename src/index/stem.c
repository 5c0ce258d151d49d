/*
 * Languages: which Snowball stemmer, number style and elisions each BCP 47
 * primary subtag gets. One table, one line per language; adding a language
 * is adding a line (and a stop list in stopwords.c if there is one).
 */
#include <libstemmer.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "core/mem.h"
#include "index/analyze.h"
#include "index/analyze_int.h"

/* Articles and pronouns French writes with an apostrophe ("l'homme",
 * "qu'il", "jusqu'à"): the index keeps "homme", not "lhomme". */
static const char *const elisions_fr[] = {"c", "d",  "j",     "l",      "m",      "n",      "s",
                                          "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", NULL};

/* Italian: "l'anno", "dell'Europa", "un'altra", "c'è". */
static const char *const elisions_it[] = {
    "c",    "d",    "l",    "m",    "n",    "s",     "t",     "v",      "un", "all",
    "dall", "dell", "nell", "sull", "coll", "quell", "quest", "nessun", NULL};

/* Catalan: "l'any", "d'aquí", "m'agrada". */
static const char *const elisions_ca[] = {"d", "l", "m", "n", "s", "t", NULL};

#define DC ND__LANG_DECIMAL_COMMA

/* Sorted by code. */
/* clang-format off */
static const struct nd__lang langs[] = {
	{"ar", "arabic",     0,                       NULL},
	{"az", NULL,         DC | ND__LANG_TURKIC,    NULL},
	{"ca", "catalan",    DC,                      elisions_ca},
	{"da", "danish",     DC,                      NULL},
	{"de", "german",     DC,                      NULL},
	{"el", "greek",      DC,                      NULL},
	{"en", "english",    0,                       NULL},
	{"es", "spanish",    DC,                      NULL},
	{"eu", "basque",     DC,                      NULL},
	{"fi", "finnish",    DC,                      NULL},
	{"fr", "french",     DC,                      elisions_fr},
	{"ga", "irish",      0,                       NULL},
	{"hi", "hindi",      0,                       NULL},
	{"hu", "hungarian",  DC,                      NULL},
	{"hy", "armenian",   DC,                      NULL},
	{"id", "indonesian", DC,                      NULL},
	{"it", "italian",    DC,                      elisions_it},
	{"lt", "lithuanian", DC,                      NULL},
	{"nb", "norwegian",  DC,                      NULL},
	{"ne", "nepali",     0,                       NULL},
	{"nl", "dutch",      DC,                      NULL},
	{"nn", "norwegian",  DC,                      NULL},
	{"no", "norwegian",  DC,                      NULL},
	{"pt", "portuguese", DC,                      NULL},
	{"ro", "romanian",   DC,                      NULL},
	{"ru", "russian",    DC,                      NULL},
	{"sr", "serbian",    DC,                      NULL},
	{"sv", "swedish",    DC,                      NULL},
	{"ta", "tamil",      0,                       NULL},
	{"tr", "turkish",    DC | ND__LANG_TURKIC,    NULL},
	{"yi", "yiddish",    0,                       NULL},
};
/* clang-format on */

const struct nd__lang *nd__lang_find(const char *tag)
{
	char code[4];
	size_t n = 0;

	if (!tag)
		return NULL;
	/* The primary subtag: "pt" of "pt-BR"; POSIX locales use '_'. */
	while (tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != '.') {
		if (n == 3)
			return NULL;
		code[n] = (char)(tag[n] >= 'A' && tag[n] <= 'Z' ? tag[n] + 32 : tag[n]);
		n++;
	}
	code[n] = '\0';
	for (size_t i = 0; i < ND_COUNT(langs); i++)
		if (!strcmp(langs[i].code, code))
			return &langs[i];
	return NULL;
}

static pthread_once_t avail_once = PTHREAD_ONCE_INIT;
static bool avail[ND_COUNT(langs)];
static const char *avail_codes[ND_COUNT(langs) + 1];

/* Which table entries the installed libstemmer really has. */
static void avail_init(void)
{
	const char **algos = sb_stemmer_list();
	size_t n = 0;

	for (size_t i = 0; i < ND_COUNT(langs); i++) {
		if (!langs[i].snowball)
			continue;
		for (size_t k = 0; algos[k]; k++)
			if (!strcmp(algos[k], langs[i].snowball))
				avail[i] = true;
		if (avail[i])
			avail_codes[n++] = langs[i].code;
	}
	avail_codes[n] = NULL;
}

struct sb_stemmer *nd__stemmer_new(const struct nd__lang *l)
{
	struct sb_stemmer *st;

	pthread_once(&avail_once, avail_init);
	if (!l || !avail[l - langs])
		return NULL;
	/* NULL here means out of memory: libstemmer has the algorithm. */
	st = sb_stemmer_new(l->snowball, "UTF_8");
	if (!st)
		ND_BUG("cannot create the Snowball stemmer '%s'", l->snowball);
	return st;
}

bool nd_analyzer_has_stemmer(const char *language)
{
	const struct nd__lang *l = nd__lang_find(language);

	pthread_once(&avail_once, avail_init);
	return l && avail[l - langs];
}

bool nd_analyzer_has_stopwords(const char *language)
{
	const struct nd__lang *l = nd__lang_find(language);

	return l && nd__stopwords(l->code);
}

const char *const *nd_analyzer_languages(void)
{
	pthread_once(&avail_once, avail_init);
	return avail_codes;
}
