/* The classifier in C: classify.py's word diff for any two token lists (`opcodes`), and the whole classification of
 * two texts (`classify`), which the classifier makes for every edited link.
 *
 * The word diff is the one rapidfuzz's `Indel.opcodes` gives: the common prefix and suffix are set aside, the
 * longest common subsequence of the middle is counted by Hyyro's bit-parallel method keeping the bit vector after
 * each token of the second list, and the edit operations are read back from the end, preferring at each step a
 * deletion, then an insertion, then a match; runs of one operation become one opcode, with "equal" opcodes between
 * them. Tokens are compared by 64-bit hashes of their code points (rapidfuzz compares them by their Python hashes).
 *
 * `classify` follows classify.py rule by rule (tokens, runs, facts, wording) on texts that are ASCII or come with
 * their fold that keeps offsets (normalise.fold_keeping_offsets: typographic quotes, dashes, accents), comparing
 * words by those hashes too; classify.py stays the reference (tests/test_classify_native.py holds this to it) and
 * runs for other text, when this is not built, and where two texts are too long to align here (None).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#include "_compare.h"

#define LONGEST (1 << 22)

static PyObject *tag_equal, *tag_delete, *tag_insert;

/* ---- the word diff ------------------------------------------------------------------------------------------ */

typedef struct {
    char tag; /* 'd' or 'i' */
    Py_ssize_t src, dest;
} Edit;

typedef struct {
    char tag; /* 'e', 'd' or 'i' */
    Py_ssize_t s0, s1, d0, d1;
} Block;

/* The edits turning x[0:n] into y[0:m] (middles, without common prefix and suffix), positions offset by `shift`,
 * into `edits` (room for n + m); returns how many, -1 if too long to align here, -2 on an error. Read back from the
 * bit vectors of the longest common subsequence: from the end, a deletion where the bit is set, else an insertion
 * where the row before also has it clear, else a match. */
static Py_ssize_t middle_edits(const uint64_t *x, Py_ssize_t n, const uint64_t *y, Py_ssize_t m, Py_ssize_t shift,
                               Edit *edits) {
    if (n == 0 || m == 0) { /* all deletions or all insertions: nothing to align */
        for (Py_ssize_t i = 0; i < n; i++) edits[i] = (Edit){'d', i + shift, shift};
        for (Py_ssize_t j = 0; j < m; j++) edits[j] = (Edit){'i', shift, j + shift};
        return n + m;
    }
    Py_ssize_t blocks = (n + 63) / 64;
    /* (The bit vectors of x's words take n x blocks words, the rows m x blocks: both kept small.) */
    if (n > 64 && ((double)n * (double)m > LONGEST || (double)n * (double)blocks > LONGEST)) return -1;
    uint64_t *rows = PyMem_Malloc(((size_t)(m * blocks) + 1) * sizeof *rows); /* S after each word of y */
    if (rows == NULL) {
        PyErr_NoMemory();
        return -2;
    }
    Py_ssize_t common = bit_parallel_lcs(x, n, y, m, rows);
    if (common < 0) {
        PyMem_Free(rows);
        return -2;
    }
    Py_ssize_t count = n + m - 2 * common, left = count, col = n, row = m;
#define BIT(r, c) ((rows[(r) * blocks + (c) / 64] >> ((c) % 64)) & 1)
    while (row != 0 && col != 0) {
        if (BIT(row - 1, col - 1)) {
            col--;
            edits[--left] = (Edit){'d', col + shift, row + shift};
        } else {
            row--;
            if (row && !BIT(row - 1, col - 1)) edits[--left] = (Edit){'i', col + shift, row + shift};
            else col--;
        }
    }
#undef BIT
    while (col != 0) {
        col--;
        edits[--left] = (Edit){'d', col + shift, row + shift};
    }
    while (row != 0) {
        row--;
        edits[--left] = (Edit){'i', col + shift, row + shift};
    }
    PyMem_Free(rows);
    return count;
}

/* The opcodes turning a[0:n] into b[0:m] into `out` (room for 2 (n + m) + 1); returns how many, -1 if too long to
 * align here, -2 on an error (Editops.as_opcodes of the edits above). */
static Py_ssize_t opcode_blocks(const uint64_t *a, Py_ssize_t n, const uint64_t *b, Py_ssize_t m, Block *out) {
    Edit *edits = PyMem_Malloc(((size_t)(n + m) + 1) * sizeof *edits);
    if (edits == NULL) {
        PyErr_NoMemory();
        return -2;
    }
    Py_ssize_t prefix = 0, suffix = 0;
    while (prefix < n && prefix < m && a[prefix] == b[prefix]) prefix++;
    while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix]) suffix++;
    Py_ssize_t count = middle_edits(a + prefix, n - prefix - suffix, b + prefix, m - prefix - suffix, prefix, edits);
    Py_ssize_t made = 0, src = 0, dest = 0, i = 0;
    while (count >= 0 && i < count) {
        if (src < edits[i].src || dest < edits[i].dest) {
            out[made++] = (Block){'e', src, edits[i].src, dest, edits[i].dest};
            src = edits[i].src;
            dest = edits[i].dest;
        }
        Py_ssize_t src_begin = src, dest_begin = dest;
        char tag = edits[i].tag;
        while (i < count && edits[i].tag == tag && src == edits[i].src && dest == edits[i].dest) {
            if (tag == 'i') dest++;
            else src++;
            i++;
        }
        out[made++] = (Block){tag, src_begin, src, dest_begin, dest};
    }
    if (count >= 0 && (src < n || dest < m)) out[made++] = (Block){'e', src, n, dest, m};
    PyMem_Free(edits);
    return count < 0 ? count : made;
}

/* opcodes(a, b) -> list of (tag, s0, s1, d0, d1) | None: Indel.opcodes(a, b).as_list() for two lists of str. */
static PyObject *opcodes(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[0]) || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "opcodes(a: list[str], b: list[str])");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(args[0]), m = PyList_GET_SIZE(args[1]);
    uint64_t *hashes = PyMem_Malloc(((size_t)(n + m) + 1) * sizeof *hashes);
    Block *blocks = PyMem_Malloc(((size_t)(2 * (n + m)) + 1) * sizeof *blocks);
    PyObject *found = NULL;
    if (hashes == NULL || blocks == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n + m; k++) {
        PyObject *word = k < n ? PyList_GET_ITEM(args[0], k) : PyList_GET_ITEM(args[1], k - n);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "opcodes: the lists must hold str");
            goto done;
        }
        hashes[k] = hash_str(word);
    }
    Py_ssize_t count = opcode_blocks(hashes, n, hashes + n, m, blocks);
    if (count == -1) found = Py_NewRef(Py_None);
    if (count < 0 || (found = PyList_New(count)) == NULL) goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        const Block *o = &blocks[k];
        PyObject *tag = o->tag == 'e' ? tag_equal : o->tag == 'd' ? tag_delete : tag_insert;
        PyObject *item = Py_BuildValue("(Onnnn)", tag, o->s0, o->s1, o->d0, o->d1);
        if (item == NULL) {
            Py_CLEAR(found);
            goto done;
        }
        PyList_SET_ITEM(found, k, item);
    }
done:
    PyMem_Free(hashes);
    PyMem_Free(blocks);
    return found;
}

/* ---- sets of word hashes ---------------------------------------------------------------------------------- */

/* A set of word hashes for membership tests: classify.py's word sets, and the words of one side looked up for each
 * changed word of the other; an open-addressing table, built in one pass, instead of a sorted array searched by
 * halves. */
