/* The aligner's scores in C: similarity.py's `similarity` and `containment`, pairwise.py's `_split_score` and the
 * dynamic programme of `_align_gap`, on sentence profiles instead of features; and the pairs of equal keys
 * (`_exact_anchors`).
 *
 * A profile (made by text/_words.c: `key_profile`, `profile`) is a bytes object holding two uint64 counts (words,
 * content stems), then the 64-bit hashes of the words in order and of the content stems sorted without repeats. Every rule here is the Python's, read on those arrays; the
 * Python stays the reference (tests/test_scores_native.py holds this to it) and runs when this is not built.
 *
 * The word-sequence similarity is rapidfuzz's normalised Indel similarity, 1 - (n + m - 2 LCS) / (n + m), with the
 * longest common subsequence counted by the bit-parallel method (Hyyro's) rapidfuzz uses. Two sentences that are
 * both very long (the shorter over 64 words and the product over LONGEST cells) are not scored here: the functions
 * return None and the Python scores them.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#include "../_bytes.h"
#include "../_compare.h"

#define LONGEST (1 << 22)
#define EXTENDED 0.6          /* similarity.EXTENDED */
#define EXTENDED_MIN_WORDS 3  /* similarity._EXTENDED_MIN_WORDS */
#define BELOW_EQUAL 0.999     /* similarity._BELOW_EQUAL */
#define TOO_LONG (-1.0)       /* a score this code does not work out */

enum { MATCH, SPLIT, MERGE, DELETE, ADD }; /* pairwise._MATCH ... */

typedef struct {
    const uint64_t *words, *content;
    Py_ssize_t n_words, n_content;
} Profile;

static int read_profile(PyObject *bytes, Profile *p) {
    if (!PyBytes_Check(bytes)) {
        PyErr_SetString(PyExc_TypeError, "a profile is bytes");
        return -1;
    }
    Py_ssize_t size = PyBytes_GET_SIZE(bytes);
    const uint64_t *at = (const uint64_t *)PyBytes_AS_STRING(bytes);
    uint64_t room = size >= 16 && size % 8 == 0 ? (uint64_t)size / 8 - 2 : 0;
    if (size < 16 || size % 8 != 0 || at[0] > room || at[1] != room - at[0]) {
        PyErr_SetString(PyExc_ValueError, "not a sentence profile");
        return -1;
    }
    p->n_words = (Py_ssize_t)at[0];
    p->n_content = (Py_ssize_t)at[1];
    p->words = at + 2;
    p->content = p->words + p->n_words;
    return 0;
}

/* ---- the longest common subsequence ------------------------------------------------------------------------- */

/* A sentence of at most 64 words read once for the bit-parallel longest common subsequence against others (as a
 * row of the gap alignment does): each distinct word with the bit mask of its positions, in a small hash table (the word
 * hashes are mixed already, so their low bits pick the slot) instead of a sorted array searched for every word. */
#define PATTERN_SLOTS 128
typedef struct {
    uint64_t words[PATTERN_SLOTS], masks[PATTERN_SLOTS];
    unsigned char used[PATTERN_SLOTS];
    Py_ssize_t n;
} Pattern;

static void make_pattern(const uint64_t *words, Py_ssize_t n, Pattern *pattern) {
    memset(pattern->used, 0, sizeof pattern->used);
    memset(pattern->masks, 0, sizeof pattern->masks);
    pattern->n = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t word = words[i];
        size_t slot = (size_t)word % PATTERN_SLOTS;
        while (pattern->used[slot] && pattern->words[slot] != word) slot = (slot + 1) % PATTERN_SLOTS;
        pattern->used[slot] = 1;
        pattern->words[slot] = word;
        pattern->masks[slot] |= (uint64_t)1 << i;
    }
}

/* bit_parallel_lcs with one block, the pattern's masks looked up in its table. */
static Py_ssize_t pattern_lcs(const Pattern *pattern, const uint64_t *y, Py_ssize_t m) {
    uint64_t s = ~(uint64_t)0;
    for (Py_ssize_t j = 0; j < m; j++) {
        size_t slot = (size_t)y[j] % PATTERN_SLOTS;
        while (pattern->used[slot] && pattern->words[slot] != y[j]) slot = (slot + 1) % PATTERN_SLOTS;
        if (!pattern->used[slot]) continue;
        uint64_t u = s & pattern->masks[slot];
        s = (s + u) | (s - u);
    }
    uint64_t kept = pattern->n == 64 ? ~s : ~s & (((uint64_t)1 << pattern->n) - 1);
    return __builtin_popcountll(kept);
}

