/* The sentence cutter's work around sentencex, in C: text/segment.py's `_prepared_chunk` (line breaks made
 * spaces, apostrophes marked) before sentencex runs, `_segment_spans` with `_split_inner` and
 * `_merge_fragments` after it, `needs_sentencex` (text/own_cut.py: may sentencex be skipped?) and `sentences`
 * (paragraphs found, each paragraph cut, Sentence tuples made). Each function returns exactly what the Python code
 * returns, for any str (tests/test_segment_native.py and tests/test_own_cut.py hold them to it with hypothesis);
 * the Python code stays the reference and runs when this helper is not built.
 *
 * Character classes are CPython's own (Py_UNICODE_ISSPACE, ISALNUM, ISUPPER, ...), which is what str.isspace(),
 * str.isalnum() and the regular expressions' \s use for a single character. The abbreviation sets and the
 * "after a clock time" pattern are passed in by segment.py, so the word lists are written once.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#include "../_bytes.h"

typedef struct Text {
    int kind;
    const void *data;
    Py_ssize_t length;
    /* A sentencex segment of a chunk: the paragraph it was cut from, and where in it the segment starts. There a
     * "_" over an apostrophe is the chunk's mark for a word apostrophe, read as U+02BC (see `chunk`). */
    const struct Text *source;
    Py_ssize_t shift;
    int ascii; /* every character below U+0080 (str.isascii()) */
} Text;

static int text_of(PyObject *object, Text *text) {
    if (!PyUnicode_Check(object)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return -1;
    }
    if (PyUnicode_READY(object) < 0) return -1;
    text->kind = PyUnicode_KIND(object);
    text->data = PyUnicode_DATA(object);
    text->length = PyUnicode_GET_LENGTH(object);
    text->source = NULL;
    text->shift = 0;
    text->ascii = PyUnicode_IS_ASCII(object);
    return 0;
}

static inline Py_UCS4 at(const Text *text, Py_ssize_t i) {
    Py_UCS4 c = PyUnicode_READ(text->kind, text->data, i);
    if (c == '_' && text->source != NULL && text->shift + i < text->source->length &&
        PyUnicode_READ(text->source->kind, text->source->data, text->shift + i) == '\'')
        c = 0x02bc;
    return c;
}

/* `find_ascii` in a two- or four-byte text: its bytes scanned with memchr (its characters read one by one cost
 * several times as much, and typographic quotes make news text two-byte), passing over a byte equal to `c` that is
 * not the whole of a character (U+202E or U+2E00 for "."). */
static Py_ssize_t find_ascii_wide(const Text *t, Py_UCS1 c, Py_ssize_t from, Py_ssize_t to) {
    const char *bytes = t->data;
    int shift = t->kind == PyUnicode_4BYTE_KIND ? 2 : 1; /* bytes per character, as a power of two */
    while (from < to) {
        const char *hit = memchr(bytes + (from << shift), c, (size_t)(to - from) << shift);
        if (hit == NULL) break;
        Py_ssize_t offset = hit - bytes, i = offset >> shift;
        if ((offset & ((1 << shift) - 1)) == 0 && PyUnicode_READ(t->kind, t->data, i) == c) return i;
        from = i + 1;
    }
    return to;
}

/* The first i in [from, to) (from <= to) where the text holds the ASCII character `c`, or `to` if it holds none
 * there, found with memchr in a text of any width. Characters are read as stored: `c` is never the "_" that `at`
 * reads otherwise. */
static inline Py_ssize_t find_ascii(const Text *t, Py_UCS1 c, Py_ssize_t from, Py_ssize_t to) {
    if (t->kind != PyUnicode_1BYTE_KIND) return find_ascii_wide(t, c, from, to);
    const Py_UCS1 *s = t->data, *hit = memchr(s + from, c, (size_t)(to - from));
    return hit != NULL ? hit - s : to;
}

/* segment.py's _STRIP: white space, including the Unicode spaces and the byte-order mark that str.strip() keeps. */
static inline int is_strip(Py_UCS4 c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x00a0 ||
           (c >= 0x2000 && c <= 0x200b) || c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

/* _CLOSERS: marks that close a sentence (U+02BC is a marked apostrophe). */
static inline int is_closer(Py_UCS4 c) {
    return c == '"' || c == '\'' || c == 0x201d || c == 0x2019 || c == 0x02bc || c == ')' || c == ']';
}

/* What may open the next sentence before its first letter, in _INNER_BOUNDARY's look-ahead. */
static inline int is_opener(Py_UCS4 c) { return c == '"' || c == '\'' || c == 0x201c || c == 0x2018 || c == '('; }

/* _BEFORE_ACRONYM: what may stand just before a dotted acronym. */
static inline int is_before_acronym(Py_UCS4 c) {
    return c == '(' || c == '[' || c == '"' || c == '\'' || c == 0x201c || c == 0x2018;
}

static inline int is_sentence_mark(Py_UCS4 c) { return c == '.' || c == '!' || c == '?'; }

/* ---- before sentencex ---------------------------------------------------------------------------------------- */

/* An apostrophe after a word ("workers'", "G.M.'s") that `_mark_apostrophes` turns into U+02BC. */
static int is_word_apostrophe(const Text *t, Py_ssize_t i) {
    if (i == 0) return 0;
    Py_UCS4 before = at(t, i - 1);
    int after_word = Py_UNICODE_ISALNUM(before) || before == '_' || before == '.';
    return after_word && (i + 1 == t->length || at(t, i + 1) != '\'');
}

/* chunk(paragraph) -> str: line breaks made spaces and word apostrophes marked; the length is kept.
 *
 * The mark is "_" (segment.ASKED_MARK), which keeps an ASCII paragraph's chunk ASCII: sentencex then reads it
 * without an encoding to UTF-8, and gives segments back without a decoding of wide characters. Our rules read a
 * "_" over an apostrophe of the paragraph as U+02BC (see `at`), the mark segment.py's rules read; its Python
 * reference asks sentencex with the same "_" chunk, since sentencex does not cut quite alike around the two.
 *
 * The three characters it changes are found with `find_ascii`; the paragraph itself is returned when none of them
 * changes, else a copy (of the same width: only ASCII characters change) with them patched. */
static PyObject *chunk(PyObject *self, PyObject *paragraph) {
    Text t;
    if (text_of(paragraph, &t) < 0) return NULL;
    Py_ssize_t n = t.length;
    int changes = find_ascii(&t, '\n', 0, n) < n || find_ascii(&t, '\r', 0, n) < n;
    for (Py_ssize_t i = find_ascii(&t, '\'', 0, n); !changes && i < n; i = find_ascii(&t, '\'', i + 1, n))
        changes = is_word_apostrophe(&t, i);
    if (!changes) return Py_NewRef(paragraph);
    PyObject *out = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(paragraph));
    if (out == NULL) return NULL;
    void *data = PyUnicode_DATA(out);
    memcpy(data, t.data, (size_t)n * (size_t)t.kind);
    static const Py_UCS1 marks[] = {'\n', '\r', '\''};
    for (size_t k = 0; k < sizeof marks; k++) {
        for (Py_ssize_t i = find_ascii(&t, marks[k], 0, n); i < n; i = find_ascii(&t, marks[k], i + 1, n)) {
            if (marks[k] != '\'') PyUnicode_WRITE(t.kind, data, i, ' ');
            else if (is_word_apostrophe(&t, i)) PyUnicode_WRITE(t.kind, data, i, '_');
        }
    }
    return out;
}

