/* The HTML fragment reader of ingest/fragment.py, in C, for the fragments archives mostly hold: paragraphs marked by
 * <p> and </p> and no other markup (NewsEdits' and diffengine's summaries). For such a fragment the Python splits at
 * those tags, decodes the entities of each part (html.unescape, passed in and called only for a part with a "&"),
 * and keeps each part that has words as its words one space apart (" ".join(part.split())); so does this, in one
 * pass, without regular expressions. Any other "<" (another tag, a comment, a tag in capitals or with attributes)
 * and a fragment with no markup at all give None: the Python reads those, and stays the reference
 * (tests/test_ingest_formats.py holds this to it with hypothesis).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "../_bytes.h"

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t length;
} Text;

static inline Py_UCS4 at(const Text *t, Py_ssize_t i) { return PyUnicode_READ(t->kind, t->data, i); }

/* Is there the ASCII `tag` at t[i:]? */
static int tag_at(const Text *t, Py_ssize_t i, const char *tag) {
    for (Py_ssize_t k = 0; tag[k]; k++)
        if (i + k >= t->length || at(t, i + k) != (Py_UCS4)(unsigned char)tag[k]) return 0;
    return 1;
}

/* Are the words of t[start:end] one space apart already (no white space but single spaces between words)? One-byte
 * text is read eight characters at a time while they are ASCII with no control character and no two spaces. */
static int single_spaced(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    if (start == end) return 0;
    Py_UCS4 previous = ' ';
    Py_ssize_t i = start;
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *s = t->data;
        for (; i + 8 <= end; i += 8) {
            uint64_t x = load8(s + i), spaces = bytes_equal(x, ' ');
            if (any_byte_below(x, 0x20) | (x & HIGHS) | (spaces & (spaces << 8)) | (previous == ' ' ? spaces & 0x80 : 0))
                break; /* the character loop decides from here */
            previous = s[i + 7];
        }
    }
    for (; i < end; i++) {
        Py_UCS4 c = at(t, i);
        if (c == ' ' ? previous == ' ' : Py_UNICODE_ISSPACE(c)) return 0;
        previous = c;
    }
    return previous != ' ';
}

/* " ".join(t[start:end].split()) as a new str, or NULL with an exception set. */
static PyObject *words_joined(PyObject *source, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    if (single_spaced(t, start, end)) return PyUnicode_Substring(source, start, end);
    Py_UCS4 *out = PyMem_Malloc(((size_t)(end - start) + 1) * sizeof *out);
    if (out == NULL) return PyErr_NoMemory();
    Py_ssize_t n = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = at(t, i);
        if (!Py_UNICODE_ISSPACE(c)) out[n++] = c;
        else if (n > 0 && out[n - 1] != ' ') out[n++] = ' ';
    }
    if (n > 0 && out[n - 1] == ' ') n--;
    PyObject *made = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n);
    PyMem_Free(out);
    return made;
}

/* Appends the paragraph that source[start:end] (a part between tags) makes, if it has words. */
static int add_part(PyObject *paragraphs, PyObject *source, const Text *t, Py_ssize_t start, Py_ssize_t end,
                    PyObject *unescape) {
    PyObject *words;
    if (PyUnicode_FindChar(source, '&', start, end, 1) >= 0) {
        PyObject *part = PyUnicode_Substring(source, start, end);
        PyObject *decoded = part != NULL ? PyObject_CallOneArg(unescape, part) : NULL;
        Py_XDECREF(part);
        if (decoded == NULL) return -1;
        if (!PyUnicode_Check(decoded) || PyUnicode_READY(decoded) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "unescape() must return a str");
            Py_DECREF(decoded);
            return -1;
        }
        Text d = {PyUnicode_KIND(decoded), PyUnicode_DATA(decoded), PyUnicode_GET_LENGTH(decoded)};
        words = words_joined(decoded, &d, 0, d.length);
        Py_DECREF(decoded);
    } else {
        words = words_joined(source, t, start, end);
    }
    if (words == NULL) return -1;
    int status = PyUnicode_GET_LENGTH(words) > 0 ? PyList_Append(paragraphs, words) : 0;
    Py_DECREF(words);
    return status;
}

/* paragraphs(fragment, unescape) -> str | None: fragment.python_fragment_text of a fragment whose only markup is
 * <p> and </p> (paragraphs separated by a blank line); None for any other fragment. */
static PyObject *paragraphs(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyCallable_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "paragraphs(fragment: str, unescape)");
        return NULL;
    }
    PyObject *source = args[0];
    if (PyUnicode_READY(source) < 0) return NULL;
    Text t = {PyUnicode_KIND(source), PyUnicode_DATA(source), PyUnicode_GET_LENGTH(source)};
    Py_ssize_t open = PyUnicode_FindChar(source, '<', 0, t.length, 1);
    if (open == -2) return NULL;
    if (open < 0) Py_RETURN_NONE; /* no markup: the Python keeps its line breaks */
    PyObject *found = PyList_New(0), *result = NULL;
    if (found == NULL) return NULL;
    Py_ssize_t part_start = 0;
    while (open >= 0) {
        Py_ssize_t tag_length = tag_at(&t, open, "<p>") ? 3 : tag_at(&t, open, "</p>") ? 4 : 0;
        if (tag_length == 0) {
            result = Py_NewRef(Py_None); /* other markup: the Python's */
            goto done;
        }
        if (add_part(found, source, &t, part_start, open, args[1]) < 0) goto done;
        part_start = open + tag_length;
        open = PyUnicode_FindChar(source, '<', part_start, t.length, 1);
        if (open == -2) goto done;
    }
    if (add_part(found, source, &t, part_start, t.length, args[1]) < 0) goto done;
    PyObject *separator = PyUnicode_FromString("\n\n");
    if (separator == NULL) goto done;
    result = PyUnicode_Join(separator, found);
    Py_DECREF(separator);
done:
    Py_DECREF(found);
    return result;
}

static PyMethodDef methods[] = {
    {"paragraphs", (PyCFunction)(void (*)(void))paragraphs, METH_FASTCALL,
     "The text of a fragment marked up with <p> and </p> alone (None for any other)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fragment", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fragment(void) { return PyModule_Create(&module); }