/* Length of the longest common subsequence of x[0:n] and y[0:m], or -1 when too long to count here (-2 on an
 * error, with the exception set): the shorter one is the bit pattern. */
static Py_ssize_t lcs_length(const uint64_t *x, Py_ssize_t n, const uint64_t *y, Py_ssize_t m) {
    if (n > m) {
        const uint64_t *t = x;
        x = y;
        y = t;
        Py_ssize_t k = n;
        n = m;
        m = k;
    }
    if (n == 0) return 0;
    if (n <= 64) { /* one machine word: its masks in a small table, no sort nor search */
        Pattern pattern;
        make_pattern(x, n, &pattern);
        return pattern_lcs(&pattern, y, m);
    }
    if ((double)n * (double)m > LONGEST) return -1;
    Py_ssize_t common = bit_parallel_lcs(x, n, y, m, NULL);
    return common < 0 ? -2 : common;
}

/* ---- similarity.py ------------------------------------------------------------------------------------------ */

/* How many hashes the sorted arrays x and y share. */
static Py_ssize_t shared(const uint64_t *x, Py_ssize_t n, const uint64_t *y, Py_ssize_t m) {
    Py_ssize_t i = 0, j = 0, count = 0;
    while (i < n && j < m) {
        if (x[i] < y[j]) i++;
        else if (x[i] > y[j]) j++;
        else {
            count++;
            i++;
            j++;
        }
    }
    return count;
}

/* similarity.content_overlap */
static double content_overlap(const Profile *a, const Profile *b) {
    Py_ssize_t total = a->n_content + b->n_content;
    if (total == 0) return 0.0;
    Py_ssize_t common = shared(a->content, a->n_content, b->content, b->n_content);
    if (common == 1 && (a->n_content > 2 || b->n_content > 2)) return 0.0;
    return (double)(2 * common) / (double)total;
}

/* similarity._extended */
static double extended(const Profile *a, const Profile *b) {
    const Profile *short_one = a->n_words <= b->n_words ? a : b, *long_one = short_one == a ? b : a;
    Py_ssize_t n = short_one->n_words;
    if (n >= EXTENDED_MIN_WORDS && memcmp(long_one->words, short_one->words, (size_t)n * sizeof(uint64_t)) == 0)
        return EXTENDED;
    return 0.0;
}

/* similarity.similarity for two sentences whose keys are not equal, `pattern` being a's if not NULL; TOO_LONG, or
 * -2 on an error. */
static double similarity_of(const Profile *a, const Profile *b, const Pattern *pattern) {
    Py_ssize_t common = pattern != NULL ? pattern_lcs(pattern, b->words, b->n_words)
                                        : lcs_length(a->words, a->n_words, b->words, b->n_words);
    if (common < 0) return common == -1 ? TOO_LONG : -2.0;
    Py_ssize_t most = a->n_words + b->n_words;
    double best = most == 0 ? 1.0 : 1.0 - (double)(most - 2 * common) / (double)most;
    double overlap = content_overlap(a, b), longer = extended(a, b);
    if (overlap > best) best = overlap;
    if (longer > best) best = longer;
    return best < BELOW_EQUAL ? best : BELOW_EQUAL;
}

static double similarity(const Profile *a, const Profile *b) { return similarity_of(a, b, NULL); }

/* Is every word of `part` a word of `whole`? (Asked of parts without content words: a few short words.) */
static int words_within(const Profile *part, const Profile *whole) {
    for (Py_ssize_t i = 0; i < part->n_words; i++) {
        Py_ssize_t j = 0;
        while (j < whole->n_words && whole->words[j] != part->words[i]) j++;
        if (j == whole->n_words) return 0;
    }
    return 1;
}

/* similarity.containment */
static double containment(const Profile *part, const Profile *whole) {
    if (part->n_content == 0) return words_within(part, whole) ? 1.0 : 0.0;
    return (double)shared(part->content, part->n_content, whole->content, whole->n_content) / (double)part->n_content;
}

/* ---- pairwise.py -------------------------------------------------------------------------------------------- */

/* pairwise._brings: has `piece` no content word, or one that `other` lacks and `whole` has? */
static int brings(const Profile *piece, const Profile *other, const Profile *whole) {
    if (piece->n_content == 0) return 1;
    for (Py_ssize_t i = 0; i < piece->n_content; i++) {
        uint64_t h = piece->content[i];
        if (find_hash(other->content, other->n_content, h) < 0 && find_hash(whole->content, whole->n_content, h) >= 0) return 1;
    }
    return 0;
}

