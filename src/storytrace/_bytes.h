/* Eight bytes at a time, in a 64-bit word (little-endian: the first character in the low byte): the scans of
 * text/_words.c and ingest/_fragment.c that look for the rare character in long runs of plain ones, and the hash
 * by which text/_sentences.c and align/_scores.c find a str by its characters. */

#ifndef STORYTRACE_BYTES_H
#define STORYTRACE_BYTES_H

#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the eight-byte scans read the first character in the low byte: a little-endian machine is needed"
#endif

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The high bit of each byte of x that equals `c` (exact for every byte). */
static inline uint64_t bytes_equal(uint64_t x, unsigned char c) {
    uint64_t t = x ^ (ONES * c);
    return ~(((t & ~HIGHS) + ~HIGHS) | t) & HIGHS;
}

/* Not zero if a byte of x is below n (n at most 128): a test for the whole word, not per byte. */
static inline uint64_t any_byte_below(uint64_t x, unsigned char n) { return (x - ONES * n) & ~x & HIGHS; }

static inline uint64_t load8(const unsigned char *s) {
    uint64_t x;
    memcpy(&x, s, 8);
    return x;
}

/* A 64-bit hash of n bytes, eight at a time (a multiply and a shift per word, mixed at the end): for tables that
 * find a str by its characters as stored (equal str have equal kind, length and bytes). */
static inline uint64_t bytes_hash(const unsigned char *p, size_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        h = (h ^ load8(p)) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (n > 0) {
        uint64_t word = 0;
        memcpy(&word, p, n);
        h = (h ^ word) * 0xff51afd7ed558ccdULL;
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

#endif
