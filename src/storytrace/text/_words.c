/* Word tokens of ASCII text, for the two tokenisers the diff calls most: `normalise.words` (the aligner's words of
 * a comparison key) and `classify._token_words` (the classifier's words and marks). Each function here returns
 * exactly what the Python function returns for an ASCII string (tests/test_tokenising.py holds them to it), and
 * None for any other string, which the Python code then tokenises itself.
 *
 * Both Python functions split at white space, strip ASCII punctuation ("marks") off each chunk and keep a plain
 * alphanumeric core as one token; any other chunk goes through a regular expression, which in ASCII reads: a word
 * is a run of [A-Za-z0-9_], continued through one joining mark ("'", "-", ".", "," and, for the classifier, ":")
 * when another such run follows. The classifier also keeps every other mark as a token of its own.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* White space as str.split() sees it in ASCII: space, \t \n \v \f \r and the separators \x1c to \x1f. */
static inline int is_space(Py_UCS1 c) { return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f); }

static inline int is_alnum(Py_UCS1 c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* \w in ASCII. */
static inline int is_word(Py_UCS1 c) { return is_alnum(c) || c == '_'; }

/* ASCII punctuation: the printable characters that are neither alphanumeric nor the underscore. */
static inline int is_mark(Py_UCS1 c) { return c >= 33 && c <= 126 && !is_word(c); }

static int append_slice(PyObject *list, PyObject *text, Py_ssize_t start, Py_ssize_t end) {
    PyObject *piece = PyUnicode_Substring(text, start, end);
    if (piece == NULL) return -1;
    int status = PyList_Append(list, piece);
    Py_DECREF(piece);
    return status;
}

/* The end of the word that starts at `i` (a \w character): the run of \w, continued through a joining mark
 * followed by another run. */
static Py_ssize_t word_end(const Py_UCS1 *s, Py_ssize_t i, Py_ssize_t end, const char *joiners) {
    while (i < end && is_word(s[i])) i++;
    while (i + 1 < end && strchr(joiners, s[i]) != NULL && s[i] != '\0' && is_word(s[i + 1])) {
        i++;
        while (i < end && is_word(s[i])) i++;
    }
    return i;
}

/* Tokens of one chunk [start, end) by the regular expression: words, and (if `marks_too`) every other character
 * as a token of its own. */
static int scan_chunk(PyObject *list, PyObject *text, const Py_UCS1 *s, Py_ssize_t start, Py_ssize_t end,
                      const char *joiners, int marks_too) {
    Py_ssize_t i = start;
    while (i < end) {
        if (is_word(s[i])) {
            Py_ssize_t stop = word_end(s, i, end, joiners);
            if (append_slice(list, text, i, stop) < 0) return -1;
            i = stop;
        } else {
            if (marks_too && append_slice(list, text, i, i + 1) < 0) return -1;
            i++;
        }
    }
    return 0;
}

/* Tokenise `text` chunk by chunk; `marks_too` selects the classifier's rules. */
static PyObject *tokenise(PyObject *text, const char *joiners, int marks_too) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0) return NULL;
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && is_space(s[i])) i++;
        if (i >= n) break;
        Py_ssize_t chunk_start = i;
        while (i < n && !is_space(s[i])) i++;
        Py_ssize_t chunk_end = i;
        Py_ssize_t core_start = chunk_start, core_end = chunk_end;
        while (core_start < core_end && is_mark(s[core_start])) core_start++;
        while (core_end > core_start && is_mark(s[core_end - 1])) core_end--;
        int plain = core_start < core_end;
        for (Py_ssize_t k = core_start; plain && k < core_end; k++) plain = is_alnum(s[k]);
        int status = 0;
        if (plain) {
            for (Py_ssize_t k = chunk_start; marks_too && status == 0 && k < core_start; k++)
                status = append_slice(list, text, k, k + 1);
            if (status == 0) status = append_slice(list, text, core_start, core_end);
            for (Py_ssize_t k = core_end; marks_too && status == 0 && k < chunk_end; k++)
                status = append_slice(list, text, k, k + 1);
        } else if (core_start < core_end || marks_too) {
            /* A chunk of marks only (the classifier keeps each), or one the regular expression must cut. */
            status = scan_chunk(list, text, s, chunk_start, chunk_end, joiners, marks_too);
        }
        if (status < 0) {
            Py_DECREF(list);
            return NULL;
        }
    }
    return list;
}

static PyObject *key_words(PyObject *self, PyObject *text) { return tokenise(text, "'-.,", 0); }

static PyObject *classifier_words(PyObject *self, PyObject *text) { return tokenise(text, "'-.,:", 1); }

static PyMethodDef methods[] = {
    {"key_words", key_words, METH_O, "normalise.words for an ASCII string; None for any other string."},
    {"classifier_words", classifier_words, METH_O, "classify._token_words for an ASCII string; None otherwise."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_words", NULL, -1, methods};

PyMODINIT_FUNC PyInit__words(void) { return PyModule_Create(&module); }