typedef struct {
    uint64_t *slots;
    unsigned char *used;
    size_t mask;
} HashSet;

static int hash_set_of(HashSet *set, const uint64_t *items, Py_ssize_t n) {
    size_t size = 16;
    while (size < 2 * (size_t)n + 2) size *= 2;
    set->slots = PyMem_Malloc(size * (sizeof *set->slots + 1));
    if (set->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    set->used = (unsigned char *)(set->slots + size);
    memset(set->used, 0, size);
    set->mask = size - 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        size_t slot = (size_t)items[k] & set->mask;
        while (set->used[slot] && set->slots[slot] != items[k]) slot = (slot + 1) & set->mask;
        set->slots[slot] = items[k];
        set->used[slot] = 1;
    }
    return 0;
}

static int hash_set_has(const HashSet *set, uint64_t h) {
    for (size_t slot = (size_t)h & set->mask; set->used[slot]; slot = (slot + 1) & set->mask)
        if (set->slots[slot] == h) return 1;
    return 0;
}

/* classify.py's frozensets, each kept as the table of its words' hashes while it is the set passed in. */
typedef struct {
    PyObject *source; /* the frozenset the table was made from (a strong reference) */
    HashSet table;
} WordSet;

enum { STOPWORDS, NUMBER_WORDS, DATE_WORDS, NEGATIONS, ATTRIBUTION, SET_COUNT };
static WordSet sets[SET_COUNT];

static int know_set(WordSet *set, PyObject *words) {
    if (set->source == words) return 0;
    if (!PyFrozenSet_Check(words)) { /* (a set could change after its table is made) */
        PyErr_SetString(PyExc_TypeError, "classify: word sets must be frozensets of str");
        return -1;
    }
    uint64_t *hashes = PyMem_Malloc(((size_t)PySet_GET_SIZE(words) + 1) * sizeof *hashes);
    PyObject *iterator = hashes != NULL ? PyObject_GetIter(words) : NULL, *word;
    if (iterator == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        PyMem_Free(hashes);
        return -1;
    }
    Py_ssize_t n = 0;
    while ((word = PyIter_Next(iterator)) != NULL) {
        int is_str = PyUnicode_Check(word) && n < PySet_GET_SIZE(words);
        if (is_str) hashes[n++] = hash_str(word);
        Py_DECREF(word);
        if (!is_str) {
            PyErr_SetString(PyExc_TypeError, "classify: word sets must be frozensets of str");
            break;
        }
    }
    Py_DECREF(iterator);
    HashSet table;
    if (PyErr_Occurred() || hash_set_of(&table, hashes, n) < 0) {
        PyMem_Free(hashes);
        return -1;
    }
    PyMem_Free(hashes);
    PyMem_Free(set->table.slots);
    Py_XSETREF(set->source, Py_NewRef(words));
    set->table = table;
    return 0;
}

static int in_set(int which, uint64_t h) { return hash_set_has(&sets[which].table, h); }

/* ---- tokens of a text ---------------------------------------------------------------------------------------- */

/* Character classes as Python's str methods and regular expressions see them; ASCII's from a table filled once
 * (`fill_classes`): \w (alphanumeric or the underscore), white space (str.isspace), capitals, alphanumerics,
 * digits. */
enum { WORD = 1, SPACE = 2, UPPER = 4, ALNUM = 8, DIGIT = 16 };
static unsigned char ascii_classes[128];
/* Each ASCII character as ascii_fold (below) writes it. */
static Py_UCS1 ascii_folded[128];

static void fill_classes(void) {
    for (int c = 0; c < 128; c++) {
        int digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z', alnum = digit || upper || (c >= 'a' && c <= 'z');
        int space = c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
        ascii_classes[c] = (unsigned char)((alnum || c == '_' ? WORD : 0) | (space ? SPACE : 0) | (upper ? UPPER : 0) |
                                           (alnum ? ALNUM : 0) | (digit ? DIGIT : 0));
        ascii_folded[c] = (Py_UCS1)(upper ? c + 32 : c == '`' ? '\'' : c);
    }
}

static inline int is_word_cp(Py_UCS4 c) { return c < 128 ? ascii_classes[c] & WORD : c == '_' || Py_UNICODE_ISALNUM(c); }
static inline int is_space_cp(Py_UCS4 c) { return c < 128 ? ascii_classes[c] & SPACE : Py_UNICODE_ISSPACE(c); }
static inline int is_upper_cp(Py_UCS4 c) { return c < 128 ? ascii_classes[c] & UPPER : Py_UNICODE_ISUPPER(c); }
static inline int is_alnum_cp(Py_UCS4 c) { return c < 128 ? ascii_classes[c] & ALNUM : Py_UNICODE_ISALNUM(c); }
static inline int is_digit_cp(Py_UCS4 c) { return c < 128 ? ascii_classes[c] & DIGIT : Py_UNICODE_ISDECIMAL(c); }
/* rules.reference._TOKEN's joining marks: ' ’ - ‐ ‑ . , : */
static inline int is_joiner_cp(Py_UCS4 c) {
    return c == '\'' || c == 0x2019 || c == '-' || c == 0x2010 || c == 0x2011 || c == '.' || c == ',' || c == ':';
}
/* rules.quotations.QUOTE_CHARS */
static inline int is_quote_cp(Py_UCS4 c) { return c == '"' || c == 0x201c || c == 0x201d || c == 0xab || c == 0xbb; }
/* normalise.fold_text of an ASCII character: lower case, a backtick made '. */
static inline Py_UCS4 ascii_fold(Py_UCS4 c) { return c >= 'A' && c <= 'Z' ? c + 32 : c == '`' ? '\'' : c; }

/* rules.reference._Tokens: each token's offsets, and the hash of its comparison form, read from the text's fold that keeps
 * offsets (normalise.fold_keeping_offsets), or for an ASCII text without one, folded here. */
typedef struct {
    PyObject *text;
    int kind, folded_kind;
    const void *data, *folded; /* folded NULL: an ASCII text, folded by ascii_fold */
    const Py_UCS1 *bytes;      /* the data of a one-byte text (read without the kind switch), else NULL */
    Py_ssize_t length, n;
    Py_ssize_t *start, *end;
    uint64_t *norm;
    /* the quotation opened before the text that it begins inside of (classify's open_quote_a/b): 0 none, else the
     * mark that opened it */
    Py_UCS4 open_quote;
} Tokens;

static inline Py_UCS4 char_at(const Tokens *t, Py_ssize_t k) {
    return t->bytes ? t->bytes[k] : PyUnicode_READ(t->kind, t->data, k);
}
static inline Py_UCS4 folded_at(const Tokens *t, Py_ssize_t k) {
    return t->folded ? PyUnicode_READ(t->folded_kind, t->folded, k) : ascii_fold(char_at(t, k));
}

/* `tokenise` for an ASCII text without a fold: the same tokens and hashes, read byte by byte from tables (most
 * linked texts are ASCII, and the general loop switches on the kind and the fold for each character). */
