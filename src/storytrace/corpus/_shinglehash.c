/* Word-shingle hashes for the corpus index, computed over a document's bytes without making a bytes object per
 * shingle.
 *
 * Input: documents already folded and translated by storytrace.corpus.shingles (lower case, punctuation and white
 * space turned into ASCII spaces, UTF-8), so a word is a run of bytes other than 0x20. A shingle is `size`
 * consecutive words joined by one space (a document of `size` words or fewer is one shingle of all of them), as
 * `shingles.shingles` builds it. Each shingle's bytes are hashed with the 64-bit byte hash rensa applies to the
 * tokens it is given, so the MinHash signatures made from these hashes equal those made from the shingles
 * themselves. shingles.py checks that equality against rensa when it loads this module and does not use it if
 * they differ (another rensa version).
 *
 * shingle_hashes(docs: list[bytes], size: int) -> (hashes: bytes, offsets: bytes)
 *   hashes: every shingle's hash, document after document, as native unsigned 64-bit integers;
 *   offsets: len(docs) + 1 native unsigned 64-bit integers, document k's hashes are [offsets[k], offsets[k+1]).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MIX_K 0xf1357aea2e62a9c5ULL
#define SEED_0 0x243f6a8885a308d3ULL
#define SEED_1 0x13198a2e03707344ULL
#define NO_ZERO_COLLAPSE 0xa4093822299f31d0ULL

static inline uint64_t read64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8); /* little-endian hosts only: checked at module load */
    return v;
}

static inline uint64_t read32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The high and low halves of the 128-bit product, xor-ed together. */
static inline uint64_t folded_multiply(uint64_t x, uint64_t y) {
    unsigned __int128 full = (unsigned __int128)x * y;
    return (uint64_t)full ^ (uint64_t)(full >> 64);
}

static uint64_t hash_bytes(const unsigned char *p, size_t len) {
    uint64_t s0 = SEED_0, s1 = SEED_1;
    if (len <= 16) {
        if (len >= 8) {
            s0 ^= read64(p);
            s1 ^= read64(p + len - 8);
        } else if (len >= 4) {
            s0 ^= read32(p);
            s1 ^= read32(p + len - 4);
        } else if (len > 0) {
            s0 ^= p[0];
            s1 ^= ((uint64_t)p[len - 1] << 8) | p[len / 2];
        }
    } else {
        size_t off = 0;
        while (off < len - 16) {
            uint64_t t = folded_multiply(s0 ^ read64(p + off), NO_ZERO_COLLAPSE ^ read64(p + off + 8));
            s0 = s1;
            s1 = t;
            off += 16;
        }
        s0 ^= read64(p + len - 16);
        s1 ^= read64(p + len - 8);
    }
    uint64_t h = (folded_multiply(s0, s1) ^ (uint64_t)len) * MIX_K;
    return (h << 26) | (h >> 38);
}

/* A growable array of uint64_t. */
typedef struct {
    uint64_t *data;
    size_t len, cap;
} U64s;

static int push(U64s *a, uint64_t v) {
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4096;
        uint64_t *grown = PyMem_Realloc(a->data, cap * sizeof(uint64_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        a->data = grown;
        a->cap = cap;
    }
    a->data[a->len++] = v;
    return 0;
}

/* Copy the words of `src` into `out` separated by single spaces; record where each word starts and ends in
 * `out`. Returns the number of words, or -1 (memory error). */
static Py_ssize_t compact_words(const unsigned char *src, Py_ssize_t n, unsigned char *out, Py_ssize_t *starts,
                                Py_ssize_t *ends) {
    Py_ssize_t count = 0, w = 0, i = 0;
    while (i < n) {
        while (i < n && src[i] == ' ') i++;
        if (i >= n) break;
        if (count) out[w++] = ' ';
        starts[count] = w;
        while (i < n && src[i] != ' ') out[w++] = src[i++];
        ends[count++] = w;
    }
    return count;
}

static int hash_document(PyObject *doc, Py_ssize_t size, U64s *hashes) {
    char *src;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(doc, &src, &n) < 0) return -1;
    if (n == 0) return 0;
    /* At most (n + 1) / 2 words fit in n bytes. */
    Py_ssize_t most = (n + 1) / 2 + 1;
    unsigned char *out = PyMem_Malloc((size_t)n + 1);
    Py_ssize_t *starts = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)most);
    Py_ssize_t *ends = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)most);
    int status = 0;
    if (out == NULL || starts == NULL || ends == NULL) {
        PyErr_NoMemory();
        status = -1;
        goto done;
    }
    Py_ssize_t words = compact_words((const unsigned char *)src, n, out, starts, ends);
    if (words == 0) goto done;
    if (words <= size) {
        status = push(hashes, hash_bytes(out, (size_t)ends[words - 1]));
        goto done;
    }
    for (Py_ssize_t i = 0; i + size <= words; i++) {
        Py_ssize_t from = starts[i], to = ends[i + size - 1];
        if (push(hashes, hash_bytes(out + from, (size_t)(to - from))) < 0) {
            status = -1;
            break;
        }
    }
done:
    PyMem_Free(out);
    PyMem_Free(starts);
    PyMem_Free(ends);
    return status;
}

static PyObject *shingle_hashes(PyObject *self, PyObject *args) {
    PyObject *docs;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "O!n:shingle_hashes", &PyList_Type, &docs, &size)) return NULL;
    if (size < 1) {
        PyErr_SetString(PyExc_ValueError, "size must be at least 1");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(docs);
    U64s hashes = {NULL, 0, 0};
    uint64_t *offsets = PyMem_Malloc(sizeof(uint64_t) * (size_t)(count + 1));
    PyObject *result = NULL;
    if (offsets == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    offsets[0] = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        if (hash_document(PyList_GET_ITEM(docs, k), size, &hashes) < 0) goto done;
        offsets[k + 1] = hashes.len;
    }
    result = Py_BuildValue("(y#y#)", (const char *)hashes.data, (Py_ssize_t)(hashes.len * sizeof(uint64_t)),
                           (const char *)offsets, (Py_ssize_t)((count + 1) * sizeof(uint64_t)));
done:
    PyMem_Free(hashes.data);
    PyMem_Free(offsets);
    return result;
}

static PyObject *hash_token(PyObject *self, PyObject *arg) {
    char *data;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(arg, &data, &n) < 0) return NULL;
    return PyLong_FromUnsignedLongLong(hash_bytes((const unsigned char *)data, (size_t)n));
}

static PyMethodDef methods[] = {
    {"shingle_hashes", shingle_hashes, METH_VARARGS, "Hashes of every document's word shingles, and offsets."},
    {"hash_token", hash_token, METH_O, "The 64-bit hash of one token's bytes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_shinglehash", NULL, -1, methods};

PyMODINIT_FUNC PyInit__shinglehash(void) {
    const uint16_t probe = 1;
    if (*(const unsigned char *)&probe != 1) {
        PyErr_SetString(PyExc_ImportError, "_shinglehash supports little-endian machines only");
        return NULL;
    }
    return PyModule_Create(&module);
}