/* ---- after sentencex: cutting and trimming ------------------------------------------------------------------ */

typedef struct {
    Py_ssize_t *at;  /* start, end, start, end, ... */
    Py_ssize_t count;
    Py_ssize_t capacity;
} Spans;

static int push(Spans *spans, Py_ssize_t start, Py_ssize_t end) {
    if (spans->count == spans->capacity) {
        Py_ssize_t capacity = spans->capacity ? 2 * spans->capacity : 16;
        Py_ssize_t *grown = PyMem_Realloc(spans->at, (size_t)capacity * 2 * sizeof(Py_ssize_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        spans->at = grown;
        spans->capacity = capacity;
    }
    spans->at[2 * spans->count] = start;
    spans->at[2 * spans->count + 1] = end;
    spans->count++;
    return 0;
}

/* `_ends_with_dotted_acronym`: does s[start:end] end with a word of two or more letter-dot pairs ("U.S.")? */
static int ends_with_dotted_acronym(const Text *s, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t i = end;
    int pairs = 0;
    while (i - 2 >= start && at(s, i - 1) == '.' && at(s, i - 2) < 128 && Py_UNICODE_ISALPHA(at(s, i - 2))) {
        i -= 2;
        pairs++;
    }
    if (pairs < 2) return 0;
    return i == start || Py_UNICODE_ISSPACE(at(s, i - 1)) || is_before_acronym(at(s, i - 1));
}

/* One match of _INNER_BOUNDARY starting at the mark s[i], if there is one: the end of its closing marks (`cut`)
 * and the end of its white space (where the search goes on). */
static int inner_boundary_at(const Text *s, Py_ssize_t i, Py_ssize_t *cut, Py_ssize_t *resume) {
    Py_ssize_t j = i + 1;
    while (j < s->length && is_closer(at(s, j))) j++;
    if (j >= s->length || !Py_UNICODE_ISSPACE(at(s, j))) return 0;
    *cut = j;
    while (j < s->length && Py_UNICODE_ISSPACE(at(s, j))) j++;
    *resume = j;
    while (j < s->length && is_opener(at(s, j))) j++;
    if (j >= s->length) return 0;
    Py_UCS4 c = at(s, j);
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A piece [start, end) of a segment at `offset` in the chunk, trimmed and added as `_segment_spans` does. */
static int add_piece(Spans *spans, const Text *s, Py_ssize_t start, Py_ssize_t end, Py_ssize_t offset) {
    while (start < end && is_strip(at(s, start))) start++;
    while (end > start && is_strip(at(s, end - 1))) end--;
    if (start == end) return 0;
    if (spans->count) {
        Py_ssize_t closing = 0;
        while (start + closing < end && is_closer(at(s, start + closing))) closing++;
        if (closing && start + closing < end && is_strip(at(s, start + closing))) {
            /* Quote marks cut off the sentence they close: give them back to it. */
            spans->at[2 * spans->count - 1] = offset + start + closing;
            start += closing;
            while (start < end && is_strip(at(s, start))) start++;
        } else {
            int has_alnum = 0;
            for (Py_ssize_t k = start; k < end && !has_alnum; k++) has_alnum = Py_UNICODE_ISALNUM(at(s, k));
            if (!has_alnum) {  /* a lone quote mark or bracket */
                spans->at[2 * spans->count - 1] = offset + end;
                return 0;
            }
        }
    }
    return push(spans, offset + start, offset + end);
}

/* The first ".", "!" or "?" of s[from:] (its length if none): the full stop by `find_ascii`, the rarer two only
 * before it. ("_" over an apostrophe is no sentence mark either, so the characters are read as they are.) */
static Py_ssize_t next_mark(const Text *s, Py_ssize_t from) {
    Py_ssize_t end = find_ascii(s, '.', from, s->length);
    end = find_ascii(s, '!', from, end);
    return find_ascii(s, '?', from, end);
}

/* `_split_inner` and the trimming loop of `_segment_spans` over one sentencex segment. */
static int add_segment(Spans *spans, const Text *s, Py_ssize_t offset) {
    Py_ssize_t start = 0;
    Py_ssize_t i = 0;
    while (i < s->length) {
        Py_ssize_t cut, resume;
        i = next_mark(s, i); /* on to the next sentence mark */
        if (i == s->length) break;
        if (inner_boundary_at(s, i, &cut, &resume)) {
            if (!ends_with_dotted_acronym(s, start, i + 1)) {
                if (add_piece(spans, s, start, cut, offset) < 0) return -1;
                start = cut;
            }
            i = resume;
        } else {
            i++;
        }
    }
    return add_piece(spans, s, start, s->length, offset);
}

/* ---- after sentencex: joining fragments --------------------------------------------------------------------- */

typedef struct {
    PyObject *paragraph;
    Text text;
    PyObject *titles;        /* _TITLES */
    PyObject *before_number; /* _BEFORE_NUMBER */
    PyObject *after_clock;   /* _AFTER_CLOCK.match */
} Rules;

static int ends_with(const Text *t, Py_ssize_t start, Py_ssize_t end, const char *ascii) {
    Py_ssize_t n = (Py_ssize_t)strlen(ascii);
    if (end - start < n) return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (at(t, end - n + k) != (Py_UCS4)(unsigned char)ascii[k]) return 0;
    return 1;
}

/* `_ends_with_initial`: text[start:end] ends with a lone capital and a full stop, as in "John F.". */
static int ends_with_initial(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t n = end - start;
    return n >= 2 && at(t, end - 1) == '.' && Py_UNICODE_ISUPPER(at(t, end - 2)) && (n == 2 || at(t, end - 3) == ' ');
}

/* _INITIAL.match(text[start:end]): a capital A-Z, a full stop, then white space or the end. */
static int starts_with_initial(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t n = end - start;
    if (n < 2) return 0;
    Py_UCS4 c = at(t, start);
    return c >= 'A' && c <= 'Z' && at(t, start + 1) == '.' && (n == 2 || Py_UNICODE_ISSPACE(at(t, start + 2)));
}

/* `_looks_like_name`: one word only, or the word before the last starts with a capital. */
static int looks_like_name(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t i = end;
    while (i > start && Py_UNICODE_ISSPACE(at(t, i - 1))) i--;
    while (i > start && !Py_UNICODE_ISSPACE(at(t, i - 1))) i--;  /* back over the last word */
    while (i > start && Py_UNICODE_ISSPACE(at(t, i - 1))) i--;
    if (i == start) return 1;                                       /* no word before it */
    while (i > start && !Py_UNICODE_ISSPACE(at(t, i - 1))) i--;  /* to the start of the word before */
    return Py_UNICODE_ISUPPER(at(t, i));
}

/* 1 if `object` is in `set`, 0 if not, -1 on error; the reference to `object` is taken. */
static int contains_and_drop(PyObject *set, PyObject *object) {
    if (object == NULL) return -1;
    int found = PySet_Contains(set, object);
    Py_DECREF(object);
    return found;
}

/* The length of the longest str in a frozenset of abbreviations (remembered for the set last asked about), so that
 * a longer word is known to be none of them without making it a str: -1 on error. */
static Py_ssize_t longest_in(PyObject *set) {
    static PyObject *seen = NULL;
    static Py_ssize_t longest = 0;
    if (set == seen) return longest;
    if (!PyFrozenSet_Check(set)) return PY_SSIZE_T_MAX; /* (a set could change: always looked up) */
    PyObject *iterator = PyObject_GetIter(set), *item;
    if (iterator == NULL) return -1;
    Py_ssize_t found = 0;
    while ((item = PyIter_Next(iterator)) != NULL) {
        Py_ssize_t length = PyUnicode_Check(item) ? PyUnicode_GET_LENGTH(item) : PY_SSIZE_T_MAX;
        if (length > found) found = length;
        Py_DECREF(item);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) return -1;
    Py_XSETREF(seen, Py_NewRef(set));
    longest = found;
    return longest;
}

/* `_LIST_MARKER.fullmatch(previous.strip())`: a piece that is only a list item's number or letter ("1.", "12)",
 * "(3)", "b.", "iv)"). */
static int is_list_marker(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    while (start < end && Py_UNICODE_ISSPACE(at(t, start))) start++;
    while (end > start && Py_UNICODE_ISSPACE(at(t, end - 1))) end--;
    int opened = start < end && at(t, start) == '(';
    if (opened) start++;
    if (end - start < 2) return 0;
    Py_UCS4 last = at(t, end - 1);
    if (!(last == ')' || (last == '.' && !opened))) return 0;
    Py_ssize_t length = end - 1 - start;
    if (length < 1 || length > 4) return 0;
    int digits = 1, romans = 1;
    for (Py_ssize_t i = start; i < end - 1; i++) {
        Py_UCS4 c = at(t, i);
        digits &= c >= '0' && c <= '9';
        romans &= c == 'i' || c == 'v' || c == 'x';
    }
    if (digits) return length <= 3;
    if (length == 1) return at(t, start) >= 'a' && at(t, start) <= 'z';
    return romans;
}

/* `_continues(previous, current)` for two spans of the paragraph: 1, 0, or -1 on error. */
static int continues(const Rules *r, Py_ssize_t p_start, Py_ssize_t p_end, Py_ssize_t c_start, Py_ssize_t c_end) {
    const Text *t = &r->text;
    Py_UCS4 first = at(t, c_start);
    if (Py_UNICODE_ISLOWER(first)) return 1;
    if (is_list_marker(t, p_start, p_end)) return 1;
    /* The last word: previous.rsplit(None, 1)[-1] ("" when there is none). */
    Py_ssize_t word_end = p_end;
    while (word_end > p_start && Py_UNICODE_ISSPACE(at(t, word_end - 1))) word_end--;
    Py_ssize_t word_start = word_end;
    while (word_start > p_start && !Py_UNICODE_ISSPACE(at(t, word_start - 1))) word_start--;
    Py_ssize_t longest = longest_in(r->titles);
    if (longest < 0) return -1;
    int found = word_end - word_start > longest
                    ? 0
                    : contains_and_drop(r->titles, PyUnicode_Substring(r->paragraph, word_start, word_end));
    if (found) return found;
    if (Py_UNICODE_ISDIGIT(first)) {
        found = contains_and_drop(r->before_number, PyUnicode_Substring(r->paragraph, word_start, word_end));
        if (found) return found;
    }
    if (ends_with(t, p_start, p_end, " a.m.") || ends_with(t, p_start, p_end, " p.m.") ||
        ends_with(t, p_start, p_end, " A.M.") || ends_with(t, p_start, p_end, " P.M.")) {
        PyObject *current = PyUnicode_Substring(r->paragraph, c_start, c_end);
        if (current == NULL) return -1;
        PyObject *match = PyObject_CallOneArg(r->after_clock, current);
        Py_DECREF(current);
        if (match == NULL) return -1;
        int matched = match != Py_None;
        Py_DECREF(match);
        if (matched) return 1;
    }
    if (!ends_with_initial(t, p_start, p_end)) return 0;
    if (starts_with_initial(t, c_start, c_end)) return 1;  /* "J." then "R. Smith": two initials make a name */
    return Py_UNICODE_ISUPPER(first) && p_end - p_start > 2 && looks_like_name(t, p_start, p_end);
}

/* spans(paragraph, segments, titles, before_number, after_clock) -> tuple[tuple[int, int], ...]
 * `segments` are sentencex's segments of chunk(paragraph); the result is `paragraph_sentences(paragraph)`. */
static PyObject *spans(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "spans() takes paragraph, segments, titles, before_number, after_clock");
        return NULL;
    }
    Rules rules = {args[0], {0, NULL, 0}, args[2], args[3], args[4]};
    if (text_of(rules.paragraph, &rules.text) < 0) return NULL;
    if (!PyAnySet_Check(rules.titles) || !PyAnySet_Check(rules.before_number)) {
        PyErr_SetString(PyExc_TypeError, "titles and before_number must be sets");
        return NULL;
    }
    PyObject *segments = PySequence_Fast(args[1], "segments must be a sequence");
    if (segments == NULL) return NULL;
    Spans found = {NULL, 0, 0};
    PyObject *result = NULL;
    Py_ssize_t offset = 0;
    for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(segments); k++) {
        Text segment;
        if (text_of(PySequence_Fast_GET_ITEM(segments, k), &segment) < 0) goto done;
        segment.source = &rules.text;
        segment.shift = offset;
        if (add_segment(&found, &segment, offset) < 0) goto done;
        offset += segment.length;
    }
    /* `_merge_fragments`: join a piece to the one before when it cannot start a sentence there. */
    Py_ssize_t kept = 0;
    for (Py_ssize_t k = 0; k < found.count; k++) {
        Py_ssize_t start = found.at[2 * k], end = found.at[2 * k + 1];
        if (kept) {
            int joins = continues(&rules, found.at[2 * kept - 2], found.at[2 * kept - 1], start, end);
            if (joins < 0) goto done;
            if (joins) {
                found.at[2 * kept - 1] = end;
                continue;
            }
        }
        found.at[2 * kept] = start;
        found.at[2 * kept + 1] = end;
        kept++;
    }
    result = PyTuple_New(kept);
    if (result == NULL) goto done;
    for (Py_ssize_t k = 0; k < kept; k++) {
        PyObject *pair = PyTuple_New(2);
        if (pair == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, k, pair);
        PyObject *start = PyLong_FromSsize_t(found.at[2 * k]), *end = PyLong_FromSsize_t(found.at[2 * k + 1]);
        if (start) PyTuple_SET_ITEM(pair, 0, start);
        if (end) PyTuple_SET_ITEM(pair, 1, end);
        if (!start || !end) {
            Py_CLEAR(result);
            goto done;
        }
    }
done:
    PyMem_Free(found.at);
    Py_DECREF(segments);
    return result;
}