/* Is `whole` the key `first + " " + second`? (The keys of a split's pieces read together: features.joined.) */
static int is_joined_key(PyObject *whole, PyObject *first, PyObject *second) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(whole), k = PyUnicode_GET_LENGTH(first);
    if (n != k + 1 + PyUnicode_GET_LENGTH(second) || PyUnicode_READ_CHAR(whole, k) != ' ') return 0;
    return PyUnicode_Tailmatch(whole, first, 0, k, -1) == 1 && PyUnicode_Tailmatch(whole, second, k + 1, n, 1) == 1;
}

/* pairwise._split_score: the similarity of `whole` to `first` and `second` read together, if both can be pieces of
 * it, else 0; TOO_LONG, or -2 on an error. */
static double split_score(const Profile *whole, const Profile *first, const Profile *second, PyObject *key_whole,
                          PyObject *key_first, PyObject *key_second, double least) {
    Py_ssize_t n1 = first->n_words, n2 = second->n_words;
    int same_words = n1 + n2 == whole->n_words &&
                     memcmp(whole->words, first->words, (size_t)n1 * sizeof(uint64_t)) == 0 &&
                     memcmp(whole->words + n1, second->words, (size_t)n2 * sizeof(uint64_t)) == 0;
    if (!same_words) {
        if (containment(first, whole) < least || containment(second, whole) < least) return 0.0;
        if (!(brings(first, second, whole) && brings(second, first, whole))) return 0.0;
    }
    if (is_joined_key(key_whole, key_first, key_second)) return 1.0;
    /* The two pieces read as one sentence: their words one after the other, their content stems merged. */
    uint64_t *words = PyMem_Malloc(((size_t)(n1 + n2 + first->n_content + second->n_content) + 1) * sizeof *words);
    if (words == NULL) {
        PyErr_NoMemory();
        return -2.0;
    }
    memcpy(words, first->words, (size_t)n1 * sizeof *words);
    memcpy(words + n1, second->words, (size_t)n2 * sizeof *words);
    uint64_t *content = words + n1 + n2;
    Py_ssize_t i = 0, j = 0, count = 0;
    while (i < first->n_content || j < second->n_content) {
        uint64_t x = i < first->n_content ? first->content[i] : UINT64_MAX;
        uint64_t y = j < second->n_content ? second->content[j] : UINT64_MAX;
        if (i < first->n_content && (j >= second->n_content || x <= y)) {
            content[count++] = x;
            if (j < second->n_content && x == y) j++;
            i++;
        } else {
            content[count++] = y;
            j++;
        }
    }
    Profile together = {words, content, n1 + n2, count};
    double score = similarity(whole, &together);
    PyMem_Free(words);
    return score;
}

/* ---- the gap alignment -------------------------------------------------------------------------------------- */

/* The paragraph numbers of a list of ints into `out`; -1 with an exception set on anything else. */
static int read_paragraphs(PyObject *list, Py_ssize_t *out) {
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(list); k++) {
        PyObject *number = PyList_GET_ITEM(list, k);
        if (!PyLong_Check(number)) {
            PyErr_SetString(PyExc_TypeError, "gap_links: paragraphs must be int");
            return -1;
        }
        out[k] = PyLong_AsSsize_t(number);
        if (out[k] == -1 && PyErr_Occurred()) return -1;
    }
    return 0;
}

