/* The move finder of align/moves.py for the links of a two-version diff, in C: which links to mark as moved, so
 * that the rest keep one order on both sides. Same rule as `moved_edges` with the tie-break `pairwise._moves`
 * gives it: remove the link crossing the most others, then the one that travelled furthest, then the least
 * similar, then by the two texts in sorted order, then the earliest in A; repeat until nothing crosses.
 *
 * A link is (its first sentence in A, its first sentence in B, its score); sentences are indices into the two
 * versions' lists of comparison keys. Every link has its own A sentence and its own B sentence (links never share
 * one), so positions in A and in B can be bucketed rather than sorted. The Python in moves.py stays the reference
 * (tests/test_moves_native.py holds this to it with hypothesis) and runs when this helper is not built.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    Py_ssize_t *a, *b;   /* each link's first sentence in A and in B */
    double *score;
    Py_ssize_t *count;   /* how many links it still crosses */
    PyObject *keys_a, *keys_b;
} Links;

static int crosses(const Links *l, Py_ssize_t x, Py_ssize_t y) {
    return (l->a[x] < l->a[y]) != (l->b[x] < l->b[y]);
}

/* The two texts of a link in sorted order (borrowed references). */
static void texts(const Links *l, Py_ssize_t k, PyObject **low, PyObject **high) {
    PyObject *x = PyList_GET_ITEM(l->keys_a, l->a[k]);
    PyObject *y = PyList_GET_ITEM(l->keys_b, l->b[k]);
    int y_first = PyUnicode_Compare(y, x) < 0;
    *low = y_first ? y : x;
    *high = y_first ? x : y;
}

/* Is link x to be removed before link y? (moves._priority, smallest first.) Sets an error and returns -1 if the
 * texts cannot be compared. */
static int before(const Links *l, Py_ssize_t x, Py_ssize_t y) {
    if (l->count[x] != l->count[y]) return l->count[x] > l->count[y];
    Py_ssize_t dx = l->a[x] > l->b[x] ? l->a[x] - l->b[x] : l->b[x] - l->a[x];
    Py_ssize_t dy = l->a[y] > l->b[y] ? l->a[y] - l->b[y] : l->b[y] - l->a[y];
    if (dx != dy) return dx > dy;
    if (l->score[x] != l->score[y]) return l->score[x] < l->score[y];
    PyObject *low_x, *high_x, *low_y, *high_y;
    texts(l, x, &low_x, &high_x);
    texts(l, y, &low_y, &high_y);
    int order = PyUnicode_Compare(low_x, low_y);
    if (order == 0) order = PyUnicode_Compare(high_x, high_y);
    if (order == -1 && PyErr_Occurred()) return -1;
    if (order != 0) return order < 0;
    return l->a[x] < l->a[y];
}

/* Fenwick tree over ranks 1..n. */
static Py_ssize_t prefix(const Py_ssize_t *tree, Py_ssize_t r) {
    Py_ssize_t total = 0;
    for (; r > 0; r -= r & -r) total += tree[r];
    return total;
}

static void add(Py_ssize_t *tree, Py_ssize_t r, Py_ssize_t n) {
    for (; r <= n; r += r & -r) tree[r] += 1;
}

/* Greedy removal inside one block (`members` lists the links that cross something); removed links are added
 * to `removed`. Returns -1 on error. */
static int solve_block(Links *l, Py_ssize_t *members, Py_ssize_t alive, PyObject *removed) {
    while (alive > 0) {
        Py_ssize_t best = 0;
        for (Py_ssize_t k = 1; k < alive; k++) {
            int first = before(l, members[k], members[best]);
            if (first < 0) return -1;
            if (first) best = k;
        }
        Py_ssize_t gone = members[best];
        PyObject *index = PyLong_FromSsize_t(gone);
        if (index == NULL || PySet_Add(removed, index) < 0) {
            Py_XDECREF(index);
            return -1;
        }
        Py_DECREF(index);
        members[best] = members[--alive];
        Py_ssize_t kept = 0;
        for (Py_ssize_t k = 0; k < alive; k++) {
            Py_ssize_t j = members[k];
            if (crosses(l, gone, j)) l->count[j] -= 1;
            if (l->count[j]) members[kept++] = j;
        }
        alive = kept;
    }
    return 0;
}

static int read_positions(PyObject *list, Py_ssize_t n, Py_ssize_t limit, Py_ssize_t *out, Py_ssize_t *owner) {
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t v = PyLong_AsSsize_t(PyList_GET_ITEM(list, k));
        if (v == -1 && PyErr_Occurred()) return -1;
        if (v < 0 || v >= limit || owner[v] != -1) {
            PyErr_SetString(PyExc_ValueError, "link positions must be distinct sentence indices");
            return -1;
        }
        owner[v] = k;
        out[k] = v;
    }
    return 0;
}