static void tokenise_ascii(Tokens *t) {
    const Py_UCS1 *s = t->bytes;
    Py_ssize_t i = 0, n = t->length, count = 0;
    while (i < n) {
        unsigned char first = ascii_classes[s[i]];
        if (first & SPACE) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        uint64_t h = hash_step(HASH_START, ascii_folded[s[i++]]);
        if (first & WORD)
            for (;;) {
                while (i < n && (ascii_classes[s[i]] & WORD)) h = hash_step(h, ascii_folded[s[i++]]);
                /* (a joining mark continues the token only before another word character) */
                if (!(i + 1 < n && (s[i] == '\'' || s[i] == '-' || s[i] == '.' || s[i] == ',' || s[i] == ':') &&
                      (ascii_classes[s[i + 1]] & WORD)))
                    break;
                h = hash_step(h, ascii_folded[s[i++]]);
            }
        t->start[count] = start;
        t->end[count] = i;
        t->norm[count] = hash_end(h);
        count++;
    }
    t->n = count;
}

/* rules.reference._TOKEN: a run of \w continued through a joining mark before another run, or any other character but
 * white space alone. `folded` is the text's fold (same length), or NULL for an ASCII text. */
static int tokenise(Tokens *t, PyObject *text, PyObject *folded) {
    t->text = text;
    t->kind = PyUnicode_KIND(text);
    t->data = PyUnicode_DATA(text);
    t->bytes = t->kind == PyUnicode_1BYTE_KIND ? PyUnicode_1BYTE_DATA(text) : NULL;
    t->folded_kind = folded ? PyUnicode_KIND(folded) : 0;
    t->folded = folded ? PyUnicode_DATA(folded) : NULL;
    t->length = PyUnicode_GET_LENGTH(text);
    t->n = 0;
    t->start = PyMem_Malloc(((size_t)t->length + 1) * sizeof *t->start);
    t->end = PyMem_Malloc(((size_t)t->length + 1) * sizeof *t->end);
    t->norm = PyMem_Malloc(((size_t)t->length + 1) * sizeof *t->norm);
    if (t->start == NULL || t->end == NULL || t->norm == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (folded == NULL && PyUnicode_IS_ASCII(text)) {
        tokenise_ascii(t);
        return 0;
    }
    Py_ssize_t i = 0, n = t->length;
    while (i < n) {
        Py_UCS4 c = char_at(t, i);
        if (is_space_cp(c)) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        if (is_word_cp(c)) {
            while (j < n && is_word_cp(char_at(t, j))) j++;
            while (j + 1 < n && is_joiner_cp(char_at(t, j)) && is_word_cp(char_at(t, j + 1))) {
                j++;
                while (j < n && is_word_cp(char_at(t, j))) j++;
            }
        }
        uint64_t h = HASH_START;
        for (Py_ssize_t k = i; k < j; k++) h = hash_step(h, folded_at(t, k));
        t->start[t->n] = i;
        t->end[t->n] = j;
        t->norm[t->n] = hash_end(h);
        t->n++;
        i = j;
    }
    return 0;
}

/* How the lists of two texts' comparison forms compare, as Python compares lists of str: -1, 0 or 1. (Tokens with
 * the same hash are taken as the same, as the word diff takes them.) */
static int compare_norms(const Tokens *ta, const Tokens *tb) {
    Py_ssize_t n = ta->n < tb->n ? ta->n : tb->n;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (ta->norm[i] == tb->norm[i]) continue;
        Py_ssize_t la = ta->end[i] - ta->start[i], lb = tb->end[i] - tb->start[i];
        for (Py_ssize_t k = 0; k < la && k < lb; k++) {
            Py_UCS4 ca = folded_at(ta, ta->start[i] + k), cb = folded_at(tb, tb->start[i] + k);
            if (ca != cb) return ca < cb ? -1 : 1;
        }
        if (la != lb) return la < lb ? -1 : 1;
    }
    return ta->n < tb->n ? -1 : ta->n > tb->n;
}

static void release(Tokens *t) {
    PyMem_Free(t->start);
    PyMem_Free(t->end);
    PyMem_Free(t->norm);
}

static inline Py_UCS4 first_char(const Tokens *t, Py_ssize_t i) { return char_at(t, t->start[i]); }
static inline Py_ssize_t token_length(const Tokens *t, Py_ssize_t i) { return t->end[i] - t->start[i]; }

/* _Tokens.position and _Tokens.shown */
static Py_ssize_t position(const Tokens *t, Py_ssize_t i) {
    if (i < t->n) return t->start[i];
    return t->n ? t->end[t->n - 1] : 0;
}

static PyObject *shown(const Tokens *t, Py_ssize_t first, Py_ssize_t stop) {
    Py_ssize_t from = first == 0 ? 0 : t->start[first], to = stop < t->n ? t->start[stop] : t->length;
    return PyUnicode_Substring(t->text, from, to);
}

/* Is `h` the hash of one of the tokens' comparison forms (`sorted_norms` sorted)? */

/* rules.reference._is_number: a digit, or a number word. */
static int is_number(const Tokens *t, Py_ssize_t i) {
    for (Py_ssize_t k = t->start[i]; k < t->end[i]; k++)
        if (is_digit_cp(folded_at(t, k))) return 1;
    return in_set(NUMBER_WORDS, t->norm[i]);
}

/* rules.reference._Tokens.opens_sentence: the first token, or one after an opening mark. */
static int opens_sentence(const Tokens *t, Py_ssize_t i) {
    if (i == 0) return 1;
    Py_UCS4 c = first_char(t, i - 1);
    return token_length(t, i - 1) == 1 && (c == '.' || c == '!' || c == '?' || c == ':' || c == '"' || c == 0x201c ||
                                           c == '\'' || c == '(' || c == 0x2014 || c == '-');
}

/* A short list of words written here, hashed at first use (classify.py keeps the same lists). */
typedef struct {
    const char *const *names;
    int count;
    uint64_t *hashes;
    int known;
} FixedWords;

static int know_fixed(FixedWords *w) {
    for (int k = 0; k < w->count && !w->known; k++) {
        PyObject *word = PyUnicode_FromString(w->names[k]);
        if (word == NULL) return -1;
        w->hashes[k] = hash_str(word);
        Py_DECREF(word);
    }
    w->known = 1;
    return 0;
}

static int has_fixed(const FixedWords *w, uint64_t h) {
    for (int k = 0; k < w->count; k++)
        if (h == w->hashes[k]) return 1;
    return 0;
}

/* rules.reference._AMBIGUOUS_DATES: month names that are also everyday words. */
static const char *const AMBIGUOUS_DATE_NAMES[] = {"may", "march", "mar"};
static uint64_t ambiguous_date_hashes[3];
static FixedWords ambiguous_dates = {AMBIGUOUS_DATE_NAMES, 3, ambiguous_date_hashes, 0};

/* rules.reference._HONORIFICS: titles before a name; putting one in or taking one out names nobody new. */
static const char *const HONORIFIC_NAMES[] = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady",
                                              "rev", "mx"};
static uint64_t honorific_hashes[12];
static FixedWords honorifics = {HONORIFIC_NAMES, 12, honorific_hashes, 0};

/* rules.reference._is_date: a date word; one that is also an everyday word only when written with a capital. */
static int is_date(const Tokens *t, Py_ssize_t i) {
    if (!in_set(DATE_WORDS, t->norm[i])) return 0;
    return !has_fixed(&ambiguous_dates, t->norm[i]) || is_upper_cp(first_char(t, i));
}

/* rules.reference._is_attribution: a verb of saying, written in lower case ("States" in "United States" is not one). */
static int is_attribution(const Tokens *t, Py_ssize_t i) {
    return in_set(ATTRIBUTION, t->norm[i]) && !is_upper_cp(first_char(t, i));
}

