/* CVSS vector parsing and base scores (include/cguard/cvss.h).
 *
 * Written from the FIRST specification documents:
 *   CVSS v2.0 guide, section 3.2.1 (base equation) and 2.4 (vector);
 *   CVSS v3.0 and v3.1 specification documents, section 7 (equations), section 6
 *   (vector string) and v3.1 Appendix A (Roundup);
 *   CVSS v4.0 specification document, section 8 (MacroVectors, EQ1..EQ6, the
 *   highest-severity vectors of each EQ level, interpolation by severity distance).
 * Scores are kept in tenths (integers) so that rounding is decided once, exactly. */
#include "util/internal.h"

#include <cguard/cvss.h>

#define MAX_VALUES 7     /* most values of one metric (v2 CDP has 6) */
#define MAX_TOKEN 16     /* longest "NAME:VALUE" component ("CDP:ND", "U:Amber") */

struct metric {
	const char *name;
	const char *values[MAX_VALUES]; /* NULL-terminated, in the specification's order */
	bool required;                  /* a base metric */
	uint8_t group;                  /* v2: 0 base, 1 temporal, 2 environmental */
};

struct version_def {
	enum cg_cvss_version version;
	const char *prefix;           /* "CVSS:3.1/", or "" for v2 */
	bool ordered;                 /* metrics must come in table order */
	const struct metric *metrics;
	size_t nmetrics;
};

/* ---- metric tables (abbreviations and values as in the specifications) ---- */

#define CIA3 { "H", "L", "N" }

static const struct metric v2_metrics[] = {
	{ "AV", { "L", "A", "N" }, true, 0 },
	{ "AC", { "H", "M", "L" }, true, 0 },
	{ "Au", { "M", "S", "N" }, true, 0 },
	{ "C", { "N", "P", "C" }, true, 0 },
	{ "I", { "N", "P", "C" }, true, 0 },
	{ "A", { "N", "P", "C" }, true, 0 },
	{ "E", { "U", "POC", "F", "H", "ND" }, false, 1 },
	{ "RL", { "OF", "TF", "W", "U", "ND" }, false, 1 },
	{ "RC", { "UC", "UR", "C", "ND" }, false, 1 },
	{ "CDP", { "N", "L", "LM", "MH", "H", "ND" }, false, 2 },
	{ "TD", { "N", "L", "M", "H", "ND" }, false, 2 },
	{ "CR", { "L", "M", "H", "ND" }, false, 2 },
	{ "IR", { "L", "M", "H", "ND" }, false, 2 },
	{ "AR", { "L", "M", "H", "ND" }, false, 2 },
};
enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A };

static const struct metric v3_metrics[] = {
	{ "AV", { "N", "A", "L", "P" }, true, 0 },
	{ "AC", { "L", "H" }, true, 0 },
	{ "PR", { "N", "L", "H" }, true, 0 },
	{ "UI", { "N", "R" }, true, 0 },
	{ "S", { "U", "C" }, true, 0 },
	{ "C", CIA3, true, 0 },
	{ "I", CIA3, true, 0 },
	{ "A", CIA3, true, 0 },
	{ "E", { "X", "U", "P", "F", "H" }, false, 1 },
	{ "RL", { "X", "O", "T", "W", "U" }, false, 1 },
	{ "RC", { "X", "U", "R", "C" }, false, 1 },
	{ "CR", { "X", "L", "M", "H" }, false, 2 },
	{ "IR", { "X", "L", "M", "H" }, false, 2 },
	{ "AR", { "X", "L", "M", "H" }, false, 2 },
	{ "MAV", { "X", "N", "A", "L", "P" }, false, 2 },
	{ "MAC", { "X", "L", "H" }, false, 2 },
	{ "MPR", { "X", "N", "L", "H" }, false, 2 },
	{ "MUI", { "X", "N", "R" }, false, 2 },
	{ "MS", { "X", "U", "C" }, false, 2 },
	{ "MC", { "X", "N", "L", "H" }, false, 2 },
	{ "MI", { "X", "N", "L", "H" }, false, 2 },
	{ "MA", { "X", "N", "L", "H" }, false, 2 },
};
enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A };