static PyObject *moved(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "moved(a, b, scores, keys_a, keys_b)");
        return NULL;
    }
    for (int i = 0; i < 5; i++) {
        if (!PyList_Check(args[i])) {
            PyErr_SetString(PyExc_TypeError, "moved() takes five lists");
            return NULL;
        }
    }
    Py_ssize_t n = PyList_GET_SIZE(args[0]);
    Py_ssize_t size_a = PyList_GET_SIZE(args[3]), size_b = PyList_GET_SIZE(args[4]);
    if (PyList_GET_SIZE(args[1]) != n || PyList_GET_SIZE(args[2]) != n) {
        PyErr_SetString(PyExc_ValueError, "a, b and scores must have one entry per link");
        return NULL;
    }
    PyObject *removed = PySet_New(NULL);
    if (removed == NULL) return NULL;
    Links l = {NULL, NULL, NULL, NULL, args[3], args[4]};
    Py_ssize_t *by_a = PyMem_Malloc(sizeof(Py_ssize_t) * (size_a + 1));
    Py_ssize_t *by_b = PyMem_Malloc(sizeof(Py_ssize_t) * (size_b + 1));
    Py_ssize_t *rank = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    Py_ssize_t *tree = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    Py_ssize_t *order = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    Py_ssize_t *suffix_min = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    l.a = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    l.b = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    l.score = PyMem_Malloc(sizeof(double) * (n + 1));
    l.count = PyMem_Calloc(n + 1, sizeof(Py_ssize_t));
    if (!by_a || !by_b || !rank || !tree || !order || !suffix_min || !l.a || !l.b || !l.score || !l.count) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < size_a; i++) by_a[i] = -1;
    for (Py_ssize_t i = 0; i < size_b; i++) by_b[i] = -1;
    if (read_positions(args[0], n, size_a, l.a, by_a) < 0 || read_positions(args[1], n, size_b, l.b, by_b) < 0)
        goto fail;
    for (Py_ssize_t k = 0; k < n; k++) {
        l.score[k] = PyFloat_AsDouble(PyList_GET_ITEM(args[2], k));
        if (l.score[k] == -1.0 && PyErr_Occurred()) goto fail;
    }
    for (Py_ssize_t i = 0; i < size_a; i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(args[3], i))) goto not_text;
    }
    for (Py_ssize_t i = 0; i < size_b; i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(args[4], i))) goto not_text;
    }
    /* Links in A order, and each link's rank in B order (1-based). */
    Py_ssize_t seen = 0;
    for (Py_ssize_t i = 0; i < size_a; i++)
        if (by_a[i] >= 0) order[seen++] = by_a[i];
    seen = 0;
    for (Py_ssize_t i = 0; i < size_b; i++)
        if (by_b[i] >= 0) rank[by_b[i]] = ++seen;
    /* Crossing counts: earlier in A and later in B, then later in A and earlier in B. */
    for (Py_ssize_t p = 0; p < n; p++) {
        Py_ssize_t k = order[p];
        l.count[k] += p - prefix(tree, rank[k]);
        add(tree, rank[k], n);
    }
    for (Py_ssize_t r = 0; r <= n; r++) tree[r] = 0;
    for (Py_ssize_t p = n - 1; p >= 0; p--) {
        Py_ssize_t k = order[p];
        l.count[k] += prefix(tree, rank[k] - 1);
        add(tree, rank[k], n);
    }
    /* Blocks: cut where everything so far in A is also before everything after it in B. Each block's crossing
     * links are gathered at the front of `tree` (reused as scratch) and solved alone. */
    suffix_min[n] = PY_SSIZE_T_MAX;
    for (Py_ssize_t p = n - 1; p >= 0; p--) suffix_min[p] = l.b[order[p]] < suffix_min[p + 1] ? l.b[order[p]] : suffix_min[p + 1];
    Py_ssize_t prefix_max = -1, members = 0;
    for (Py_ssize_t p = 0; p < n; p++) {
        Py_ssize_t k = order[p];
        if (l.count[k]) tree[members++] = k;
        if (l.b[k] > prefix_max) prefix_max = l.b[k];
        if (prefix_max < suffix_min[p + 1]) {
            if (solve_block(&l, tree, members, removed) < 0) goto fail;
            members = 0;
        }
    }
    goto done;
not_text:
    PyErr_SetString(PyExc_TypeError, "comparison keys must be str");
fail:
    Py_CLEAR(removed);
done:
    PyMem_Free(by_a);
    PyMem_Free(by_b);
    PyMem_Free(rank);
    PyMem_Free(tree);
    PyMem_Free(order);
    PyMem_Free(suffix_min);
    PyMem_Free(l.a);
    PyMem_Free(l.b);
    PyMem_Free(l.score);
    PyMem_Free(l.count);
    return removed;
}

static PyMethodDef methods[] = {
    {"moved", (PyCFunction)(void (*)(void))moved, METH_FASTCALL,
     "moved(a, b, scores, keys_a, keys_b): the set of indices of the links to mark as moved."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_moves", NULL, -1, methods};

PyMODINIT_FUNC PyInit__moves(void) { return PyModule_Create(&module); }