/* ---- can sentencex be skipped? text/own_cut.py's `needs_sentencex`, which stays the reference ------------- */

static inline Py_UCS4 raw(const Text *t, Py_ssize_t i) { return PyUnicode_READ(t->kind, t->data, i); }
static inline int is_blank(Py_UCS4 c) { return c == ' ' || c == '\t'; }
static inline int is_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int is_lower(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }
static inline int is_upper(Py_UCS4 c) { return c >= 'A' && c <= 'Z'; }
static inline int is_letter(Py_UCS4 c) { return is_lower(c) || is_upper(c); }
static inline int is_roman(Py_UCS4 c) {
    Py_UCS4 l = c | 0x20;
    return is_letter(c) && (l == 'i' || l == 'v' || l == 'x' || l == 'l' || l == 'c' || l == 'd' || l == 'm');
}

/* own_cut._CLOSERS */
static inline int is_own_closer(Py_UCS4 c) {
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201d || c == 0x2019;
}

/* Not matched by own_cut._NOT_PLAIN. */
static inline int is_plain_character(Py_UCS4 c) {
    return c < 0x250 || c == 0x2bc || (c >= 0x2000 && c < 0x2020) || (c >= 0x20a0 && c < 0x20d0);
}

/* How many times the ASCII character `c` is in [start, end), found with `find_ascii` (quote marks are few). */
static Py_ssize_t count_of(const Text *t, Py_UCS1 c, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t n = 0;
    for (Py_ssize_t i = find_ascii(t, c, start, end); i < end; i = find_ascii(t, c, i + 1, end)) n++;
    return n;
}