static const struct metric v4_metrics[] = {
	/* Base */
	{ "AV", { "N", "A", "L", "P" }, true, 0 },
	{ "AC", { "L", "H" }, true, 0 },
	{ "AT", { "N", "P" }, true, 0 },
	{ "PR", { "N", "L", "H" }, true, 0 },
	{ "UI", { "N", "P", "A" }, true, 0 },
	{ "VC", CIA3, true, 0 },
	{ "VI", CIA3, true, 0 },
	{ "VA", CIA3, true, 0 },
	{ "SC", CIA3, true, 0 },
	{ "SI", CIA3, true, 0 },
	{ "SA", CIA3, true, 0 },
	/* Threat */
	{ "E", { "X", "A", "P", "U" }, false, 1 },
	/* Environmental */
	{ "CR", { "X", "H", "M", "L" }, false, 2 },
	{ "IR", { "X", "H", "M", "L" }, false, 2 },
	{ "AR", { "X", "H", "M", "L" }, false, 2 },
	{ "MAV", { "X", "N", "A", "L", "P" }, false, 2 },
	{ "MAC", { "X", "L", "H" }, false, 2 },
	{ "MAT", { "X", "N", "P" }, false, 2 },
	{ "MPR", { "X", "N", "L", "H" }, false, 2 },
	{ "MUI", { "X", "N", "P", "A" }, false, 2 },
	{ "MVC", { "X", "H", "L", "N" }, false, 2 },
	{ "MVI", { "X", "H", "L", "N" }, false, 2 },
	{ "MVA", { "X", "H", "L", "N" }, false, 2 },
	{ "MSC", { "X", "H", "L", "N" }, false, 2 },
	{ "MSI", { "X", "S", "H", "L", "N" }, false, 2 },
	{ "MSA", { "X", "S", "H", "L", "N" }, false, 2 },
	/* Supplemental */
	{ "S", { "X", "N", "P" }, false, 3 },
	{ "AU", { "X", "N", "Y" }, false, 3 },
	{ "R", { "X", "A", "U", "I" }, false, 3 },
	{ "V", { "X", "D", "C" }, false, 3 },
	{ "RE", { "X", "L", "M", "H" }, false, 3 },
	{ "U", { "X", "Clear", "Green", "Amber", "Red" }, false, 3 },
};
enum {
	V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA,
	V4_E, V4_CR, V4_IR, V4_AR, V4_MAV, V4_MAC, V4_MAT, V4_MPR, V4_MUI,
	V4_MVC, V4_MVI, V4_MVA, V4_MSC, V4_MSI, V4_MSA,
};

_Static_assert(CG_ARRAY_LEN(v4_metrics) == CG_CVSS_MAX_METRICS, "v4.0 has 32 metrics");
_Static_assert(CG_ARRAY_LEN(v3_metrics) <= CG_CVSS_MAX_METRICS, "v3 fits");
_Static_assert(CG_ARRAY_LEN(v2_metrics) <= CG_CVSS_MAX_METRICS, "v2 fits");

static const struct version_def versions[] = {
	{ CG_CVSS_V2_0, "", true, v2_metrics, CG_ARRAY_LEN(v2_metrics) },
	{ CG_CVSS_V3_0, "CVSS:3.0/", false, v3_metrics, CG_ARRAY_LEN(v3_metrics) },
	{ CG_CVSS_V3_1, "CVSS:3.1/", false, v3_metrics, CG_ARRAY_LEN(v3_metrics) },
	{ CG_CVSS_V4_0, "CVSS:4.0/", true, v4_metrics, CG_ARRAY_LEN(v4_metrics) },
};

static const struct version_def *version_find(enum cg_cvss_version v)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(versions); i++)
		if (versions[i].version == v)
			return &versions[i];
	return NULL;
}

/* ---- small exact helpers (no libm: the library does not link it) ---- */

/* floor and ceiling of a non-negative double below 2^53 */
static long long floor_pos(double x)
{
	return (long long)x;
}

static long long ceil_pos(double x)
{
	long long t = (long long)x;
	return (double)t < x ? t + 1 : t;
}