/* rules.reference._is_name */
static int is_name(const Tokens *t, Py_ssize_t i) {
    return is_upper_cp(first_char(t, i)) && !opens_sentence(t, i) && token_length(t, i) > 1 &&
           !in_set(STOPWORDS, t->norm[i]) && !in_set(DATE_WORDS, t->norm[i]) && !is_number(t, i) &&
           !has_fixed(&honorifics, t->norm[i]);
}

/* The hash of the stem of token i's comparison form (`scratch` has room for the token). */
static uint64_t stem_hash(const Tokens *t, Py_ssize_t i, Py_UCS4 *scratch) {
    Py_ssize_t n = token_length(t, i);
    for (Py_ssize_t k = 0; k < n; k++) scratch[k] = folded_at(t, t->start[i] + k);
    Py_ssize_t kept = stem_length(PyUnicode_4BYTE_KIND, scratch, n);
    uint64_t h = HASH_START;
    for (Py_ssize_t k = 0; k < kept; k++) h = hash_step(h, scratch[k]);
    return hash_end(h);
}

/* The hash of `word.lower()` for token i as read (for names: "Storm" against "storm"). For ASCII text that is the
 * comparison form (a name has no backtick); for other text Python's str.lower is asked. */
static int lower_hash(const Tokens *t, Py_ssize_t i, uint64_t *out) {
    if (t->folded == NULL) {
        *out = t->norm[i];
        return 0;
    }
    PyObject *word = PyUnicode_Substring(t->text, t->start[i], t->end[i]), *lower = NULL;
    if (word != NULL) lower = PyObject_CallMethod(word, "lower", NULL);
    Py_XDECREF(word);
    if (lower == NULL) return -1;
    int is_str = PyUnicode_Check(lower);
    if (is_str) *out = hash_str(lower);
    Py_DECREF(lower);
    if (!is_str) PyErr_SetString(PyExc_TypeError, "str.lower() gave no str");
    return is_str ? 0 : -1;
}

/* ---- building the reasons ----------------------------------------------------------------------------------- */

/* A list of token indices of one side. */
typedef struct {
    Py_ssize_t *at;
    Py_ssize_t count;
} Picked;

/* Text under construction: its pieces, joined when finished. */
typedef struct {
    PyObject *pieces; /* a list, made on the first piece */
} Text;

static int put_piece(Text *text, PyObject *piece) {
    if (piece == NULL) return -1;
    if (text->pieces == NULL && (text->pieces = PyList_New(0)) == NULL) {
        Py_DECREF(piece);
        return -1;
    }
    int status = PyList_Append(text->pieces, piece);
    Py_DECREF(piece);
    return status;
}

/* A piece of the program's own words (UTF-8). */
static int put_str(Text *text, const char *s) { return put_piece(text, PyUnicode_FromString(s)); }

/* Token i as read. */
static int put_token(Text *text, const Tokens *t, Py_ssize_t i) {
    return put_piece(text, PyUnicode_Substring(t->text, t->start[i], t->end[i]));
}

/* Are tokens i and j read alike? */
static int same_token(const Tokens *t, Py_ssize_t i, Py_ssize_t j) {
    Py_ssize_t n = token_length(t, i);
    if (token_length(t, j) != n) return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (char_at(t, t->start[i] + k) != char_at(t, t->start[j] + k)) return 0;
    return 1;
}

/* ", ".join(dict.fromkeys(words)) of the picked tokens, as read. */
static int put_distinct(Text *text, const Tokens *t, const Picked *words) {
    int first = 1;
    for (Py_ssize_t k = 0; k < words->count; k++) {
        Py_ssize_t i = words->at[k], seen = 0;
        for (Py_ssize_t e = 0; e < k && !seen; e++) seen = same_token(t, words->at[e], i);
        if (seen) continue;
        if ((!first && put_str(text, ", ") < 0) || put_token(text, t, i) < 0) return -1;
        first = 0;
    }
    return 0;
}

/* The end (in `words`) of the name that starts at words->at[k]: picked tokens next to each other make one name. */
static Py_ssize_t name_end(const Picked *words, Py_ssize_t k) {
    Py_ssize_t end = k + 1;
    while (end < words->count && words->at[end] == words->at[end - 1] + 1) end++;
    return end;
}

/* ", ".join(dict.fromkeys(rules.reference._name_groups(...))): the picked tokens as names, adjacent ones joined by a
 * space, each name once. */
static int put_names(Text *text, const Tokens *t, const Picked *words) {
    int first = 1;
    for (Py_ssize_t k = 0, end; k < words->count; k = end) {
        end = name_end(words, k);
        int seen = 0;
        for (Py_ssize_t e = 0, e_end; e < k && !seen; e = e_end) {
            e_end = name_end(words, e);
            seen = e_end - e == end - k;
            for (Py_ssize_t m = 0; seen && m < end - k; m++) seen = same_token(t, words->at[e + m], words->at[k + m]);
        }
        if (seen) continue;
        if (!first && put_str(text, ", ") < 0) return -1;
        for (Py_ssize_t m = k; m < end; m++)
            if ((m > k && put_str(text, " ") < 0) || put_token(text, t, words->at[m]) < 0) return -1;
        first = 0;
    }
    return 0;
}

/* Appends the finished text to `list` as one str and empties it. */
static int add_text(PyObject *list, Text *text) {
    PyObject *empty = PyUnicode_FromString(""), *made = NULL;
    if (empty != NULL) made = text->pieces ? PyUnicode_Join(empty, text->pieces) : Py_NewRef(empty);
    Py_XDECREF(empty);
    Py_CLEAR(text->pieces);
    if (made == NULL) return -1;
    int status = PyList_Append(list, made);
    Py_DECREF(made);
    return status;
}

typedef int (*PutWords)(Text *, const Tokens *, const Picked *);

/* rules.reference._pairs: "number 12 → 15", or "number added: 15"; the words written by `put` (put_distinct, or
 * put_names for names). */
static int add_pairs(PyObject *list, const char *kind, PutWords put, const Tokens *ta, const Picked *before,
                     const Tokens *tb, const Picked *after) {
    Text text = {NULL};
    int status = put_str(&text, kind);
    if (status == 0 && before->count == 0) {
        status = put_str(&text, " added: ");
        if (status == 0) status = put(&text, tb, after);
    } else if (status == 0) {
        status = put_str(&text, " ");
        if (status == 0) status = put(&text, ta, before);
        if (status == 0) status = put_str(&text, " \xe2\x86\x92 ");
        if (status == 0) status = after->count ? put(&text, tb, after) : put_str(&text, "(removed)");
    }
    if (status == 0) status = add_text(list, &text);
    Py_XDECREF(text.pieces);
    return status;
}

/* "<label>" + the words as `put` writes them. */
static int add_removed(PyObject *list, const char *label, PutWords put, const Tokens *t, const Picked *words) {
    Text text = {NULL};
    int status = put_str(&text, label);
    if (status == 0) status = put(&text, t, words);
    if (status == 0) status = add_text(list, &text);
    Py_XDECREF(text.pieces);
    return status;
}

/* "<label>" + rules.reference._quote_words(words): the first eight, then an ellipsis. */
static int add_quoted(PyObject *list, const char *label, const Tokens *t, const Picked *words) {
    Text text = {NULL};
    int status = put_str(&text, label);
    for (Py_ssize_t k = 0; status == 0 && k < words->count && k < 8; k++) {
        if (k > 0) status = put_str(&text, " ");
        if (status == 0) status = put_token(&text, t, words->at[k]);
    }
    if (status == 0 && words->count > 8) status = put_str(&text, " \xe2\x80\xa6");
    if (status == 0) status = add_text(list, &text);
    Py_XDECREF(text.pieces);
    return status;
}