/* A (a, b, score) triple of the result, from sentence indices taken out of the lists gap_a and gap_b. */
static PyObject *triple(PyObject *gap_a, Py_ssize_t a0, Py_ssize_t a_count, PyObject *gap_b, Py_ssize_t b0,
                        Py_ssize_t b_count, double score) {
    PyObject *a = PyTuple_New(a_count), *b = PyTuple_New(b_count), *made = NULL;
    if (a != NULL && b != NULL) {
        for (Py_ssize_t k = 0; k < a_count; k++) PyTuple_SET_ITEM(a, k, Py_NewRef(PyList_GET_ITEM(gap_a, a0 + k)));
        for (Py_ssize_t k = 0; k < b_count; k++) PyTuple_SET_ITEM(b, k, Py_NewRef(PyList_GET_ITEM(gap_b, b0 + k)));
        made = Py_BuildValue("(OOd)", a, b, score);
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return made;
}

/* gap_links(gap_a, gap_b, profiles_a, profiles_b, keys_a, keys_b, paragraphs_a, paragraphs_b, threshold, base,
 * least) -> list of (a, b, score) | None: pairwise._align_gap's links for the gap sentences gap_a of A and gap_b
 * of B (each list i giving the sentence's profile, comparison key and paragraph), or None if a pair of them is too
 * long to score here. */
static PyObject *gap_links(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 11) {
        PyErr_SetString(PyExc_TypeError, "gap_links takes 11 arguments");
        return NULL;
    }
    for (int k = 0; k < 8; k++) {
        if (!PyList_Check(args[k]) || PyList_GET_SIZE(args[k]) != PyList_GET_SIZE(args[k % 2])) {
            PyErr_SetString(PyExc_TypeError, "gap_links: lists of one length per side expected");
            return NULL;
        }
    }
    double threshold = PyFloat_AsDouble(args[8]), base = PyFloat_AsDouble(args[9]), least = PyFloat_AsDouble(args[10]);
    if (PyErr_Occurred()) return NULL;
    PyObject *gap_a = args[0], *gap_b = args[1], *keys_a = args[4], *keys_b = args[5];
    Py_ssize_t n = PyList_GET_SIZE(gap_a), m = PyList_GET_SIZE(gap_b), w = m + 1;
    Profile *a = PyMem_Calloc((size_t)n + 1, sizeof *a), *b = PyMem_Calloc((size_t)m + 1, sizeof *b);
    double *sim = PyMem_Calloc((size_t)(n * m) + 1, sizeof *sim);
    double *score = PyMem_Calloc((size_t)((n + 1) * w), sizeof *score);
    double *piece_score = PyMem_Calloc((size_t)(2 * (n + 1) * w), sizeof *piece_score); /* split, merge */
    unsigned char *step = PyMem_Calloc((size_t)((n + 1) * w), 1);
    Py_ssize_t *paragraph_a = PyMem_Calloc((size_t)n + 1, sizeof *paragraph_a);
    Py_ssize_t *paragraph_b = PyMem_Calloc((size_t)m + 1, sizeof *paragraph_b);
    PyObject *found = NULL;
    Pattern pattern;
    if (a == NULL || b == NULL || sim == NULL || score == NULL || piece_score == NULL || step == NULL ||
        paragraph_a == NULL || paragraph_b == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_paragraphs(args[6], paragraph_a) < 0 || read_paragraphs(args[7], paragraph_b) < 0) goto done;
    for (Py_ssize_t i = 0; i < n; i++)
        if (read_profile(PyList_GET_ITEM(args[2], i), &a[i]) < 0 || !PyUnicode_Check(PyList_GET_ITEM(keys_a, i)))
            goto bad_input;
    for (Py_ssize_t j = 0; j < m; j++)
        if (read_profile(PyList_GET_ITEM(args[3], j), &b[j]) < 0 || !PyUnicode_Check(PyList_GET_ITEM(keys_b, j)))
            goto bad_input;
    for (Py_ssize_t i = 0; i < n; i++) {
        int short_row = a[i].n_words <= 64;
        if (short_row) make_pattern(a[i].words, a[i].n_words, &pattern);
        for (Py_ssize_t j = 0; j < m; j++) {
            int equal = PyUnicode_Compare(PyList_GET_ITEM(keys_a, i), PyList_GET_ITEM(keys_b, j)) == 0;
            double s = equal ? 1.0 : similarity_of(&a[i], &b[j], short_row ? &pattern : NULL);
            if (s == TOO_LONG) goto too_long;
            if (s < -1.5) goto done;
            sim[i * m + j] = s;
        }
    }
#define SIM(i, j) sim[(i) * m + (j)]
#define SCORE(i, j) score[(i) * w + (j)]
    for (Py_ssize_t j = 1; j <= m; j++) step[j] = ADD;
    for (Py_ssize_t i = 1; i <= n; i++) {
        step[i * w] = DELETE;
        for (Py_ssize_t j = 1; j <= m; j++) {
            double best = SCORE(i - 1, j);
            int how = DELETE;
            if (SCORE(i, j - 1) > best) {
                best = SCORE(i, j - 1);
                how = ADD;
            }
            double s = SIM(i - 1, j - 1);
            if (s >= threshold && SCORE(i - 1, j - 1) + 2 * (s - base) >= best) {
                best = SCORE(i - 1, j - 1) + 2 * (s - base);
                how = MATCH;
            }
            if (j >= 2 && (SIM(i - 1, j - 2) > 0 || SIM(i - 1, j - 1) > 0)) {
                if (paragraph_b[j - 2] == paragraph_b[j - 1]) {
                    double s2 = split_score(&a[i - 1], &b[j - 2], &b[j - 1], PyList_GET_ITEM(keys_a, i - 1),
                                            PyList_GET_ITEM(keys_b, j - 2), PyList_GET_ITEM(keys_b, j - 1), least);
                    if (s2 == TOO_LONG) goto too_long;
                    if (s2 < -1.5) goto done;
                    if (s2 >= threshold && SCORE(i - 1, j - 2) + 3 * (s2 - base) > best) {
                        best = SCORE(i - 1, j - 2) + 3 * (s2 - base);
                        how = SPLIT;
                        piece_score[2 * (i * w + j)] = s2;
                    }
                }
            }
            if (i >= 2 && (SIM(i - 2, j - 1) > 0 || SIM(i - 1, j - 1) > 0)) {
                if (paragraph_a[i - 2] == paragraph_a[i - 1]) {
                    double s2 = split_score(&b[j - 1], &a[i - 2], &a[i - 1], PyList_GET_ITEM(keys_b, j - 1),
                                            PyList_GET_ITEM(keys_a, i - 2), PyList_GET_ITEM(keys_a, i - 1), least);
                    if (s2 == TOO_LONG) goto too_long;
                    if (s2 < -1.5) goto done;
                    if (s2 >= threshold && SCORE(i - 2, j - 1) + 3 * (s2 - base) > best) {
                        best = SCORE(i - 2, j - 1) + 3 * (s2 - base);
                        how = MERGE;
                        piece_score[2 * (i * w + j) + 1] = s2;
                    }
                }
            }
            SCORE(i, j) = best;
            step[i * w + j] = (unsigned char)how;
        }
    }
    /* pairwise._trace_back */
    found = PyList_New(0);
    if (found == NULL) goto done;
    Py_ssize_t i = n, j = m;
    while (i > 0 || j > 0) {
        int how = step[i * w + j];
        PyObject *link = NULL;
        if (how == MATCH) {
            link = triple(gap_a, i - 1, 1, gap_b, j - 1, 1, SIM(i - 1, j - 1));
            i--, j--;
        } else if (how == SPLIT) {
            link = triple(gap_a, i - 1, 1, gap_b, j - 2, 2, piece_score[2 * (i * w + j)]);
            i--, j -= 2;
        } else if (how == MERGE) {
            link = triple(gap_a, i - 2, 2, gap_b, j - 1, 1, piece_score[2 * (i * w + j) + 1]);
            i -= 2, j--;
        } else {
            if (how == DELETE) i--;
            else j--;
            continue;
        }
        if (link == NULL || PyList_Append(found, link) < 0) {
            Py_XDECREF(link);
            Py_CLEAR(found);
            goto done;
        }
        Py_DECREF(link);
    }
    if (PyList_Reverse(found) < 0) Py_CLEAR(found);
#undef SIM
#undef SCORE
    goto done;
bad_input:
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "gap_links: keys must be str");
    goto done;