/* x^15 by repeated squaring */
static double pow15(double x)
{
	double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
	return x8 * x4 * x2 * x;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

/* ---- CVSS v2.0 base equation (guide section 3.2.1) ---- */

static unsigned score_v2(const uint8_t *val)
{
	static const double av[] = { 0.395, 0.646, 1.0 };  /* L A N */
	static const double ac[] = { 0.35, 0.61, 0.71 };    /* H M L */
	static const double au[] = { 0.45, 0.56, 0.704 };   /* M S N */
	static const double cia[] = { 0.0, 0.275, 0.660 };  /* N P C */
	double impact, expl, f, base;

	impact = 10.41 * (1 - (1 - cia[val[V2_C] - 1]) * (1 - cia[val[V2_I] - 1]) *
				      (1 - cia[val[V2_A] - 1]));
	expl = 20 * av[val[V2_AV] - 1] * ac[val[V2_AC] - 1] * au[val[V2_AU] - 1];
	f = impact == 0 ? 0 : 1.176;
	base = ((0.6 * impact) + (0.4 * expl) - 1.5) * f;
	/* round_to_1_decimal: to the nearest tenth, halves up */
	if (!(base > 0))
		return 0;
	base = (double)floor_pos(base * 10 + 0.5);
	return base >= 100 ? 100 : (unsigned)base;
}

/* ---- CVSS v3.0 / v3.1 base equations (specification section 7.1) ---- */

/* v3.1 Appendix A: Roundup through integers, so that 4.00000000001 is 4.0. */
static unsigned roundup_v31(double x)
{
	long long i = floor_pos(x * 100000.0 + 0.5); /* round_to_nearest_integer, x >= 0 */
	return (unsigned)(i % 10000 == 0 ? i / 10000 : i / 10000 + 1);
}

/* v3.0 Roundup: the smallest number, to one decimal place, equal to or higher
 * than the input (floating point, as 3.0 defines and computes it). */
static unsigned roundup_v30(double x)
{
	return (unsigned)ceil_pos(x * 10);
}

static unsigned score_v3(const uint8_t *val, bool v31)
{
	static const double av[] = { 0.85, 0.62, 0.55, 0.2 };  /* N A L P */
	static const double ac[] = { 0.77, 0.44 };             /* L H */
	static const double pr_u[] = { 0.85, 0.62, 0.27 };     /* N L H, scope unchanged */
	static const double pr_c[] = { 0.85, 0.68, 0.5 };      /* N L H, scope changed */
	static const double ui[] = { 0.85, 0.62 };             /* N R */
	static const double cia[] = { 0.56, 0.22, 0 };         /* H L N */
	bool changed = val[V3_S] == 2;
	double iss, impact, expl, x;

	iss = 1 - ((1 - cia[val[V3_C] - 1]) * (1 - cia[val[V3_I] - 1]) * (1 - cia[val[V3_A] - 1]));
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02);
	else
		impact = 6.42 * iss;
	expl = 8.22 * av[val[V3_AV] - 1] * ac[val[V3_AC] - 1] *
	       (changed ? pr_c : pr_u)[val[V3_PR] - 1] * ui[val[V3_UI] - 1];
	if (impact <= 0)
		return 0;
	x = changed ? min_d(1.08 * (impact + expl), 10) : min_d(impact + expl, 10);
	return v31 ? roundup_v31(x) : roundup_v30(x);
}

/* ---- CVSS v4.0 (specification section 8) ----
 *
 * MacroVector scores, indexed [EQ1][EQ2][EQ3][EQ4][EQ5][EQ6], in tenths; NA
 * where the combination does not exist (EQ3 = 2 with EQ6 = 0).
 * Source: the CVSS v4.0 MacroVector lookup table published by FIRST with the
 * CVSS v4.0 specification and its reference calculator (FIRST.org, Inc.; the
 * CVSS v4.0 standard may be used freely, with attribution, under FIRST's terms
 * of use for CVSS: https://www.first.org/cvss/). Data only; the values were taken
 * from two independent implementations (npm @pandatix/js-cvss 0.4.4 and
 * ae-cvss-calculator 1.0.13), which agree on all 270 entries. */
#define NA 255
static const uint8_t mv_score[3 * 2 * 3 * 3 * 3 * 2] = {
	/* EQ1 EQ2 EQ3 EQ4, then (EQ5, EQ6) = 00 01 10 11 20 21 */
	/* 0000.. */ 100,  99,  98,  95,  95,  92,
	/* 0001.. */ 100,  96,  93,  87,  91,  81,
	/* 0002.. */  93,  90,  89,  80,  81,  68,
	/* 0010.. */  98,  95,  95,  92,  90,  84,
	/* 0011.. */  93,  92,  89,  81,  81,  65,
	/* 0012.. */  88,  80,  78,  70,  69,  48,
	/* 0020.. */  NA,  92,  NA,  82,  NA,  72,
	/* 0021.. */  NA,  79,  NA,  69,  NA,  50,
	/* 0022.. */  NA,  69,  NA,  55,  NA,  27,
	/* 0100.. */  99,  97,  95,  92,  92,  85,
	/* 0101.. */  95,  91,  90,  83,  84,  71,
	/* 0102.. */  92,  81,  82,  71,  72,  53,
	/* 0110.. */  95,  93,  92,  85,  85,  73,
	/* 0111.. */  92,  82,  80,  72,  70,  59,
	/* 0112.. */  84,  70,  71,  52,  50,  30,
	/* 0120.. */  NA,  86,  NA,  75,  NA,  52,
	/* 0121.. */  NA,  71,  NA,  52,  NA,  29,
	/* 0122.. */  NA,  63,  NA,  29,  NA,  17,
	/* 1000.. */  98,  95,  94,  87,  91,  81,
	/* 1001.. */  94,  89,  86,  74,  77,  64,
	/* 1002.. */  87,  75,  74,  63,  63,  49,
	/* 1010.. */  94,  89,  88,  77,  76,  67,
	/* 1011.. */  86,  76,  74,  58,  59,  50,
	/* 1012.. */  72,  57,  57,  52,  52,  25,
	/* 1020.. */  NA,  83,  NA,  70,  NA,  54,
	/* 1021.. */  NA,  65,  NA,  58,  NA,  26,
	/* 1022.. */  NA,  53,  NA,  21,  NA,  13,
	/* 1100.. */  95,  90,  88,  76,  76,  70,
	/* 1101.. */  90,  77,  75,  62,  61,  53,
	/* 1102.. */  77,  66,  68,  59,  52,  30,
	/* 1110.. */  89,  78,  76,  67,  62,  58,
	/* 1111.. */  74,  59,  57,  57,  47,  23,
	/* 1112.. */  61,  52,  57,  29,  24,  16,
	/* 1120.. */  NA,  71,  NA,  59,  NA,  30,
	/* 1121.. */  NA,  58,  NA,  26,  NA,  15,
	/* 1122.. */  NA,  23,  NA,  13,  NA,   6,
	/* 2000.. */  93,  87,  86,  72,  75,  58,
	/* 2001.. */  86,  74,  74,  61,  56,  34,
	/* 2002.. */  70,  54,  52,  40,  40,  22,
	/* 2010.. */  85,  75,  74,  55,  62,  51,
	/* 2011.. */  72,  57,  55,  41,  46,  19,
	/* 2012.. */  53,  36,  34,  19,  19,   8,
	/* 2020.. */  NA,  64,  NA,  51,  NA,  20,
	/* 2021.. */  NA,  47,  NA,  21,  NA,  11,
	/* 2022.. */  NA,  24,  NA,   9,  NA,   4,
	/* 2100.. */  88,  75,  73,  53,  60,  50,
	/* 2101.. */  73,  55,  59,  40,  41,  20,
	/* 2102.. */  54,  43,  45,  22,  20,  11,
	/* 2110.. */  75,  55,  58,  45,  40,  21,
	/* 2111.. */  61,  51,  48,  18,  20,   9,
	/* 2112.. */  46,  18,  17,   7,   8,   2,
	/* 2120.. */  NA,  53,  NA,  24,  NA,  14,
	/* 2121.. */  NA,  24,  NA,  12,  NA,   5,
	/* 2122.. */  NA,  10,  NA,   3,  NA,   1,
};