/* One of the program's own reasons, as a str appended to `list`. */
static int add_reason(PyObject *list, const char *reason) {
    PyObject *made = PyUnicode_FromString(reason);
    if (made == NULL) return -1;
    int status = PyList_Append(list, made);
    Py_DECREF(made);
    return status;
}

/* rules.reference._new_content: content words among `candidates` of `side` whose stems `other` lacks, if there are at least
 * `least` of them (else none). `scratch` has room for any token. */
static int new_content(const Tokens *side, const Picked *candidates, const Tokens *other, Py_ssize_t least,
                       Py_UCS4 *scratch, Picked *fresh) {
    fresh->count = 0;
    Py_ssize_t words = 0;
    for (Py_ssize_t k = 0; k < candidates->count; k++) {
        Py_ssize_t i = candidates->at[k];
        if (is_alnum_cp(first_char(side, i)) && !in_set(STOPWORDS, side->norm[i])) words++;
    }
    if (words < least) return 0;
    uint64_t *stems = PyMem_Malloc(((size_t)other->n + 1) * sizeof *stems);
    if (stems == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t j = 0; j < other->n; j++)
        if (!in_set(STOPWORDS, other->norm[j])) stems[n++] = stem_hash(other, j, scratch);
    HashSet known;
    int made = hash_set_of(&known, stems, n);
    PyMem_Free(stems);
    if (made < 0) return -1;
    for (Py_ssize_t k = 0; k < candidates->count; k++) {
        Py_ssize_t i = candidates->at[k];
        if (is_alnum_cp(first_char(side, i)) && !in_set(STOPWORDS, side->norm[i]) &&
            !hash_set_has(&known, stem_hash(side, i, scratch)))
            fresh->at[fresh->count++] = i;
    }
    PyMem_Free(known.slots);
    if (fresh->count < least) fresh->count = 0;
    return 0;
}

/* rules.reference._quoted_words_changed: does a changed word sit inside quotation marks? Straight marks open and close in
 * turn, typographic ones by their direction, nested; a text that begins inside a quotation opened before it is read
 * from inside that one. */
static int quoted_words_changed(const Tokens *t, const Picked *changed, unsigned char *mark) {
    int any = 0;
    for (Py_ssize_t k = 0; k < changed->count; k++)
        if (is_alnum_cp(first_char(t, changed->at[k]))) any = mark[changed->at[k]] = 1;
    /* (Every character that is neither a word character nor white space is a token: a quote mark is one.) */
    int found = 0;
    if (any) {
        Py_ssize_t depth = t->open_quote ? 1 : 0;
        int straight_open = t->open_quote == '"';
        for (Py_ssize_t i = 0; i < t->n && !found; i++) {
            Py_UCS4 c = first_char(t, i);
            if (c == '\'' && token_length(t, i) == 1 && i + 1 < t->n && t->start[i + 1] == t->start[i] + 1 &&
                token_length(t, i + 1) == 1 && first_char(t, i + 1) == '\'') {
                c = '"'; /* "''", as tokenised news writes a quotation mark: a straight one (rules.quotations.DOUBLED_SINGLE) */
                i++;
            }
            if (token_length(t, i) == 1 && is_quote_cp(c)) {
                if (c == '"') {
                    depth += straight_open ? -1 : 1;
                    straight_open = !straight_open;
                } else if (c == 0x201c || c == 0xab) {
                    depth++;
                } else if (depth) {
                    depth--;
                }
                if (!depth) straight_open = 0; /* (a typographic mark closed every quotation, a straight one too) */
            } else if (depth && mark[i]) {
                found = 1;
            }
        }
    }
    for (Py_ssize_t k = 0; k < changed->count; k++) mark[changed->at[k]] = 0;
    return found;
}

/* ---- the runs of the word diff ------------------------------------------------------------------------------ */

typedef struct {
    char op; /* 'e', 'd' or 'i' */
    PyObject *text;
    Py_ssize_t a_start, a_end, b_start, b_end;
} Run;

typedef struct {
    Run *at;
    Py_ssize_t count;
} Runs;

/* rules.reference._joined: `second` read after `first` (both of one op); takes `second`'s text. */
static int join(Run *first, Run *second) {
    PyObject *text = PyUnicode_Concat(first->text, second->text);
    Py_DECREF(second->text);
    if (text == NULL) return -1;
    Py_SETREF(first->text, text);
    if (second->a_start < first->a_start) first->a_start = second->a_start;
    if (second->a_end > first->a_end) first->a_end = second->a_end;
    if (second->b_start < first->b_start) first->b_start = second->b_start;
    if (second->b_end > first->b_end) first->b_end = second->b_end;
    return 0;
}

/* rules.reference._emit: appends a run (taking its text), joining it to a run of the same op and keeping deletions before
 * insertions. `runs` has room for one more. */
static int emit(Runs *runs, Run run) {
    if (run.text == NULL) return -1;
    Run *last = runs->count ? &runs->at[runs->count - 1] : NULL;
    if (last != NULL && last->op == run.op) return join(last, &run);
    if (run.op == 'd' && last != NULL && last->op == 'i') {
        run.b_start = run.b_end = last->b_start;
        if (runs->count >= 2 && runs->at[runs->count - 2].op == 'd') return join(&runs->at[runs->count - 2], &run);
        runs->at[runs->count] = *last;
        *last = run;
        runs->count++;
        return 0;
    }
    runs->at[runs->count++] = run;
    return 0;
}

/* rules.reference._word_diff: the runs, and which tokens of A were deleted and which of B inserted. */
static int word_diff(const Tokens *ta, const Tokens *tb, const Block *blocks, Py_ssize_t count, Runs *runs,
                     Picked *deleted, Picked *inserted) {
    for (Py_ssize_t k = 0; k < count; k++) {
        const Block *o = &blocks[k];
        Py_ssize_t a_at = position(ta, o->s0), b_at = position(tb, o->d0);
        if (o->tag == 'e') {
            Run run = {'e', shown(tb, o->d0, o->d1), a_at, ta->end[o->s1 - 1], b_at, tb->end[o->d1 - 1]};
            if (emit(runs, run) < 0) return -1;
            continue;
        }
        if (o->s1 > o->s0) {
            for (Py_ssize_t i = o->s0; i < o->s1; i++) deleted->at[deleted->count++] = i;
            Run run = {'d', shown(ta, o->s0, o->s1), a_at, ta->end[o->s1 - 1], b_at, b_at};
            if (emit(runs, run) < 0) return -1;
        }
        if (o->d1 > o->d0) {
            for (Py_ssize_t j = o->d0; j < o->d1; j++) inserted->at[inserted->count++] = j;
            Run run = {'i', shown(tb, o->d0, o->d1), a_at, a_at, b_at, tb->end[o->d1 - 1]};
            if (emit(runs, run) < 0) return -1;
        }
    }
    return 0;
}

/* The runs as a tuple of `run_type` (rules.verdict.Run) items, their offsets moved by `shift_a` and `shift_b`; the runs'
 * texts are handed over. */