/* What `needs_sentencex` works out of the whole chunk, once per chunk (asked afresh at every mark, it made a long
 * paragraph full of quotes or dotted acronyms quadratic): how many single and double quote marks it holds, where
 * its last closing curly quote is, a running count of the double quotes before a position (positions are asked in
 * increasing order, a pass at a time, so the count mostly moves forward), and the last word tested for a dotted
 * acronym with the answer. */
typedef struct {
    int known;
    Py_ssize_t singles, doubles, last_curly_close;
    int singles_doubled; /* every run of single quote marks two long ("''"): -1 until asked */
    Py_ssize_t counted_to, doubles_before;
    Py_ssize_t brackets_to, singles_to, singles_before; /* forward scans, as the count of double quotes */
    int bracket_open;
    int apart; /* a quote mark standing apart was let through (`own_segments` has cuts to make) */
    Py_ssize_t acronym_start, acronym_end;
    int acronym;
    int failed; /* a Python error was raised (by the abbreviation test) */
} ChunkMemo;

static void know_quotes(const Text *t, ChunkMemo *q) {
    if (q->known) return;
    q->known = 1;
    q->singles = count_of(t, '\'', 0, t->length);
    q->doubles = count_of(t, '"', 0, t->length);
    q->last_curly_close = t->kind == PyUnicode_1BYTE_KIND ? -1 : t->length - 1; /* (none below U+0100) */
    while (q->last_curly_close >= 0 && raw(t, q->last_curly_close) != 0x201d) q->last_curly_close--;
    q->counted_to = q->doubles_before = 0;
    q->singles_doubled = -1;
    q->brackets_to = q->singles_to = q->singles_before = q->bracket_open = 0;
}

static Py_ssize_t doubles_before(const Text *t, ChunkMemo *q, Py_ssize_t k) {
    if (k < q->counted_to) q->counted_to = q->doubles_before = 0;
    q->doubles_before += count_of(t, '"', q->counted_to, k);
    q->counted_to = k;
    return q->doubles_before;
}

/* own_cut._inside_dotted_acronym: the word of letters and full stops around `i` tested whole (its answer kept for
 * the word's other full stops). */
static int inside_dotted_acronym(const Text *t, Py_ssize_t i, ChunkMemo *q) {
    if (i >= q->acronym_start && i < q->acronym_end) return q->acronym;
    Py_ssize_t start = i, end = i;
    while (start > 0 && (raw(t, start - 1) == '.' || is_letter(raw(t, start - 1)))) start--;
    while (end < t->length && (raw(t, end) == '.' || is_letter(raw(t, end)))) end++;
    int whole = !(start > 0 && !is_blank(raw(t, start - 1))) &&
                !(end < t->length && (Py_UNICODE_ISALNUM(raw(t, end)) || raw(t, end) == '_')) &&
                end - start >= 4 && (end - start) % 2 == 0;
    for (Py_ssize_t k = start; whole && k < end; k += 2) whole = is_letter(raw(t, k)) && raw(t, k + 1) == '.';
    q->acronym_start = start;
    q->acronym_end = end;
    q->acronym = whole;
    return whole;
}

/* own_cut._QUOTE_APART matched at `i` (a sentence mark, blanks, '"' or "''", blanks, a capital or digit): where its
 * quote mark starts, or -1. */
static Py_ssize_t quote_apart_at(const Text *t, Py_ssize_t i) {
    Py_ssize_t n = t->length, k = i + 1;
    if (!is_sentence_mark(raw(t, i)) || k >= n || !is_blank(raw(t, k))) return -1;
    while (k < n && is_blank(raw(t, k))) k++;
    Py_ssize_t quote = k;
    if (k < n && raw(t, k) == '"')
        k++;
    else if (k + 1 < n && raw(t, k) == '\'' && raw(t, k + 1) == '\'')
        k += 2;
    else
        return -1;
    if (k >= n || !is_blank(raw(t, k))) return -1;
    while (k < n && is_blank(raw(t, k))) k++;
    return k < n && (is_upper(raw(t, k)) || is_digit(raw(t, k))) ? quote : -1;
}

/* own_cut._LONGEST_ABBREVIATION; a shorter word is asked about with own_cut.sentencex_cuts_after, which segment.py
 * hands over (`use_abbreviation_test`): until it does, every short word is taken for an abbreviation. */