too_long:
    found = Py_NewRef(Py_None);
done:
    PyMem_Free(a);
    PyMem_Free(b);
    PyMem_Free(sim);
    PyMem_Free(score);
    PyMem_Free(piece_score);
    PyMem_Free(step);
    PyMem_Free(paragraph_a);
    PyMem_Free(paragraph_b);
    return found;
}

/* ---- the single scores, for the tests that hold them to the Python ------------------------------------------ */

/* similarity(profile_a, profile_b, key_a, key_b) -> float | None */
static PyObject *py_similarity(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Profile a, b;
    if (nargs != 4 || read_profile(args[0], &a) < 0 || read_profile(args[1], &b) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "similarity(profile_a, profile_b, key_a, key_b)");
        return NULL;
    }
    int equal = PyObject_RichCompareBool(args[2], args[3], Py_EQ);
    if (equal < 0) return NULL;
    double s = equal ? 1.0 : similarity(&a, &b);
    if (s == TOO_LONG) Py_RETURN_NONE;
    return s < -1.5 ? NULL : PyFloat_FromDouble(s);
}

/* split_score(whole, first, second, key_whole, key_first, key_second, least) -> float | None */
static PyObject *py_split_score(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Profile whole, first, second;
    if (nargs != 7 || read_profile(args[0], &whole) < 0 || read_profile(args[1], &first) < 0 ||
        read_profile(args[2], &second) < 0 || !PyUnicode_Check(args[3]) || !PyUnicode_Check(args[4]) ||
        !PyUnicode_Check(args[5])) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "split_score(whole, first, second, keys..., least)");
        return NULL;
    }
    double least = PyFloat_AsDouble(args[6]);
    if (least == -1.0 && PyErr_Occurred()) return NULL;
    double s = split_score(&whole, &first, &second, args[3], args[4], args[5], least);
    if (s == TOO_LONG) Py_RETURN_NONE;
    return s < -1.5 ? NULL : PyFloat_FromDouble(s);
}