static PyObject *runs_tuple(Runs *runs, PyTypeObject *run_type, Py_ssize_t shift_a, Py_ssize_t shift_b) {
    PyObject *tuple = PyTuple_New(runs->count);
    for (Py_ssize_t k = 0; tuple != NULL && k < runs->count; k++) {
        Run *r = &runs->at[k];
        PyObject *item = run_type->tp_alloc(run_type, 6);
        if (item == NULL) {
            Py_CLEAR(tuple);
            break;
        }
        PyTuple_SET_ITEM(tuple, k, item); /* (the tuple owns the item from here, and frees it with itself) */
        PyTuple_SET_ITEM(item, 0, Py_NewRef(r->op == 'e' ? tag_equal : r->op == 'd' ? tag_delete : tag_insert));
        PyTuple_SET_ITEM(item, 1, r->text);
        r->text = NULL;
        Py_ssize_t offsets[4] = {r->a_start + shift_a, r->a_end + shift_a, r->b_start + shift_b, r->b_end + shift_b};
        for (int f = 0; f < 4; f++) {
            PyObject *offset = PyLong_FromSsize_t(offsets[f]);
            if (offset == NULL) {
                Py_CLEAR(tuple);
                return NULL;
            }
            PyTuple_SET_ITEM(item, 2 + f, offset);
        }
    }
    return tuple;
}

/* ---- the classification ------------------------------------------------------------------------------------- */

/* rules.reference._fact_changes: appends the facts the change touches to `reasons` and those it only removes to
 * `removals`. */