#define LONGEST_ABBREVIATION 6
static PyObject *cuts_after_word = NULL;

static PyObject *use_abbreviation_test(PyObject *self, PyObject *test) {
    if (!PyCallable_Check(test)) {
        PyErr_SetString(PyExc_TypeError, "expected a callable");
        return NULL;
    }
    Py_INCREF(test);
    Py_XSETREF(cuts_after_word, test);
    Py_RETURN_NONE;
}

/* own_cut._no_abbreviation_before (the chunk is ASCII). An error of the test is kept in the memo (q->failed), and
 * the word is then taken for an abbreviation. */
static int no_abbreviation_before(const Text *t, Py_ssize_t i, ChunkMemo *q) {
    Py_ssize_t start = i;
    while (start > 0 && (is_letter(raw(t, start - 1)) || is_digit(raw(t, start - 1)))) start--;
    if (start > 0 && !is_blank(raw(t, start - 1))) return 0;
    Py_ssize_t length = i - start;
    int digits = length > 0, letters = length > 0;
    for (Py_ssize_t k = start; k < i; k++) {
        digits &= is_digit(raw(t, k));
        letters &= is_letter(raw(t, k));
    }
    if (digits) return length >= 2;
    if (!letters) return 0;
    if (length > LONGEST_ABBREVIATION) return 1;
    if (cuts_after_word == NULL) return 0;
    PyObject *word = PyUnicode_FromKindAndData(t->kind, (const char *)t->data + start * t->kind, length);
    PyObject *answer = word == NULL ? NULL : PyObject_CallOneArg(cuts_after_word, word);
    Py_XDECREF(word);
    int cuts = answer == NULL ? -1 : PyObject_IsTrue(answer);
    Py_XDECREF(answer);
    if (cuts < 0) q->failed = 1;
    return cuts > 0;
}

/* own_cut._bracket_open_before: the last bracket before `i`, found with `find_ascii` from where the last question
 * left off (brackets are few). */
static int bracket_open_before(const Text *t, ChunkMemo *q, Py_ssize_t i) {
    static const Py_UCS1 brackets[] = {'(', '<', '{', '[', ')', '>', '}', ']'};
    if (i < q->brackets_to) q->brackets_to = q->bracket_open = 0;
    Py_ssize_t last = -1;
    for (int b = 0; b < 8; b++)
        for (Py_ssize_t k = find_ascii(t, brackets[b], q->brackets_to, i); k < i; k = find_ascii(t, brackets[b], k + 1, i))
            if (k > last) {
                last = k;
                q->bracket_open = b < 4;
            }
    q->brackets_to = i;
    return q->bracket_open;
}

/* How many single quote marks are before `i`. */
static Py_ssize_t singles_before(const Text *t, ChunkMemo *q, Py_ssize_t i) {
    if (i < q->singles_to) q->singles_to = q->singles_before = 0;
    q->singles_before += count_of(t, '\'', q->singles_to, i);
    q->singles_to = i;
    return q->singles_before;
}

/* The first test of own_cut._outside_doubled_singles: does every run of single quote marks hold two? */
static int singles_doubled(const Text *t, ChunkMemo *q) {
    if (q->singles_doubled >= 0) return q->singles_doubled;
    q->singles_doubled = 1;
    for (Py_ssize_t i = find_ascii(t, '\'', 0, t->length); q->singles_doubled && i < t->length;) {
        Py_ssize_t run = i;
        while (run < t->length && raw(t, run) == '\'') run++;
        q->singles_doubled = run - i == 2;
        i = find_ascii(t, '\'', run, t->length);
    }
    return q->singles_doubled;
}

/* own_cut._sentencex_cuts_before: the quote mark standing apart at `quote` after the mark at `i` */
static int sentencex_cuts_before(const Text *t, Py_ssize_t i, Py_ssize_t quote, ChunkMemo *q) {
    know_quotes(t, q);
    if (!t->ascii || !no_abbreviation_before(t, i, q) || bracket_open_before(t, q, i)) return 0;
    int inside;
    if (raw(t, quote) == '"') {
        if (q->singles != 0) return 0;
        inside = doubles_before(t, q, i) % 2 == 1;
    } else {
        if (q->doubles != 0 || !singles_doubled(t, q)) return 0;
        inside = singles_before(t, q, i) % 4 == 2; /* an odd number of "''" */
    }
    Py_ssize_t opening = quote;
    while (raw(t, opening) == '"' || raw(t, opening) == '\'') opening++;
    while (is_blank(raw(t, opening))) opening++; /* (quote_apart_at found a capital or digit after them) */
    return !inside || is_upper(raw(t, opening));
}

/* own_cut._LAST_QUOTE: from `k` to the end, '"' or "''" and blanks only. */
static int is_last_quote(const Text *t, Py_ssize_t k) {
    Py_ssize_t end = t->length;
    while (end > k && is_blank(raw(t, end - 1))) end--;
    if (end - k == 1) return raw(t, k) == '"';
    return end - k == 2 && raw(t, k) == '\'' && raw(t, k + 1) == '\'';
}

/* own_cut._followed_alike */
static int followed_alike(const Text *t, Py_ssize_t i, Py_ssize_t run_end, Py_ssize_t j, ChunkMemo *q) {
    Py_ssize_t n = t->length, k = j;
    while (k < n && is_blank(raw(t, k))) k++;
    if (k == n) return 1;
    Py_UCS4 first = raw(t, k);
    if (is_lower(first)) return 1;
    if (raw(t, i) == '.' && run_end == i + 1 && i >= 2 && Py_UNICODE_ISALPHA(raw(t, i - 1)) && raw(t, i - 2) == '.')
        return 0;
    if (is_upper(first) || is_digit(first)) return 1;
    if (j == run_end && is_last_quote(t, k)) return 1;
    Py_ssize_t quote = quote_apart_at(t, i);
    if (quote >= 0) return q->apart = sentencex_cuts_before(t, i, quote, q);
    Py_UCS4 following = k + 1 < n ? raw(t, k + 1) : 0;
    if (!is_upper(following) && !is_digit(following)) return 0;
    if (first == '(') return 1;
    if (first != 0x201c && first != '"') return 0;
    know_quotes(t, q);
    if (first == 0x201c) return q->last_curly_close >= k;
    return q->singles == 0 && q->doubles % 2 == 0 && doubles_before(t, q, k) % 2 == 0;
}

