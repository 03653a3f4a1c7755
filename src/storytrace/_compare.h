/* How the C helpers compare words, written once for the three that do (text/_words.c makes the aligner's sentence
 * profiles, align/_scores.c scores them, _classify.c classifies edited links): a word's 64-bit hash over its code
 * points (alike in each, so a profile made by one is read right by another), the sort and search of hashes, the
 * aligner's stem of a word, and the longest common subsequence of two hash sequences. Included by each of those
 * files (static functions: every extension module has its own copy). */

#ifndef STORYTRACE_COMPARE_H
#define STORYTRACE_COMPARE_H

#include <Python.h>
#include <stdint.h>

#define HASH_START 0xcbf29ce484222325ULL

/* FNV-1a over code points... */
static inline uint64_t hash_step(uint64_t h, Py_UCS4 c) { return (h ^ c) * 0x100000001b3ULL; }

/* ...spread by a final mix (MurmurHash3's), so that the low bits of similar words differ too. */
static inline uint64_t hash_end(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

/* The hash of a whole str. */
static inline uint64_t hash_str(PyObject *word) {
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    uint64_t h = HASH_START;
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(word); i++) h = hash_step(h, PyUnicode_READ(kind, data, i));
    return hash_end(h);
}

static inline void sift_down(uint64_t *h, Py_ssize_t root, Py_ssize_t n) {
    uint64_t x = h[root];
    for (Py_ssize_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && h[child + 1] > h[child]) child++;
        if (h[child] <= x) break;
        h[root] = h[child];
    }
    h[root] = x;
}

/* Sorts h[0:n]: insertion for the few words of a sentence, a heap sort (no worst case) past that. */
static inline void sort_hashes(uint64_t *h, Py_ssize_t n) {
    if (n <= 32) {
        for (Py_ssize_t i = 1; i < n; i++) {
            uint64_t x = h[i];
            Py_ssize_t j = i;
            for (; j > 0 && h[j - 1] > x; j--) h[j] = h[j - 1];
            h[j] = x;
        }
        return;
    }
    for (Py_ssize_t root = n / 2 - 1; root >= 0; root--) sift_down(h, root, n);
    for (Py_ssize_t end = n - 1; end > 0; end--) {
        uint64_t top = h[0];
        h[0] = h[end];
        h[end] = top;
        sift_down(h, 0, end);
    }
}

/* Where `h` is in the sorted s[0:n], or -1. */
static inline Py_ssize_t find_hash(const uint64_t *s, Py_ssize_t n, uint64_t h) {
    Py_ssize_t low = 0, high = n;
    while (low < high) {
        Py_ssize_t middle = (low + high) / 2;
        if (s[middle] < h) low = middle + 1;
        else high = middle;
    }
    return low < n && s[low] == h ? low : -1;
}

/* The length of the aligner's stem (features._strip_suffix) of the word w[0:n] (a str's data of this kind): always a
 * prefix of it. */
static inline int ends_with_ascii(int kind, const void *w, Py_ssize_t n, const char *suffix, Py_ssize_t length) {
    if (n < length) return 0;
    for (Py_ssize_t k = 0; k < length; k++)
        if (PyUnicode_READ(kind, w, n - length + k) != (Py_UCS4)(unsigned char)suffix[k]) return 0;
    return 1;
}

static inline Py_ssize_t stem_length(int kind, const void *w, Py_ssize_t n) {
    static const char *const suffixes[] = {"ings", "ing", "edly", "ed", "ies", "es", "s", "ly"};
    static const Py_ssize_t lengths[] = {4, 3, 4, 2, 3, 2, 1, 2};
    if (ends_with_ascii(kind, w, n, "'s", 2)) n -= 2;
    Py_UCS4 last = n > 0 ? PyUnicode_READ(kind, w, n - 1) : 0;
    if (last == 's' || last == 'g' || last == 'y' || last == 'd') { /* (the last letters of the suffixes) */
        for (size_t k = 0; k < sizeof lengths / sizeof *lengths; k++) {
            if (n > lengths[k] + 3 && ends_with_ascii(kind, w, n, suffixes[k], lengths[k])) {
                n -= lengths[k];
                break;
            }
        }
    }
    if (n > 4 && PyUnicode_READ(kind, w, n - 1) == 'e') n -= 1;
    return n;
}

/* The length of the longest common subsequence of x[0:n] (n > 0) and y[0:m], by Hyyro's bit-parallel method:
 * bit i of a block vector stands for position i of x; for each symbol of y, its positions in x (`match`) update S as
 * S = (S + U) | (S - U), U = S & match; the positions whose bit ends cleared are those of a longest common
 * subsequence. If `rows` is not NULL it receives S after each symbol of y (m times (n + 63) / 64 words), from which
 * an alignment is read back. -1 if memory ran out (the exception set). Callers bound n x m themselves. */
static inline Py_ssize_t bit_parallel_lcs(const uint64_t *x, Py_ssize_t n, const uint64_t *y, Py_ssize_t m,
                                          uint64_t *rows) {
    Py_ssize_t blocks = (n + 63) / 64, result = -1;
    /* The distinct symbols of x, sorted, each with its block vector of positions. */
    uint64_t *symbols = PyMem_Malloc((size_t)n * sizeof *symbols);
    uint64_t *masks = PyMem_Calloc((size_t)(n * blocks), sizeof *masks);
    uint64_t *s = PyMem_Malloc((size_t)blocks * sizeof *s);
    if (symbols == NULL || masks == NULL || s == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(symbols, x, (size_t)n * sizeof *symbols);
    sort_hashes(symbols, n);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (distinct == 0 || symbols[distinct - 1] != symbols[i]) symbols[distinct++] = symbols[i];
    for (Py_ssize_t i = 0; i < n; i++)
        masks[find_hash(symbols, distinct, x[i]) * blocks + i / 64] |= (uint64_t)1 << (i % 64);
    for (Py_ssize_t b = 0; b < blocks; b++) s[b] = ~(uint64_t)0;
    for (Py_ssize_t j = 0; j < m; j++) {
        Py_ssize_t at = find_hash(symbols, distinct, y[j]);
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
        if (rows != NULL) memcpy(rows + j * blocks, s, (size_t)blocks * sizeof *s);
    }
    result = 0;
    for (Py_ssize_t b = 0; b < blocks; b++) {
        uint64_t kept = ~s[b];
        if (b == blocks - 1 && n % 64) kept &= ((uint64_t)1 << (n % 64)) - 1;
        result += __builtin_popcountll(kept);
    }
done:
    PyMem_Free(symbols);
    PyMem_Free(masks);
    PyMem_Free(s);
    return result;
}

#endif