static int fact_changes(const Tokens *ta, const Tokens *tb, const Picked *deleted, const Picked *inserted,
                        Py_ssize_t new_claim_words, PyObject *reasons, PyObject *removals, Py_ssize_t *work,
                        Py_UCS4 *scratch, unsigned char *mark) {
    /* The comparison forms of each side, and the changed tokens absent from the other side. */
    HashSet in_a = {NULL, NULL, 0}, in_b = {NULL, NULL, 0};
    uint64_t *lower = PyMem_Malloc(((size_t)(ta->n + tb->n) + 1) * sizeof *lower);
    if (lower == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (hash_set_of(&in_a, ta->norm, ta->n) < 0 || hash_set_of(&in_b, tb->norm, tb->n) < 0) {
        PyMem_Free(in_a.slots);
        PyMem_Free(lower);
        return -1;
    }
    /* `work` has room for 12 lists of (n_a + n_b) indices: 9 used here, the last two hold `deleted` and `inserted`. */
    Py_ssize_t room = ta->n + tb->n + 1, status = -1;
    Picked gone = {work, 0}, new = {work + room, 0}, numbers_gone = {work + 2 * room, 0},
           numbers_new = {work + 3 * room, 0}, dates_gone = {work + 4 * room, 0}, dates_new = {work + 5 * room, 0},
           names_gone = {work + 6 * room, 0}, names_new = {work + 7 * room, 0}, fresh = {work + 8 * room, 0};
    for (Py_ssize_t k = 0; k < deleted->count; k++)
        if (!hash_set_has(&in_b, ta->norm[deleted->at[k]])) gone.at[gone.count++] = deleted->at[k];
    for (Py_ssize_t k = 0; k < inserted->count; k++)
        if (!hash_set_has(&in_a, tb->norm[inserted->at[k]])) new.at[new.count++] = inserted->at[k];

    for (Py_ssize_t k = 0; k < gone.count; k++) {
        Py_ssize_t i = gone.at[k];
        if (is_number(ta, i) && !in_set(DATE_WORDS, ta->norm[i])) numbers_gone.at[numbers_gone.count++] = i;
        if (is_date(ta, i)) dates_gone.at[dates_gone.count++] = i;
        if (is_name(ta, i)) names_gone.at[names_gone.count++] = i;
    }
    for (Py_ssize_t k = 0; k < new.count; k++) {
        Py_ssize_t j = new.at[k];
        if (is_number(tb, j) && !in_set(DATE_WORDS, tb->norm[j])) numbers_new.at[numbers_new.count++] = j;
        if (is_date(tb, j)) dates_new.at[dates_new.count++] = j;
        if (is_name(tb, j)) names_new.at[names_new.count++] = j;
    }
    if (numbers_new.count) {
        if (add_pairs(reasons, "number", put_distinct, ta, &numbers_gone, tb, &numbers_new) < 0) goto done;
    } else if (numbers_gone.count && add_removed(removals, "number removed: ", put_distinct, ta, &numbers_gone) < 0) {
        goto done;
    }
    if (dates_new.count) {
        if (add_pairs(reasons, "date", put_distinct, ta, &dates_gone, tb, &dates_new) < 0) goto done;
    } else if (dates_gone.count && add_removed(removals, "date removed: ", put_distinct, ta, &dates_gone) < 0) {
        goto done;
    }
    if (names_gone.count || names_new.count) {
        /* A word only capitalised differently ("Storm" / "storm") is not a new name: keep a name whose lower case
         * is not among the other side's words that do not start with a capital. */
        Py_ssize_t n_lower_b = 0, n_lower_a = 0;
        for (Py_ssize_t j = 0; j < tb->n; j++)
            if (!is_upper_cp(first_char(tb, j))) lower[n_lower_b++] = tb->norm[j];
        for (Py_ssize_t i = 0; i < ta->n; i++)
            if (!is_upper_cp(first_char(ta, i))) lower[n_lower_b + n_lower_a++] = ta->norm[i];
        HashSet lower_b, lower_a;
        if (hash_set_of(&lower_b, lower, n_lower_b) < 0) goto done;
        if (hash_set_of(&lower_a, lower + n_lower_b, n_lower_a) < 0) {
            PyMem_Free(lower_b.slots);
            goto done;
        }
        Py_ssize_t kept = 0, failed = 0;
        uint64_t h;
        for (Py_ssize_t k = 0; k < names_gone.count && !failed; k++) {
            if (lower_hash(ta, names_gone.at[k], &h) < 0) failed = 1;
            else if (!hash_set_has(&lower_b, h)) names_gone.at[kept++] = names_gone.at[k];
        }
        names_gone.count = kept;
        kept = 0;
        for (Py_ssize_t k = 0; k < names_new.count && !failed; k++) {
            if (lower_hash(tb, names_new.at[k], &h) < 0) failed = 1;
            else if (!hash_set_has(&lower_a, h)) names_new.at[kept++] = names_new.at[k];
        }
        names_new.count = kept;
        PyMem_Free(lower_b.slots);
        PyMem_Free(lower_a.slots);
        if (failed) goto done;
        if (names_new.count) {
            if (add_pairs(reasons, "name", put_names, ta, &names_gone, tb, &names_new) < 0) goto done;
        } else if (names_gone.count && add_removed(removals, "name removed: ", put_names, ta, &names_gone) < 0) {
            goto done;
        }
    }
    Py_ssize_t negations_gone = 0, negations_new = 0;
    for (Py_ssize_t k = 0; k < deleted->count; k++) negations_gone += in_set(NEGATIONS, ta->norm[deleted->at[k]]);
    for (Py_ssize_t k = 0; k < inserted->count; k++) negations_new += in_set(NEGATIONS, tb->norm[inserted->at[k]]);
    if (negations_new != negations_gone &&
        add_reason(reasons, negations_new > negations_gone ? "negation added" : "negation removed") < 0)
        goto done;
    if ((quoted_words_changed(ta, deleted, mark) || quoted_words_changed(tb, inserted, mark)) &&
        add_reason(reasons, "words of a quotation changed") < 0)
        goto done;
    int said_gone = 0, said_new = 0;
    for (Py_ssize_t k = 0; k < deleted->count; k++) said_gone |= is_attribution(ta, deleted->at[k]);
    for (Py_ssize_t k = 0; k < inserted->count; k++) said_new |= is_attribution(tb, inserted->at[k]);
    if (said_gone || said_new) {
        int said_a = 0, said_b = 0;
        for (Py_ssize_t i = 0; i < ta->n; i++) said_a |= is_attribution(ta, i);
        for (Py_ssize_t j = 0; j < tb->n; j++) said_b |= is_attribution(tb, j);
        const char *reason = said_a != said_b ? (said_b ? "attribution added" : "attribution removed")
                             : names_gone.count || names_new.count ? "attribution changed"
                                                                   : NULL;
        if (reason != NULL && add_reason(reasons, reason) < 0) goto done;
    }
    if (new_content(tb, &new, ta, new_claim_words, scratch, &fresh) < 0) goto done;
    if (fresh.count && add_quoted(reasons, "new claim: ", tb, &fresh) < 0) goto done;
    if (new_content(ta, &gone, tb, new_claim_words, scratch, &fresh) < 0) goto done;
    if (fresh.count && add_quoted(removals, "words removed: ", ta, &fresh) < 0) goto done;
    status = 0;
done:
    PyMem_Free(in_a.slots);
    PyMem_Free(in_b.slots);
    PyMem_Free(lower);
    return (int)status;
}

/* rules.reference._wording_changes: what a change of wording alone did. */
static int wording_changes(const Tokens *ta, const Tokens *tb, const Picked *deleted, const Picked *inserted,
                           PyObject *found, Py_ssize_t *work) {
    Py_ssize_t room = ta->n + tb->n + 1;
    Picked gone = {work, 0}, new = {work + room, 0};
    for (Py_ssize_t k = 0; k < deleted->count; k++)
        if (is_alnum_cp(first_char(ta, deleted->at[k]))) gone.at[gone.count++] = deleted->at[k];
    for (Py_ssize_t k = 0; k < inserted->count; k++)
        if (is_alnum_cp(first_char(tb, inserted->at[k]))) new.at[new.count++] = inserted->at[k];
    if (!gone.count && !new.count) return add_reason(found, "punctuation");
    /* The words' comparison forms run together, hyphens dropped: equal when only hyphens or spaces changed. */
    int status = -1;
    Py_UCS4 *joined[2] = {PyMem_Malloc(((size_t)ta->length + 1) * sizeof(Py_UCS4)),
                          PyMem_Malloc(((size_t)tb->length + 1) * sizeof(Py_UCS4))};
    Py_ssize_t length[2] = {0, 0};
    if (joined[0] == NULL || joined[1] == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int side = 0; side < 2; side++) {
        const Tokens *t = side ? tb : ta;
        for (Py_ssize_t i = 0; i < t->n; i++) {
            if (!is_alnum_cp(first_char(t, i))) continue;
            for (Py_ssize_t k = t->start[i]; k < t->end[i]; k++) {
                Py_UCS4 c = folded_at(t, k);
                if (c != '-') joined[side][length[side]++] = c;
            }
        }
    }
    if (length[0] == length[1] && memcmp(joined[0], joined[1], (size_t)length[0] * sizeof(Py_UCS4)) == 0) {
        status = add_reason(found, "hyphenation or spacing");
        goto done;
    }
    if (ta->n == tb->n) {
        uint64_t *sorted = PyMem_Malloc(((size_t)(2 * ta->n) + 1) * sizeof *sorted);
        if (sorted == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        memcpy(sorted, ta->norm, (size_t)ta->n * sizeof *sorted);
        memcpy(sorted + ta->n, tb->norm, (size_t)tb->n * sizeof *sorted);
        sort_hashes(sorted, ta->n);
        sort_hashes(sorted + ta->n, tb->n);
        int reordered = memcmp(sorted, sorted + ta->n, (size_t)ta->n * sizeof *sorted) == 0;
        PyMem_Free(sorted);
        if (reordered) {
            status = add_reason(found, "word order");
            goto done;
        }
    }
    status = add_pairs(found, "wording", put_distinct, ta, &gone, tb, &new);
done:
    PyMem_Free(joined[0]);
    PyMem_Free(joined[1]);
    return status;
}

/* classify(text_a, text_b, folded_a, folded_b, stopwords, number_words, date_words, negations, attribution,
 * removals_are_substantive, new_claim_words, run_type, shift_a, shift_b, open_quote_a, open_quote_b) -> (kind,
 * reasons, runs) | None: classify.classify for two texts whose comparison keys differ, each given with its fold that keeps offsets
 * (normalise.fold_keeping_offsets), or None for an ASCII text, with the runs' offsets moved by the shifts and the
 * mark of a quotation each text begins inside of ("" for none); None for a text beyond ASCII without its
 * fold, or two texts too long to align here. */
static PyObject *classify(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 16 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1]) || !PyType_Check(args[11]) ||
        !PyType_IsSubtype((PyTypeObject *)args[11], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "classify(text_a, text_b, folded_a, folded_b, five word sets, removals, "
                                         "claim words, Run, shift_a, shift_b, open_quote_a, open_quote_b)");
        return NULL;
    }
    PyObject *folded[2] = {args[2] == Py_None ? NULL : args[2], args[3] == Py_None ? NULL : args[3]};
    for (int side = 0; side < 2; side++) {
        if (folded[side] != NULL && (!PyUnicode_Check(folded[side]) ||
                                     PyUnicode_GET_LENGTH(folded[side]) != PyUnicode_GET_LENGTH(args[side]))) {
            PyErr_SetString(PyExc_TypeError, "classify: a fold is a str as long as its text");
            return NULL;
        }
    }
    for (int k = 0; k < SET_COUNT; k++)
        if (know_set(&sets[k], args[4 + k]) < 0) return NULL;
    if (know_fixed(&ambiguous_dates) < 0 || know_fixed(&honorifics) < 0) return NULL;
    int removals_are_substantive = PyObject_IsTrue(args[9]);
    /* Numbers beyond a machine word are left to the Python, which takes any int. */
    int overflow[3];
    long new_claim_words = PyLong_AsLongAndOverflow(args[10], &overflow[0]);
    long shift_a = PyLong_AsLongAndOverflow(args[12], &overflow[1]);
    long shift_b = PyLong_AsLongAndOverflow(args[13], &overflow[2]);
    if (removals_are_substantive < 0 || PyErr_Occurred()) return NULL;
    Py_UCS4 open_quote[2] = {0, 0};
    for (int side = 0; side < 2; side++) {
        PyObject *given = args[14 + side];
        if (!PyUnicode_Check(given) || PyUnicode_GET_LENGTH(given) > 1) {
            PyErr_SetString(PyExc_TypeError, "classify: an open quote is a str of at most one mark");
            return NULL;
        }
        if (PyUnicode_GET_LENGTH(given)) open_quote[side] = PyUnicode_READ_CHAR(given, 0);
    }
    if ((folded[0] == NULL && !PyUnicode_IS_ASCII(args[0])) || (folded[1] == NULL && !PyUnicode_IS_ASCII(args[1])))
        Py_RETURN_NONE;
    /* (Shifts are offsets into documents: a run's offset plus its shift stays a machine word.) */
    Py_ssize_t most = PY_SSIZE_T_MAX - PyUnicode_GET_LENGTH(args[0]) - PyUnicode_GET_LENGTH(args[1]);
    if (overflow[0] || overflow[1] || overflow[2] || shift_a < 0 || shift_b < 0 || shift_a > most || shift_b > most)
        Py_RETURN_NONE;

    Tokens ta = {0}, tb = {0};
    Block *blocks = NULL;
    Py_ssize_t *work = NULL;
    Py_UCS4 *scratch = NULL;
    unsigned char *mark = NULL;
    Runs runs = {NULL, 0};
    PyObject *result = NULL, *reasons = NULL, *removals = NULL, *runs_made = NULL;
    if (tokenise(&ta, args[0], folded[0]) < 0 || tokenise(&tb, args[1], folded[1]) < 0) goto done;
    ta.open_quote = open_quote[0];
    tb.open_quote = open_quote[1];
    Py_ssize_t room = ta.n + tb.n + 1;
    blocks = PyMem_Malloc((size_t)(2 * room) * sizeof *blocks);
    work = PyMem_Malloc((size_t)(12 * room) * sizeof *work);
    scratch = PyMem_Malloc(((size_t)(ta.length + tb.length) + 1) * sizeof *scratch);
    mark = PyMem_Calloc((size_t)room, 1);
    runs.at = PyMem_Malloc((size_t)(2 * room) * sizeof *runs.at);
    reasons = PyList_New(0);
    removals = PyList_New(0);
    if (blocks == NULL || work == NULL || scratch == NULL || mark == NULL || runs.at == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (reasons == NULL || removals == NULL) goto done;
    /* rules.reference._opcodes: worked out from the lesser list of comparison forms and mirrored for the other order, so
     * that diff(B, A) sees the mirror of diff(A, B)'s word diff. */
    int mirrored = compare_norms(&ta, &tb) > 0;
    Py_ssize_t count = mirrored ? opcode_blocks(tb.norm, tb.n, ta.norm, ta.n, blocks)
                                : opcode_blocks(ta.norm, ta.n, tb.norm, tb.n, blocks);
    if (count == -1) result = Py_NewRef(Py_None);
    if (count < 0) goto done;
    for (Py_ssize_t k = 0; mirrored && k < count; k++) {
        Block o = blocks[k];
        blocks[k] = (Block){o.tag == 'd' ? 'i' : o.tag == 'i' ? 'd' : o.tag, o.d0, o.d1, o.s0, o.s1};
    }
    Picked deleted = {work + 10 * room, 0}, inserted = {work + 11 * room, 0};
    if (word_diff(&ta, &tb, blocks, count, &runs, &deleted, &inserted) < 0) goto done;
    if (fact_changes(&ta, &tb, &deleted, &inserted, new_claim_words, reasons, removals, work, scratch, mark) < 0)
        goto done;
    if (removals_are_substantive) {
        if (PyList_SetSlice(reasons, PyList_GET_SIZE(reasons), PyList_GET_SIZE(reasons), removals) < 0 ||
            PyList_SetSlice(removals, 0, PyList_GET_SIZE(removals), NULL) < 0)
            goto done;
    }
    const char *kind = PyList_GET_SIZE(reasons) ? "substantive" : "minor";
    if (PyList_GET_SIZE(reasons)) {
        if (PyList_SetSlice(reasons, PyList_GET_SIZE(reasons), PyList_GET_SIZE(reasons), removals) < 0) goto done;
    } else if (PyList_GET_SIZE(removals)) {
        Py_SETREF(reasons, Py_NewRef(removals));
    } else if (wording_changes(&ta, &tb, &deleted, &inserted, reasons, work) < 0) {
        goto done;
    }
    runs_made = runs_tuple(&runs, (PyTypeObject *)args[11], shift_a, shift_b);
    PyObject *reason_tuple = runs_made != NULL ? PyList_AsTuple(reasons) : NULL;
    if (reason_tuple != NULL) result = Py_BuildValue("(sNO)", kind, reason_tuple, runs_made);
done:
    for (Py_ssize_t k = 0; k < runs.count; k++) Py_XDECREF(runs.at[k].text);
    PyMem_Free(runs.at);
    Py_XDECREF(runs_made);
    Py_XDECREF(reasons);
    Py_XDECREF(removals);
    release(&ta);
    release(&tb);
    PyMem_Free(blocks);
    PyMem_Free(work);
    PyMem_Free(scratch);
    PyMem_Free(mark);
    return result;
}