static unsigned mv_lookup(int e1, int e2, int e3, int e4, int e5, int e6)
{
	if (e1 > 2 || e2 > 1 || e3 > 2 || e4 > 2 || e5 > 2 || e6 > 1)
		return NA;
	return mv_score[((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 + e6];
}

/* The effective metrics scored, as severity levels in steps of 0.1: the
 * specification's distances (AV N0 A1 L2 P3, PR N0 L1 H2, UI N0 P1 A2, AC L0 H1,
 * AT N0 P1, VC/VI/VA H0 L1 N2, SC/SI/SA S0 H1 L2 N3, CR/IR/AR H0 M1 L2, E A0 P1 U2). */
struct v4_levels {
	int av, ac, at, pr, ui, vc, vi, va, sc, si, sa, cr, ir, ar, e;
};

/* Highest-severity vectors of each EQ level (specification section 8.2, Tables
 * 24..30, in the tables' order). CVSS-B reaches only the EQ3+EQ6 levels 00, 10
 * and 21 (E, CR, IR, AR and the modified metrics are at their defaults); the
 * other rows are kept for completeness and are not exercised by the base score. */
struct eq_max {
	uint8_t n;
	int8_t v[5][6];
};
static const struct eq_max eq1_max[3] = {          /* AV PR UI */
	{ 1, { { 0, 0, 0 } } },
	{ 3, { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } } },
	{ 2, { { 3, 0, 0 }, { 1, 1, 2 } } },
};
static const struct eq_max eq2_max[2] = {          /* AC AT */
	{ 1, { { 0, 0 } } },
	{ 2, { { 1, 0 }, { 0, 1 } } },
};
static const struct eq_max eq36_max[3][2] = {      /* VC VI VA CR IR AR */
	{ { 1, { { 0, 0, 0, 0, 0, 0 } } },
	  { 2, { { 0, 0, 0, 1, 1, 1 }, { 0, 0, 1, 1, 1, 0 } } } },
	{ { 2, { { 1, 0, 0, 0, 0, 0 }, { 0, 1, 0, 0, 0, 0 } } },
	  { 5, { { 0, 1, 0, 1, 0, 1 }, { 0, 1, 1, 1, 0, 0 }, { 1, 0, 0, 0, 1, 1 },
		 { 1, 0, 1, 0, 1, 0 }, { 1, 1, 0, 0, 0, 1 } } } },
	{ { 0, { { 0 } } },
	  { 1, { { 1, 1, 1, 0, 0, 0 } } } },
};
static const struct eq_max eq4_max[3] = {          /* SC SI SA */
	{ 1, { { 1, 0, 0 } } },
	{ 1, { { 1, 1, 1 } } },
	{ 1, { { 2, 2, 2 } } },
};

/* Depth of each MacroVector: the largest severity distance between its highest
 * and lowest severity vectors, in steps of 0.1, plus one as the reference
 * calculator counts it (verified: every base vector scores as the reference). */
static const int eq1_depth[3] = { 1, 4, 5 };
static const int eq2_depth[2] = { 1, 2 };
static const int eq36_depth[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int eq4_depth[3] = { 6, 5, 4 };
static const int eq5_depth[3] = { 1, 1, 1 };

/* Severity distance of `lv` (n metrics) from the first highest-severity vector
 * of the level that it does not exceed in severity (every metric's distance >= 0). */
static int eq_distance(const struct eq_max *m, const int *lv, int n)
{
	for (int k = 0; k < m->n; k++) {
		int sum = 0;
		bool ok = true;
		for (int j = 0; j < n; j++) {
			int d = lv[j] - m->v[k][j];
			if (d < 0) {
				ok = false;
				break;
			}
			sum += d;
		}
		if (ok)
			return sum;
	}
	return 0; /* not reached for valid levels: the last vector of a level is its least severe */
}

/* The effective level of base metric `b` (first value level `b0`) under its
 * modified metric `m` (values X, then the same values as the base metric,
 * first level `m0`) when `full` and the modified metric is given and not X. */
static int eff(const uint8_t *val, bool full, int b, int b0, int m, int m0)
{
	if (full && val[m] > 1)
		return val[m] - 2 + m0;
	return val[b] - 1 + b0;
}

/* A requirement or threat metric: X (or absent, or not `full`) is level 0. */
static int req(const uint8_t *val, bool full, int m)
{
	return (full && val[m] > 1) ? val[m] - 2 : 0;
}

/* CVSS-B when !full; with `full`, the score of every metric in the vector
 * (CVSS-BT, -BE or -BTE as the vector has them). */
static unsigned score_v4(const uint8_t *val, bool full)
{
	struct v4_levels l;
	int e1, e2, e3, e4, e5, e6;
	unsigned mv, lower[5];
	int dist[5], depth[5];
	/* The sum of proportional distances in units of 1/2520 tenth (2520 = lcm(1..10),
	 * every depth divides it): all arithmetic below is exact. */
	long long num = 0, den;
	int nlower = 0;

	/* Modified metrics replace base ones; E:X = A, CR/IR/AR:X = H (worst case). */
	l.av = eff(val, full, V4_AV, 0, V4_MAV, 0);
	l.ac = eff(val, full, V4_AC, 0, V4_MAC, 0);
	l.at = eff(val, full, V4_AT, 0, V4_MAT, 0);
	l.pr = eff(val, full, V4_PR, 0, V4_MPR, 0);
	l.ui = eff(val, full, V4_UI, 0, V4_MUI, 0);
	l.vc = eff(val, full, V4_VC, 0, V4_MVC, 0);
	l.vi = eff(val, full, V4_VI, 0, V4_MVI, 0);
	l.va = eff(val, full, V4_VA, 0, V4_MVA, 0);
	l.sc = eff(val, full, V4_SC, 1, V4_MSC, 1); /* H1 L2 N3 */
	l.si = eff(val, full, V4_SI, 1, V4_MSI, 0); /* MSI: S0 H1 L2 N3 */
	l.sa = eff(val, full, V4_SA, 1, V4_MSA, 0);
	l.e = req(val, full, V4_E);                 /* A0 P1 U2 */
	l.cr = req(val, full, V4_CR);               /* H0 M1 L2 */
	l.ir = req(val, full, V4_IR);
	l.ar = req(val, full, V4_AR);

	/* No impact on either system scores 0.0 (the reference calculator's rule,
	 * which the specification text does not state). */
	if (l.vc == 2 && l.vi == 2 && l.va == 2 && l.sc == 3 && l.si == 3 && l.sa == 3)
		return 0;

	/* The equivalence classes (specification Table 24..29). */
	if (l.av == 0 && l.pr == 0 && l.ui == 0)
		e1 = 0;
	else if ((l.av == 0 || l.pr == 0 || l.ui == 0) && l.av != 3)
		e1 = 1;
	else
		e1 = 2;
	e2 = (l.ac == 0 && l.at == 0) ? 0 : 1;
	if (l.vc == 0 && l.vi == 0)
		e3 = 0;
	else if (l.vc == 0 || l.vi == 0 || l.va == 0)
		e3 = 1;
	else
		e3 = 2;
	if (l.si == 0 || l.sa == 0)
		e4 = 0;
	else if (l.sc == 1 || l.si == 1 || l.sa == 1)
		e4 = 1;
	else
		e4 = 2;
	e5 = l.e;
	e6 = ((l.cr == 0 && l.vc == 0) || (l.ir == 0 && l.vi == 0) || (l.ar == 0 && l.va == 0))
		     ? 0
		     : 1;

	mv = mv_lookup(e1, e2, e3, e4, e5, e6);
	if (mv == NA)
		return 0; /* impossible for a valid vector */

	/* The next lower MacroVector of each EQ (EQ3 and EQ6 move together). */
	lower[0] = mv_lookup(e1 + 1, e2, e3, e4, e5, e6);
	lower[1] = mv_lookup(e1, e2 + 1, e3, e4, e5, e6);
	if (e3 == 0 && e6 == 0) {
		/* two ways down: the higher-scoring one */
		unsigned a = mv_lookup(e1, e2, e3, e4, e5, 1), b = mv_lookup(e1, e2, 1, e4, e5, e6);
		lower[2] = (a == NA) ? b : (b == NA) ? a : (a > b ? a : b);
	} else if (e3 == 1 && e6 == 1) {
		lower[2] = mv_lookup(e1, e2, 2, e4, e5, 1);
	} else if (e3 == 2) {
		lower[2] = NA;
	} else { /* 01 and 10 both go to 11 */
		lower[2] = mv_lookup(e1, e2, 1, e4, e5, 1);
	}
	lower[3] = mv_lookup(e1, e2, e3, e4 + 1, e5, e6);
	lower[4] = mv_lookup(e1, e2, e3, e4, e5 + 1, e6);

	{
		int lv1[3] = { l.av, l.pr, l.ui };
		int lv2[2] = { l.ac, l.at };
		int lv36[6] = { l.vc, l.vi, l.va, l.cr, l.ir, l.ar };
		int lv4[3] = { l.sc, l.si, l.sa };
		dist[0] = eq_distance(&eq1_max[e1], lv1, 3);
		dist[1] = eq_distance(&eq2_max[e2], lv2, 2);
		dist[2] = eq_distance(&eq36_max[e3][e6], lv36, 6);
		dist[3] = eq_distance(&eq4_max[e4], lv4, 3);
		dist[4] = 0; /* E is its level's highest-severity value */
	}
	depth[0] = eq1_depth[e1];
	depth[1] = eq2_depth[e2];
	depth[2] = eq36_depth[e3][e6];
	depth[3] = eq4_depth[e4];
	depth[4] = eq5_depth[e5];

	/* mean over the EQs that have a lower MacroVector of
	 * (score - lower score) * distance / depth, subtracted from the score */
	for (int i = 0; i < 5; i++) {
		if (lower[i] == NA)
			continue;
		nlower++;
		num += ((long long)mv - (long long)lower[i]) * dist[i] * (2520 / depth[i]);
	}
	if (nlower == 0)
		return mv;
	/* value (tenths) = mv - num / (2520 * nlower); round half up, clamp to 0..100 */
	den = 2520LL * nlower;
	{
		long long x = (long long)mv * den - num; /* value * den */
		long long r;
		/* floor((x / den) + 1/2) = floor((2x + den) / (2 den)) */
		long long n2 = 2 * x + den, d2 = 2 * den;
		r = n2 >= 0 ? n2 / d2 : -((-n2 + d2 - 1) / d2);
		if (r < 0)
			r = 0;
		if (r > 100)
			r = 100;
		return (unsigned)r;
	}
}

/* ---- parsing ---- */

/* A printable copy of untrusted bytes for messages (at most 24, others as '?'). */
static const char *shown(struct cg_view v, char *buf, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < v.len && n + 4 < size && i < 24; i++)
		buf[n++] = (v.p[i] >= 0x20 && v.p[i] < 0x7f) ? (char)v.p[i] : '?';
	if (v.len > 24 && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* CG_ERR_INVALID with a "cvss: " message. */
static cg_err_t invalid(struct cg_error *err, const char *fmt, ...) CG_PRINTF(2, 3);
static cg_err_t invalid(struct cg_error *err, const char *fmt, ...)
{
	char msg[CG_ERROR_MSG_MAX - 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cg_error_set(err, CG_ERR_INVALID, "cvss: %s", msg);
}

static int metric_find(const struct version_def *d, struct cg_view name)
{
	for (size_t i = 0; i < d->nmetrics; i++)
		if (cg_view_eq(name, d->metrics[i].name))
			return (int)i;
	return -1;
}

static int value_find(const struct metric *m, struct cg_view value)
{
	for (int i = 0; i < MAX_VALUES && m->values[i]; i++)
		if (cg_view_eq(value, m->values[i]))
			return i;
	return -1;
}

static bool has_prefix(struct cg_view v, const char *p)
{
	size_t n = strlen(p);
	return v.len >= n && memcmp(v.p, p, n) == 0;
}

cg_err_t cg_cvss_parse(const char *vector, size_t len, struct cg_cvss *out, struct cg_error *err)
{
	cg_err_t rc = CG_OK;
	struct cg_view all = cg_view_make(vector, len), rest;
	const struct version_def *d = NULL;
	struct cg_cvss c;
	char b1[32], b2[32];
	const char *vname, *mname;
	int last = -1;

	if (!vector || !out)
		return cg_error_set(err, CG_ERR_ARG, "cvss: NULL argument");
	memset(&c, 0, sizeof(c));
	if (len == 0)
		CG_FAIL(rc, invalid(err, "empty vector"));
	if (len > CG_CVSS_MAX_LEN)
		CG_FAIL(rc, invalid(err, "vector longer than %d bytes", CG_CVSS_MAX_LEN));
	if (has_prefix(all, "CVSS:")) {
		for (size_t i = 0; i < CG_ARRAY_LEN(versions); i++) {
			const char *pre = versions[i].prefix;
			size_t pl = strlen(pre);
			if (pl && has_prefix(all, pre))
				d = &versions[i];
			else if (pl && all.len == pl - 1 && memcmp(all.p, pre, all.len) == 0)
				CG_FAIL(rc, invalid(err, "no metrics after '%s'", pre));
		}
		if (!d) {
			struct cg_view pv = all;
			const uint8_t *slash = memchr(all.p, '/', all.len);
			if (slash)
				pv.len = (size_t)(slash - all.p);
			CG_FAIL(rc, invalid(err, "unknown version '%s' (want CVSS:3.0, 3.1 or 4.0)",
					    shown(pv, b1, sizeof(b1))));
		}
	} else {
		d = version_find(CG_CVSS_V2_0); /* v2.0 vectors have no prefix */
	}
	c.version = d->version;
	vname = cg_cvss_version_name(d->version);
	rest.p = all.p + strlen(d->prefix);
	rest.len = all.len - strlen(d->prefix);
	if (rest.len == 0)
		CG_FAIL(rc, invalid(err, "no metrics after '%s'", d->prefix));

	/* "NAME:VALUE" components separated by single '/'; none may be empty. */
	for (size_t pos = 0, count = 0; pos <= rest.len; count++) {
		const uint8_t *slash, *colon;
		struct cg_view tok, name, value;
		int mi, vi;

		if (count >= d->nmetrics) /* more than every metric once */
			CG_FAIL(rc, invalid(err, "more than %zu metrics", d->nmetrics));
		slash = memchr(rest.p + pos, '/', rest.len - pos);
		tok.p = rest.p + pos;
		tok.len = slash ? (size_t)(slash - tok.p) : rest.len - pos;
		pos += tok.len + 1; /* past the '/', or past the end when there is none */
		if (tok.len == 0)
			CG_FAIL(rc, invalid(err, "empty component at offset %zu",
					    (size_t)(tok.p - all.p)));
		if (tok.len > MAX_TOKEN)
			CG_FAIL(rc, invalid(err, "component '%s' too long",
					    shown(tok, b1, sizeof(b1))));
		colon = memchr(tok.p, ':', tok.len);
		if (!colon)
			CG_FAIL(rc, invalid(err, "component '%s' is not NAME:VALUE",
					    shown(tok, b1, sizeof(b1))));
		name.p = tok.p;
		name.len = (size_t)(colon - tok.p);
		value.p = colon + 1;
		value.len = tok.len - name.len - 1;
		mi = metric_find(d, name);
		if (mi < 0)
			CG_FAIL(rc, invalid(err, "unknown metric '%s' for CVSS %s",
					    shown(name, b1, sizeof(b1)), vname));
		mname = d->metrics[mi].name;
		if (c.value[mi])
			CG_FAIL(rc, invalid(err, "metric '%s' given twice", mname));
		if (d->ordered && mi < last)
			CG_FAIL(rc, invalid(err, "metric '%s' out of order (CVSS %s fixes it)",
					    mname, vname));
		vi = value_find(&d->metrics[mi], value);
		if (vi < 0)
			CG_FAIL(rc, invalid(err, "invalid value '%s' for metric '%s'",
					    shown(value, b2, sizeof(b2)), mname));
		c.value[mi] = (uint8_t)(vi + 1);
		last = mi;
		if (!slash)
			break;
	}

	for (size_t i = 0; i < d->nmetrics; i++)
		if (d->metrics[i].required && !c.value[i])
			CG_FAIL(rc, invalid(err, "missing base metric '%s'", d->metrics[i].name));
	/* v2.0: the temporal and environmental vectors are given whole or not at all */
	for (uint8_t g = 1; d->version == CG_CVSS_V2_0 && g <= 2; g++) {
		bool any = false, every = true;
		for (size_t i = 0; i < d->nmetrics; i++) {
			if (d->metrics[i].group != g)
				continue;
			any |= c.value[i] != 0;
			every &= c.value[i] != 0;
		}
		if (any && !every)
			CG_FAIL(rc, invalid(err, "incomplete CVSS 2.0 %s vector",
					    g == 1 ? "temporal" : "environmental"));
	}

	switch (d->version) {
	case CG_CVSS_V2_0:
		c.score10 = score_v2(c.value);
		break;
	case CG_CVSS_V3_0:
		c.score10 = score_v3(c.value, false);
		break;
	case CG_CVSS_V3_1:
		c.score10 = score_v3(c.value, true);
		break;
	case CG_CVSS_V4_0:
		c.score10 = score_v4(c.value, false);
		break;
	}
	if (c.score10 > 100)
		CG_FAIL(rc, cg_error_set(err, CG_ERR_INTERNAL, "cvss: score out of range"));
	c.severity = cg_cvss_severity_of(c.version, c.score10);
	*out = c;
done:
	return rc;
}

/* ---- accessors ---- */

cg_err_t cg_cvss_v4_score(const struct cg_cvss *c, unsigned *score10, const char **nomenclature)
{
	bool t = false, e = false;
	if (!c || !score10)
		return CG_ERR_ARG;
	if (c->version != CG_CVSS_V4_0)
		return CG_ERR_UNSUPPORTED;
	t = c->value[V4_E] > 1;
	for (int i = V4_CR; i <= V4_MSA; i++)
		e |= c->value[i] > 1;
	*score10 = score_v4(c->value, true);
	if (nomenclature)
		*nomenclature = t && e ? "CVSS-BTE" : t ? "CVSS-BT" : e ? "CVSS-BE" : "CVSS-B";
	return CG_OK;
}

double cg_cvss_score(const struct cg_cvss *c)
{
	return c ? c->score10 / 10.0 : 0.0;
}

const char *cg_cvss_version_name(enum cg_cvss_version v)
{
	switch (v) {
	case CG_CVSS_V2_0:
		return "2.0";
	case CG_CVSS_V3_0:
		return "3.0";
	case CG_CVSS_V3_1:
		return "3.1";
	case CG_CVSS_V4_0:
		return "4.0";
	}
	return "?";
}

const char *cg_cvss_severity_name(enum cg_cvss_severity s)
{
	static const char *const names[] = { "None", "Low", "Medium", "High", "Critical" };
	return (unsigned)s < CG_ARRAY_LEN(names) ? names[s] : "?";
}

enum cg_cvss_severity cg_cvss_severity_of(enum cg_cvss_version v, unsigned score10)
{
	if (v == CG_CVSS_V2_0)
		return score10 < 40 ? CG_CVSS_SEV_LOW : score10 < 70 ? CG_CVSS_SEV_MEDIUM
								     : CG_CVSS_SEV_HIGH;
	if (score10 == 0)
		return CG_CVSS_SEV_NONE;
	if (score10 < 40)
		return CG_CVSS_SEV_LOW;
	if (score10 < 70)
		return CG_CVSS_SEV_MEDIUM;
	if (score10 < 90)
		return CG_CVSS_SEV_HIGH;
	return CG_CVSS_SEV_CRITICAL;
}

size_t cg_cvss_metric_count(enum cg_cvss_version v)
{
	const struct version_def *d = version_find(v);
	return d ? d->nmetrics : 0;
}

const char *cg_cvss_metric_name(enum cg_cvss_version v, size_t i)
{
	const struct version_def *d = version_find(v);
	return d && i < d->nmetrics ? d->metrics[i].name : NULL;
}

const char *cg_cvss_get(const struct cg_cvss *c, const char *name)
{
	const struct version_def *d;
	if (!c || !name || !(d = version_find(c->version)))
		return NULL;
	for (size_t i = 0; i < d->nmetrics; i++) {
		unsigned vi = c->value[i];
		if (strcmp(d->metrics[i].name, name) != 0)
			continue;
		if (vi == 0 || vi > MAX_VALUES)
			return NULL;
		return d->metrics[i].values[vi - 1];
	}
	return NULL;
}

cg_err_t cg_cvss_format(const struct cg_cvss *c, char *buf, size_t size, size_t *outlen)
{
	cg_err_t rc = CG_OK;
	const struct version_def *d;
	size_t n = 0;
	bool first = true;

	if (!c || !buf || size == 0)
		return CG_ERR_ARG;
	buf[0] = '\0';
	d = version_find(c->version);
	if (!d)
		return CG_ERR_ARG;
	{
		size_t pl = strlen(d->prefix);
		if (pl >= size)
			CG_FAIL(rc, CG_ERR_LIMIT);
		memcpy(buf, d->prefix, pl);
		n = pl;
	}
	for (size_t i = 0; i < d->nmetrics; i++) {
		const char *v;
		size_t nl, vl, need;
		if (c->value[i] == 0)
			continue;
		if (c->value[i] > MAX_VALUES || !(v = d->metrics[i].values[c->value[i] - 1]))
			CG_FAIL(rc, CG_ERR_ARG);
		nl = strlen(d->metrics[i].name);
		vl = strlen(v);
		need = (first ? 0 : 1) + nl + 1 + vl;
		if (need >= size - n)
			CG_FAIL(rc, CG_ERR_LIMIT);
		if (!first)
			buf[n++] = '/';
		memcpy(buf + n, d->metrics[i].name, nl);
		n += nl;
		buf[n++] = ':';
		memcpy(buf + n, v, vl);
		n += vl;
		first = false;
	}
	buf[n] = '\0';
	if (outlen)
		*outlen = n;
done:
	if (rc != CG_OK)
		buf[0] = '\0';
	return rc;
}
