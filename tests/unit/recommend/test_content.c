#include "helpers/cmocka.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/mind.h"
#include "recommend/content.h"

#define EPS 1e-9

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

/*
 * Three articles, titles only: A "Packers win" and B "Packers lose" in
 * sports/nfl, C "Senate vote" in news/politics; D has no row. Over N = 3
 * documents BM25's idf is ln(1 + (N - df + 0.5) / (df + 0.5)): a = ln 1.6
 * for df 2 (packer, sports, nfl), b = ln(8/3) for df 1 (win, lose, senat,
 * vote, news, politics); every tf is 1, so a weight is its idf. A and B
 * share packer, sports and nfl: cos(A, B) = 3a^2 / (3a^2 + b^2); C shares
 * nothing with either.
 */
#define NEWS                                                                                       \
	"A\tsports\tnfl\tPackers win\t\tu\t[]\t[]\n"                                               \
	"B\tsports\tnfl\tPackers lose\t\tu\t[]\t[]\n"                                              \
	"C\tnews\tpolitics\tSenate vote\t\tu\t[]\t[]\n"

struct fixture {
	struct mind_pair logs;
	struct nd_recs_content *ct;
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Train and dev both hold the three rows: an id counts once, so df too. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char dir[] = "/tmp/nd-content-XXXXXX";
	int rc;

	if (!mkdtemp(dir))
		return -1;
	write_file(dir, "news.tsv", NEWS);
	write_file(dir, "behaviors.tsv",
	           "1\tU1\t11/15/2019 8:00:00 AM\tA\tB-1 C-0 D-0\n"
	           "2\tU2\t11/15/2019 9:00:00 AM\tD A C\tB-1 C-0 D-0\n"
	           "3\tU3\t11/15/2019 9:00:00 AM\tD\tB-1 C-0\n");
	rc = mind_pair_load(&f->logs, dir, dir);
	remove_file(dir, "news.tsv");
	remove_file(dir, "behaviors.tsv");
	rmdir(dir);
	if (rc)
		return -1;
	f->ct = nd_recs_content_new(&f->logs.train, &f->logs.dev, f->logs.items);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nd_recs_content_free(f->ct);
	mind_pair_release(&f->logs);
	free(f);
	return 0;
}

static uint32_t item(struct fixture *f, const char *id)
{
	return mind_pair_item(&f->logs, id);
}

static double cos_ab(void)
{
	double a = log(1.6), b = log(8.0 / 3.0);

	return 3 * a * a / (3 * a * a + b * b);
}

static void test_similarity(void **state)
{
	struct fixture *f = *state;

	assert_true(nd_recs_content_known(f->ct, item(f, "A")));
	assert_false(nd_recs_content_known(f->ct, item(f, "D")));
	assert_near(nd_recs_content_similarity(f->ct, item(f, "A"), item(f, "A")), 1);
	assert_near(nd_recs_content_similarity(f->ct, item(f, "A"), item(f, "B")), cos_ab());
	assert_near(nd_recs_content_similarity(f->ct, item(f, "B"), item(f, "A")), cos_ab());
	assert_near(nd_recs_content_similarity(f->ct, item(f, "A"), item(f, "C")), 0);
	assert_near(nd_recs_content_similarity(f->ct, item(f, "A"), item(f, "D")), 0);
}

/* The score: the cosine to the sum of the history's known vectors. */
static void test_score(void **state)
{
	struct fixture *f = *state;
	const struct nd_mind_impression *one = &f->logs.train.imps[0];
	const struct nd_mind_impression *two = &f->logs.train.imps[1];
	const struct nd_mind_impression *unknown = &f->logs.train.imps[2];

	/* History A: B scores cos(A, B); C shares nothing; D has no text. */
	assert_near(nd_recs_content_score(f->ct, one, item(f, "B")), cos_ab());
	assert_near(nd_recs_content_score(f->ct, one, item(f, "C")), 0);
	assert_near(nd_recs_content_score(f->ct, one, item(f, "D")), 0);
	/* History D A C: D is skipped; |A + C| = sqrt 2 as A and C are orthogonal. */
	assert_near(nd_recs_content_score(f->ct, two, item(f, "B")), cos_ab() / sqrt(2));
	assert_near(nd_recs_content_score(f->ct, two, item(f, "C")), 1 / sqrt(2));
	/* No history item with text: 0 for all, known or not. */
	assert_near(nd_recs_content_score(f->ct, unknown, item(f, "B")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_similarity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_score, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