/* own_cut._mark_cut_alike */
static int mark_cut_alike(const Text *t, Py_ssize_t i, ChunkMemo *q) {
    Py_ssize_t n = t->length, run_end = i + 1;
    while (run_end < n && is_sentence_mark(raw(t, run_end))) run_end++;
    Py_ssize_t j = run_end;
    while (j < n && is_own_closer(raw(t, j))) j++;
    if (j == n) return 1;
    if (is_blank(raw(t, j))) return followed_alike(t, i, run_end, j, q);
    if (j != i + 1 || raw(t, i) != '.' || i == 0) return 0;
    Py_UCS4 before = raw(t, i - 1), after = raw(t, j);
    if (is_digit(after)) return is_digit(before);
    if (is_lower(after) || after == ',') return Py_UNICODE_ISALPHA(before);
    if (is_upper(after)) return inside_dotted_acronym(t, i, q);
    return 0;
}

/* own_cut._may_close_list_marker */
static int may_close_list_marker(const Text *t, Py_ssize_t i) {
    Py_ssize_t end = i > 0 && raw(t, i - 1) == '.' ? i - 1 : i, start = end;
    while (start > 0 && (is_letter(raw(t, start - 1)) || is_digit(raw(t, start - 1)))) start--;
    Py_ssize_t length = end - start;
    if (length == 0) return 0;
    int digits = 1, roman = 1;
    for (Py_ssize_t k = start; k < end; k++) {
        digits &= is_digit(raw(t, k));
        roman &= is_roman(raw(t, k));
    }
    if (start > 0 && raw(t, start - 1) == '(') {
        if (end != i || (start > 1 && !is_blank(raw(t, start - 2)))) return 0;
        return (length <= 2 && digits) || (length == 1 && is_letter(raw(t, start))) || roman;
    }
    if (start > 0 && !is_blank(raw(t, start - 1))) return 0;
    return digits || length == 1 || roman;
}

/* Does the ASCII character at `i` (one `needs_sentencex` looks at) send the chunk to sentencex? */
static int needs_at(const Text *t, Py_ssize_t i, ChunkMemo *q) {
    Py_UCS4 c = raw(t, i);
    if (is_sentence_mark(c)) return (i == 0 || !is_sentence_mark(raw(t, i - 1))) && !mark_cut_alike(t, i, q);
    if (c == '`') return 1;
    if (c == ')') return may_close_list_marker(t, i);
    return 0;
}

/* Does the text hold a character own_cut._NOT_PLAIN matches (none is below U+0250, so a one-byte text holds none)?
 * A two-byte text is read four characters at a time, and four below U+0100 (most of typographic text) are passed
 * over at once. */
static int holds_unplain(const Text *t) {
    Py_ssize_t i = 0, n = t->length;
    if (t->kind == PyUnicode_1BYTE_KIND) return 0;
    if (t->kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *s = t->data;
        for (; i + 4 <= n; i += 4) {
            if ((load8((const unsigned char *)(s + i)) & 0xff00ff00ff00ff00ULL) == 0) continue;
            for (Py_ssize_t k = i; k < i + 4; k++)
                if (!is_plain_character(s[k])) return 1;
        }
    }
    for (; i < n; i++)
        if (!is_plain_character(raw(t, i))) return 1;
    return 0;
}

/* needs_sentencex(chunk) -> bool: could sentencex cut the chunk anywhere our own rules would not? Each character
 * is judged on its own (and the memo answers alike in any order), so the characters beyond ASCII are judged first,
 * then each ASCII character looked at is found in turn with `find_ascii`. */
static int chunk_needs_sentencex(const Text *t, ChunkMemo *memo) {
    int needs = holds_unplain(t);
    static const Py_UCS1 looked_at[] = {'.', '!', '?', ')', '`'};
    for (size_t k = 0; k < sizeof looked_at && !needs && !memo->failed; k++)
        for (Py_ssize_t i = find_ascii(t, looked_at[k], 0, t->length); !needs && !memo->failed && i < t->length;
             i = find_ascii(t, looked_at[k], i + 1, t->length))
            needs = needs_at(t, i, memo);
    return needs;
}

static PyObject *needs_sentencex(PyObject *self, PyObject *chunk) {
    Text t;
    if (text_of(chunk, &t) < 0) return NULL;
    ChunkMemo memo = {0};
    int needs = chunk_needs_sentencex(&t, &memo);
    return memo.failed ? NULL : PyBool_FromLong(needs);
}

/* Is the quote mark at `k` one that own_cut._QUOTE_APART matches (after a sentence mark and blanks)? */
static int stands_apart(const Text *t, Py_ssize_t k) {
    Py_ssize_t mark = k;
    while (mark > 0 && is_blank(raw(t, mark - 1))) mark--;
    return mark < k && mark > 0 && quote_apart_at(t, mark - 1) == k;
}

/* Add chunk[start:end] to `segments` (made on the first call). */
static int add_slice(PyObject **segments, PyObject *chunk, Py_ssize_t start, Py_ssize_t end) {
    if (*segments == NULL && (*segments = PyList_New(0)) == NULL) return -1;
    PyObject *slice = PyUnicode_Substring(chunk, start, end);
    if (slice == NULL) return -1;
    int failed = PyList_Append(*segments, slice);
    Py_DECREF(slice);
    return failed;
}

/* The segments of `own_segments` for the text `t` of `chunk`. */
static PyObject *segments_of(PyObject *chunk, const Text *t_) {
    Text t = *t_;
    Py_ssize_t n = t.length, start = 0;
    Py_ssize_t dq = find_ascii(&t, '"', 0, n), sq = find_ascii(&t, '\'', 0, n);
    PyObject *segments = NULL;
    while (dq < n || sq < n) {
        Py_ssize_t k = dq < sq ? dq : sq;
        if (k == dq)
            dq = find_ascii(&t, '"', k + 1, n);
        else
            sq = find_ascii(&t, '\'', k + 1, n);
        if (!stands_apart(&t, k)) continue;
        if (add_slice(&segments, chunk, start, k) < 0) goto failed;
        start = k;
    }
    if (segments == NULL) return PyTuple_Pack(1, chunk);
    if (add_slice(&segments, chunk, start, n) < 0) goto failed;
    PyObject *result = PyList_AsTuple(segments);
    Py_DECREF(segments);
    return result;
failed:
    Py_XDECREF(segments);
    return NULL;
}

/* own_segments(chunk) -> tuple[str, ...]: own_cut.own_segments, the chunk cut before each straight quote mark
 * standing apart after a sentence mark (for a chunk `needs_sentencex` lets skip sentencex). The quote marks are
 * found with `find_ascii`, in order. */
static PyObject *own_segments(PyObject *self, PyObject *chunk) {
    Text t;
    if (text_of(chunk, &t) < 0) return NULL;
    return segments_of(chunk, &t);
}

/* own_cut(chunk) -> tuple[str, ...] | None: None where `needs_sentencex(chunk)`, else `own_segments(chunk)`, in one
 * call (the quote marks are looked for only when the test let one standing apart through). */