/* quote_balance(text, start, end) -> (straight, curly): in text[start:end] (bounds as a slice's), how many straight
 * double quotation marks there are ('"', and "''" counted as str.count counts it: from the left, without
 * overlapping), and how many typographic ones are opened and not closed (“ and « open, ” and » close):
 * classify.carried_quotation's counts in one pass instead of one str.count per mark. */
static PyObject *quote_balance(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyLong_Check(args[1]) || !PyLong_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "quote_balance(text: str, start: int, end: int)");
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t start = PyLong_AsSsize_t(args[1]), end = PyLong_AsSsize_t(args[2]);
    if ((start == -1 || end == -1) && PyErr_Occurred()) return NULL;
    if (start < 0) start = start + length < 0 ? 0 : start + length;
    if (end < 0) end = end + length < 0 ? 0 : end + length;
    if (end > length) end = length;
    if (start > end) start = end;
    Py_ssize_t straight = 0, curly = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int single = 0; /* the character before was a single quote mark not yet counted in a pair */
    if (PyUnicode_IS_ASCII(text)) { /* no typographic marks: the straight ones found with memchr */
        const char *at = (const char *)data + start, *stop = (const char *)data + end;
        while ((at = memchr(at, '"', (size_t)(stop - at))) != NULL) {
            straight++;
            at++;
        }
        at = (const char *)data + start;
        while ((at = memchr(at, '\'', (size_t)(stop - at))) != NULL) {
            if (at + 1 < stop && at[1] == '\'') {
                straight++;
                at++;
            }
            at++;
        }
    } else if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *bytes = data;
        for (Py_ssize_t i = start; i < end; i++) {
            Py_UCS1 c = bytes[i];
            straight += c == '"' || (c == '\'' && single);
            single = c == '\'' && !single;
            curly += (c == 0xab) - (c == 0xbb);
        }
    } else {
        for (Py_ssize_t i = start; i < end; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            straight += c == '"' || (c == '\'' && single);
            single = c == '\'' && !single;
            curly += (c == 0x201c || c == 0xab) - (c == 0x201d || c == 0xbb);
        }
    }
    return Py_BuildValue("(nn)", straight, curly);
}

static PyMethodDef methods[] = {
    {"quote_balance", (PyCFunction)(void (*)(void))quote_balance, METH_FASTCALL,
     "(straight marks, typographic marks opened and not closed) in text[start:end]."},
    {"opcodes", (PyCFunction)(void (*)(void))opcodes, METH_FASTCALL,
     "Indel.opcodes(a, b).as_list() for two lists of str; None if both are too long to align here."},
    {"classify", (PyCFunction)(void (*)(void))classify, METH_FASTCALL,
     "classify.classify's (kind, reasons, runs) for two texts and their folds; None where it is left to Python."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_classify", NULL, -1, methods};

PyMODINIT_FUNC PyInit__classify(void) {
    fill_classes();
    tag_equal = PyUnicode_InternFromString("equal");
    tag_delete = PyUnicode_InternFromString("delete");
    tag_insert = PyUnicode_InternFromString("insert");
    if (tag_equal == NULL || tag_delete == NULL || tag_insert == NULL) return NULL;
    return PyModule_Create(&module);
}