/* containment(part, whole) -> float */
static PyObject *py_containment(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Profile part, whole;
    if (nargs != 2 || read_profile(args[0], &part) < 0 || read_profile(args[1], &whole) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "containment(part, whole)");
        return NULL;
    }
    return PyFloat_FromDouble(containment(&part, &whole));
}

/* shares_content(profile_a, profile_b) -> bool: do the two sentences have a content stem in common? */
static PyObject *py_shares_content(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Profile a, b;
    if (nargs != 2 || read_profile(args[0], &a) < 0 || read_profile(args[1], &b) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "shares_content(profile_a, profile_b)");
        return NULL;
    }
    return PyBool_FromLong(shared(a.content, a.n_content, b.content, b.n_content) > 0);
}

/* ---- equal keys ---------------------------------------------------------------------------------------------- */

/* The hash of a str's characters as stored (_bytes.h). */
static uint64_t str_bytes_hash(PyObject *text) {
    return bytes_hash(PyUnicode_DATA(text), (size_t)PyUnicode_GET_LENGTH(text) * (size_t)PyUnicode_KIND(text));
}

static int same_str(PyObject *x, PyObject *y) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(x);
    return n == PyUnicode_GET_LENGTH(y) && PyUnicode_KIND(x) == PyUnicode_KIND(y) &&
           memcmp(PyUnicode_DATA(x), PyUnicode_DATA(y), (size_t)n * (size_t)PyUnicode_KIND(x)) == 0;
}

/* ---- a longest common subsequence of two id sequences (Myers' O(ND) method) --------------------------------- */

/* The pairs (px[t], py[t]) of a longest common subsequence of x[0:n] and y[0:m], in order, by the steps of
 * pairwise.longest_common_pairs (so that both choose the same one); returns their number, -1 if more than
 * `most_edits` insertions and deletions are needed, -2 on a memory error (the exception set). For each number of
 * edits d the furthest points reached on the diagonals are kept (k from -d - 1 to d + 1), to walk the path back. */
static Py_ssize_t longest_common_pairs(const int32_t *x, Py_ssize_t n, const int32_t *y, Py_ssize_t m,
                                       Py_ssize_t most_edits, Py_ssize_t *px, Py_ssize_t *py) {
    Py_ssize_t limit = most_edits < n + m ? most_edits : n + m, offset = limit + 1, found = -1;
    int32_t *v = PyMem_Calloc((size_t)(2 * limit + 3), sizeof *v);
    int32_t *trace = NULL;
    size_t traced = 0, room = 0;
    if (v == NULL) goto no_memory;
    for (Py_ssize_t d = 0; d <= limit; d++) {
        size_t width = (size_t)(2 * d + 3);
        if (traced + width > room) {
            size_t grown = room ? 2 * room : 1024;
            while (grown < traced + width) grown *= 2;
            int32_t *bigger = PyMem_Realloc(trace, grown * sizeof *trace);
            if (bigger == NULL) goto no_memory;
            trace = bigger;
            room = grown;
        }
        memcpy(trace + traced, v + offset - d - 1, width * sizeof *v); /* v before step d, k from -d - 1 */
        traced += width;
        for (Py_ssize_t k = -d; k <= d; k += 2) {
            int32_t *at_k = v + offset + k;
            Py_ssize_t at = k == -d || (k != d && at_k[-1] < at_k[1]) ? at_k[1] : at_k[-1] + 1;
            while (at < n && at - k < m && x[at] == y[at - k]) at++;
            *at_k = (int32_t)at;
            if (at >= n && at - k >= m) { /* the end: walk back, collecting the diagonal moves from the last */
                Py_ssize_t count = 0, at_x = n, at_y = m;
                for (Py_ssize_t e = d; e > 0; e--) {
                    const int32_t *before_v = trace + (size_t)(e * e + 2 * e) + (size_t)(e + 1); /* k = 0 there */
                    Py_ssize_t diagonal = at_x - at_y;
                    int down = diagonal == -e || (diagonal != e && before_v[diagonal - 1] < before_v[diagonal + 1]);
                    Py_ssize_t before = down ? diagonal + 1 : diagonal - 1, from_x = before_v[before];
                    Py_ssize_t start = down ? from_x : from_x + 1;
                    while (at_x > start) {
                        at_x--, at_y--;
                        px[count] = at_x, py[count] = at_y, count++;
                    }
                    at_x = from_x, at_y = from_x - before;
                }
                while (at_x > 0) {
                    at_x--, at_y--;
                    px[count] = at_x, py[count] = at_y, count++;
                }
                for (Py_ssize_t a = 0, b = count - 1; a < b; a++, b--) { /* into reading order */
                    Py_ssize_t t = px[a];
                    px[a] = px[b], px[b] = t;
                    t = py[a];
                    py[a] = py[b], py[b] = t;
                }
                found = count;
                goto done;
            }
        }
    }
    goto done;
no_memory:
    PyErr_NoMemory();
    found = -2;
done:
    PyMem_Free(v);
    PyMem_Free(trace);
    return found;
}