static PyObject *own_cut(PyObject *self, PyObject *chunk) {
    Text t;
    if (text_of(chunk, &t) < 0) return NULL;
    ChunkMemo memo = {0};
    int needs = chunk_needs_sentencex(&t, &memo);
    if (memo.failed) return NULL;
    if (needs) Py_RETURN_NONE;
    return memo.apart ? segments_of(chunk, &t) : PyTuple_Pack(1, chunk);
}

/* cut_paragraph(paragraph, sentencex_segments, titles, before_number, after_clock) -> tuple: segment.cut_paragraph
 * in one call: the paragraph's chunk cut by our own rules (own_cut), or by `sentencex_segments(chunk)` where they
 * need sentencex, then the spans of the pieces (`spans`): one call from Python where there were three. */
static PyObject *cut_paragraph(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError,
                        "cut_paragraph() takes paragraph, sentencex_segments, titles, before_number, after_clock");
        return NULL;
    }
    PyObject *piece = chunk(self, args[0]);
    if (piece == NULL) return NULL;
    PyObject *segments = own_cut(self, piece);
    if (segments == Py_None) {
        Py_DECREF(segments);
        segments = PyObject_CallOneArg(args[1], piece);
    }
    Py_DECREF(piece);
    if (segments == NULL) return NULL;
    PyObject *const given[5] = {args[0], segments, args[2], args[3], args[4]};
    PyObject *found = spans(self, given, 5);
    Py_DECREF(segments);
    return found;
}

/* spaced_full_stop(chunk) -> bool: is a full stop just after a white space character beyond ASCII ("A\u00a0.")?
 * The rare part of what sentencex panics on, which segment.sentencex_would_panic looks for before its regular
 * expression: in Python, from full stop to full stop, it cost ~1% of a typographic diff. */
static PyObject *spaced_full_stop(PyObject *self, PyObject *chunk) {
    Text t;
    if (text_of(chunk, &t) < 0) return NULL;
    Py_ssize_t n = t.length;
    for (Py_ssize_t i = find_ascii(&t, '.', n > 0, n); i < n; i = find_ascii(&t, '.', i + 1, n)) {
        Py_UCS4 before = raw(&t, i - 1);
        if (before > 0x7f && Py_UNICODE_ISSPACE(before)) Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

/* ---- the whole text: paragraphs, then each paragraph's sentences ------------------------------------------- */

/* segment.py's _LINE_END_CLOSES: a line ending with one of these ends its paragraph. */
static inline int closes_line(Py_UCS4 c) {
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '"' || c == '\'' || c == 0x201d ||
           c == 0x2019 || c == ')' || c == ']';
}

/* _BLANK_LINES matched at `i` (a line break, spaces or tabs, a line break, then any white space): the end of
 * the match, or -1. */
static Py_ssize_t blank_lines_at(const Text *t, Py_ssize_t i) {
    if (at(t, i) != '\n') return -1;
    Py_ssize_t j = i + 1;
    while (j < t->length) {
        Py_UCS4 c = at(t, j);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v' && c != 0x00a0) break;
        j++;
    }
    if (j >= t->length || at(t, j) != '\n') return -1;
    j++;
    while (j < t->length && Py_UNICODE_ISSPACE(at(t, j))) j++;
    return j;
}

/* _split_block: a block cut at the line breaks that end a paragraph (not soft wraps); blank paragraphs dropped
 * later. Line breaks are found with PyUnicode_FindChar, which scans fast. */
static int split_block(PyObject *text, const Text *t, Py_ssize_t start, Py_ssize_t end, Spans *out) {
    Py_ssize_t para_start = start, line_start = start;
    while (line_start < end) {
        Py_ssize_t newline = PyUnicode_FindChar(text, '\n', line_start, end, 1);
        if (newline == -2) return -1;
        if (newline < 0) break;
        Py_ssize_t line_end = newline; /* the line, right-stripped, is text[line_start:line_end] */
        while (line_end > line_start && Py_UNICODE_ISSPACE(at(t, line_end - 1))) line_end--;
        if (line_end > line_start) {
            Py_ssize_t next = newline + 1; /* the first character of what follows, left-stripped */
            while (next < end && Py_UNICODE_ISSPACE(at(t, next))) next++;
            int breaks = next >= end || closes_line(at(t, line_end - 1)) ||
                         (line_end - line_start < 50 && !Py_UNICODE_ISLOWER(at(t, next)));
            if (breaks) {
                if (push(out, para_start, newline) < 0) return -1;
                para_start = newline + 1;
            }
        }
        line_start = newline + 1;
    }
    return push(out, para_start, end);
}

/* ---- paragraphs already cut ------------------------------------------------------------------------------- */

/* Most paragraphs of a revision are those of the version before it, so `sentences` remembers the spans `cut` gave
 * each paragraph: a table indexed by a hash of the paragraph's characters as they stand in the text (no substring
 * is made, and no str hash computed, to find one), each slot holding one paragraph (the last one to land there)
 * as the str `cut` was given. The spans depend on the characters alone, so an equal paragraph has them already.
 * The table is emptied when `cut` is another function or when it holds MEMO_MOST_CHARACTERS of paragraphs. */
#define MEMO_SLOTS 4096
#define MEMO_MOST_CHARACTERS ((Py_ssize_t)32 << 20)

typedef struct {
    uint64_t hash;    /* of the characters as stored in a text of `kind` */
    int kind;
    PyObject *paragraph; /* NULL if the slot is empty */
    PyObject *spans;
} Memo;

static Memo memo[MEMO_SLOTS];
static PyObject *memo_cut; /* the `cut` the table holds answers of */
static Py_ssize_t memo_characters;

static void memo_clear(void) {
    for (Py_ssize_t k = 0; k < MEMO_SLOTS; k++) {
        Py_CLEAR(memo[k].paragraph);
        Py_CLEAR(memo[k].spans);
    }
    memo_characters = 0;
}

/* Are the `length` characters at `raw` (of `kind`) those of the str `paragraph` (which may be narrower: a
 * substring takes the narrowest kind its characters allow)? */
static int same_characters(PyObject *paragraph, int kind, const char *raw, Py_ssize_t length) {
    if (PyUnicode_GET_LENGTH(paragraph) != length) return 0;
    int stored = PyUnicode_KIND(paragraph);
    const void *data = PyUnicode_DATA(paragraph);
    if (stored == kind) return memcmp(data, raw, (size_t)length * (size_t)kind) == 0;
    for (Py_ssize_t i = 0; i < length; i++)
        if (PyUnicode_READ(stored, data, i) != PyUnicode_READ(kind, raw, i)) return 0;
    return 1;
}

/* The spans `cut` gives text[start:end] (new reference): remembered, or asked and remembered. */
static PyObject *paragraph_spans(PyObject *text, const Text *t, Py_ssize_t start, Py_ssize_t end, PyObject *cut) {
    if (cut != memo_cut) { /* (checked for each paragraph: `cut` may have run `sentences` with another cut) */
        memo_clear();
        Py_XSETREF(memo_cut, Py_NewRef(cut));
    }
    const char *raw = (const char *)t->data + start * t->kind;
    Py_ssize_t length = end - start;
    uint64_t hash = bytes_hash((const unsigned char *)raw, (size_t)length * (size_t)t->kind);
    Memo *m = &memo[hash % MEMO_SLOTS];
    if (m->paragraph != NULL && m->hash == hash && m->kind == t->kind && same_characters(m->paragraph, t->kind, raw, length))
        return Py_NewRef(m->spans);
    PyObject *paragraph = PyUnicode_Substring(text, start, end);
    if (paragraph == NULL) return NULL;
    PyObject *cuts = PyObject_CallOneArg(cut, paragraph);
    if (cuts != NULL && PyTuple_CheckExact(cuts) && memo_cut == cut && length <= MEMO_MOST_CHARACTERS / 64) {
        if (memo_characters + length > MEMO_MOST_CHARACTERS) memo_clear();
        m = &memo[hash % MEMO_SLOTS]; /* (the same slot: `cut` may have run this function) */
        if (m->paragraph != NULL) memo_characters -= PyUnicode_GET_LENGTH(m->paragraph);
        Py_XSETREF(m->paragraph, Py_NewRef(paragraph));
        Py_XSETREF(m->spans, Py_NewRef(cuts));
        m->hash = hash;
        m->kind = t->kind;
        memo_characters += length;
    }
    Py_DECREF(paragraph);
    return cuts;
}

/* sentences(text, cut, sentence_type) -> tuple: segment.py's `sentences`: the paragraphs of `text`, each cut into
 * sentences by `cut` (segment.cut_paragraph: spans relative to the paragraph; remembered, see above), as
 * `sentence_type` tuples (start, end, paragraph number). */
static PyObject *sentences(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyType_Check(args[2]) || !PyType_IsSubtype((PyTypeObject *)args[2], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "sentences(text, cut, sentence_type: a tuple type)");
        return NULL;
    }
    Text t;
    if (text_of(args[0], &t) < 0) return NULL;
    PyTypeObject *type = (PyTypeObject *)args[2];
    Spans blocks = {NULL, 0, 0};
    PyObject *found = PyList_New(0), *result = NULL;
    if (found == NULL) return NULL;
    Py_ssize_t block_start = 0, from = 0;
    while (from < t.length) {
        Py_ssize_t i = PyUnicode_FindChar(args[0], '\n', from, t.length, 1);
        if (i == -2) goto done;
        if (i < 0) break;
        Py_ssize_t after = blank_lines_at(&t, i);
        if (after < 0) {
            from = i + 1;
            continue;
        }
        if (split_block(args[0], &t, block_start, i, &blocks) < 0) goto done;
        block_start = from = after; /* the next match may start right where this one ends */
    }
    if (split_block(args[0], &t, block_start, t.length, &blocks) < 0) goto done;
    Py_ssize_t number = 0;
    for (Py_ssize_t k = 0; k < blocks.count; k++) {
        Py_ssize_t start = blocks.at[2 * k], end = blocks.at[2 * k + 1];
        Py_ssize_t first = start;
        while (first < end && Py_UNICODE_ISSPACE(at(&t, first))) first++;
        if (first == end) continue; /* a paragraph of white space only */
        PyObject *cuts = paragraph_spans(args[0], &t, start, end, args[1]);
        if (cuts == NULL) goto done;
        PyObject *fast = PySequence_Fast(cuts, "cut() must return a sequence of (start, end) pairs");
        Py_DECREF(cuts);
        if (fast == NULL) goto done;
        for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(fast); j++) {
            PyObject *pair = PySequence_Fast_GET_ITEM(fast, j);
            Py_ssize_t s_start = -1, s_end = -1;
            if (PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2 && PyLong_Check(PyTuple_GET_ITEM(pair, 0)) &&
                PyLong_Check(PyTuple_GET_ITEM(pair, 1))) {
                s_start = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 0));
                if (s_start >= 0) s_end = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 1)); /* (no call with an error set) */
            }
            if (s_start < 0 || s_end < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "cut() must give (start, end) pairs");
                Py_DECREF(fast);
                goto done;
            }
            PyObject *sentence = type->tp_alloc(type, 3);
            if (sentence == NULL) {
                Py_DECREF(fast);
                goto done;
            }
            PyObject *a = PyLong_FromSsize_t(start + s_start), *b = PyLong_FromSsize_t(start + s_end);
            PyObject *c = PyLong_FromSsize_t(number);
            if (a) PyTuple_SET_ITEM(sentence, 0, a);
            if (b) PyTuple_SET_ITEM(sentence, 1, b);
            if (c) PyTuple_SET_ITEM(sentence, 2, c);
            if (!a || !b || !c || PyList_Append(found, sentence) < 0) {
                Py_DECREF(sentence);
                Py_DECREF(fast);
                goto done;
            }
            Py_DECREF(sentence);
        }
        Py_DECREF(fast);
        number++;
    }
    result = PyList_AsTuple(found);
