/* The classifier's word diff in C: the opcodes rapidfuzz's `Indel.opcodes` gives for two lists of str, without
 * its per-call costs (classify.py asks for one per edited link).
 *
 * The alignment is the one rapidfuzz documents and computes: the common prefix and suffix are set aside, the
 * longest common subsequence of the middle is counted by Hyyro's bit-parallel method keeping the bit vector after
 * each word of the second list, and the edit operations are read back from the end, preferring at each step a
 * deletion, then an insertion, then a match. Runs of one operation become one opcode, with "equal" opcodes between
 * them. Words are compared by 64-bit hashes of their code points (rapidfuzz compares them by their Python hashes).
 * classify.py holds this to rapidfuzz (tests/test_opcodes_native.py) and uses rapidfuzz when this is not built, or
 * for two lists too long to align here (None).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define LONGEST (1 << 22)

static PyObject *tag_equal, *tag_delete, *tag_insert;

static uint64_t hash_word(PyObject *word) {
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(word); i++) h = (h ^ PyUnicode_READ(kind, data, i)) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static int compare_hashes(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static Py_ssize_t find(const uint64_t *s, Py_ssize_t n, uint64_t h) {
    Py_ssize_t low = 0, high = n;
    while (low < high) {
        Py_ssize_t middle = (low + high) / 2;
        if (s[middle] < h) low = middle + 1;
        else high = middle;
    }
    return low < n && s[low] == h ? low : -1;
}

typedef struct {
    char tag; /* 'd' or 'i' */
    Py_ssize_t src, dest;
} Edit;

/* Appends the opcode (tag, s0, s1, d0, d1); -1 on error. */
static int add(PyObject *list, PyObject *tag, Py_ssize_t s0, Py_ssize_t s1, Py_ssize_t d0, Py_ssize_t d1) {
    PyObject *opcode = Py_BuildValue("(Onnnn)", tag, s0, s1, d0, d1);
    if (opcode == NULL) return -1;
    int status = PyList_Append(list, opcode);
    Py_DECREF(opcode);
    return status;
}

/* The edits turning x[0:n] into y[0:m] (middles, without common prefix and suffix), positions offset by `shift`,
 * into `edits` (room for n + m); returns how many, -1 if too long to align here, -2 on an error. */
static Py_ssize_t middle_edits(const uint64_t *x, Py_ssize_t n, const uint64_t *y, Py_ssize_t m, Py_ssize_t shift,
                               Edit *edits) {
    if (n > 64 && (double)n * (double)m > LONGEST) return -1;
    Py_ssize_t blocks = n > 0 ? (n + 63) / 64 : 1, result = -2;
    uint64_t *symbols = PyMem_Malloc(((size_t)n + 1) * sizeof *symbols);
    uint64_t *masks = PyMem_Calloc((size_t)(n * blocks) + 1, sizeof *masks);
    uint64_t *rows = PyMem_Malloc(((size_t)(m * blocks) + 1) * sizeof *rows); /* S after each word of y */
    uint64_t *s = PyMem_Malloc((size_t)blocks * sizeof *s);
    if (symbols == NULL || masks == NULL || rows == NULL || s == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t common = 0;
    if (n > 0) {
        memcpy(symbols, x, (size_t)n * sizeof *symbols);
        qsort(symbols, (size_t)n, sizeof *symbols, compare_hashes);
        Py_ssize_t distinct = 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (distinct == 0 || symbols[distinct - 1] != symbols[i]) symbols[distinct++] = symbols[i];
        for (Py_ssize_t i = 0; i < n; i++)
            masks[find(symbols, distinct, x[i]) * blocks + i / 64] |= (uint64_t)1 << (i % 64);
        for (Py_ssize_t b = 0; b < blocks; b++) s[b] = ~(uint64_t)0;
        for (Py_ssize_t j = 0; j < m; j++) {
            Py_ssize_t at = find(symbols, distinct, y[j]);
            if (at >= 0) {
                const uint64_t *match = masks + at * blocks;
                uint64_t carry = 0;
                for (Py_ssize_t b = 0; b < blocks; b++) {
                    uint64_t u = s[b] & match[b], sum = s[b] + u, out = sum < u;
                    sum += carry;
                    out |= sum < carry;
                    s[b] = sum | (s[b] - u);
                    carry = out;
                }
            }
            memcpy(rows + j * blocks, s, (size_t)blocks * sizeof *s);
        }
        for (Py_ssize_t b = 0; b < blocks; b++) {
            uint64_t kept = ~s[b];
            if (b == blocks - 1 && n % 64) kept &= ((uint64_t)1 << (n % 64)) - 1;
            common += __builtin_popcountll(kept);
        }
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
    result = count;
done:
    PyMem_Free(symbols);
    PyMem_Free(masks);
    PyMem_Free(rows);
    PyMem_Free(s);
    return result;
}

/* opcodes(a, b) -> list of (tag, s0, s1, d0, d1) | None: Indel.opcodes(a, b).as_list() for two lists of str. */
static PyObject *opcodes(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[0]) || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "opcodes(a: list[str], b: list[str])");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(args[0]), m = PyList_GET_SIZE(args[1]);
    uint64_t *hashes = PyMem_Malloc(((size_t)(n + m) + 1) * sizeof *hashes);
    Edit *edits = PyMem_Malloc(((size_t)(n + m) + 1) * sizeof *edits);
    PyObject *found = NULL;
    if (hashes == NULL || edits == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n + m; k++) {
        PyObject *word = k < n ? PyList_GET_ITEM(args[0], k) : PyList_GET_ITEM(args[1], k - n);
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "opcodes: the lists must hold str");
            goto done;
        }
        hashes[k] = hash_word(word);
    }
    const uint64_t *a = hashes, *b = hashes + n;
    Py_ssize_t prefix = 0, suffix = 0;
    while (prefix < n && prefix < m && a[prefix] == b[prefix]) prefix++;
    while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix]) suffix++;
    Py_ssize_t count = middle_edits(a + prefix, n - prefix - suffix, b + prefix, m - prefix - suffix, prefix, edits);
    if (count == -1) {
        found = Py_NewRef(Py_None);
        goto done;
    }
    if (count < 0 || (found = PyList_New(0)) == NULL) goto done;
    /* Editops.as_opcodes */
    Py_ssize_t src = 0, dest = 0, i = 0;
    while (i < count) {
        if (src < edits[i].src || dest < edits[i].dest) {
            if (add(found, tag_equal, src, edits[i].src, dest, edits[i].dest) < 0) goto failed;
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
        if (add(found, tag == 'i' ? tag_insert : tag_delete, src_begin, src, dest_begin, dest) < 0) goto failed;
    }
    if ((src < n || dest < m) && add(found, tag_equal, src, n, dest, m) < 0) goto failed;
    goto done;
failed:
    Py_CLEAR(found);
done:
    PyMem_Free(hashes);
    PyMem_Free(edits);
    return found;
}

static PyMethodDef methods[] = {
    {"opcodes", (PyCFunction)(void (*)(void))opcodes, METH_FASTCALL,
     "Indel.opcodes(a, b).as_list() for two lists of str; None if both are too long to align here."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_opcodes", NULL, -1, methods};

PyMODINIT_FUNC PyInit__opcodes(void) {
    tag_equal = PyUnicode_InternFromString("equal");
    tag_delete = PyUnicode_InternFromString("delete");
    tag_insert = PyUnicode_InternFromString("insert");
    if (tag_equal == NULL || tag_delete == NULL || tag_insert == NULL) return NULL;
    return PyModule_Create(&module);
}