/* equal_keys(keys_a, keys_b, most_edits) -> (list, list): pairwise._exact_anchors' pairs as the A and the B sentence
 * of each, in A order. The keys of B go into a table found by a hash of their characters (CPython's str hash, which a
 * dict would compute for each new key, costs several times more); a key's slot there is its id. When a key of both
 * sides is repeated on either, the keys of both sides are first paired in reading order (longest_common_pairs over
 * the ids, within `most_edits`, the pairs found from both sides); then every key's occurrences still free pair k-th
 * with k-th. */
static PyObject *equal_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyList_Check(args[0]) || !PyList_Check(args[1]) || !PyLong_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "equal_keys(keys_a: list, keys_b: list, most_edits: int)");
        return NULL;
    }
    PyObject *keys_a = args[0], *keys_b = args[1];
    Py_ssize_t most_edits = PyLong_AsSsize_t(args[2]);
    if (most_edits == -1 && PyErr_Occurred()) return NULL;
    if (most_edits < 0) {
        PyErr_SetString(PyExc_ValueError, "equal_keys: most_edits must not be negative");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(keys_a), m = PyList_GET_SIZE(keys_b);
    if (n > INT32_MAX / 2 || m > INT32_MAX / 2) {
        PyErr_SetString(PyExc_OverflowError, "equal_keys: too many keys");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < n + m; k++) {
        PyObject *key = k < n ? PyList_GET_ITEM(keys_a, k) : PyList_GET_ITEM(keys_b, k - n);
        if (!PyUnicode_Check(key) || PyUnicode_READY(key) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "equal_keys: keys must be str");
            return NULL;
        }
    }
    size_t size = 8;
    while (size < 2 * (size_t)m) size *= 2;
    /* Per slot: its first position in B (-1: empty), how often it stands in A and in B, the next free B position. */
    Py_ssize_t *first = PyMem_Malloc(size * 4 * sizeof *first);
    Py_ssize_t *count_a = first + size, *count_b = first + 2 * size, *next_free = first + 3 * size;
    /* Per position: its slot (A: -1 if B lacks the key), A's partner in B, the next free B position of its slot. */
    Py_ssize_t *slot_a = PyMem_Malloc(((size_t)n + 1) * 2 * sizeof *slot_a), *partner = slot_a + n + 1;
    Py_ssize_t *slot_b = PyMem_Malloc(((size_t)m + 1) * 2 * sizeof *slot_b), *chain = slot_b + m + 1;
    uint64_t *hash_b = PyMem_Malloc(((size_t)m + 1) * sizeof *hash_b);
    int32_t *ids = NULL;
    Py_ssize_t *common = NULL;
    PyObject *in_a = PyList_New(0), *in_b = PyList_New(0), *result = NULL;
    if (first == NULL || slot_a == NULL || slot_b == NULL || hash_b == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (in_a == NULL || in_b == NULL) goto done;
    for (size_t k = 0; k < size; k++) first[k] = -1, count_a[k] = count_b[k] = 0, next_free[k] = -1;
    for (Py_ssize_t j = 0; j < m; j++) {
        PyObject *key = PyList_GET_ITEM(keys_b, j);
        uint64_t h = hash_b[j] = str_bytes_hash(key);
        size_t slot = (size_t)h & (size - 1);
        while (first[slot] >= 0 && !(hash_b[first[slot]] == h && same_str(PyList_GET_ITEM(keys_b, first[slot]), key)))
            slot = (slot + 1) & (size - 1);
        if (first[slot] < 0) first[slot] = j;
        slot_b[j] = (Py_ssize_t)slot;
        count_b[slot]++;
    }
    int repeated = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyList_GET_ITEM(keys_a, i);
        uint64_t h = str_bytes_hash(key);
        size_t slot = (size_t)h & (size - 1);
        while (first[slot] >= 0 && !(hash_b[first[slot]] == h && same_str(PyList_GET_ITEM(keys_b, first[slot]), key)))
            slot = (slot + 1) & (size - 1);
        slot_a[i] = first[slot] >= 0 ? (Py_ssize_t)slot : -1;
        partner[i] = -1;
        if (slot_a[i] >= 0 && (++count_a[slot] > 1 || count_b[slot] > 1)) repeated = 1;
    }
    if (repeated) { /* the keys both sides have, as ids in reading order, and where each stands */
        ids = PyMem_Malloc(((size_t)(n + m) + 1) * sizeof *ids);
        common = PyMem_Malloc(((size_t)(n + m) + 2) * 4 * sizeof *common);
        if (ids == NULL || common == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        Py_ssize_t nx = 0, ny = 0, *where_x = common, *where_y = common + n + 1, least = (n < m ? n : m) + 1;
        Py_ssize_t *forward_x = common + n + m + 2, *forward_y = forward_x + least;
        Py_ssize_t *backward_y = forward_y + least, *backward_x = backward_y + least;
        for (Py_ssize_t i = 0; i < n; i++)
            if (slot_a[i] >= 0) ids[nx] = (int32_t)slot_a[i], where_x[nx++] = i;
        for (Py_ssize_t j = 0; j < m; j++)
            if (count_a[slot_b[j]] > 0) ids[nx + ny] = (int32_t)slot_b[j], where_y[ny++] = j;
        /* The pairs that the subsequences found from A's side and from B's side share (so that diff(B, A) mirrors
         * diff(A, B)); both lists are in reading order on both sides, so they are merged. */
        Py_ssize_t forward = longest_common_pairs(ids, nx, ids + nx, ny, most_edits, forward_x, forward_y);
        Py_ssize_t backward = forward < 0 ? forward
                                          : longest_common_pairs(ids + nx, ny, ids, nx, most_edits, backward_y, backward_x);
        if (forward == -2 || backward == -2) goto done;
        for (Py_ssize_t s = 0, t = 0; s < forward && t < backward;) {
            if (forward_x[s] < backward_x[t]) s++;
            else if (forward_x[s] > backward_x[t]) t++;
            else {
                if (forward_y[s] == backward_y[t]) partner[where_x[forward_x[s]]] = where_y[forward_y[s]];
                s++, t++;
            }
        }
    }
    /* The free B positions of each slot, chained in order (a taken one is marked in `chain` first). */
    for (Py_ssize_t j = 0; j < m; j++) chain[j] = -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (partner[i] >= 0) chain[partner[i]] = -2;
    for (Py_ssize_t j = m - 1; j >= 0; j--) {
        if (chain[j] == -2) continue;
        chain[j] = next_free[slot_b[j]];
        next_free[slot_b[j]] = j;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (partner[i] < 0 && slot_a[i] >= 0 && next_free[slot_a[i]] >= 0) {
            partner[i] = next_free[slot_a[i]];
            next_free[slot_a[i]] = chain[partner[i]];
        }
        if (partner[i] < 0) continue;
        PyObject *x = PyLong_FromSsize_t(i), *y = PyLong_FromSsize_t(partner[i]);
        int failed = x == NULL || y == NULL || PyList_Append(in_a, x) < 0 || PyList_Append(in_b, y) < 0;
        Py_XDECREF(x);
        Py_XDECREF(y);
        if (failed) goto done;
    }
    result = PyTuple_Pack(2, in_a, in_b);
done:
    PyMem_Free(first);
    PyMem_Free(slot_a);
    PyMem_Free(slot_b);
    PyMem_Free(hash_b);
    PyMem_Free(ids);
    PyMem_Free(common);
    Py_XDECREF(in_a);
    Py_XDECREF(in_b);
    return result;
}

static PyMethodDef methods[] = {
    {"gap_links", (PyCFunction)(void (*)(void))gap_links, METH_FASTCALL,
     "pairwise._align_gap's links from the gap sentences' profiles, keys and paragraphs; None if too long."},
    {"similarity", (PyCFunction)(void (*)(void))py_similarity, METH_FASTCALL,
     "similarity.similarity of two profiles (and their keys); None if too long."},
    {"split_score", (PyCFunction)(void (*)(void))py_split_score, METH_FASTCALL,
     "pairwise._split_score of three profiles (and their keys); None if too long."},
    {"containment", (PyCFunction)(void (*)(void))py_containment, METH_FASTCALL,
     "similarity.containment of two profiles."},
    {"shares_content", (PyCFunction)(void (*)(void))py_shares_content, METH_FASTCALL,
     "Do two profiles have a content stem in common?"},
    {"equal_keys", (PyCFunction)(void (*)(void))equal_keys, METH_FASTCALL,
     "pairwise._exact_anchors' pairs of equal keys, as a list of A and a list of B sentences."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_scores", NULL, -1, methods};

PyMODINIT_FUNC PyInit__scores(void) { return PyModule_Create(&module); }