done:
    PyMem_Free(blocks.at);
    Py_DECREF(found);
    return result;
}

static PyMethodDef methods[] = {
    {"chunk", chunk, METH_O, "The paragraph as sentencex reads it: line breaks made spaces, apostrophes marked."},
    {"spans", (PyCFunction)(void (*)(void))spans, METH_FASTCALL,
     "Sentence spans of a paragraph from sentencex's segments of its chunk."},
    {"needs_sentencex", needs_sentencex, METH_O,
     "Could sentencex cut this chunk where our own rules would not? (text/own_cut.py)"},
    {"use_abbreviation_test", use_abbreviation_test, METH_O,
     "Hand over own_cut.sentencex_cuts_after, which the test of a short word before a quote mark asks."},
    {"own_cut", own_cut, METH_O, "None where needs_sentencex(chunk), else own_segments(chunk)."},
    {"cut_paragraph", (PyCFunction)(void (*)(void))cut_paragraph, METH_FASTCALL,
     "segment.cut_paragraph: chunk, own_cut or the sentencex_segments given, spans."},
    {"own_segments", own_segments, METH_O,
     "The chunk cut before each straight quote mark standing apart after a sentence mark (own_cut.own_segments)."},
    {"spaced_full_stop", spaced_full_stop, METH_O,
     "Is a full stop just after a white space character beyond ASCII? (segment.sentencex_would_panic)"},
    {"sentences", (PyCFunction)(void (*)(void))sentences, METH_FASTCALL,
     "The sentences of a text: its paragraphs, each cut by cut(), as (start, end, paragraph) tuples."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_sentences", NULL, -1, methods};

PyMODINIT_FUNC PyInit__sentences(void) { return PyModule_Create(&module); }
