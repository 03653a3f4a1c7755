/* Word hashes shared by the C helpers that compare words by hash (text/_words.c makes the aligner's sentence
 * profiles with them, align/_scores.c and _classify.c compare them): one word hashes alike in each, over its code
 * points, so a profile made by one is read right by another. Also the sort and search those comparisons need.
 * Included by each of those files (static functions: every extension module has its own copy). */

#ifndef STORYTRACE_HASHES_H
#define STORYTRACE_HASHES_H

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

#endif
